"""Excel workbooks for LBF's case workers: the budget (sums and shares as formulas) and the indberetningsskema."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Sequence
from copy import copy
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import cast

from lxml import etree
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from agreement import __version__
from agreement.documents.spec import BudgetWorkbook, Measured, Quantity, ReportValue, ReportWorkbook
from agreement.documents.strategic import capitalise
from agreement.errors import TemplateError
from agreement.files import write_zip
from agreement.i18n import _
from agreement.model.budget import Budget
from agreement.namespaces import EXTENDED_NS, PKG_REL_NS, R_NS, SHEET_NS, TYPES_NS

AMOUNT = "#,##0"
PERCENT = "0.0%"
EXACT_PERCENT = "0.000%"
# The steps of rounding a financing share as the budget PDF does (largest remainder), one column each.
ROUNDING_HEADINGS = ("Præcis andel", "Rundet ned", "Rest (af 0,1 %)", "Plads efter rest", "Tillæg")
ROUNDING_NOTE = ("Andel ({share}) er den præcise andel rundet til 0,1 %, så andelene tilsammen giver den afrundede samlede "
                 "andel: hver andel rundes ned, og de 0,1 %-point, der så mangler, gives ét ad gangen til linjerne med "
                 "størst rest (største rests metode). Kolonne {first}-{last} viser hvert trin; andelene er de samme som "
                 "i budgettets PDF.")
DIV0 = "#DIV/0!"  # what Excel shows for a share of a budget of nothing

Cached = int | float | str  # a formula's value: a number, or an Excel error such as DIV0

SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHARED_STRINGS_REL = f"{R_NS}/sharedStrings"


def write_workbook(path: Path, workbook: BudgetWorkbook | ReportWorkbook) -> None:
    """Write a document's workbook (a spec's extra) to `path`."""
    if isinstance(workbook, BudgetWorkbook):
        write_budget(path, workbook.budget, title=workbook.title, date=workbook.date)
    else:
        write_report(path, workbook.headings, workbook.rows, title=workbook.title, intro=workbook.intro,
                     date=workbook.date, lbf_workbook=workbook.lbf_workbook)


def write_budget(path: Path, budget: Budget, *, title: str, date: dt.date) -> None:
    """Write `budget` to `path`; every total and share is a formula over the amount cells, stored with its value
    computed from the model, so previews and viewers that do not calculate show the totals too."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Budget"
    years = len(budget.year_labels)
    total_col = years + 2
    share_col = years + 3
    bold = Font(bold=True)
    band = PatternFill("solid", fgColor="E6EFF1")
    head = PatternFill("solid", fgColor="1F4E5A")

    cached: dict[str, Cached] = {}

    def col(c: int) -> str:
        return cast(str, get_column_letter(c))  # openpyxl is untyped

    def formula(row: int, column: int, text: str, value: Cached, number_format: str = AMOUNT) -> Cell:
        cell = ws.cell(row=row, column=column, value=text)
        cell.number_format = number_format
        cached[cell.coordinate] = value
        return cell

    def share(part: int) -> Cached:
        return float(Fraction(part, budget.expense_total)) if budget.expense_total else DIV0

    def known(value: float) -> Cached:
        """A value computed from shares, or the error Excel shows for a share of a budget of nothing."""
        return value if budget.expense_total else DIV0

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
        formula(row, total_col, f"=SUM({col(2)}{row}:{col(years + 1)}{row})", sum(values))

    def sums(row: int, label: str, text: Callable[[str], str], values: list[int]) -> None:
        ws.cell(row=row, column=1, value=label).font = bold
        for c, value in zip(range(2, total_col + 1), values, strict=True):
            formula(row, c, text(col(c)), value).font = bold

    text_cell(ws, 1, 1, title).font = Font(bold=True, size=14)
    ws.cell(row=2, column=1, value=f"Beløb i kroner pr. {budget.year_kind}. Summer og andele er formler.")
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
        sums(row, f"I alt, {group.name[:1].lower()}{group.name[1:]}", partial(_column_sum, first=first, last=last),
             group.totals + [group.total])
        subtotal_rows.append(row)
    row += 1
    expenses_row = row
    sums(row, "Udgifter i alt", lambda c: "=" + ("+".join(f"{c}{r}" for r in subtotal_rows) or "0"),
         budget.expense_totals + [budget.expense_total])

    row += 2
    header(row, "Finansiering", share=True)
    steps = [share_col + i for i in range(1, len(ROUNDING_HEADINGS) + 1)]
    exact_col, down_col, rest_col, rank_col, extra_col = (col(c) for c in steps)
    for c, text in zip(steps, ROUNDING_HEADINGS, strict=True):
        ws.cell(row=row, column=c, value=text).font = Font(bold=True)
        ws.cell(row=row, column=c).alignment = Alignment(horizontal="right", wrap_text=True)
    first = row + 1
    last = row + len(budget.financing)
    financing_row = last + 1
    total = f"{col(total_col)}${expenses_row}"
    rounding = budget.financing_rounding()
    shown = [step.floor / 1000 + (0.001 if step.extra else 0.0) for step in rounding]  # as the formulas add them up
    for line, step, value in zip(budget.financing, rounding, shown, strict=True):
        row += 1
        text_cell(ws, row, 1, line.label)
        amounts(row, line.amounts)
        # The share the budget PDF shows (rounded by largest remainder), computed one step per column.
        amount = f"{col(total_col)}{row}"
        formula(row, share_col, f"={down_col}{row}+{extra_col}{row}", known(value), PERCENT)
        formula(row, steps[0], f"={amount}/{total}", share(line.total), EXACT_PERCENT)
        formula(row, steps[1], f"=INT(1000*{amount}/{total})/1000", known(step.floor / 1000), PERCENT)
        formula(row, steps[2], f"=MOD(1000*{amount},{total})/{total}", known(float(step.rest)), "0.000")
        formula(row, steps[3], f"=RANK({rest_col}{row},{rest_col}${first}:{rest_col}${last})"
                               f"+COUNTIF({rest_col}${first}:{rest_col}{row},{rest_col}{row})-1", known(step.rank), "0")
        formula(row, steps[4], f"=IF({rank_col}{row}<=ROUND(1000*{extra_col}${financing_row},0),0.001,0)",
                known(0.001 if step.extra else 0.0), PERCENT)
    row += 1
    sums(row, "Finansiering i alt", lambda c: f"=SUM({c}{first}:{c}{last})", budget.financing_totals + [budget.financing_total])
    formula(row, share_col, f"=SUM({col(share_col)}{first}:{col(share_col)}{last})", known(sum(shown)), PERCENT).font = bold
    formula(row, steps[0], f"={col(total_col)}{row}/{total}", share(budget.financing_total), EXACT_PERCENT)
    down = sum(step.floor / 1000 for step in rounding)
    formula(row, steps[1], f"=SUM({down_col}{first}:{down_col}{last})", known(down), PERCENT)
    target = sum(step.shown for step in rounding)  # the financing's share rounded half up, in tenths of a percent
    formula(row, steps[4], f"=ROUND(1000*{col(total_col)}{row}/{total},0)/1000-{down_col}{row}",
            known(target / 1000 - down), PERCENT)
    row += 1
    sums(row, "Difference (finansiering minus udgifter)", lambda c: f"={c}{financing_row}-{c}{expenses_row}",
         [f - e for f, e in zip(budget.financing_totals + [budget.financing_total],
                                budget.expense_totals + [budget.expense_total], strict=True)])
    row += 1
    note = text_cell(ws, row, 1, ROUNDING_NOTE.format(share=col(share_col), first=exact_col, last=extra_col))
    note.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=steps[-1])
    ws.row_dimensions[row].height = 45

    grant = "+".join(f"{col(share_col)}{first + i}" for i in budget.grant_lines) or "0"
    grant_shown = sum(shown[i] for i in budget.grant_lines)
    row += 2
    ws.cell(row=row, column=1, value=f"Tilskud fra {budget.grantor}, andel af udgifterne").font = bold
    formula(row, 2, f"={grant}", known(grant_shown), PERCENT)
    ws.cell(row=row, column=3, value=f"højst {float(budget.max_grant):.0%}")
    row += 1
    ws.cell(row=row, column=1, value="Lokal medfinansiering, andel af udgifterne").font = bold
    formula(row, 2, f"={col(share_col)}{financing_row}-({grant})", known(sum(shown) - grant_shown), PERCENT)
    ws.cell(row=row, column=3, value=f"mindst {float(budget.min_local):.0%}")

    ws.column_dimensions["A"].width = 52
    for c in range(2, share_col + len(ROUNDING_HEADINGS) + 1):
        ws.column_dimensions[col(c)].width = 14
    ws.freeze_panes = "B5"
    print_setup(ws, header_row=4)
    save(wb, path, title=title, date=date, cached={ws.title: cached})


