"""Word tables built in code, for tables whose shape follows the data (budget, timeline)."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from agreement.word.ooxml import el, paragraph, run

TWIPS_PER_CM = 567


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
    widths_cm: list[float]
    rows: list[Row] = field(default_factory=list)
    style: str = "LBFTabel"
    font_half_points: int | None = None

    def element(self) -> etree._Element:
        tbl = el("tbl")
        look = el("tblLook", {"val": "04A0", "firstRow": "1", "lastRow": "0", "firstColumn": "0",
                              "lastColumn": "0", "noHBand": "1", "noVBand": "1"})
        total = int(sum(self.widths_cm) * TWIPS_PER_CM)
        tbl.append(el("tblPr", None, el("tblStyle", {"val": self.style}), el("tblW", {"w": str(total), "type": "dxa"}),
                      el("jc", {"val": "center"}), el("tblLayout", {"type": "fixed"}), look))
        grid = el("tblGrid")
        for width in self.widths_cm:
            grid.append(el("gridCol", {"w": str(int(width * TWIPS_PER_CM))}))
        tbl.append(grid)
        for row in self.rows:
            tbl.append(self._row(row))
        return tbl

    def _row(self, row: Row) -> etree._Element:
        tr = el("tr")
        tr_pr = el("trPr", None, el("cantSplit"))
        if row.header:
            tr_pr.append(el("tblHeader"))
        tr.append(tr_pr)
        column = 0
        for cell in row.cells:
            width = sum(self.widths_cm[column:column + cell.span])
            column += cell.span
            tc = el("tc")
            tc_pr = el("tcPr", None, el("tcW", {"w": str(int(width * TWIPS_PER_CM)), "type": "dxa"}))
            if cell.span > 1:
                tc_pr.append(el("gridSpan", {"val": str(cell.span)}))
            fill = cell.fill or row.fill
            if fill:
                tc_pr.append(el("shd", {"val": "clear", "color": "auto", "fill": fill}))
            tc.append(tc_pr)
            p = paragraph(None, run(cell.text, bold=cell.bold or row.bold) if cell.text else run(""))
            ppr = el("pPr")
            if row.keep_with_next:
                ppr.append(el("keepNext"))
            if cell.align:
                ppr.append(el("jc", {"val": cell.align}))
            if self.font_half_points:
                size = str(self.font_half_points)
                ppr.append(el("rPr", None, el("sz", {"val": size})))
                for r in p.findall(f"{{{p.nsmap['w']}}}r"):
                    rpr = r.find(f"{{{p.nsmap['w']}}}rPr")
                    if rpr is None:
                        rpr = el("rPr")
                        r.insert(0, rpr)
                    rpr.append(el("sz", {"val": size}))
                    rpr.append(el("szCs", {"val": size}))
            if len(ppr):
                p.insert(0, ppr)
            tc.append(p)
            tr.append(tc)
        return tr
