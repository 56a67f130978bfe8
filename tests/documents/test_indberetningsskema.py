"""The indberetningsskema: one row per goal and indicator of the content, as XLSX and PDF, LBF's own workbook filled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from agreement import formatting as fmt
from agreement.cli import main
from agreement.documents.indberetningsskema import DEFAULT_HEADINGS, headings, rows, year_headings
from agreement.documents.loader import load_content
from agreement.model.programme import Programme
from agreement.pipeline import build
from tests.conftest import SAMPLE, SOLHAVEN, copy_build, pdf_text, replace_line


def _content_indicators(programme: Programme) -> list[tuple[str, str, str]]:
    """(goal, indicator, target) of every indicator: LBF's fixed goals (the edition's), then each delaftale's."""
    s = programme.strategic
    fixed = [(g.text, i.text, "") for g in programme.edition.goals for i in g.indicators]
    deals = [(g.text, i.text, i.target) for area in s.chosen_areas for g in programme.delaftale_for(area).goals
             for i in g.indicators]
    return fixed + deals


@pytest.mark.parametrize("folder", [SAMPLE, SOLHAVEN], ids=["sample", "solhaven"])
def test_the_rows_are_the_indicators_of_the_content(folder: Path) -> None:
    programme = load_content(folder)
    found = rows(programme)
    assert [(r.goal, r.indicator, r.target) for r in found] == _content_indicators(programme)
    assert len(found) == len(programme.edition.indicators) + sum(
        len(g.indicators) for d in programme.delaftaler for g in d.goals)
    fixed = found[:len(programme.edition.indicators)]
    measured = [r for r in fixed if r.baseline_year]
    assert measured and all(r.baseline_year.isdigit() and r.baseline_area[:1].isdigit() for r in measured)
    assert all(r.baseline_area.startswith("ikke opgjort") for r in fixed if not r.baseline_year)
    assert all(r.focus_area for r in fixed)
    assert {r.focus_area for r in found[len(fixed):]} == set(programme.strategic.chosen_areas)


def test_a_row_carries_the_baselines_of_the_strategic_table() -> None:
    first = rows(load_content(SAMPLE))[0]
    assert (first.focus_area, first.indicator) == ("Uddannelse og livschancer", "Andel 1-5-årige i dagtilbud")
    assert (first.baseline_area, first.baseline_municipality, first.baseline_year) == (fmt.percent(88.9), fmt.percent(92.5), "2019")
    assert first.source == "LBF boligsociale data"


@pytest.mark.parametrize("fixture", ["built", "built_solhaven"])
def test_it_is_built_as_docx_pdf_and_xlsx_and_listed(fixture: str, request) -> None:
    result = request.getfixturevalue(fixture)
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    (entry,) = [d for d in manifest["documents"] if d["kind"] == "indberetningsskema"]
    assert set(entry["files"]) == {"docx", "pdf", "xlsx"} == set(entry["sha256"])
    programme = load_content(SAMPLE if fixture == "built" else SOLHAVEN)
    expected = rows(programme)

    ws = load_workbook(result.out_dir / entry["files"]["xlsx"]).active
    header = [c.value for c in ws[4]]
    assert header == headings(programme.edition) + year_headings(programme)
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    assert [(r[1], r[2]) for r in body] == [(r.goal, r.indicator) for r in expected]
    assert all(v is None for r in body for v in r[len(DEFAULT_HEADINGS):])  # the reporting years are to fill in

    table = Document(str(result.out_dir / entry["files"]["docx"])).tables[0]
    assert [c.text for c in table.rows[0].cells] == header
    assert [(r.cells[1].text, r.cells[2].text) for r in table.rows[1:]] == [(r.goal, r.indicator) for r in expected]
    text = pdf_text(result.out_dir / entry["files"]["pdf"], "-layout")
    assert "Indberetningsskema" in text and "Status" in text


def test_the_column_headings_follow_the_edition(content: Path, built_docx, tmp_path: Path) -> None:
    edition = content / "skabeloner" / "lbf-2019-26"
    result = CliRunner().invoke(main, ["templates", "export", "lbf-2019-26", str(edition), "--content", str(content)])
    assert result.exit_code == 0, result.output
    replace_line(edition / "edition.yaml", r"^  - Datakilde$", "  - Kilde til data")
    built = build(content, copy_build(built_docx.out_dir, tmp_path / "out"), ("docx",))  # the cache of the sample's
    (doc,) = [d for d in built.documents if d.kind == "indberetningsskema"]
    ws = load_workbook(built.out_dir / doc.files["xlsx"]).active
    assert "Kilde til data" in [c.value for c in ws[4]] and "Datakilde" not in [c.value for c in ws[4]]


def _lbf_workbook(path: Path, header: list[str]) -> None:
    """A stand-in for LBF's own form: a title, a note, the header row further down, a prepared first row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Skema"
    ws["A1"] = "Landsbyggefonden – indberetning af mål"
    ws["A2"] = "Udfyldes af den boligsociale indsats."
    for c, text in enumerate(header, start=1):
        ws.cell(row=6, column=c, value=text).font = Font(bold=True)
    for c in range(1, len(header) + 1):
        ws.cell(row=7, column=c).font = Font(italic=True)
    wb.save(path)


def test_an_edition_with_lbfs_own_workbook_gets_it_filled(content: Path, built_docx, tmp_path: Path) -> None:
    edition = content / "skabeloner" / "lbf-2019-26"
    result = CliRunner().invoke(main, ["templates", "export", "lbf-2019-26", str(edition), "--content", str(content)])
    assert result.exit_code == 0, result.output
    # LBF's columns in its own order, with one the programme does not fill and a heading spelt with a colon.
    header = ["Indikator", "Indsatsområde", "Bemærkninger", "mål:", "Målværdi", "Datakilde", "Status 2021/22"]
    _lbf_workbook(edition / "indberetningsskema.xlsx", header)

    built = build(content, copy_build(built_docx.out_dir, tmp_path / "out"), ("docx",))  # the cache of the sample's
    (doc,) = [d for d in built.documents if d.kind == "indberetningsskema"]
    wb = load_workbook(built.out_dir / doc.files["xlsx"])
    ws = wb.active
    assert ws.title == "Skema" and ws["A1"].value == "Landsbyggefonden – indberetning af mål"
    assert [c.value for c in ws[6]] == header  # LBF's header row is kept as it is
    expected = rows(load_content(content))
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=7, max_col=len(header))]
    assert [(r[0], r[1], r[3], r[4], r[5]) for r in body] == [
        (r.indicator, r.focus_area, r.goal, r.target or None, r.source) for r in expected]
    assert all(r[2] is None and r[6] is None for r in body)  # columns the programme does not fill stay empty
    assert ws.cell(row=7 + len(expected) - 1, column=1).font.italic  # later rows look like LBF's prepared row
    assert ws.print_title_rows == "$6:$6" and ws.page_setup.orientation == "landscape"


def test_a_workbook_without_the_headings_is_refused(content: Path, tmp_path: Path) -> None:
    edition = content / "skabeloner" / "lbf-2019-26"
    result = CliRunner().invoke(main, ["templates", "export", "lbf-2019-26", str(edition), "--content", str(content)])
    assert result.exit_code == 0, result.output
    _lbf_workbook(edition / "indberetningsskema.xlsx", ["Spørgsmål", "Svar"])
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--out", str(tmp_path / "out"),
                                       "--format", "docx", "-q"])
    assert result.exit_code == 1
    assert "indberetningsskema.xlsx: no row names at least two" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "manifest.json").exists()
