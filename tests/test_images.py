"""Figure files: type by magic bytes and size from the header alone, for PNG, JPEG and SVG."""

from __future__ import annotations

import struct
import unicodedata
from pathlib import Path

import pytest

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
