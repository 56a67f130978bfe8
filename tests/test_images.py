"""Figure files: type by magic bytes and size from the header alone, for PNG, JPEG and SVG."""

from __future__ import annotations

import io
import random
import struct
import unicodedata
import zlib
from pathlib import Path

import pytest
from PIL import Image

from agreement.images import FigureProblem, ImageInfo, figure_path, probe, read_figure
from tests.conftest import png_bytes


def _jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof2 = b"\xff\xc2" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof2 + b"\xff\xda\x00\x02" + b"\x00" * 10 + b"\xff\xd9"


def test_png_and_jpeg_sizes_come_from_their_headers() -> None:
    assert probe(png_bytes(640, 480)) == ImageInfo("png", 640, 480)
    assert probe(_jpeg(1024, 768)) == ImageInfo("jpeg", 1024, 768)  # a progressive frame (SOF2)


@pytest.mark.parametrize(("svg", "size"), [
    ('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200">', (400, 200)),
    ('<?xml version="1.0"?>\n<svg width="10cm" height="5cm" xmlns="http://www.w3.org/2000/svg">', (10 * 96 / 2.54, 5 * 96 / 2.54)),
    ('<svg viewBox="0 0 300 100" xmlns="http://www.w3.org/2000/svg">', (300, 100)),
    ('<svg width="600" viewBox="0 0 300 100" xmlns="http://www.w3.org/2000/svg">', (600, 200)),
    ('<svg width="100%" height="100%" viewBox="0,0,30,10" xmlns="http://www.w3.org/2000/svg">', (30, 10)),
])
def test_svg_size_from_width_height_or_viewbox(svg: str, size: tuple[float, float]) -> None:
    info = probe((svg + "<rect/></svg>").encode("utf-8"))
    assert info.kind == "svg" and (info.width, info.height) == pytest.approx(size)


@pytest.mark.parametrize(("data", "words"), [
    (png_bytes(10, 10)[:-12], "cut short"),
    (_jpeg(10, 10)[:-2] + b"\x00" * 2000, "cut short"),
    (b"\xff\xd8\xff\xda\x00\x02", "no picture size"),
    (b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg width="1" height="1">&x;</svg>', "DOCTYPE"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>', "gives no size"),
    (b"<!--" + b"x" * 70_000 + b'--><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg width="1">&x;</svg>',
     "DOCTYPE"),  # after 64 KB: once "not a PNG, JPEG or SVG picture"
    (b"<?xml version='1.0'?>\n<!--" + b"x" * 70_000 + b"--><!DOCTYPE svg><svg/>", "DOCTYPE"),
    (b'<svg width="9" height="9" xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="other.svg#a"/></svg>',
     "refers to another file"),
    (b'<svg width="9" height="9"><use xlink:href="other.svg#a"/></svg>', "not well-formed XML"),
    (b'<svg width="9" height="9"><rect style="fill:url(https://x.dk/p.svg#g)"/></svg>', "refers to another file"),
    (b"%PDF-1.7", "a PDF file, not a PNG, JPEG or SVG"),
    (b"hello", "not a PNG, JPEG or SVG picture"),
])
def test_damaged_or_unsafe_files_are_refused(data: bytes, words: str) -> None:
    with pytest.raises(FigureProblem, match=words):
        probe(data)


def test_references_inside_the_svg_are_fine() -> None:
    svg = b'<svg width="9" height="9"><defs><linearGradient id="g"/></defs><rect fill="url(#g)"/><use href="#g"/></svg>'
    assert probe(svg).kind == "svg"


