"""Word tables built in code, for tables whose shape follows the data (budget, timeline), sized from their content."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree

# The document modules describe their tables with Cell, Row and Table when `agreement check` loads them, so the
# measuring and XML modules (fontTools, lxml) are imported only when a table is sized or written.

TWIPS_PER_CM = 567
TEXT_WIDTH_CM = 16.0  # A4 less the templates' 2.5 cm margins
CELL_MARGIN = 80  # twips left and right, as the LBF Tabel style; written on the table so the sizes hold without it
TABLE_HALF_POINTS = 18  # 9 pt, the LBF Tabel style's size


@dataclass
class Cell:
    text: str = ""
    bold: bool = False
    align: str | None = None  # "right", "center"
    fill: str | None = None  # hex colour, e.g. "1F4E5A"
    span: int = 1


@dataclass
class Row:
    cells: list[Cell]
    header: bool = False
    bold: bool = False
    fill: str | None = None
    keep_with_next: bool = False


@dataclass
class Table:
    """A table whose columns are as wide as their content asks: no column narrower than its longest word.

    `total_cm` is the table's width (None: as wide as its text on one line, at most the text width);
    `min_cm` gives a column a least width (a colour swatch has no text); `uniform` lists groups of columns
    that share one width (the years of a budget)."""

    rows: list[Row] = field(default_factory=list)
    style: str = "LBFTabel"
    font_half_points: int = TABLE_HALF_POINTS
    total_cm: float | None = TEXT_WIDTH_CM
    min_cm: dict[int, float] = field(default_factory=dict)
    uniform: tuple[tuple[int, ...], ...] = ()

    @property
    def columns(self) -> int:
        return max((sum(c.span for c in row.cells) for row in self.rows), default=0)

    @property
    def widths_cm(self) -> list[float]:
        return [twips / TWIPS_PER_CM for twips in self.widths()]

    def widths(self) -> list[int]:
        """Each column's width in twips, from the widest word and the widest line of its cells."""
        from agreement.word import measure
        from agreement.word.layout import distribute
        from agreement.word.measure import Font

        count = self.columns
        mins = [self.min_cm.get(i, 0.0) * TWIPS_PER_CM for i in range(count)]
        maxs = list(mins)
        spanning = []
        for row in self.rows:
            column = 0
            for cell in row.cells:
                font = Font(cell.bold or row.bold or row.header, self.font_half_points)
                word = max((measure.width(x, font) for x in measure.words(cell.text)), default=0.0) + 2 * CELL_MARGIN
                line = measure.width(cell.text, font) + 2 * CELL_MARGIN
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
        total = int(self.total_cm * TWIPS_PER_CM) if self.total_cm is not None else min(limit, int(sum(maxs)) + 1)
        return distribute(mins, maxs, total, self.uniform)

    def element(self) -> etree._Element:
        from agreement.word.ooxml import el

        widths = self.widths()
        tbl = el("tbl")
        look = el("tblLook", {"val": "04A0", "firstRow": "1", "lastRow": "0", "firstColumn": "0",
                              "lastColumn": "0", "noHBand": "1", "noVBand": "1"})
        margins = el("tblCellMar", None, el("left", {"w": str(CELL_MARGIN), "type": "dxa"}),
                     el("right", {"w": str(CELL_MARGIN), "type": "dxa"}))
        tbl.append(el("tblPr", None, el("tblStyle", {"val": self.style}), el("tblW", {"w": str(sum(widths)), "type": "dxa"}),
                      el("jc", {"val": "center"}), el("tblLayout", {"type": "fixed"}), margins, look))
        grid = el("tblGrid")
        for width in widths:
            grid.append(el("gridCol", {"w": str(width)}))
        tbl.append(grid)
        for row in self.rows:
            tbl.append(self._row(row, widths))
        return tbl

    def _row(self, row: Row, widths: list[int]) -> etree._Element:
        from agreement.word.ooxml import el, paragraph, run

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
            p = paragraph(None, run(cell.text, bold=cell.bold or row.bold or row.header) if cell.text else run(""))
            ppr = el("pPr")
            if row.keep_with_next or row.header:
                ppr.append(el("keepNext"))
            if cell.align:
                ppr.append(el("jc", {"val": cell.align}))
            size = str(self.font_half_points)
            ppr.append(el("rPr", None, el("sz", {"val": size})))
            for r in p.findall(f"{{{p.nsmap['w']}}}r"):
                rpr = r.find(f"{{{p.nsmap['w']}}}rPr")
                if rpr is None:
                    rpr = el("rPr")
                    r.insert(0, rpr)
                rpr.append(el("sz", {"val": size}))
                rpr.append(el("szCs", {"val": size}))
            p.insert(0, ppr)
            tc.append(p)
            tr.append(tc)
        return tr
