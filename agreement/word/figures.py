"""Figures from content: a picture scaled to the text width with its alt text, a numbered caption, SVG as PNG."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from docx.image.image import Image
from docx.image.jpeg import Jpeg
from docx.image.png import Png
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.shape import CT_Inline
from docx.parts.document import DocumentPart
from docx.shared import Emu
from lxml import etree

from agreement.errors import ToolError
from agreement.i18n import _
from agreement.i18n import number as written_number
from agreement.images import NATURAL_DPI, ImageInfo, figure_path, probe, read_figure
from agreement.namespaces import WP_NS
from agreement.word.ooxml import el, field_runs, paragraph, run, w

EMU_PER_INCH = 914_400
SVG_DPI = 300  # an SVG is drawn at print resolution for the size it is shown at
MAX_SVG_PIXELS = 4_000
CAPTION_ROOM_EMU = int(2.5 / 2.54 * EMU_PER_INCH)  # the caption and a line of text stay on the figure's page
SEQ = "SEQ Figur \\* ARABIC"


def figure(part: DocumentPart, root: Path, src: str, alt: str, caption: str, *, body_style: str,
           caption_style: str) -> list[etree._Element]:
    """The paragraphs of one figure: the picture (kept with its caption) and 'Figur N: caption' with a SEQ field.

    The number is set by number_figures once the whole document is rendered. `check` has made sure the
    file is a usable PNG, JPEG or SVG inside `root`.
    """
    path = figure_path(root, src)
    data, info = read_figure(path, src)
    width, height = _display_size(part, info)
    if info.kind == "svg":
        data = svg_to_png(data, min(MAX_SVG_PIXELS, round(width / EMU_PER_INCH * SVG_DPI)), src)
        info = probe(data)
    return captioned(part, data, info, width, height, alt, path.name, caption, body_style=body_style,
                     caption_style=caption_style)


def captioned(part: DocumentPart, data: bytes, info: ImageInfo, width: int, height: int, alt: str, name: str,
              caption: str, *, body_style: str, caption_style: str) -> list[etree._Element]:
    """The picture `data`, `width` x `height` EMU with alt text `alt`, kept with its caption 'Figur N: caption'."""
    inline = _picture(part, data, info, width, height)
    inline.docPr.set("descr", alt)
    inline.docPr.set("name", name)
    picture = paragraph(body_style, el("r", None, el("drawing", None, inline)))
    ppr = picture[0]
    ppr.append(el("keepNext"))
    ppr.append(el("jc", {"val": "center"}))
    label = paragraph(caption_style, run("Figur "), *field_runs(SEQ, "1"), *([run(f": {caption}")] if caption else []))
    label[0].append(el("jc", {"val": "center"}))
    return [picture, label]


def _picture(part: DocumentPart, data: bytes, info: ImageInfo, width: int, height: int) -> CT_Inline:
    """A w:inline showing the picture, its image part shared with any picture of the same bytes.

    python-docx is told the type and size `check` read instead of reading the header itself: its reader knows
    JPEGs only with a JFIF or Exif header (not Adobe's, from print workflows) and fails on some that Word opens.
    """
    header = (Jpeg if info.kind == "jpeg" else Png)(int(info.width), int(info.height), 72, 72)
    image = Image(data, f"image.{header.default_ext}", header)
    parts = part.package.image_parts
    image_part = next((p for p in parts if p.sha1 == image.sha1), None) or parts._add_image_part(image)
    rid = part.relate_to(image_part, RELATIONSHIP_TYPE.IMAGE)
    return CT_Inline.new_pic_inline(part.next_id, rid, image.filename, Emu(width), Emu(height))


def _display_size(part: DocumentPart, info: ImageInfo) -> tuple[int, int]:
    """Width and height in EMU: the natural size (pixels at 150 dpi; an SVG's own size), at most the text width
    and a page's height less the caption, keeping the aspect ratio."""
    per_pixel = EMU_PER_INCH / (96 if info.kind == "svg" else NATURAL_DPI)
    max_width, max_height = _text_box(part)
    width = min(info.width * per_pixel, max_width)
    height = width * info.height / info.width
    if height > max_height:
        height = max_height
        width = height * info.width / info.height
    return max(1, round(width)), max(1, round(height))


def _text_box(part: DocumentPart) -> tuple[int, int]:
    """The last section's text width and height in EMU (16 x 22 cm when the template gives none)."""
    section = part.document.sections[-1]
    try:
        width = section.page_width - section.left_margin - section.right_margin
        height = section.page_height - section.top_margin - section.bottom_margin - CAPTION_ROOM_EMU
    except TypeError:  # a size the template leaves out
        return int(16 / 2.54 * EMU_PER_INCH), int(22 / 2.54 * EMU_PER_INCH)
    return int(width), int(height)


def svg_to_png(svg: bytes, width_px: int, shown: str, *, timeout: float = 60) -> bytes:
    """Draw an SVG as a PNG `width_px` wide with librsvg's rsvg-convert; ToolError saying what to install or what failed."""
    exe = shutil.which("rsvg-convert")
    if exe is None:
        raise ToolError(_("rsvg-convert is not installed, so the SVG figure {figure} cannot be drawn; install it with: "
                          "sudo apt-get install librsvg2-bin (or run 'make build'), or save the figure as PNG").format(figure=shown))
    try:
        result = subprocess.run([exe, "--format=png", f"--width={max(1, width_px)}", "--keep-aspect-ratio"],
                                input=svg, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise ToolError(_("rsvg-convert did not finish drawing the SVG figure {figure} within {seconds} seconds").format(
            figure=shown, seconds=written_number(timeout))) from None
    if result.returncode != 0 or not result.stdout.startswith(b"\x89PNG"):
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        message = (_("the SVG figure {figure} cannot be drawn: {reason}; open it in a drawing program and save it again, "
                     "or save it as PNG") if detail else
                   _("the SVG figure {figure} cannot be drawn; open it in a drawing program and save it again, or save it as PNG"))
        raise ToolError(message.format(figure=shown, reason=detail[-1] if detail else ""))
    return result.stdout


def number_figures(body: etree._Element) -> None:
    """Number the document's figures in reading order: every SEQ Figur field's shown number, and unique picture ids.

    Word and LibreOffice count SEQ fields themselves when they lay out the page; the stored number is what a
    reader that does not (text extraction, previews) shows, and the template's own caption is counted too.
    """
    count = 0
    state = None  # None outside a field; "instr" while reading its instruction; "seq"/"other" once past "separate"
    instruction: list[str] = []
    first_result = True
    for node in body.iter(w("fldChar"), w("instrText"), w("t")):
        tag = etree.QName(node).localname
        if tag == "fldChar":
            kind = node.get(w("fldCharType"))
            if kind == "begin":
                state, instruction = "instr", []
            elif kind == "separate" and state == "instr":
                is_seq = " ".join("".join(instruction).split()[:2]) == "SEQ Figur"
                state, first_result = ("seq" if is_seq else "other"), True
                if is_seq:
                    count += 1
            elif kind == "end":
                state = None
        elif tag == "instrText" and state == "instr":
            instruction.append(node.text or "")
        elif tag == "t" and state == "seq":
            node.text = str(count) if first_result else ""
            first_result = False
    for number, doc_pr in enumerate(body.iter(f"{{{WP_NS}}}docPr"), start=1):
        doc_pr.set("id", str(number))
