"""Figures from content in the built documents: scaled pictures with alt text, numbered captions, in DOCX and PDF."""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdf
import pytest
from docx import Document
from lxml import etree

from agreement.pipeline import build
from agreement.word.figures import number_figures
from agreement.word.ooxml import el, field_runs, paragraph, run, to_xml
from tests.conftest import SAMPLE, add_figure, copy_build, pdf_text, png_bytes, poppler

WIDE_ALT = "Kort over Hedemarken, Blokland og Albertslund Nord med de tre boligafdelinger markeret med blåt"
SMALL_ALT = "Logo for helhedsplanen"
SVG_ALT = "Blomsten: visionens fire temaer som kronblade"
EMU_PER_INCH = 914_400
MAPS = 2  # the sample's two stand-in maps in section 1 come before the figures added to its vision
NS = {"wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
      "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


@pytest.fixture(scope="module")
def figures_built(built, tmp_path_factory: pytest.TempPathFactory):
    """The sample with three figures in its vision (a wide PNG, a small PNG, an SVG), built with LibreOffice
    (into a copy of the shared build of the sample: the documents without the vision come from its cache)."""
    content = tmp_path_factory.mktemp("figures") / "content"
    shutil.copytree(SAMPLE, content)
    (content / "figurer").mkdir(exist_ok=True)  # the sample has its stand-ins there
    (content / "figurer" / "kort.png").write_bytes(png_bytes(1600, 800))
    (content / "figurer" / "logo.png").write_bytes(png_bytes(150, 75, (200, 40, 40)))
    (content / "figurer" / "blomst.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="8cm" height="4cm" viewBox="0 0 80 40">'
        '<circle cx="20" cy="20" r="15" fill="#1F4E5A"/><circle cx="60" cy="20" r="15" fill="#C0504D"/></svg>',
        encoding="utf-8")
    # Added in reverse: each goes to the top of the vision, so they stand kort, logo, blomst.
    add_figure(content, f"![{SVG_ALT}](figurer/blomst.svg)")
    add_figure(content, f"![{SMALL_ALT}](figurer/logo.png 'Helhedsplanens logo')")
    add_figure(content, f'![{WIDE_ALT}](figurer/kort.png "Boligområderne")')
    return build(content, copy_build(built.out_dir, tmp_path_factory.mktemp("out") / "out"))


def _body(figures_built) -> etree._Element:
    return Document(str(figures_built.out_dir / "strategisk-samarbejdsaftale.docx")).element.body


def test_pictures_carry_their_alt_text_and_unique_ids(figures_built) -> None:
    body = _body(figures_built)
    descr = body.xpath("//wp:docPr/@descr")
    assert all(d.startswith("Eksempel") for d in descr[:MAPS])  # the sample's own stand-ins in section 1
    assert descr[MAPS:MAPS + 3] == [WIDE_ALT, SMALL_ALT, SVG_ALT]
    assert descr[MAPS + 3].startswith("Organisationsdiagram")  # the template's own figure comes after the vision
    ids = body.xpath("//wp:docPr/@id")
    assert len(set(ids)) == len(ids) == MAPS + 5  # and the sample's flower in section 4


def test_pictures_fit_the_text_width_and_are_never_upscaled(figures_built) -> None:
    word = Document(str(figures_built.out_dir / "strategisk-samarbejdsaftale.docx"))
    section = word.sections[-1]
    text_width = section.page_width - section.left_margin - section.right_margin
    extents = [(int(e.get("cx")), int(e.get("cy"))) for e in word.element.body.xpath("//wp:extent")]
    wide, small, svg = extents[MAPS:MAPS + 3]
    assert abs(wide[0] - text_width) <= 1 and abs(wide[0] - 2 * wide[1]) <= 2  # 1600 px at 150 dpi is wider
    assert small == (EMU_PER_INCH, EMU_PER_INCH // 2)  # 150 x 75 px at 150 dpi: one inch, not the text width
    assert abs(svg[0] - 8 * 360_000) <= 2 and abs(svg[1] - 4 * 360_000) <= 2  # the SVG's own 8 x 4 cm
    images = [p for p in word.part.package.parts if p.partname.startswith("/word/media/")]
    assert {p.content_type for p in images} == {"image/png"}  # the SVG is embedded as a PNG


def test_captions_are_numbered_with_seq_fields(figures_built) -> None:
    word = Document(str(figures_built.out_dir / "strategisk-samarbejdsaftale.docx"))
    captions = [p for p in word.paragraphs if p.style is not None and p.style.style_id == "Caption"]
    texts = [p.text for p in captions]
    assert texts[MAPS:MAPS + 3] == ["Figur 3: Boligområderne", "Figur 4: Helhedsplanens logo", "Figur 5"]
    assert texts[MAPS + 3].startswith("Figur 6: Organisationsdiagram")  # the template's caption counts on
    for p in captions:
        assert "SEQ Figur" in "".join(p._p.xpath(".//w:instrText/text()"))
    picture = captions[MAPS]._p.getprevious()
    assert picture.xpath("boolean(.//w:drawing) and boolean(w:pPr/w:keepNext)")  # kept with its caption


def test_the_pdf_shows_the_figures_with_captions_and_alt_text(figures_built) -> None:
    pdf = figures_built.out_dir / "strategisk-samarbejdsaftale.pdf"
    text = pdf_text(pdf)
    assert "Figur 3: Boligområderne" in text and "Figur 4: Helhedsplanens logo" in text and "Figur 6: Organisations" in text
    listing = poppler("pdfimages", pdf, "-list").decode("utf-8")
    sizes = {tuple(line.split()[3:5]) for line in listing.splitlines()[2:] if line.split()[2] == "image"}
    assert ("1600", "800") in sizes and ("150", "75") in sizes
    alts = _figure_alts(pypdf.PdfReader(str(pdf)).trailer["/Root"]["/StructTreeRoot"])
    assert WIDE_ALT in alts and SMALL_ALT in alts and SVG_ALT in alts  # the tagged PDF's Figure elements


def _figure_alts(node) -> list[str]:
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        return [alt for child in node for alt in _figure_alts(child)]
    if not isinstance(node, dict):
        return []
    own = [str(node["/Alt"])] if node.get("/S") == "/Figure" and "/Alt" in node else []
    return own + (_figure_alts(node["/K"]) if "/K" in node else [])


def test_numbering_counts_seq_fields_in_reading_order_and_leaves_other_fields() -> None:
    body = el("body")
    for cached in ("7", "7", "9"):
        body.append(paragraph("Caption", run("Figur "), *field_runs("SEQ Figur \\* ARABIC", cached)))
    body.append(paragraph(None, *field_runs("PAGE", "5")))
    number_figures(body)
    shown = ["".join(p.xpath(".//w:t/text()", namespaces=NS)) for p in body]
    assert shown == ["Figur 1", "Figur 2", "Figur 3", "5"], to_xml(body)


def test_a_missing_rsvg_convert_is_a_tool_error(monkeypatch, tmp_path: Path) -> None:
    from agreement.errors import ToolError
    from agreement.word import figures

    monkeypatch.setattr(figures.shutil, "which", lambda _name: None)
    with pytest.raises(ToolError, match="apt-get install librsvg2-bin"):
        figures.svg_to_png(b"<svg/>", 10, "figurer/x.svg")
