"""The layout corpus: on every area's pages, no heading without its first lines at a page foot, no short table split,
no page under a third full but the last, no signatures alone, no diagram enlarged past the body text's size."""

from __future__ import annotations

import re
import shutil
import struct
import zipfile
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from agreement.pipeline import build
from agreement.word import layout
from agreement.word.ooxml import w
from tests.conftest import CORPUS, SAMPLE, copy_build
from tests.outputs.pagelayout import BOTTOM, PAGE_HEIGHT, TOP, body_lines, kept_paragraphs, short_tables, split_tables, stranded
from tests.outputs.test_page_fill import _grey_pages, body_fill

EMU_PER_CM = 360_000


def _documents(request: pytest.FixtureRequest, area: str) -> list[tuple[Path, Path]]:
    result = request.getfixturevalue(area)
    pairs = [(result.out_dir / d.files["pdf"], result.out_dir / d.files["docx"]) for d in result.documents]
    assert len(pairs) >= 7
    return pairs


@pytest.mark.parametrize("area", CORPUS)
def test_no_heading_or_activity_title_ends_a_page(area: str, request: pytest.FixtureRequest) -> None:
    for pdf, docx in _documents(request, area):
        assert kept_paragraphs(docx), docx.name  # the check sees the headings it is about
        assert stranded(pdf, docx) == [], pdf.name


@pytest.mark.parametrize("area", CORPUS)
def test_the_check_sees_every_activity_title_and_its_understoetter_line(area: str, request: pytest.FixtureRequest) -> None:
    for _, docx in _documents(request, area):
        if docx.name.startswith("delaftale-"):
            kept = kept_paragraphs(docx)
            supports = [p.text for p in Document(str(docx)).paragraphs if p.text.startswith("Understøtter: ")]
            assert supports and set(supports) <= set(kept), docx.name
            i = kept.index(supports[0])
            assert i > 0 and kept[i + 1] == "Formål", docx.name  # kept: the title before it, the heading after it


def test_an_activity_title_and_its_understoetter_line_never_end_a_page(built, tmp_path: Path) -> None:
    """Eighteen activities with purposes of one to eighteen sentences put the next activity's title at every height
    of a page; without keep-with-next on the Understøtter line, "Fremskudt rådgivning" and "Understøtter: delmål 2"
    ended page 13 with their body overleaf."""
    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content)
    path = content / "delaftaler" / "beskaeftigelse.yaml"
    sentence = "Beboerne mødes hver uge, og medarbejderne følger op på hver enkelt deltagers plan og næste skridt."
    extra = "".join(f"""
  - id: ekstra-{n}
    navn: Ekstra aktivitet {n}
    delmål:
      - jobparathed
    formål: |
      {" ".join([sentence] * n)}
    målgruppe: |
      Ledige beboere.
    indhold: |
      Forløb i små hold.
    ansvarlig: abc
""" for n in range(1, 19))
    marker = "\n  - id: fremskudt-raadgivning\n"
    text = path.read_text(encoding="utf-8")
    assert marker in text
    path.write_text(text.replace(marker, extra + marker), encoding="utf-8")
    result = build(content, copy_build(built.out_dir, tmp_path / "out"))
    (doc,) = [d for d in result.documents if d.files["docx"] == "delaftale-beskaeftigelse.docx"]
    pdf, docx = result.out_dir / doc.files["pdf"], result.out_dir / doc.files["docx"]
    assert len(body_lines(pdf)) > 10
    assert stranded(pdf, docx) == []


@pytest.mark.parametrize("area", CORPUS)
def test_no_table_of_up_to_fifteen_rows_is_split(area: str, request: pytest.FixtureRequest) -> None:
    tables = 0
    for pdf, docx in _documents(request, area):
        tables += len(short_tables(docx))
        assert split_tables(pdf, docx) == [], pdf.name
    assert tables >= 8


