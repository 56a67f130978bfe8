"""The indberetningsskema: one row per goal and indicator of the content, as XLSX and PDF, LBF's own workbook filled."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from pypdf import PdfReader

from agreement.cli import main
from agreement.documents.indberetningsskema import DEFAULT_HEADINGS, headings, rows, show, status_years, year_headings
from agreement.documents.loader import load_content
from agreement.documents.spec import Quantity
from agreement.documents.strategic import unit_text
from agreement.formatting import NBSP
from agreement.model.programme import Programme
from agreement.pipeline import build
from tests.conftest import SAMPLE, SOLHAVEN, copy_build, expect_error, pdf_text, poppler, replace_line


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
    assert measured and all(isinstance(r.baseline_year, int) for r in measured)
    assert all(r.baseline_area == "ikke opgjort" for r in fixed if not r.baseline_year)
    assert all(r.focus_area and r.level == "Overordnet mål" for r in fixed)
    assert {r.focus_area for r in found[len(fixed):]} == set(programme.strategic.chosen_areas)
    # The level names the delmål by its number in its delaftale (the focus area's).
    for area in programme.strategic.chosen_areas:
        deal = programme.delaftale_for(area)
        levels = [r.level for r in found[len(fixed):] if r.focus_area == area]
        assert levels == [f"Delmål {n}, delaftale" for n, g in enumerate(deal.goals, start=1) for _ in g.indicators]


def test_a_row_carries_the_baselines_of_the_strategic_table_as_numbers() -> None:
    found = rows(load_content(SAMPLE))
    first = found[0]
    assert (first.focus_area, first.level, first.indicator) == (
        "Uddannelse og livschancer", "Overordnet mål", "Andel 1-5-årige i dagtilbud")
    assert (first.baseline_area, first.baseline_municipality, first.baseline_year) == (
        Quantity(88.9, "procent"), Quantity(92.5, "procent"), 2019)
    assert (first.source, first.frequency, first.measured_by) == ("LBF boligsociale data", "Årligt", "Landsbyggefonden")
    # One value with notes: the number in its column, the notes in the note column.
    safety = next(r for r in found if r.indicator.startswith("Andel beboere over 18 år, der føler sig"))
    assert (safety.baseline_area, safety.baseline_municipality, safety.baseline_year) == (
        Quantity(74, "procent"), Quantity(73, "procent"), 2018)
    assert safety.note == "Boligområde: inkl. Kanalens Kvt.; Kommune: alle 66 hp"


def test_a_baseline_in_words_is_a_note_and_a_number_keeps_its_year(content: Path) -> None:
    """'Måles første gang i juni 2021' stood in the baseline column while 'Baseline år' was empty (issue 22)."""
    deal = content / "delaftaler" / "uddannelse-og-livschancer.yaml"
    found = rows(load_content(content))
    row = next(r for r in found if r.note == "Måles første gang i juni 2021")
    assert (row.baseline_area, row.baseline_municipality, row.baseline_year) == (None, None, None)
    assert (row.frequency, row.measured_by) == ("Årligt i juni", "Albertslund Boligsociale Center")

    replace_line(deal, r"^        baseline: Ny aktivitet$", "        baseline: 12\n        baseline_år: 2020")
    found = rows(load_content(content))
    row = next(r for r in found if r.indicator.startswith("Antal børn og unge, der deltager fast"))
    assert (row.baseline_area, row.baseline_year, row.note) == (Quantity(12, "antal"), 2020, "")
    assert show(row.baseline_area) == "12"


def test_a_measurer_that_is_no_organisation_is_refused(content: Path) -> None:
    line = replace_line(content / "delaftaler" / "beskaeftigelse.yaml", r"^        måles_af: jobcenter$",
                        "        måles_af: jobcentre")
    expect_error(content, "delaftaler/beskaeftigelse.yaml", line, "unknown organisation 'jobcentre'",
                 "did you mean 'jobcenter'")


def test_the_status_years_are_the_calendar_years_the_follow_up_files_name() -> None:
    programme = load_content(SAMPLE)  # project years 2021/22 to 2024/25: five calendar years
    assert status_years(programme) == [2021, 2022, 2023, 2024, 2025]
    assert year_headings(programme)[0] == "Status 2021"


def test_a_draft_follow_up_fills_in_nothing() -> None:
    programme = load_content(SAMPLE)
    assert programme.follow_ups and not any(f.final for f in programme.follow_ups)
    assert all(v is None for r in rows(programme) for v in r.status)


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
    assert [(r[2], r[3]) for r in body] == [(r.goal, r.indicator) for r in expected]
    assert all(v is None for r in body for v in r[len(DEFAULT_HEADINGS):])  # no final follow-up: to fill in

    table = Document(str(result.out_dir / entry["files"]["docx"])).tables[0]
    assert [c.text for c in table.rows[0].cells] == header
    assert [(r.cells[2].text, r.cells[3].text) for r in table.rows[1:]] == [(r.goal, r.indicator) for r in expected]
    text = pdf_text(result.out_dir / entry["files"]["pdf"], "-layout")
    assert "Indberetningsskema" in text and "Status" in text


def test_the_workbook_stores_baselines_and_years_as_numbers(built) -> None:
    """The workbook stored '88,9 %' and '2019' as text (issue 22)."""
    ws = load_workbook(built.out_dir / "indberetningsskema.xlsx").active
    header = [c.value for c in ws[4]]
    first = {h: c for h, c in zip(header, ws[5])}
    assert first["Baseline boligområder"].value == 88.9 and first["Baseline boligområder"].data_type == "n"
    assert first["Baseline boligområder"].number_format == '#,##0.0##" %"'
    assert first["Baseline år"].value == 2019 and first["Baseline år"].number_format == "0"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A3) and ws.page_setup.orientation == "landscape"
    grades = {h: c for h, c in zip(header, ws[6])}
    assert (grades["Baseline kommune (evt. andet)"].value, grades["Baseline kommune (evt. andet)"].number_format) == (
        6.1, "#,##0.0##")
    assert all(isinstance(c.value, (int, float)) for row in ws.iter_rows(min_row=5)
               for h, c in zip(header, row) if h == "Baseline år" and c.value is not None)


def test_the_table_is_at_least_7_5_pt_on_a3_with_its_formatting_in_styles(built) -> None:
    """7 pt across 12 columns on A4, size and header bold set on all 432 runs (issue 22 items 4 and 5)."""
    doc = Document(str(built.out_dir / "indberetningsskema.docx"))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (420, 297)
    body = doc.element.body
    (tbl,) = body.iter(qn("w:tbl"))
    runs = list(tbl.iter(qn("w:r")))
    assert len(runs) > 300
    direct = [r for r in runs if r.find(qn("w:rPr")) is not None
              and any(r.find(f"{qn('w:rPr')}/{qn(f'w:{tag}')}") is not None for tag in ("sz", "szCs", "b", "bCs"))]
    assert direct == []
    assert {p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) for p in tbl.iter(qn("w:p"))} == {"LBFTabeltekst"}
    styles = doc.styles.element
    text_style = next(s for s in styles.iter(qn("w:style")) if s.get(qn("w:styleId")) == "LBFTabeltekst")
    assert int(text_style.find(f"{qn('w:rPr')}/{qn('w:sz')}").get(qn("w:val"))) >= 15
    table_style = next(s for s in styles.iter(qn("w:style")) if s.get(qn("w:styleId")) == "LBFTabel")
    first_row = table_style.find(f"{qn('w:tblStylePr')}[@{qn('w:type')}='firstRow']")
    assert first_row.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None
    assert first_row.find(f"{qn('w:tcPr')}/{qn('w:shd')}").get(qn("w:fill")) == "1F4E5A"
    # The PDF's table text is at least 7,5 pt: a line of 'Andel 1-5-årige i dagtilbud' is that tall.
    words = _words(built.out_dir / "indberetningsskema.pdf", 1)
    assert min(y1 - y0 for text, _, y0, y1 in words if text == "dagtilbud") >= 7.5 * 1.2


def _words(pdf: Path, page: int) -> list[tuple[str, float, float, float]]:
    """(text, xMin, yMin, yMax) of every word on `page`, from pdftotext's bounding boxes."""
    from lxml import etree

    root = etree.fromstring(poppler("pdftotext", pdf, "-bbox", "-f", str(page), "-l", str(page)))
    return [(w.text, float(w.get("xMin")), float(w.get("yMin")), float(w.get("yMax")))
            for w in root.iter("{http://www.w3.org/1999/xhtml}word")]


