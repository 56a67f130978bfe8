"""Word tables from the table data of a context (documents.blocks.Table), sized from their content."""

from __future__ import annotations

import math

from lxml import etree

from agreement.documents.blocks import TABLE_HALF_POINTS, TEXT_WIDTH_CM, Row, Table
from agreement.word import measure
from agreement.word.layout import Styles, distribute, pick
from agreement.word.measure import Font
from agreement.word.ooxml import el, paragraph, run

TWIPS_PER_CM = 567
CELL_MARGIN = 80  # twips left and right, as the LBF Tabel style; written on the table so the sizes hold without it


def style_half_points(table: Table, styles: Styles | None) -> int | None:
    """The size the template's styles give the table's text (its `text_style`'s or the default paragraph style's,
    if it has one, else the table style's: a paragraph style wins over a table style); None without styles."""
    if styles is None:
        return None
    paragraph_style = table.text_style or styles.default_paragraph or ""
    paragraph_size = styles.paragraph.get(paragraph_style, (None, None))[0]
    table_size = styles.table.get(table.style, (None, None, None, None))[0]
    return pick(paragraph_size, table_size, styles.default_half_points)


def half_points(table: Table, styles: Styles | None = None) -> int:
    """The size the table's text is set in."""
    return pick(table.font_half_points, style_half_points(table, styles), TABLE_HALF_POINTS)


def note_style(table: Table, styles: Styles | None = None) -> str | None:
    """The paragraph style of the cells' notes: `note_style` where the template has it (a local edition exported
    before it was added has not), else the text's."""
    if table.note_style is not None and (styles is None or table.note_style in styles.paragraph):
        return table.note_style
    return table.text_style


def note_half_points(table: Table, styles: Styles | None = None) -> int:
    """The size the cells' notes are set in: their style's, else the text's."""
    style = note_style(table, styles)
    size = styles.paragraph.get(style, (None, None))[0] if styles is not None and style else None
    return pick(size, half_points(table, styles))


def widths(table: Table, text_width_cm: float = TEXT_WIDTH_CM, styles: Styles | None = None) -> list[int]:
    """Each column's width in twips, from the widest word and the widest line of its cells; `text_width_cm` is
    the template's text width, the width of a table of total_cm "text"; `styles` the template's."""
    count = max((sum(c.span for c in row.cells) for row in table.rows), default=0)
    mins = [table.min_cm.get(i, 0.0) * TWIPS_PER_CM for i in range(count)]
    maxs = list(mins)
    spanning = []
    size, note_size = half_points(table, styles), note_half_points(table, styles)
    for row in table.rows:
        column = 0
        for cell in row.cells:
            lines = [(cell.text, Font(cell.bold or row.bold or row.header, size))]
            lines += [(note, Font(False, note_size)) for note in cell.notes]
            word = max((measure.width(x, font) for text, font in lines for x in measure.words(text)),
                       default=0.0) + 2 * CELL_MARGIN
            line = max(measure.width(text, font) for text, font in lines) + 2 * CELL_MARGIN
            if cell.span == 1:
                mins[column] = max(mins[column], word)
                maxs[column] = max(maxs[column], line)
            else:
                spanning.append((column, cell.span, word))
            column += cell.span
    for column, span, need in spanning:
        short = need - sum(mins[column:column + span])
        if short > 0:
            for c in range(column, column + span):
                mins[c] += short / span
    mins = [float(math.ceil(m)) for m in mins]  # whole twips, rounded up so the words still fit
    maxs = [max(a, b) for a, b in zip(mins, maxs)]
    limit = int(TEXT_WIDTH_CM * TWIPS_PER_CM)
    width = text_width_cm if table.total_cm == "text" else table.total_cm
    total = int(width * TWIPS_PER_CM) if width is not None else min(limit, int(sum(maxs)) + 1)
    return distribute(mins, maxs, total, table.uniform)


def element(table: Table, text_width_cm: float = TEXT_WIDTH_CM, styles: Styles | None = None) -> etree._Element:
    """The table as a w:tbl, its columns sized by `widths`. Only what the template's styles do not give is set on
    the runs: a size other than the style's, bold other than the style's header row."""
    sizes = widths(table, text_width_cm, styles)
    tbl = el("tbl")
    look = el("tblLook", {"val": "04A0", "firstRow": "1", "lastRow": "0", "firstColumn": "0",
                          "lastColumn": "0", "noHBand": "1", "noVBand": "1"})
    margins = el("tblCellMar", None, el("left", {"w": str(CELL_MARGIN), "type": "dxa"}),
                 el("right", {"w": str(CELL_MARGIN), "type": "dxa"}))
    tbl.append(el("tblPr", None, el("tblStyle", {"val": table.style}), el("tblW", {"w": str(sum(sizes)), "type": "dxa"}),
                  el("jc", {"val": "center"}), el("tblLayout", {"type": "fixed"}), margins, look))
    grid = el("tblGrid")
    for width in sizes:
        grid.append(el("gridCol", {"w": str(width)}))
    tbl.append(grid)
    own, styled = half_points(table, styles), style_half_points(table, styles)
    size = own if own != styled else None
    header_bold = styles is not None and styles.first_row_bold.get(table.style, False)
    for row in table.rows:
        tbl.append(_row(row, sizes, size, header_bold, table.text_style, note_style(table, styles)))
    return tbl


def _row(row: Row, widths: list[int], size: int | None, header_bold: bool, text_style: str | None,
         note_style: str | None) -> etree._Element:
    tr = el("tr")
    tr_pr = el("trPr", None, el("cantSplit"))
    if row.header:
        tr_pr.append(el("tblHeader"))
    tr.append(tr_pr)
    column = 0
    for cell in row.cells:
        width = sum(widths[column:column + cell.span])
        column += cell.span
        tc = el("tc")
        tc_pr = el("tcPr", None, el("tcW", {"w": str(width), "type": "dxa"}))
        if cell.span > 1:
            tc_pr.append(el("gridSpan", {"val": str(cell.span)}))
        fill = cell.fill or row.fill
        if fill:
            tc_pr.append(el("shd", {"val": "clear", "color": "auto", "fill": fill}))
        tc.append(tc_pr)
        bold = cell.bold or row.bold or (row.header and not header_bold)
        p = paragraph(None, run(cell.text, bold=bold) if cell.text else run(""))
        ppr = el("pPr")
        if text_style is not None:
            ppr.append(el("pStyle", {"val": text_style}))
        if row.keep_with_next or row.header:
            ppr.append(el("keepNext"))
        if cell.align:
            ppr.append(el("jc", {"val": cell.align}))
        if size is not None:
            ppr.append(el("rPr", None, el("sz", {"val": str(size)})))
            for r in p.findall(f"{{{p.nsmap['w']}}}r"):
                rpr = r.find(f"{{{p.nsmap['w']}}}rPr")
                if rpr is None:
                    rpr = el("rPr")
                    r.insert(0, rpr)
                rpr.append(el("sz", {"val": str(size)}))
                rpr.append(el("szCs", {"val": str(size)}))
        p.insert(0, ppr)
        tc.append(p)
        for note in cell.notes:  # smaller, under the text and aligned as it is
            note_ppr = el("pPr", None, *([el("pStyle", {"val": note_style})] if note_style else []))
            if cell.align:
                note_ppr.append(el("jc", {"val": cell.align}))
            tc.append(el("p", None, note_ppr, run(note)))
        tr.append(tc)
    return tr
