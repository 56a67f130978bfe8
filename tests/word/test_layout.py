"""Table layout: every word of every table cell fits its column, in every document of the sample and of Solhaven."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from agreement.documents.blocks import Cell, Row, Table
from agreement.word import layout, measure
from agreement.word.measure import Font
from agreement.word.ooxml import el, paragraph, run, w
from agreement.word.tables import widths as table_widths

# The Word files of the shared builds (tests/conftest.py) of the sample and the two test areas.
BUILDS = {"sample": "built", "solhaven": "built_solhaven", "ringparken": "built_ringparken", "skovparken": "built_skovparken",
          "long-area": "built_long_area"}


@pytest.fixture(scope="module", params=sorted(BUILDS))
def docx_build(request: pytest.FixtureRequest) -> list[Path]:
    result = request.getfixturevalue(BUILDS[request.param])
    return sorted(result.out_dir.glob("*.docx"))


def _parts(path: Path) -> tuple[etree._Element, layout.Styles]:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("word/document.xml")), layout.Styles.from_xml(etree.fromstring(z.read("word/styles.xml")))


def test_no_word_is_wider_than_its_column(docx_build: list[Path]) -> None:
    tables = 0
    for path in docx_build:
        body, styles = _parts(path)
        for tbl in body.iter(w("tbl")):
            tables += 1
            assert layout.TableLayout(tbl, styles).problems() == [], path.name
    assert tables >= 10


def test_table_rows_never_split_and_long_tables_are_not_chained(docx_build: list[Path]) -> None:
    for path in docx_build:
        body, styles = _parts(path)
        for tbl in body.iter(w("tbl")):
            rows = tbl.findall(w("tr"))
            assert all(tr.find(f"{w('trPr')}/{w('cantSplit')}") is not None for tr in rows), path.name
            if tbl.find(f"{w('tblPr')}/{w('tblStyle')}") is None:
                continue
            body_rows = [tr for tr in rows if tr.find(f"{w('trPr')}/{w('tblHeader')}") is None]
            page = layout.text_height(body.find(w("body")))
            high = layout.estimated_height(layout.TableLayout(tbl, styles)) > layout.SHORT_TABLE_SHARE * page
            if len(body_rows) <= layout.SHORT_TABLE and not high:
                kept = [any(p.find(f"{w('pPr')}/{w('keepNext')}") is not None for p in tr.iter(w("p"))) for tr in rows]
                assert all(kept[:-1]), f"{path.name}: a short table does not move as a whole"
                continue
            kept = [any(p.find(f"{w('pPr')}/{w('keepNext')}") is not None for p in tr.iter(w("p"))) for tr in rows]
            assert not all(kept[:-1]), f"{path.name}: a long table is chained with keepNext into one block"


def _template_table(widths: list[int], texts: list[str]) -> etree._Element:
    tbl = el("tbl", None, el("tblPr", None, el("tblStyle", {"val": "LBFTabel"}), el("tblW", {"w": str(sum(widths)), "type": "dxa"}),
                              el("tblLayout", {"type": "fixed"})))
    tbl.append(el("tblGrid", None, *[el("gridCol", {"w": str(x)}) for x in widths]))
    tr = el("tr")
    for width, text in zip(widths, texts):
        tr.append(el("tc", None, el("tcPr", None, el("tcW", {"w": str(width), "type": "dxa"})), paragraph(None, run(text))))
    tbl.append(tr)
    return tbl


def test_a_column_too_narrow_for_its_word_is_widened_within_the_table() -> None:
    styles = layout.Styles(paragraph={}, table={"LBFTabel": (18, None, 80, 80)})
    tbl = _template_table([700, 5000], ["Uddannelsesvejledning", "kort"])
    assert layout.TableLayout(tbl, styles).problems()
    assert layout.fit_table(tbl, styles)
    table = layout.TableLayout(tbl, styles)
    assert table.problems() == [] and sum(table.grid) == 5700
    assert not layout.fit_table(tbl, styles)  # a table that fits is left as its designer made it


def test_a_table_whose_words_cannot_fit_is_set_smaller() -> None:
    styles = layout.Styles(paragraph={}, table={"LBFTabel": (18, None, 80, 80)})
    word = "Beskæftigelsesindsatsen"
    need = measure.width(word, Font(False, 18)) + 160
    tbl = _template_table([int(need * 0.95)] * 2, [word, word])
    layout.fit_table(tbl, styles)
    assert layout.TableLayout(tbl, styles).problems() == []
    assert {n.get(w("val")) for n in tbl.iter(w("sz"))} == {"17"}


def test_distribute_gives_every_column_its_longest_word_first() -> None:
    widths = layout.distribute([1000, 300, 300], [4000, 400, 400], 3000, uniform=((1, 2),))
    assert sum(widths) == 3000 and widths[0] >= 1000 and widths[1] == widths[2] >= 300
    assert layout.distribute([100, 100], [200, 600], 1600) == [400, 1200]  # room to spare: by the longest lines


def test_code_tables_size_their_columns_from_their_content() -> None:
    table = Table([Row([Cell("Udgifter (kr.)"), Cell("2021/22")], header=True),
                   Row([Cell("Boligsocial medarbejder hos BO-VEST"), Cell("1.654.000")])], uniform=())
    widths = table_widths(table)
    assert sum(widths) == int(16.0 * 567)
    assert widths[1] >= measure.width("1.654.000", Font(False, 18)) + 160
    narrow = Table([Row([Cell("", fill="1F4E5A"), Cell("forsinket")])], font_half_points=16, total_cm=None, min_cm={0: 0.8})
    assert table_widths(narrow)[0] >= int(0.8 * 567) and sum(table_widths(narrow)) < 3 * 567


def test_a_value_ending_in_a_full_stop_ends_its_sentence_with_one() -> None:
    body = el("body", None, paragraph(None, run("Udgifterne er i alt "), run("6.380.000\u00a0kr."), run(". Landsbyggefonden")),
              paragraph(None, run("Og så videre... "), run("slut..")))
    layout.join_full_stops(body)
    texts = ["".join(t.text or "" for t in p.iter(w("t"))) for p in body.iter(w("p"))]
    assert texts == ["Udgifterne er i alt 6.380.000\u00a0kr. Landsbyggefonden", "Og så videre... slut."]