def _column_sum(column: str, *, first: int, last: int) -> str:
    return f"=SUM({column}{first}:{column}{last})"


def print_setup(ws: Worksheet, *, header_row: int) -> None:
    """A4 landscape, one page wide (as many pages down as it takes), the column headings on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # 0: as many pages down as needed
    ws.print_title_rows = f"{header_row}:{header_row}"


def save(wb: Workbook, path: Path, *, title: str, date: dt.date, cached: dict[str, dict[str, Cached]] | None = None) -> None:
    """Save `wb` with properties from content, then make it Excel-native (see finish_workbook)."""
    moment = dt.datetime.combine(date, dt.time(12, 0))
    wb.properties.creator = "agreement"
    wb.properties.lastModifiedBy = "agreement"
    wb.properties.title = title
    wb.properties.language = "da-DK"
    wb.properties.created = wb.properties.modified = moment
    # ExcelWriter directly: openpyxl's save_workbook would stamp the modification time with the clock.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    finish_workbook(path, cached or {})


def text_cell(ws: Worksheet, row: int, column: int, text: str) -> Cell:
    """A cell holding content text as text: openpyxl would store a label starting with '=' as a formula,
    so a budget line could call HYPERLINK or worse when a case worker opens the workbook."""
    cell = ws.cell(row=row, column=column, value=text)
    if cell.data_type == "f":
        cell.data_type = "s"
        cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
    return cell


# -- the indberetningsskema ----------------------------------------------------------------------


# What follows a number in its unit's cells; another unit is shown as written, none is a plain number.
UNIT_SUFFIXES = {"procent": '" %"', "kroner": '" kr."', "timer": '" timer"', "karakter": "", "antal": ""}
YEAR = "0"


def report_cell(ws: Worksheet, row: int, column: int, value: ReportValue) -> Cell:
    """A cell of the indberetningsskema: text as text, a year or a measured value as a number, shown as the PDF
    shows it (Excel puts in the reader's own separators); a status value's details in a note on its cell."""
    if isinstance(value, str):
        return text_cell(ws, row, column, value)
    if isinstance(value, Quantity):
        cell = ws.cell(row=row, column=column, value=value.value)
        cell.number_format = number_format(value)
        if isinstance(value, Measured) and value.details:
            # A note (Excel's comment) keeps the cell a number a case worker can compute with.
            cell.comment = Comment(capitalise(" · ".join(value.details)), "agreement")
        return cell
    cell = ws.cell(row=row, column=column, value=value)
    if value is not None:
        cell.number_format = YEAR
    return cell


def number_format(quantity: Quantity) -> str:
    """formatting.number's pattern (a decimal number keeps one to three decimals, as written) and the unit."""
    unit = quantity.unit or ""
    suffix = UNIT_SUFFIXES.get(unit, f'" {unit}"') if unit else ""
    return ("#,##0" if isinstance(quantity.value, int) else "#,##0.0##") + suffix


def write_report(path: Path, headings: Sequence[str], rows: Sequence[Sequence[ReportValue]], *, title: str, intro: str,
                 date: dt.date, lbf_workbook: Path | None = None) -> None:
    """The indberetningsskema: one row per goal and indicator under `headings`; a status year no final follow-up
    has measured is left empty for the secretariat to fill in.

    With `lbf_workbook` (LBF's own form, carried by the edition), that workbook is filled instead: each value
    goes under the column whose heading has the same text, and everything else in it is kept as it is.
    """
    if lbf_workbook is not None:
        _fill_report(lbf_workbook, path, headings, rows, title=title, date=date)
        return
    wb = Workbook()
    ws = wb.active
    ws.title = "Indberetning"
    head = PatternFill("solid", fgColor="1F4E5A")
    wrap = Alignment(wrap_text=True, vertical="top")
    text_cell(ws, 1, 1, title).font = Font(bold=True, size=14)
    text_cell(ws, 2, 1, intro)
    header_row = 4
    for c, heading in enumerate(headings, start=1):
        cell = text_cell(ws, header_row, c, heading)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = head
        cell.alignment = wrap
    for r, values in enumerate(rows, start=header_row + 1):
        for c, value in enumerate(values, start=1):
            report_cell(ws, r, c, value).alignment = wrap
    widths = [20, 18, 34, 40, 14, 14, 9, 24, 22, 20, 12, 18]
    for c in range(1, len(headings) + 1):
        ws.column_dimensions[get_column_letter(c)].width = widths[c - 1] if c <= len(widths) else 13
    ws.freeze_panes = f"A{header_row + 1}"
    print_setup(ws, header_row=header_row)
    ws.page_setup.paperSize = ws.PAPERSIZE_A3  # as the PDF: its columns need the width
    save(wb, path, title=title, date=date)


def _normal(text: object) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().rstrip(":").casefold()


def _fill_report(template: Path, path: Path, headings: Sequence[str], rows: Sequence[Sequence[ReportValue]], *,
                 title: str, date: dt.date) -> None:
    """Fill LBF's workbook `template` into `path`: the header row is the row naming most of `headings`."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(template)
    except Exception as exc:  # not a workbook openpyxl can read: say which file, not a traceback
        raise TemplateError(f"{template.name}: " + _("cannot be opened as an Excel workbook ({exc}); save it again as .xlsx")
                            .format(exc=exc)) from None
    wanted = {_normal(h): i for i, h in enumerate(headings)}
    best: tuple[int, Worksheet, int, dict[int, int]] | None = None
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 100)):
            columns = {cell.column: wanted[_normal(cell.value)] for cell in row if _normal(cell.value) in wanted}
            if len(columns) >= 2 and (best is None or len(columns) > best[0]):
                best = (len(columns), ws, row[0].row, columns)
    if best is None:
        raise TemplateError(f"{template.name}: " + _("no row names at least two of the indberetningsskema's columns "
                                                     "({headings}); give the header row those headings")
                            .format(headings=", ".join(headings)))
    __, ws, header_row, columns = best
    first = header_row + 1
    styles = {c: ws.cell(row=first, column=c)._style for c in columns}
    for r, values in enumerate(rows, start=first):
        for c, index in columns.items():
            value = values[index] if index < len(values) else None
            styled = ws.cell(row=r, column=c).has_style
            cell = report_cell(ws, r, c, "" if value is None else value)
            if r > first and not styled:
                number_format = cell.number_format
                cell._style = copy(styles[c])  # rows below LBF's first prepared row look like it
                if not isinstance(value, str):
                    cell.number_format = number_format
    wb.active = wb.worksheets.index(ws)
    print_setup(ws, header_row=header_row)
    save(wb, path, title=title, date=date)


# -- Excel-native package ---------------------------------------------------------------------------


def finish_workbook(path: Path, cached: dict[str, dict[str, Cached]]) -> None:
    """Rewrite the workbook openpyxl saved at `path` as Excel would save it, then normalise the zip.

    openpyxl (3.1) writes every text cell as an inline string, and formula cells without a value, so a
    preview or a viewer that does not calculate shows empty totals. Here text cells become shared strings
    (one table in xl/sharedStrings.xml), each formula cell of sheet `name` listed in `cached[name]` (by
    coordinate) gets its value, and docProps/app.xml names this program.
    """
    with zipfile.ZipFile(path) as src:
        entries = {info.filename: src.read(info) for info in src.infolist()}
    strings = _SharedStrings()
    for name, part in _sheet_parts(entries).items():
        entries[part] = _sheet_xml(entries[part], strings, cached.get(name, {}))
    if strings.items:
        entries["xl/sharedStrings.xml"] = strings.xml()
        entries["xl/_rels/workbook.xml.rels"] = _with_shared_strings_rel(entries["xl/_rels/workbook.xml.rels"])
        entries["[Content_Types].xml"] = _with_override(entries["[Content_Types].xml"], "/xl/sharedStrings.xml",
                                                        SHARED_STRINGS_TYPE)
    entries["docProps/app.xml"] = _app_xml()
    write_zip(path, entries.items())


class _SharedStrings:
    def __init__(self) -> None:
        self.items: list[etree._Element] = []
        self.index: dict[bytes, int] = {}
        self.count = 0

    def add(self, inline: etree._Element) -> int:
        """The index of the string an inline <is> holds (plain or rich text: <si> has the same children)."""
        si = etree.Element(f"{{{SHEET_NS}}}si")
        for child in inline:
            si.append(child)
        key = etree.tostring(si)
        self.count += 1
        if key not in self.index:
            self.index[key] = len(self.items)
            self.items.append(si)
        return self.index[key]

    def xml(self) -> bytes:
        root = etree.fromstring(f'<sst xmlns="{SHEET_NS}" count="{self.count}" uniqueCount="{len(self.items)}"/>')
        root.extend(self.items)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _sheet_parts(entries: dict[str, bytes]) -> dict[str, str]:
    """Each sheet's name and the zip entry of its XML, from xl/workbook.xml and its relationships."""
    book = etree.fromstring(entries["xl/workbook.xml"])
    rels = etree.fromstring(entries["xl/_rels/workbook.xml.rels"])
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{{{PKG_REL_NS}}}Relationship")}
    parts = {}
    for sheet in book.iter(f"{{{SHEET_NS}}}sheet"):
        target = targets[sheet.get(f"{{{R_NS}}}id")]
        parts[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def _sheet_xml(data: bytes, strings: _SharedStrings, cached: dict[str, Cached]) -> bytes:
    root = etree.fromstring(data)
    missing = dict(cached)
    for c in root.iter(f"{{{SHEET_NS}}}c"):
        if c.get("t") == "inlineStr":
            inline = c.find(f"{{{SHEET_NS}}}is")
            if inline is None:
                del c.attrib["t"]
                continue
            c.remove(inline)
            c.set("t", "s")
            etree.SubElement(c, f"{{{SHEET_NS}}}v").text = str(strings.add(inline))
        elif c.find(f"{{{SHEET_NS}}}f") is not None and c.get("r") in cached:
            value = missing.pop(c.get("r", ""))
            for old in c.findall(f"{{{SHEET_NS}}}v"):
                c.remove(old)
            if isinstance(value, str):
                c.set("t", "e")  # an error value such as #DIV/0!
            etree.SubElement(c, f"{{{SHEET_NS}}}v").text = value if isinstance(value, str) else repr(value)
    if missing:  # a value computed for a cell that holds no formula: the writer and the sheet disagree
        raise AssertionError(f"cached values for cells without a formula: {sorted(missing)}")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _with_shared_strings_rel(data: bytes) -> bytes:
    root = etree.fromstring(data)
    rels = list(root.iter(f"{{{PKG_REL_NS}}}Relationship"))
    if not any(rel.get("Type") == SHARED_STRINGS_REL for rel in rels):
        taken = {rel.get("Id") for rel in rels}
        number = 1
        while f"rId{number}" in taken:
            number += 1
        etree.SubElement(root, f"{{{PKG_REL_NS}}}Relationship", Id=f"rId{number}", Type=SHARED_STRINGS_REL,
                         Target="sharedStrings.xml")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _with_override(data: bytes, part: str, content_type: str) -> bytes:
    root = etree.fromstring(data)
    if not any(o.get("PartName") == part for o in root.iter(f"{{{TYPES_NS}}}Override")):
        etree.SubElement(root, f"{{{TYPES_NS}}}Override", PartName=part, ContentType=content_type)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _app_xml() -> bytes:
    """docProps/app.xml naming this program (openpyxl names itself 'Microsoft Excel Compatible / Openpyxl')."""
    root = etree.fromstring(f'<Properties xmlns="{EXTENDED_NS}"/>')
    etree.SubElement(root, f"{{{EXTENDED_NS}}}Application").text = f"agreement {__version__}"
    etree.SubElement(root, f"{{{EXTENDED_NS}}}DocSecurity").text = "0"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