@pytest.mark.parametrize("area", CORPUS)
def test_no_page_is_under_a_third_full_but_the_last(area: str, request: pytest.FixtureRequest) -> None:
    for pdf, _ in _documents(request, area):
        fills = [body_fill(*page) for page in _grey_pages(pdf)]
        assert [n + 1 for n, fill in enumerate(fills[:-1]) if fill < 1 / 3] == [], pdf.name


@pytest.mark.parametrize("area", CORPUS)
def test_signatures_are_not_alone_on_the_last_page(area: str, request: pytest.FixtureRequest) -> None:
    for pdf, _ in _documents(request, area):
        pages = body_lines(pdf)
        if len(pages) < 2 or not pages[-1]:
            continue
        last = pages[-1]
        # The last page opens with the signature section only when the page before had no room left for it.
        if last[0].text.endswith("Underskrifter"):
            needed = last[-1].top + 12 - last[0].top
            room = (1 - body_fill(*_grey_pages(pdf)[-2])) * (PAGE_HEIGHT - TOP - BOTTOM)
            assert needed > room, f"{pdf.name}: the signatures ({needed:.0f} pt) would fit under the text ({room:.0f} pt)"


@pytest.mark.parametrize("area", CORPUS)
def test_the_organisation_diagram_is_never_enlarged_beyond_body_text_size(area: str, request: pytest.FixtureRequest) -> None:
    result = request.getfixturevalue(area)
    with zipfile.ZipFile(result.out_dir / "strategisk-samarbejdsaftale.docx") as z:
        body = etree.fromstring(z.read("word/document.xml"))
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
        wp = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
        # The diagram's picture is named by its description; a content figure by its file name (Solhaven has one).
        inline = next(i for i in body.iter(f"{wp}inline")
                      if not re.search(r"\.(png|jpe?g|svg)$", i.find(f"{wp}docPr").get("name", ""), re.IGNORECASE))
        extent = inline.find(f"{wp}extent")
        blip = next(inline.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}blip"))
        rid = blip.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed")
        target = next(r.get("Target") for r in rels if r.get("Id") == rid)
        png = z.read(f"word/{target}")
    width_px = struct.unpack(">I", png[16:20])[0]
    # Graphviz draws the boxes' 14 pt text at 200 dpi; shown at most so large that it is the body's 11 pt.
    natural_cm = width_px / 200 * 2.54
    assert int(extent.get("cx")) <= natural_cm * 11 / 14 * EMU_PER_CM + 1


def test_the_height_estimate_tells_a_short_table_from_a_page_long_one() -> None:
    styles = layout.Styles(paragraph={}, table={"LBFTabel": (18, None, 80, 80)})

    def table(rows: int, words: int) -> etree._Element:
        tbl = etree.fromstring(f'<w:tbl xmlns:w="{w("x")[1:].split("}")[0]}"><w:tblPr><w:tblStyle w:val="LBFTabel"/></w:tblPr>'
                               '<w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="6000"/></w:tblGrid></w:tbl>')
        for _ in range(rows):
            tr = etree.SubElement(tbl, w("tr"))
            for text in ("Rolle", " ".join(["ord"] * words)):
                t = etree.SubElement(etree.SubElement(etree.SubElement(etree.SubElement(tr, w("tc")), w("p")), w("r")), w("t"))
                t.text = text
        return tbl

    short, long = table(6, 3), table(15, 120)
    assert layout.estimated_height(layout.TableLayout(short, styles)) < 150
    assert layout.estimated_height(layout.TableLayout(long, styles)) > 500
    layout.keep_rows_together(short, styles)
    layout.keep_rows_together(long, styles)
    kept = [tr.find(f".//{w('keepNext')}") is not None for tr in short.findall(w("tr"))]
    assert kept == [True] * 5 + [False]  # moves as a whole
    kept = [tr.find(f".//{w('keepNext')}") is not None for tr in long.findall(w("tr"))]
    assert not all(kept[:-1])  # may break between rows: moved whole it would empty the page before
