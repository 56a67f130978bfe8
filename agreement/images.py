"""Figure files in content: where a Markdown image may point, and its type and size read from its header alone."""

from __future__ import annotations

import base64
import binascii
import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, unquote_to_bytes

from agreement.i18n import N_, _, decimal

if TYPE_CHECKING:
    from lxml import etree

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 10_000  # per side; a larger picture only makes the documents slow to open and print
NATURAL_DPI = 150  # a picture is never shown larger than its pixels at this resolution
SUFFIXES = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".svg": "svg"}
KIND_NAMES = {"png": "PNG", "jpeg": "JPEG", "svg": "SVG"}
# CSS units an SVG's width and height may carry, in CSS pixels (96 to the inch).
_SVG_UNITS = {"": 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}
_SVG_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([a-z]*)\s*$")
_SVG_HEAD = 64 * 1024  # the root element of any real SVG starts well within this
_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_LFS_POINTER = b"version https://git-lfs.github.com/spec/"


class FigureProblem(ValueError):
    """Why a figure cannot be used, in words for the author."""


@dataclass(frozen=True)
class ImageInfo:
    kind: str  # "png", "jpeg" or "svg"
    width: float  # pixels (CSS pixels for SVG)
    height: float


def figure_path(root: Path, src: str) -> Path:
    """The file a Markdown image's address names, inside the content folder `root`; FigureProblem if it may not be used."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", src) and not re.match(r"^[A-Za-z]:[\\/]", src):
        raise FigureProblem(_("'{source}' is not a file in the content folder; save the picture in the content folder (e.g. "
                              "figurer/kort.png) and write its path relative to that folder").format(
            source=_short(src)))
    relative = unquote(src)
    if not relative.strip():
        raise FigureProblem(_("the figure has no file; write its path in the parentheses, e.g. ![Kort over området](figurer/kort.png)"))
    posix = PurePosixPath(relative.replace("\\", "/"))
    if posix.is_absolute() or re.match(r"^[A-Za-z]:", relative) or ".." in posix.parts:
        raise FigureProblem(_("'{relative}' leads outside the content folder; put the picture in the content folder (e.g. figurer/) and "
                              "write its path relative to that folder, without '..'").format(
            relative=relative))
    path = _lookup(root, posix.parts)
    try:
        inside = path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a loop of links
        inside = False
    if not inside:
        raise FigureProblem(_("'{relative}' is a link to a file outside the content folder; copy the picture itself into the content "
                              "folder").format(
            relative=relative))
    if not path.exists():
        raise FigureProblem(_("the figure file '{relative}' does not exist in the content folder; check the name (capital letters "
                              "count) or add the file").format(
            relative=relative))
    if not path.is_file():
        raise FigureProblem(_("'{relative}' is a folder, not a picture file").format(relative=relative))
    return path


def _lookup(root: Path, parts: tuple[str, ...]) -> Path:
    """`root` joined with `parts`, each part matched in its folder as NFC when the exact spelling is not there:
    macOS saves "å" decomposed (NFD), while an editor types it composed (NFC)."""
    path = root
    for part in parts:
        exact = path / part
        if not exact.exists() and path.is_dir():
            wanted = unicodedata.normalize("NFC", part)
            try:
                exact = next((entry for entry in sorted(path.iterdir())
                              if unicodedata.normalize("NFC", entry.name) == wanted), exact)
            except OSError:
                pass  # an unreadable folder: the exact path's own error is the one to report
        path = exact
    return path


def read_figure(path: Path, shown: str) -> tuple[bytes, ImageInfo]:
    """The bytes and header facts of a figure file; FigureProblem when it is not a usable PNG, JPEG or SVG."""
    suffix = SUFFIXES.get(path.suffix.lower())
    if suffix is None:
        raise FigureProblem(_("'{shown}' is not a PNG, JPEG or SVG file (by its name); save the picture in one of those formats (.png, "
                              ".jpg or .svg)").format(
            shown=shown))
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise FigureProblem(_("'{shown}' is {megabytes} MB, more than the {limit} MB a figure may be; save it smaller (fewer "
                                  "pixels, or JPEG for photos)").format(
                shown=shown, megabytes=decimal(size / 1024 / 1024), limit=MAX_BYTES // 1024 // 1024))
        data = path.read_bytes()
    except OSError as exc:
        raise FigureProblem(_("'{shown}' cannot be read: {reason}").format(shown=shown, reason=exc.strerror or exc)) from None
    try:
        info = probe(data)
    except FigureProblem as exc:
        raise FigureProblem(_("'{shown}': {exc}").format(shown=shown, exc=exc)) from None
    if info.kind != suffix:
        raise FigureProblem(_("'{shown}' is named as a {named} file but holds a {holds} picture; rename it to end in .{suffix}").format(
            shown=shown, named=KIND_NAMES[suffix], holds=KIND_NAMES[info.kind], suffix='jpg' if info.kind == 'jpeg' else info.kind))
    if info.width > MAX_PIXELS or info.height > MAX_PIXELS:
        raise FigureProblem(_("'{shown}' is {width:.0f} × {height:.0f} pixels, more than the {limit} pixels a side a figure may have; "
                              "save it smaller").format(
            shown=shown, width=info.width, height=info.height, limit=MAX_PIXELS))
    if info.width < 1 or info.height < 1:
        raise FigureProblem(_("'{shown}' has no size (0 pixels wide or high)").format(shown=shown))
    return data, info


def probe(data: bytes) -> ImageInfo:
    """The type and size of a PNG, JPEG or SVG from its bytes (magic bytes, not the name); FigureProblem otherwise."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png(data)
    if data.startswith(b"\xff\xd8\xff"):
        return _jpeg(data)
    if _looks_like_svg(data):
        return _svg(data)
    return _unsupported(data)