@pytest.mark.parametrize("fixture", ["built", "built_solhaven", "built_ringparken"])
def test_the_closing_note_keeps_clear_of_the_table(fixture: str, request) -> None:
    """The closing note on the last page touched the table's border (issue 22)."""
    pdf = request.getfixturevalue(fixture).out_dir / "indberetningsskema.pdf"
    words = _words(pdf, len(PdfReader(pdf).pages))
    note = max(y0 for text, _, y0, _ in words if text == "Landsbyggefondens")  # the intro names LBF too
    table_bottom = max(y1 for _, _, _, y1 in words if y1 < note)
    assert note - table_bottom >= 12  # the row's own bottom spacing, the border and the note's 12 pt above


def test_final_follow_ups_fill_in_their_years_as_numbers(content: Path, built, tmp_path: Path) -> None:
    """Issue 20 item 4: each final follow-up's measurements stand in its year's status column, as numbers; with each,
    the year its data describe and the municipality's value (a note on the XLSX cell, smaller lines in the DOCX)."""
    for year, handled in ((2021, "2022-03-15"), (2022, "2023-03-14")):
        replace_line(content / "opfoelgning" / f"{year}.yaml", r"^status: udkast$", f"status: endelig\nbehandlet: {handled}")
    programme = load_content(content)
    result = build(content, copy_build(built.out_dir, tmp_path / "out"), ("docx", "pdf"))
    # What the YAML says: (indicator, year) -> (area, municipality or None, data year).
    expected = {}
    for year in (2021, 2022):
        data = yaml.safe_load((content / "opfoelgning" / f"{year}.yaml").read_text(encoding="utf-8"))
        for m in data["målinger"]:
            expected[m["indikator"], year] = (m["boligområde"], m.get("kommune"), m.get("dataår", year))
    ids = [i.id for g in programme.edition.goals for i in g.indicators] + [
        i.id for a in programme.strategic.chosen_areas for g in programme.delaftale_for(a).goals for i in g.indicators]
    assert len(ids) == len(rows(programme))

    ws = load_workbook(result.out_dir / "indberetningsskema.xlsx").active
    header = [c.value for c in ws[4]]
    years = {header.index(f"Status {y}"): y for y in (2021, 2022, 2023)}
    doc_rows = Document(str(result.out_dir / "indberetningsskema.docx")).tables[0].rows[1:]
    filled = with_municipality = earlier_data = 0
    for ident, cells, doc_row in zip(ids, ws.iter_rows(min_row=5), doc_rows, strict=True):
        for column, year in years.items():
            cell, paragraphs = cells[column], doc_row.cells[column].paragraphs
            if (ident, year) not in expected:
                assert cell.value is None and cell.comment is None and doc_row.cells[column].text == ""
                continue
            area, municipality, data_year = expected[ident, year]
            unit = _unit(programme, ident)
            details = [f"dataår{NBSP}{data_year}"] + ([f"kommune {unit_text(municipality, unit)}"] if municipality is not None
                                                     else [])
            filled += 1
            with_municipality += municipality is not None
            earlier_data += data_year < year
            assert cell.value == area and cell.data_type == "n", (ident, year, cell.value)
            assert cell.comment.text == " · ".join(details).capitalize(), (ident, year)
            assert [p.text for p in paragraphs] == [unit_text(area, unit), *details], (ident, year)
            assert [p.style.style_id for p in paragraphs] == ["LBFTabeltekst"] + ["LBFTabelnote"] * len(details)
    assert filled == len(expected) >= 20 and with_municipality >= 10 and earlier_data >= 10
    # 88,9 % in 2019; the 2021 follow-up measured 89,4 % (data of 2020, the municipality 92,6 %), the 2022 one 90,2 %.
    text = pdf_text(result.out_dir / "indberetningsskema.pdf", "-layout")
    lines = text.splitlines()
    at = next(i for i, x in enumerate(lines) if "Andel 1-5-årige i dagtilbud" in x)
    assert re.search(r"88,9 %.*92,5 %.*2019.*89,4 %.*90,2 %", lines[at]), lines[at]
    column = lines[at].index("89,4 %") - 6  # the status columns: the details stand under their values
    below = " ".join(" ".join(x[column:].split()) for x in lines[at + 1:at + 5])
    assert re.fullmatch(r"dataår 2020 dataår 2021 (kommune (92,6 % )?kommune (92,6 % )?92,4 %|kommune 92,6 % kommune 92,4 %)",
                        below.replace(NBSP, " ").strip()), below


