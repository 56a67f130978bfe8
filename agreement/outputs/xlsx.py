"""The budget as an Excel workbook whose sums and shares are formulas, for LBF's case workers."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from agreement.model.budget import Budget
from agreement.word import docxzip

AMOUNT = "#,##0"
PERCENT = "0.0%"


def write_budget(path: Path, budget: Budget, *, title: str, date: dt.date) -> None:
    """Write `budget` to `path`; every total and share is a formula over the amount cells."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Budget"
    years = len(budget.year_labels)
    total_col = years + 2
    share_col = years + 3
    bold = Font(bold=True)
    band = PatternFill("solid", fgColor="E6EFF1")
    head = PatternFill("solid", fgColor="1F4E5A")

    def col(c: int) -> str:
        return get_column_letter(c)

    def header(row: int, label: str, share: bool) -> None:
        labels = [label, *budget.year_labels, "I alt"] + (["Andel"] if share else [])
        for c, text in enumerate(labels, start=1):
            cell = ws.cell(row=row, column=c, value=text)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = head
            if c > 1:
                cell.alignment = Alignment(horizontal="right")

    def amounts(row: int, values: list[int]) -> None:
        for c, value in enumerate(values, start=2):
            ws.cell(row=row, column=c, value=value).number_format = AMOUNT
        ws.cell(row=row, column=total_col, value=f"=SUM({col(2)}{row}:{col(years + 1)}{row})").number_format = AMOUNT

    def sums(row: int, label: str, formula) -> None:
        ws.cell(row=row, column=1, value=label).font = bold
        for c in range(2, total_col + 1):
            cell = ws.cell(row=row, column=c, value=formula(col(c)))
            cell.number_format = AMOUNT
            cell.font = bold

    text_cell(ws, 1, 1, title).font = Font(bold=True, size=14)
    ws.cell(row=2, column=1, value="Beløb i kroner pr. projektår. Summer og andele er formler.")
    row = 4
    header(row, "Udgifter", share=False)
    subtotal_rows = []
    for group in budget.groups:
        row += 1
        text_cell(ws, row, 1, group.name).font = bold
        for c in range(1, total_col + 1):
            ws.cell(row=row, column=c).fill = band
        first = row + 1
        for line in group.lines:
            row += 1
            text_cell(ws, row, 1, line.label)
            amounts(row, line.amounts)
        row += 1
        last = row - 1
        sums(row, f"I alt, {group.name[:1].lower()}{group.name[1:]}", lambda c, a=first, b=last: f"=SUM({c}{a}:{c}{b})")
        subtotal_rows.append(row)
    row += 1
    expenses_row = row
    sums(row, "Udgifter i alt", lambda c: "=" + "+".join(f"{c}{r}" for r in subtotal_rows))

    row += 2
    header(row, "Finansiering", share=True)
    first = row + 1
    for line in budget.financing:
        row += 1
        text_cell(ws, row, 1, line.label)
        amounts(row, line.amounts)
        ws.cell(row=row, column=share_col, value=f"={col(total_col)}{row}/{col(total_col)}${expenses_row}").number_format = PERCENT
    last = row
    row += 1
    financing_row = row
    sums(row, "Finansiering i alt", lambda c: f"=SUM({c}{first}:{c}{last})")
    ws.cell(row=row, column=share_col, value=f"={col(total_col)}{row}/{col(total_col)}${expenses_row}").number_format = PERCENT
    row += 1
    sums(row, "Difference (finansiering minus udgifter)", lambda c: f"={c}{financing_row}-{c}{expenses_row}")

    grant_rows = [first + i for i in budget.grant_lines]
    grant = "+".join(f"{col(total_col)}{r}" for r in grant_rows) or "0"
    row += 2
    ws.cell(row=row, column=1, value=f"Tilskud fra {budget.grantor}, andel af udgifterne").font = bold
    ws.cell(row=row, column=2, value=f"=({grant})/{col(total_col)}{expenses_row}").number_format = PERCENT
    ws.cell(row=row, column=3, value=f"højst {float(budget.max_grant):.0%}")
    row += 1
    ws.cell(row=row, column=1, value="Lokal medfinansiering, andel af udgifterne").font = bold
    ws.cell(row=row, column=2, value=f"=({col(total_col)}{financing_row}-({grant}))/{col(total_col)}{expenses_row}").number_format = PERCENT
    ws.cell(row=row, column=3, value=f"mindst {float(budget.min_local):.0%}")

    ws.column_dimensions["A"].width = 52
    for c in range(2, share_col + 1):
        ws.column_dimensions[col(c)].width = 14
    ws.freeze_panes = "B5"

    moment = dt.datetime.combine(date, dt.time(12, 0))
    wb.properties.creator = "agreement"
    wb.properties.lastModifiedBy = "agreement"
    wb.properties.title = title
    wb.properties.language = "da-DK"
    wb.properties.created = wb.properties.modified = moment
    # ExcelWriter directly: openpyxl's save_workbook would stamp the modification time with the clock.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    docxzip.normalise(path)


def text_cell(ws: Worksheet, row: int, column: int, text: str) -> Cell:
    """A cell holding content text as text: openpyxl would store a label starting with '=' as a formula,
    so a budget line could call HYPERLINK or worse when a case worker opens the workbook."""
    cell = ws.cell(row=row, column=column, value=text)
    if cell.data_type == "f":
        cell.data_type = "s"
        cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
    return cell