_CUT_PNG = N_("the PNG file is damaged or cut short; save it again from the program that made it")
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # by PNG colour type: grey, RGB, palette, grey and alpha, RGBA
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def _png(data: bytes) -> ImageInfo:
    """The PNG's size, once its chunks are whole up to IEND and its image data unpacks to all of its rows: a
    picture cut short and closed again still has an IEND, and would show as an empty box."""
    if len(data) < 33 or data[12:16] != b"IHDR":
        raise FigureProblem(_("the PNG file is damaged (it has no header); save it again from the program that made it"))
    width, height, depth, colour, _compression, _filter, interlaced = struct.unpack(">IIBBBBB", data[16:29])
    view, at, image = memoryview(data), 8, zlib.decompressobj()
    unpacked = 0
    while True:
        if at + 12 > len(data):
            raise FigureProblem(_(_CUT_PNG))
        (length,), kind = struct.unpack(">I", view[at:at + 4]), bytes(view[at + 4:at + 8])
        end = at + 12 + length
        if end > len(data) or zlib.crc32(view[at + 4:end - 4]) != struct.unpack(">I", view[end - 4:end])[0]:
            raise FigureProblem(_(_CUT_PNG))
        if kind == b"IEND":
            break
        if kind == b"IDAT":
            try:
                chunk = image.decompress(view[at + 8:end - 4], 1 << 20)
                while chunk:  # counted a megabyte at a time: a large picture is never unpacked whole
                    unpacked += len(chunk)
                    chunk = image.decompress(image.unconsumed_tail, 1 << 20)
            except zlib.error:
                raise FigureProblem(_(_CUT_PNG)) from None
        at = end
    passes = _ADAM7 if interlaced else ((0, 0, 1, 1),)
    rows = [((width - x + dx - 1) // dx, (height - y + dy - 1) // dy) for x, y, dx, dy in passes]
    bits = depth * _CHANNELS.get(colour, 1)
    if not image.eof or unpacked != sum(h * (1 + (w * bits + 7) // 8) for w, h in rows if w and h):
        raise FigureProblem(_(_CUT_PNG))
    return ImageInfo("png", width, height)


def _jpeg(data: bytes) -> ImageInfo:
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            break
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2:i + 4])
        # Start-of-frame markers (all but DHT C4, JPG C8 and DAC CC) carry the picture's height and width.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC) and i + 9 <= len(data):
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            if b"\xff\xd9" not in data[-1024:]:
                raise FigureProblem(_("the JPEG file is cut short (damaged); save it again from the program that made it"))
            return ImageInfo("jpeg", width, height)
        if marker == 0xDA:  # the image data starts before any frame header: not a picture we can size
            break
        i += 2 + length
    raise FigureProblem(_("the JPEG file is damaged (no picture size in its header); save it again"))


def _looks_like_svg(data: bytes) -> bool:
    head = data[:_SVG_HEAD].lstrip(b"\xef\xbb\xbf \t\r\n")
    # Markup whose <svg> comes late (after long comments, or a DOCTYPE) is an SVG too: the SVG check says what
    # is wrong with it, where "not a picture" would not.
    return head.startswith(b"<") and (b"<svg" in head or re.search(rb"<(svg|!DOCTYPE\s+svg)\b", data) is not None)


def _svg(data: bytes) -> ImageInfo:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise FigureProblem(_("the SVG file is not UTF-8 text; save it again as plain SVG (UTF-8)")) from None
    if re.search(rb"<!(DOCTYPE|ENTITY)", data, re.IGNORECASE):
        raise FigureProblem(_("the SVG file declares a DOCTYPE or entities, which are not allowed (they can read other files); save it "
                              "again as plain SVG without them"))
    # Parsed whole, as the renderer (librsvg, with libxml2) will: nothing is fetched or expanded while parsing.
    # lxml is imported here so that checking content without SVG figures stays quick to start.
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise FigureProblem(_("the SVG file is not well-formed XML ({msg}); save it again as plain SVG").format(msg=exc.msg)) from None
    if (root.getroottree().docinfo.encoding or "UTF-8").upper() not in ("UTF-8", "US-ASCII", "ASCII"):
        raise FigureProblem(_("the SVG file is not UTF-8 text; save it again as plain SVG (UTF-8)"))
    _svg_references(root)
    if root.tag not in (f"{{{_SVG_NS}}}svg", "svg"):
        raise FigureProblem(_("the SVG file has no <svg> element at its start; save it again as plain SVG"))
    attrs = {str(k): str(v) for k, v in root.attrib.items()}
    width, height = _svg_length(attrs.get("width")), _svg_length(attrs.get("height"))
    box = [float(v) for v in re.split(r"[\s,]+", attrs.get("viewBox", "").strip()) if _is_number(v)]
    if len(box) == 4 and box[2] > 0 and box[3] > 0:
        if width is None and height is None:
            width, height = box[2], box[3]
        elif width is None and height is not None:
            width = height * box[2] / box[3]
        elif height is None and width is not None:
            height = width * box[3] / box[2]
    if width is None or height is None:
        raise FigureProblem(_("the SVG file gives no size: its <svg> element needs width and height in px, pt, cm or mm, or a viewBox"))
    return ImageInfo("svg", width, height)


def _svg_references(root: etree._Element) -> None:
    """Refuse whatever would make the renderer read another file or address: links (href, xlink:href, XInclude),
    url() and @import in styles, style sheets by processing instruction; a data: picture is checked in turn."""
    from lxml import etree

    for node in [*root.itersiblings(preceding=True), *root.iter(), *root.itersiblings()]:
        if isinstance(node, etree._ProcessingInstruction):
            raise FigureProblem(_("the SVG file holds the instruction <?{target!s} ...?>, which can load other files; save it again as "
                                  "plain SVG").format(
                target=node.target))
        if not isinstance(node.tag, str):
            continue  # a comment
        for name, value in node.attrib.items():
            if name in ("href", _XLINK_HREF):
                _svg_address(str(value).strip())
            elif name == "style" or "(" in value:
                _svg_css(str(value))
        if etree.QName(node).localname == "style":
            _svg_css("".join(str(text) for text in node.itertext()))


def _svg_css(css: str) -> None:
    if "\\" in css or re.search(r"@import", css, re.IGNORECASE):
        raise FigureProblem(_("the SVG file's styles use @import or escaped characters, which can load other files; save it again as "
                              "plain SVG"))
    for address in re.findall(r"""url\(\s*['"]?([^'")]*)""", css, re.IGNORECASE):
        _svg_address(address.strip())


def _svg_address(address: str) -> None:
    """An address inside the SVG: a #fragment, or a data: picture that passes the same checks; FigureProblem otherwise."""
    if address.startswith("#"):
        return
    if address[:5].lower() == "data:" and "," in address:
        meta, payload = address[5:].split(",", 1)
        try:
            data = base64.b64decode(payload, validate=False) if meta.lower().endswith(";base64") else unquote_to_bytes(payload)
        except (binascii.Error, ValueError):
            raise FigureProblem(_("the SVG file holds an embedded picture that cannot be decoded; save it again")) from None
        if meta.lower().startswith("image/"):
            probe(data)
            return
    raise FigureProblem(_("the SVG file refers to another file or address ('{address}'); embed the picture in the SVG itself, or save "
                          "the figure as PNG").format(
        address=_short(address)))


def _svg_length(value: str | None) -> float | None:
    match = _SVG_LENGTH.match(value or "")
    if match is None or match.group(2) not in _SVG_UNITS:
        return None  # missing, or a percentage: the viewBox decides
    return float(match.group(1)) * _SVG_UNITS[match.group(2)]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _unsupported(data: bytes) -> ImageInfo:
    if data.startswith(_LFS_POINTER):
        raise FigureProblem(_("the file is a Git LFS pointer, not the picture itself: the picture is kept with Git LFS and was not "
                              "downloaded; install Git LFS and run 'git lfs pull' in the repository"))
    known = {b"GIF8": "GIF", b"BM": "BMP", b"II*\x00": "TIFF", b"MM\x00*": "TIFF", b"%PDF": "PDF", b"RIFF": "WebP",
             b"PK\x03\x04": N_("zip or Office")}
    name = next((name for magic, name in known.items() if data.startswith(magic)), None)
    if name is None:
        raise FigureProblem(_("the file is not a PNG, JPEG or SVG picture (whatever its name says); save the picture as PNG "
                              "(drawings, maps) or JPEG (photos)"))
    raise FigureProblem(_("the file is a {kind} file, not a PNG, JPEG or SVG picture (whatever its name says); save the "
                          "picture as PNG (drawings, maps) or JPEG (photos)").format(kind=_(name) if name == "zip or Office" else name))


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."