def test_the_details_are_smaller_and_the_table_keeps_to_the_a3_page(content: Path, built_docx, tmp_path: Path) -> None:
    """The data year and the municipality under a status value are set smaller than the value (but at least 7,5 pt),
    and the table with them still spans the text width only, its year columns one width."""
    replace_line(content / "opfoelgning" / "2022.yaml", r"^status: udkast$", "status: endelig\nbehandlet: 2023-03-14")
    result = build(content, copy_build(built_docx.out_dir, tmp_path / "out"), ("docx",))
    doc = Document(str(result.out_dir / "indberetningsskema.docx"))
    styles = {s.style_id: s for s in doc.styles if s.type == WD_STYLE_TYPE.PARAGRAPH}
    assert 7.5 <= styles["LBFTabelnote"].font.size.pt < styles["LBFTabeltekst"].font.size.pt
    section = doc.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    grid = [int(c.get(qn("w:w"))) for c in doc.element.body.iter(qn("w:gridCol"))]
    assert abs(sum(grid) * 635 - text_width) < 635 * len(grid)  # twips to EMU; whole twips per column
    status = grid[len(DEFAULT_HEADINGS):]
    assert len(status) == 5 and len(set(status)) == 1 and status[0] >= 1.6 * 567
    assert any(p.style.style_id == "LBFTabelnote" for c in doc.tables[0].rows[1].cells for p in c.paragraphs)


def _unit(programme: Programme, ident: str) -> str | None:
    fixed = programme.edition.indicators
    if ident in fixed:
        return fixed[ident].unit
    return next(i.unit for d in programme.delaftaler for g in d.goals for i in g.indicators if i.id == ident)


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
