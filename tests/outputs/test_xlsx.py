"""The budget workbook: totals and shares are Excel formulas whose values equal the computed budget."""

from __future__ import annotations

import csv
import subprocess
import tempfile
from pathlib import Path

from openpyxl import load_workbook

from agreement.model.budget import compute
from agreement.outputs.pdf import find_soffice
from agreement.source.loader import load_content
from tests.conftest import SAMPLE

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
