"""A budget in calendar years (år: kalenderår), and an open draft of another area, both ways."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from agreement.cli import main
from agreement.documents.loader import load_content
from agreement.model.budget import compute
from agreement.model.period import Period, Span, calendar_years, year_label, years
from agreement.pipeline import build
from tests.conftest import SAMPLE, SOLHAVEN, copy_build, line_of, pdf_text, replace_line

CALENDAR = ["2021", "2022", "2023", "2024", "2025"]


def _paragraphs(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def _rows(path: Path) -> list[list[str]]:
    return [[c.text for c in row.cells] for t in Document(str(path)).tables for row in t.rows]


def test_calendar_years_are_cut_to_the_period() -> None:
    years = calendar_years(Span(dt.date(2021, 3, 1), dt.date(2025, 2, 28)))
    assert [(y.start.isoformat(), y.end.isoformat()) for y in years] == [
        ("2021-03-01", "2021-12-31"), ("2022-01-01", "2022-12-31"), ("2023-01-01", "2023-12-31"),
        ("2024-01-01", "2024-12-31"), ("2025-01-01", "2025-02-28")]


def test_an_open_period_has_as_many_years_as_it_is_given() -> None:
    start = dt.date(2021, 3, 1)
    project = years(Period(start, None), calendar=False, count=4)
    assert [year_label(y) for y in project] == ["2021/22", "2022/23", "2023/24", "2024/25"]
    assert project[-1].end == dt.date(2025, 2, 28)
    assert [year_label(y) for y in years(Period(start, None), calendar=True, count=5)] == CALENDAR
    assert years(Period(start, dt.date(2025, 2, 28)), calendar=True, count=2) == calendar_years(
        Span(start, dt.date(2025, 2, 28)))  # a known end decides, not the count


def test_project_year_amounts_under_calendar_years_are_refused_with_the_years(content: Path) -> None:
    budget = content / "budget.yaml"
    replace_line(budget, r"^status: udkast$", "status: udkast\når: kalenderår")
    result = CliRunner().invoke(main, ["check", "--content", str(content)])
    assert result.exit_code == 1
    line = line_of(budget, r"beløb: \[580000")
    assert (f"{budget}:{line}:" in result.output and "has 4 amounts" in result.output
            and "5 calendar years (2021, 2022, 2023, 2024, 2025)" in result.output), result.output


def test_five_amounts_under_project_years_are_refused_with_a_hint(content: Path) -> None:
    budget = content / "budget.yaml"
    line = replace_line(budget, r"beløb: \[580000, 580000, 580000, 580000\]", "beløb: [480000, 580000, 580000, 580000, 100000]")
    result = CliRunner().invoke(main, ["check", "--content", str(content)])
    assert result.exit_code == 1
    assert f"{budget}:{line}:" in result.output and "4 project years (2021/22, 2022/23, 2023/24, 2024/25)" in result.output
    assert "år: kalenderår" in result.output


@pytest.fixture(scope="module")
def calendar_budget(built, tmp_path_factory: pytest.TempPathFactory):
    """The sample with its budget in the five calendar years 2021-2025 (the fourth year's amounts again in 2025),
    built as DOCX and PDF from a copy of the shared build."""
    content = tmp_path_factory.mktemp("calendar") / "content"
    shutil.copytree(SAMPLE, content)
    budget = content / "budget.yaml"
    text = budget.read_text(encoding="utf-8").replace("status: udkast\n", "status: udkast\når: kalenderår\n")
    text = re.sub(r"beløb: \[([^\]]*), (\d+)\]", r"beløb: [\1, \2, \2]", text)
    budget.write_text(text, encoding="utf-8")
    return content, build(content, copy_build(built.out_dir, tmp_path_factory.mktemp("calendar-out") / "out"))


def test_a_calendar_year_budget_is_totalled_and_rendered_per_calendar_year(calendar_budget) -> None:
    content, result = calendar_budget
    budget = compute(load_content(content))
    assert budget.year_labels == CALENDAR
    assert budget.expense_totals[-1] == budget.expense_totals[-2] and budget.expense_totals == budget.financing_totals
    text = _paragraphs(result.out_dir / "budget.docx")
    assert "opgjort pr. kalenderår (2021, 2022, 2023, 2024 og 2025)" in text
    rows = _rows(result.out_dir / "budget.docx")
    assert ["Udgifter (kr.)", *CALENDAR, "I alt"] in rows
    assert ["Finansiering (kr.)", *CALENDAR, "I alt", "Andel"] in rows
    assert "opgjort pr. kalenderår" in pdf_text(result.out_dir / "budget.pdf")
    sheet = load_workbook(result.out_dir / "budget.xlsx").worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [v for v in values[1] if v] == ["Beløb i kroner pr. kalenderår. Summer og andele er formler."]
    assert any(row[1:7] == [*CALENDAR, "I alt"] for row in values)


def test_the_indberetningsskema_follows_the_budget_years(calendar_budget) -> None:
    _, result = calendar_budget
    text = _paragraphs(result.out_dir / "indberetningsskema.docx")
    assert "Status for hvert kalenderår (2021, 2022, 2023, 2024 og 2025)" in text
    header = _rows(result.out_dir / "indberetningsskema.docx")[0]
    assert header[-5:] == [f"Status {y}" for y in CALENDAR]
    sheet = load_workbook(result.out_dir / "indberetningsskema.xlsx").worksheets[0]
    assert "Status 2025" in [c.value for row in sheet.iter_rows() for c in row]


def test_an_open_draft_of_another_area_builds(built_solhaven, tmp_path: Path) -> None:
    """Solhaven as an early draft: a signatory not yet known, one who signed without a date, a calendar-year budget,
    and no end of the period yet."""
    content = tmp_path / "solhaven"
    shutil.copytree(SOLHAVEN, content)
    strategic = content / "strategic.yaml"
    replace_line(strategic, r"^  til: 2024-12-31$", "  # til: not fixed yet")
    replace_line(strategic, r"\{part: bs, navn: Bo Berg, titel: Formand\}", "{part: bs}")
    replace_line(strategic, r"titel: Formand, dato: 2021-12-03\}", "titel: Formand, underskrevet: true}")
    replace_line(content / "budget.yaml", r"^status: udkast$", "status: udkast\når: kalenderår")
    result = build(content, copy_build(built_solhaven.out_dir, tmp_path / "out"))
    rows = _rows(result.out_dir / "strategisk-samarbejdsaftale.docx")
    assert rows[rows.index(["Dato", "Navn"]) - 1:rows.index(["Dato", "Navn"]) + 1] == [["", ""], ["Dato", "Navn"]]
    assert ["", "Cecilie Carlsen"] in rows and ["Dato", "Formand, Cecilie Carlsen"] in rows
    assert "opgjort pr. kalenderår (2022, 2023 og 2024)" in _paragraphs(result.out_dir / "budget.docx")
    cover = pdf_text(result.out_dir / "strategisk-samarbejdsaftale.pdf").split("\f")[0]
    assert "Navn" in cover and "Cecilie Carlsen" in cover
    # The open end: a blank line on the front page, the years from the budget's amounts, the start year in titles.
    assert "Samarbejdsaftalen gælder fra 1. januar 2022 til __________" in cover
    assert "Budgettet dækker aftaleperioden 1. januar 2022 til __________, opgjort pr. kalenderår (2022, 2023 og 2024)" \
        in " ".join(pdf_text(result.out_dir / "budget.pdf").split())
    assert result.documents[0].title == "Strategisk samarbejdsaftale om boligsocial indsats, Solhaven fra 2022"
    # Final, the same draft is refused at the open signature and at the open period.
    replace_line(strategic, r"^status: udkast$", "status: endelig")
    check = CliRunner().invoke(main, ["check", "--content", str(content)])
    line = line_of(strategic, r"\{part: bs\}")
    assert check.exit_code == 1 and f"{strategic}:{line}:" in check.output and "'bs' has no navn and titel" in check.output
    assert f"{strategic}:{line_of(strategic, r'^periode:$')}:1: the period has no end" in check.output
    assert "write its last day as til: YYYY-MM-DD under periode" in check.output
