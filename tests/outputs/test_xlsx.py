"""The budget workbook: totals and shares are Excel formulas whose values equal the computed budget."""

from __future__ import annotations

import csv
import datetime as dt
import re
import subprocess
import tempfile
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from agreement.model.budget import compute
from agreement.outputs.pdf import find_soffice
from agreement.outputs.xlsx import write_budget
from agreement.source.loader import load_content
from tests.conftest import SAMPLE, replace_line

CSV_RAW_VALUES = "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false"


def _xlsx(built) -> Path:
    (doc,) = [d for d in built.documents if d.kind == "budget"]
    return built.out_dir / doc.files["xlsx"]


def _recalculated(xlsx: Path, out: Path) -> dict[str, list[str]]:
    """Let LibreOffice Calc open the workbook (computing every formula) and save the values as CSV."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([find_soffice(), f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                        "--convert-to", CSV_RAW_VALUES, "--outdir", str(out), str(xlsx)],
                       check=True, capture_output=True, timeout=300)
    with (out / (xlsx.stem + ".csv")).open(encoding="utf-8") as fh:
        return {row[0]: row[1:] for row in csv.reader(fh) if row and row[0]}


def test_totals_are_formulas(built) -> None:
    ws = load_workbook(_xlsx(built)).active
    labels = {ws.cell(row=r, column=1).value: r for r in range(1, ws.max_row + 1)}
    for label in ("Udgifter i alt", "Finansiering i alt", "I alt, personale"):
        row = labels[label]
        assert all(str(ws.cell(row=row, column=c).value).startswith("=") for c in range(2, 7)), label
    assert str(ws.cell(row=labels["Faglig støtte"], column=6).value).startswith("=SUM(")
    assert ws.cell(row=labels["Faglig støtte"], column=2).value == 130000


def test_formula_values_equal_the_computed_budget(built, tmp_path: Path) -> None:
    budget = compute(load_content(SAMPLE))
    rows = _recalculated(_xlsx(built), tmp_path)
    expenses = [int(v) for v in rows["Udgifter i alt"][:5]]
    assert expenses == budget.expense_totals + [budget.expense_total]
    financing = [int(v) for v in rows["Finansiering i alt"][:5]]
    assert financing == budget.financing_totals + [budget.financing_total]
    for group in budget.groups:
        label = f"I alt, {group.name[:1].lower()}{group.name[1:]}"
        assert [int(v) for v in rows[label][:5]] == group.totals + [group.total]
    assert [int(v) for v in rows["Difference (finansiering minus udgifter)"][:5]] == [0] * 5
    assert rows["Tilskud fra Landsbyggefonden (LBF), andel af udgifterne"][0] == "75%"


def test_a_label_starting_with_equals_stays_text(content: Path, tmp_path: Path) -> None:
    label = '=HYPERLINK("http://x","y")'
    replace_line(content / "budget.yaml", r"tekst: Revision af regnskabet$", f"tekst: '{label}'")
    xlsx = tmp_path / "budget.xlsx"
    write_budget(xlsx, compute(load_content(content)), title="=1+1", date=dt.date(2021, 3, 1))
    ws = load_workbook(xlsx).active
    (cell,) = [c for row in ws.iter_rows(max_col=1) for c in row if c.value == label]
    assert cell.data_type == "s"
    assert cell.quotePrefix
    assert ws["A1"].value == "=1+1" and ws["A1"].data_type == "s"
    sheet = zipfile.ZipFile(xlsx).read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "HYPERLINK" not in "".join(re.findall(r"<f>(.*?)</f>", sheet))