@pytest.mark.parametrize(("saved_form", "written_form"), [("NFD", "NFC"), ("NFC", "NFD"), ("NFD", "NFD")])
def test_a_figure_name_is_found_in_either_unicode_spelling(tmp_path: Path, saved_form: str, written_form: str) -> None:
    """macOS saves "å" decomposed (NFD); an editor types it composed (NFC): both name the same figure."""
    folder = unicodedata.normalize(saved_form, "områder")
    (tmp_path / folder).mkdir()
    (tmp_path / folder / unicodedata.normalize(saved_form, "kørsel-å.png")).write_bytes(png_bytes(4, 4))
    src = unicodedata.normalize(written_form, "områder/kørsel-å.png")
    _, info = read_figure(figure_path(tmp_path, src), src)
    assert info == ImageInfo("png", 4, 4)


def test_a_name_in_another_spelling_still_cannot_leave_the_content_folder(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (tmp_path / unicodedata.normalize("NFD", "ude.png")).write_bytes(png_bytes(4, 4))
    (content / unicodedata.normalize("NFD", "å.png")).symlink_to(tmp_path / "ude.png")
    with pytest.raises(FigureProblem, match="a link to a file outside the content folder"):
        figure_path(content, unicodedata.normalize("NFC", "å.png"))
    with pytest.raises(FigureProblem, match="leads outside the content folder"):
        figure_path(content, "../ude.png")


def test_a_git_lfs_pointer_names_git_lfs() -> None:
    pointer = b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"a" * 64 + b"\nsize 2048\n"
    with pytest.raises(FigureProblem, match=r"Git LFS pointer.*run 'git lfs pull'"):
        probe(pointer)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_of(rows: bytes, width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b"")


NOISE = random.Random(7).randbytes(20 * (1 + 3 * 20))  # rows that do not compress


@pytest.mark.parametrize("data", [
    _png_of(NOISE, 20, 20)[:150] + _chunk(b"IEND", b""),  # cut short, and closed again as some tools do
    _png_of(NOISE[: 10 * 61], 20, 20),  # whole chunks, but rows for half the picture
    png_bytes(20, 20)[:50] + bytes([png_bytes(20, 20)[50] ^ 1]) + png_bytes(20, 20)[51:],  # one bit changed
])
def test_a_png_cut_short_or_damaged_is_refused(data: bytes) -> None:
    with pytest.raises(FigureProblem, match=r"^the PNG file is damaged or cut short; save it again"):
        probe(data)


def test_pngs_of_every_colour_type_are_whole() -> None:
    for mode in ("L", "RGB", "RGBA", "P", "LA", "1", "I;16"):
        out = io.BytesIO()
        Image.frombytes("L", (13, 7), NOISE[: 13 * 7]).convert(mode).save(out, "PNG")
        assert probe(out.getvalue()) == ImageInfo("png", 13, 7), mode


def test_an_interlaced_png_is_whole() -> None:
    """8 x 8 pixels in Adam7's seven passes of 1x1, 1x1, 2x1, 2x2, 4x2, 4x4 and 8x4 pixels (the PNG standard)."""
    rows = b"".join(b"\x00" + NOISE[: 3 * w] for w, h in ((1, 1), (1, 1), (2, 1), (2, 2), (4, 2), (4, 4), (8, 4))
                    for _ in range(h))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 1)
    data = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b"")
    assert Image.open(io.BytesIO(data)).convert("RGB").size == (8, 8)  # Pillow reads it: the passes are right
    assert probe(data) == ImageInfo("png", 8, 8)
    with pytest.raises(FigureProblem, match="cut short"):
        probe(data.replace(_chunk(b"IDAT", zlib.compress(rows)), _chunk(b"IDAT", zlib.compress(rows[:-25]))))


def test_figure_messages_are_danish_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "da")
    with pytest.raises(FigureProblem, match=r"^filen er en GIF-fil, ikke et PNG-, JPEG- eller SVG-billede"):
        probe(b"GIF89a" + b"\x00" * 20)
    (tmp_path / "stor.png").write_bytes(png_bytes(10_001, 1))
    with pytest.raises(FigureProblem, match=r"^'stor.png' er 10001 × 1 pixels, mere end de 10000 pixels på hver led"):
        read_figure(tmp_path / "stor.png", "stor.png")
