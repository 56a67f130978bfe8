"""No page of the built PDFs is more than half empty, except the page before a new main section and the last page;
and no last page holds just a stray scrap (a signature block or a table row pushed over on its own)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import CORPUS, poppler

PAGE_HEIGHT = 842.0  # A4, in points
TOP, BOTTOM = 1417 / 20, 1247 / 20  # the templates' page margins, in points: the body lies between them
DPI = 24
SCRAP = 0.12  # a last page filled less than this holds a scrap that should have stayed with what came before


def _grey_pages(pdf: Path) -> list[tuple[int, int, bytes]]:
    """Each page as (width, height, 8-bit grey pixels), from pdftoppm's PGM output."""
    data = poppler("pdftoppm", pdf, "-r", str(DPI), "-gray")
    pages = []
    while data:
        fields: list[bytes] = []
        rest = data
        while len(fields) < 4:  # P5, width, height, maxval, separated by whitespace
            rest = rest.lstrip()
            token, _, rest = rest.partition(b"\n") if len(fields) == 3 else _token(rest)
            fields.append(token)
        width, height = int(fields[1]), int(fields[2])
        pages.append((width, height, rest[:width * height]))
        data = rest[width * height:]
    return pages


def _token(data: bytes) -> tuple[bytes, bytes, bytes]:
    end = next(i for i, c in enumerate(data) if chr(c).isspace())
    return data[:end], b" ", data[end:]


def body_fill(width: int, height: int, pixels: bytes) -> float:
    """How far down the page body something is printed: 0 (nothing) to 1 (down to the bottom margin)."""
    scale = height / PAGE_HEIGHT
    top, bottom = int(TOP * scale), int((PAGE_HEIGHT - BOTTOM) * scale)
    lowest = top
    for y in range(top, bottom):
        if min(pixels[y * width:(y + 1) * width]) < 200:
            lowest = y
    return (lowest - top) / (bottom - top)


def _main_sections(pdf: Path) -> set[int]:
    """Pages that begin with a main section (a top-level bookmark, from a Heading 1, at the top of the body)."""
    reader = PdfReader(str(pdf))
    found = set()
    for item in reader.outline:
        if isinstance(item, list):
            continue
        if float(item.top) > PAGE_HEIGHT - TOP - 60:
            found.add(reader.get_destination_page_number(item))
    return found


def half_empty_pages(pdf: Path) -> list[int]:
    """The 1-based numbers of the pages less than half full that should not be, and of a last page with a scrap."""
    pages = _grey_pages(pdf)
    starts = _main_sections(pdf)
    found = [n + 1 for n, page in enumerate(pages)
             if n + 1 < len(pages) and n + 1 not in starts and body_fill(*page) < 0.5]
    if len(pages) > 1 and len(pages) - 1 not in starts and body_fill(*pages[-1]) < SCRAP:
        found.append(len(pages))
    return found


@pytest.mark.parametrize("area", CORPUS)
def test_no_page_is_half_empty(area: str, request: pytest.FixtureRequest) -> None:
    result = request.getfixturevalue(area)
    checked = 0
    for doc in result.documents:
        pdf = result.out_dir / doc.files["pdf"]
        assert half_empty_pages(pdf) == [], pdf.name
        checked += 1
    assert checked >= 7


def test_the_fill_measure_sees_an_empty_page(tmp_path: Path, built) -> None:
    pdf = built.out_dir / "strategisk-samarbejdsaftale.pdf"
    pages = _grey_pages(pdf)
    assert len(pages) == len(PdfReader(str(pdf)).pages)
    fills = [body_fill(*page) for page in pages]
    assert max(fills) > 0.9
    assert min(fills) < 0.9 and 1 in _main_sections(pdf)  # the page after the cover opens a main section
    width, height, pixels = pages[0]
    assert body_fill(width, height, bytes([255]) * len(pixels)) == 0
