"""The tables the renderer builds take their text size, header bold and shading from the template's table styles."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from agreement.documents.milepaelsplan import LEGEND_STYLE, TIMELINE_STYLE
from agreement.word import layout
from agreement.word.ooxml import w

EDITION = Path(__file__).resolve().parents[2] / "agreement" / "editions" / "lbf-2019-26"


def _part(docx: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(docx) as z:
        return etree.fromstring(z.read(name))


def _direct(tbl: etree._Element) -> dict[str, int]:
    """How many runs and paragraph marks in `tbl` carry a size or bold of their own."""
    found = {"sz": 0, "b": 0}
    for rpr in [*tbl.iter(w("rPr"))]:
        for tag in found:
            found[tag] += rpr.find(w(tag)) is not None
    return found


def _style(tbl: etree._Element) -> str | None:
    node = tbl.find(f"{w('tblPr')}/{w('tblStyle')}")
    return node.get(w("val")) if node is not None else None


# the tables the renderer builds (the milepælsplan's list of milestones is the template's own table)
@pytest.mark.parametrize(("stem", "built_styles"), [("budget", {"LBFTabel"}), ("milepaelsplan", {TIMELINE_STYLE, LEGEND_STYLE})])
def test_built_tables_carry_no_size_or_header_bold_of_their_own(built_docx, stem: str, built_styles: set[str]) -> None:
    docx = built_docx.out_dir / f"{stem}.docx"
    styles = layout.Styles.from_xml(_part(docx, "word/styles.xml"))
    built = [t for t in _part(docx, "word/document.xml").iter(w("tbl")) if _style(t) in built_styles]
    assert {_style(t) for t in built} == built_styles
    for tbl in built:
        style = _style(tbl)
        size, *_ = styles.table[style]
        assert size in (14, 16, 18), style  # 7, 8 or 9 pt, from the table style
        assert styles.paragraph[styles.default_paragraph][0] is None  # Normal leaves the size to docDefaults and tables
        assert styles.first_row_bold[style], style
        header = tbl.find(w("tr"))
        assert _direct(header)["b"] == 0 and header.find(f"{w('tc')}/{w('tcPr')}/{w('shd')}") is None
        assert _direct(tbl)["sz"] == 0, style
    if stem == "budget":
        assert sum(_direct(t)["b"] for t in built) == 55  # group headings and totals only: the content asks for them


def test_the_timeline_and_its_legend_have_table_styles_of_their_own() -> None:
    styles = layout.Styles.from_xml(_part(EDITION / "milepaelsplan.docx", "word/styles.xml"))
    assert styles.table[TIMELINE_STYLE][0] == 14 and styles.table[LEGEND_STYLE][0] == 16
    assert styles.first_row_bold[TIMELINE_STYLE] and styles.first_row_bold[LEGEND_STYLE]


@pytest.mark.parametrize("name", ["budget", "milepaelsplan", "strategisk-samarbejdsaftale", "delaftale", "beredskabsplan"])
def test_a_table_style_sets_the_size_of_its_text(name: str) -> None:
    """Normal sets no size (docDefaults does), so LBF Tabel's size reaches the table's text in Word and LibreOffice
    alike: a paragraph style's size would win over the table style's."""
    root = _part(EDITION / f"{name}.docx", "word/styles.xml")
    styles = layout.Styles.from_xml(root)
    assert styles.paragraph["Normal"][0] is None and styles.default_half_points == 22
    assert styles.table["LBFTabel"][0] == (18 if name == "budget" else 22)  # the size each document's tables had


def test_notes_fall_back_to_the_text_style_in_a_template_without_the_note_style() -> None:
    """A local edition exported before 'LBFTabelnote' existed: the notes are measured and set in the table's text style,
    not in a style Word would show as Normal."""
    from agreement.documents.blocks import Cell, Row, Table
    from agreement.word import tables

    table = Table([Row([Cell("86,1 %", notes=("dataår 2021",))])], text_style="LBFTabeltekst", note_style="LBFTabelnote")
    old = layout.Styles(paragraph={"LBFTabeltekst": (18, None)})
    new = layout.Styles(paragraph={"LBFTabeltekst": (18, None), "LBFTabelnote": (15, None)})
    assert tables.note_half_points(table, old) == 18 and tables.note_half_points(table, new) == 15
    for styles, expected in ((old, "LBFTabeltekst"), (new, "LBFTabelnote")):
        cell = tables.element(table, styles=styles).find(f"{w('tr')}/{w('tc')}")
        assert [p.find(f"{w('pPr')}/{w('pStyle')}").get(w("val")) for p in cell.findall(w("p"))] == ["LBFTabeltekst", expected]
