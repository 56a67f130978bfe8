"""Table layout after rendering: columns wide enough for their longest word, rows kept together where it reads better."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeVar, cast

from lxml import etree

from agreement.word import measure
from agreement.word.measure import Font
from agreement.word.ooxml import el, w

DEFAULT_MARGIN = 108  # twips; Word's default left and right cell margin
DEFAULT_HALF_POINTS = 22
# A table with at most this many body rows, and at most SHORT_TABLE_POINTS high, moves as a whole rather than
# being split. A higher one may break between rows: moved whole, it could leave the page before it under a third full.
SHORT_TABLE = 15
SHORT_TABLE_SHARE = 0.62  # of the page's text height: under two thirds, with room for the estimate's error
A4_TEXT_POINTS = 709.0  # the templates' A4 portrait text height, for a body without a section size
LINE_FACTOR = 1.22  # Calibri's (and Carlito's) line height, as a multiple of its size
ROW_PADDING = 4.0  # points above and below a row's text, as the table styles space it
SMALLEST_HALF_POINTS = 15  # 7,5 pt: a table's text is never set smaller to make its words fit


def _on(node: etree._Element | None) -> bool | None:
    """The value of a toggle property such as w:b: None when absent."""
    if node is None:
        return None
    return node.get(w("val"), "true") not in ("0", "false", "off")


def _half_points(rpr: etree._Element | None) -> int | None:
    sz = rpr.find(w("sz")) if rpr is not None else None
    return int(sz.get(w("val"), "0")) if sz is not None else None


@dataclass
class Styles:
    """What the table layout needs from styles.xml: default size, paragraph and table styles' size, bold, margins."""

    default_half_points: int = DEFAULT_HALF_POINTS
    paragraph: dict[str, tuple[int | None, bool | None]] = field(default_factory=dict)
    table: dict[str, tuple[int | None, bool | None, int | None, int | None]] = field(default_factory=dict)
    first_row_bold: dict[str, bool] = field(default_factory=dict)
    default_paragraph: str | None = None

    @classmethod
    def from_xml(cls, root: etree._Element | None) -> Styles:
        styles = cls()
        if root is None:
            return styles
        size = _half_points(root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}"))
        styles.default_half_points = size or DEFAULT_HALF_POINTS
        raw: dict[str, etree._Element] = {s.get(w("styleId"), ""): s for s in root.findall(w("style"))}

        def chain(style: etree._Element) -> Iterator[etree._Element]:
            seen = set()
            while style is not None and style.get(w("styleId")) not in seen:
                seen.add(style.get(w("styleId")))
                yield style
                based = style.find(w("basedOn"))
                style = raw.get(based.get(w("val"), "")) if based is not None else None  # type: ignore[assignment]

        for ident, style in raw.items():
            size, bold = None, None
            for s in chain(style):
                rpr = s.find(w("rPr"))
                size = size if size is not None else _half_points(rpr)
                bold = bold if bold is not None else _on(rpr.find(w("b")) if rpr is not None else None)
            kind = style.get(w("type"))
            if kind == "paragraph":
                styles.paragraph[ident] = (size, bold)
                if style.get(w("default")) in ("1", "true"):
                    styles.default_paragraph = ident
            elif kind == "table":
                mar = style.find(f"{w('tblPr')}/{w('tblCellMar')}")
                left = _margin(mar, "left")
                right = _margin(mar, "right")
                styles.table[ident] = (size, bold, left, right)
                first = style.find(f"{w('tblStylePr')}[@{w('type')}='firstRow']/{w('rPr')}")
                styles.first_row_bold[ident] = bool(_on(first.find(w("b")))) if first is not None else False
        return styles


def _margin(mar: etree._Element | None, side: str) -> int | None:
    if mar is None:
        return None
    node = mar.find(w(side))
    if node is None:
        node = mar.find(w("start" if side == "left" else "end"))
    return int(node.get(w("w"), "0")) if node is not None else None


@dataclass(frozen=True)
class CellText:
    """A cell's need: the widest word and the widest paragraph on one line, in twips, without margins."""

    words: tuple[tuple[str, float], ...]
    longest_line: float

    @property
    def longest_word(self) -> float:
        return max((width for _, width in self.words), default=0.0)


class TableLayout:
    """One w:tbl: its grid, cells and margins, with the fonts its text is set in."""

    def __init__(self, tbl: etree._Element, styles: Styles) -> None:
        self.tbl = tbl
        self.styles = styles
        tbl_pr = tbl.find(w("tblPr"))
        style_node = tbl_pr.find(w("tblStyle")) if tbl_pr is not None else None
        self.style = style_node.get(w("val"), "") if style_node is not None else ""
        size, bold, left, right = styles.table.get(self.style, (None, None, None, None))
        self.table_half_points, self.table_bold = size, bold
        own = tbl_pr.find(w("tblCellMar")) if tbl_pr is not None else None
        self.margins = (pick(_margin(own, "left"), left, DEFAULT_MARGIN), pick(_margin(own, "right"), right, DEFAULT_MARGIN))
        look = tbl_pr.find(w("tblLook")) if tbl_pr is not None else None
        self.first_row_look = look is not None and (look.get(w("firstRow")) == "1"
                                                    or int(look.get(w("val"), "0"), 16) & 0x0020 != 0)
        self.grid = [int(float(col.get(w("w"), "0"))) for col in tbl.findall(f"{w('tblGrid')}/{w('gridCol')}")]
        self._texts: dict[tuple[int, etree._Element], CellText] = {}

    def rows(self) -> list[etree._Element]:
        return self.tbl.findall(w("tr"))

    def cells(self) -> Iterator[tuple[int, int, int, etree._Element]]:
        """(row index, first grid column, span, w:tc) of every cell."""
        for r, tr in enumerate(self.rows()):
            column = 0
            before = tr.find(f"{w('trPr')}/{w('gridBefore')}")
            if before is not None:
                column += int(before.get(w("val"), "0"))
            for tc in tr.findall(w("tc")):
                span_node = tc.find(f"{w('tcPr')}/{w('gridSpan')}")
                span = int(span_node.get(w("val"), "1")) if span_node is not None else 1
                yield r, column, span, tc
                column += span

    def cell_margins(self, tc: etree._Element) -> int:
        mar = tc.find(f"{w('tcPr')}/{w('tcMar')}")
        return pick(_margin(mar, "left"), self.margins[0], 0) + pick(_margin(mar, "right"), self.margins[1], 0)

    def cell_text(self, r: int, tc: etree._Element) -> CellText:
        """The words and longest line of a cell; remembered until the table's sizes change (limit_size)."""
        key = (r, tc)
        found = self._texts.get(key)
        if found is None:
            found = self._texts[key] = self._measure_cell(r, tc)
        return found

    def _measure_cell(self, r: int, tc: etree._Element) -> CellText:
        header = r == 0 and self.first_row_look and self.styles.first_row_bold.get(self.style, False)
        found: list[tuple[str, float]] = []
        longest = 0.0
        for p in tc.findall(w("p")):  # nested tables are laid out on their own
            pieces = list(self._pieces(p, header))
            line = "".join(text for text, _ in pieces)
            longest = max(longest, sum(measure.width(text, font) for text, font in pieces))
            start = 0
            for word in measure.words(line):
                at = line.index(word, start)
                start = at + len(word)
                found.append((word, self._span_width(pieces, at, start)))
        return CellText(tuple(found), longest)

    def _pieces(self, p: etree._Element, header: bool) -> Iterator[tuple[str, Font]]:
        ppr = p.find(w("pPr"))
        pstyle = ppr.find(w("pStyle")) if ppr is not None else None
        style_id = pstyle.get(w("val"), "") if pstyle is not None else (self.styles.default_paragraph or "")
        p_size, p_bold = self.styles.paragraph.get(style_id, (None, None))
        for r in p.iter(w("r")):
            rpr = r.find(w("rPr"))
            size = pick(_half_points(rpr), p_size, self.table_half_points, self.styles.default_half_points)
            bold_node = rpr.find(w("b")) if rpr is not None else None
            bold = pick(_on(bold_node), p_bold, True if header else None, self.table_bold, False)
            font = Font(bool(bold), int(size))
            for child in r:
                tag = etree.QName(child).localname
                if tag == "t" and child.text:
                    yield child.text, font
                elif tag in ("tab", "br", "cr"):
                    yield " ", font
                elif tag == "noBreakHyphen":
                    yield "\u2011", font

    @staticmethod
    def _span_width(pieces: list[tuple[str, Font]], start: int, end: int) -> float:
        total, at = 0.0, 0
        for text, font in pieces:
            lo, hi = max(start, at), min(end, at + len(text))
            if lo < hi:
                total += measure.width(text[lo - at:hi - at], font)
            at += len(text)
        return total

    def needs(self) -> tuple[list[float], list[float]]:
        """Per grid column, the least width (widest word) and the natural width (widest line), margins included."""
        count = len(self.grid)
        mins, maxs = [0.0] * count, [0.0] * count
        spanning = []
        for r, column, span, tc in self.cells():
            if column + span > count:
                continue
            text = self.cell_text(r, tc)
            margins = self.cell_margins(tc)
            if span == 1:
                mins[column] = max(mins[column], text.longest_word + margins)
                maxs[column] = max(maxs[column], text.longest_line + margins)
            else:
                spanning.append((column, span, text.longest_word + margins))
        for column, span, need in spanning:  # a wide cell over several columns widens them evenly
            short = need - sum(mins[column:column + span])
            if short > 0:
                for c in range(column, column + span):
                    mins[c] += short / span
        mins = [float(math.ceil(m)) for m in mins]  # whole twips, rounded up so the words still fit
        return mins, [max(a, b) for a, b in zip(mins, maxs)]

    def sizes(self) -> Iterator[int]:
        """The font size of every run of text in the table, in half points."""
        for _, _, _, tc in self.cells():
            for p in tc.findall(w("p")):
                for _text, font in self._pieces(p, False):
                    yield font.half_points

    def limit_size(self, half_points: int) -> None:
        """Set every run of the table at most `half_points` large."""
        self._texts.clear()
        for p in self.tbl.iter(w("p")):
            ppr = p.find(w("pPr"))
            targets = [r for r in p.iter(w("r"))]
            for r in targets:
                rpr = r.find(w("rPr"))
                if rpr is None:
                    rpr = el("rPr")
                    r.insert(0, rpr)
                current = _half_points(rpr)
                if current is None or current > half_points:
                    _set_size(rpr, half_points)
            mark = ppr.find(w("rPr")) if ppr is not None else None
            if mark is not None:
                _set_size(mark, half_points)

    def problems(self) -> list[str]:
        """Every word wider than the room its cell gives it, as 'word (needs N twips, has M)'."""
        found = []
        for r, column, span, tc in self.cells():
            width_node = tc.find(f"{w('tcPr')}/{w('tcW')}")
            grid_width = sum(self.grid[column:column + span])
            has = grid_width
            if width_node is not None and width_node.get(w("type"), "dxa") == "dxa":
                has = min(grid_width, int(float(width_node.get(w("w"), "0")))) if grid_width else int(float(width_node.get(w("w"), "0")))
            room = has - self.cell_margins(tc)
            for word, need in self.cell_text(r, tc).words:
                if need > room:
                    found.append(f"{word!r} (needs {need:.0f} twips, has {room})")
        return found

    def set_widths(self, widths: list[int]) -> None:
        for col, value in zip(self.tbl.findall(f"{w('tblGrid')}/{w('gridCol')}"), widths):
            col.set(w("w"), str(value))
        self.grid = list(widths)
        for _, column, span, tc in self.cells():
            tc_pr = tc.find(w("tcPr"))
            if tc_pr is None:
                tc_pr = el("tcPr")
                tc.insert(0, tc_pr)
            tcw = tc_pr.find(w("tcW"))
            if tcw is None:
                tcw = el("tcW")
                tc_pr.insert(0 if tc_pr.find(w("cnfStyle")) is None else 1, tcw)
            tcw.set(w("w"), str(sum(widths[column:column + span])))
            tcw.set(w("type"), "dxa")
        tbl_w = self.tbl.find(f"{w('tblPr')}/{w('tblW')}")
        if tbl_w is not None:
            tbl_w.set(w("w"), str(sum(widths)))
            tbl_w.set(w("type"), "dxa")


RPR_BEFORE_SZ = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
                 "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
                 "kern", "position")


def _set_size(rpr: etree._Element, half_points: int) -> None:
    for tag in ("szCs", "sz"):
        node = rpr.find(w(tag))
        if node is None:
            node = el(tag)
            _insert_after(rpr, node, RPR_BEFORE_SZ + (("sz",) if tag == "szCs" else ()))
        node.set(w("val"), str(half_points))


T = TypeVar("T")


def pick(*values: T | None) -> T:
    """The first value that is not None."""
    return cast(T, next((v for v in values if v is not None), None))  # every caller ends with a value that is never None


def distribute(mins: list[float], maxs: list[float], total: int, uniform: tuple[tuple[int, ...], ...] = ()) -> list[int]:
    """Column widths summing to `total`: every column at least its widest word, the rest shared by how much
    more each column would like (its widest line), as browsers lay out an automatic table."""
    mins, maxs = list(mins), list(maxs)
    for group in uniform:  # columns of one kind (the years of a budget) get one width
        low, high = max(mins[i] for i in group), max(maxs[i] for i in group)
        for i in group:
            mins[i], maxs[i] = low, high
    least, most = sum(mins), sum(maxs)
    if least >= total:
        # cannot fit: the columns with the widest words give way (they will be hyphenated), the others keep theirs
        raw = [min(m, _cap(mins, total)) for m in mins] if least else [total / len(mins)] * len(mins)
    elif most <= total:
        raw = [m + (total - most) * m / most for m in maxs] if most else [total / len(mins)] * len(mins)
    else:
        wish = [b - a for a, b in zip(mins, maxs)]
        raw = [a + (total - least) * x / sum(wish) for a, x in zip(mins, wish)]
    widths = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - widths[i], reverse=True)[:total - sum(widths)]:
        widths[i] += 1
    return widths


def _cap(mins: list[float], total: int) -> float:
    """The width c at which the columns, each min(its least width, c), together fill `total`."""
    ordered = sorted(mins)
    used = 0.0
    for i, m in enumerate(ordered):
        left = len(ordered) - i
        if used + m * left >= total:
            return (total - used) / left
        used += m
    return ordered[-1]


def fit_table(tbl: etree._Element | TableLayout, styles: Styles) -> bool:
    """Widen the columns whose longest word does not fit, within the table's width; True when it changed.

    When the longest words of all columns together are wider than the table, the table's text is set smaller,
    half a point at a time down to SMALLEST_HALF_POINTS, until they fit; when even that is not enough, the columns
    with the widest words give way and those words are hyphenated (hyphenate_cells)."""
    table = tbl if isinstance(tbl, TableLayout) else TableLayout(tbl, styles)
    if not table.grid or not table.problems():
        return False
    tbl = table.tbl
    total = sum(table.grid)
    mins, maxs = table.needs()
    size = max(table.sizes(), default=DEFAULT_HALF_POINTS)
    if sum(mins) > total:
        smallest = TableLayout(copy.deepcopy(tbl), styles)
        smallest.limit_size(SMALLEST_HALF_POINTS)
        if sum(smallest.needs()[0]) > total:  # one word too long for any size: keep the size, hyphenate that word
            size = SMALLEST_HALF_POINTS
    while sum(mins) > total and size > SMALLEST_HALF_POINTS:
        size -= 1
        table.limit_size(size)
        mins, maxs = table.needs()
    table.set_widths(distribute(mins, maxs, total))
    return True


def estimated_height(table: TableLayout) -> float:
    """About how high the table is printed, in points: per row its tallest cell, each paragraph as many lines as its
    longest line needs at its column's width."""
    heights: dict[int, float] = {}
    for r, column, span, tc in table.cells():
        room = max(1, sum(table.grid[column:column + span]) - table.cell_margins(tc))
        lines = 0.0
        for p in tc.findall(w("p")):
            pieces = list(table._pieces(p, False))
            width = sum(measure.width(text, font) for text, font in pieces)
            size = max((font.half_points for _, font in pieces), default=table.styles.default_half_points)
            lines += max(1, math.ceil(width / room)) * size / 2 * LINE_FACTOR
        heights[r] = max(heights.get(r, 0.0), lines + 2 * ROW_PADDING)
    return sum(heights.values())


def text_height(body: etree._Element) -> float:
    """The height between the top and bottom margins of the body's last section, in points."""
    sect = body.find(w("sectPr"))
    size = sect.find(w("pgSz")) if sect is not None else None
    margins = sect.find(w("pgMar")) if sect is not None else None
    if size is None or margins is None:
        return A4_TEXT_POINTS
    twips = int(size.get(w("h"), "0")) - int(margins.get(w("top"), "0")) - int(margins.get(w("bottom"), "0"))
    return twips / 20 if twips > 0 else A4_TEXT_POINTS


def keep_rows_together(tbl: etree._Element, styles: Styles | None = None, page_points: float = A4_TEXT_POINTS) -> None:
    """Rows never split; header rows stay with the first body row; a short table (SHORT_TABLE rows, at most
    SHORT_TABLE_SHARE of the page's text height `page_points`) moves as a whole; a long one keeps its first and last
    two body rows together (no lone row at either end) but may break anywhere else."""
    rows = tbl.findall(w("tr"))
    header = [tr for tr in rows if tr.find(f"{w('trPr')}/{w('tblHeader')}") is not None]
    body = [tr for tr in rows if tr not in header]
    keep = set(header)
    short = len(body) <= SHORT_TABLE and (styles is None or estimated_height(TableLayout(tbl, styles)) <= SHORT_TABLE_SHARE * page_points)
    if short:
        keep.update(body[:-1])
    else:
        keep.update((body[0], body[-2]))
    for tr in rows:
        tr_pr = tr.find(w("trPr"))
        if tr_pr is None:
            tr_pr = el("trPr")
            tr.insert(0 if tr.find(w("tblPrEx")) is None else 1, tr_pr)
        if tr_pr.find(w("cantSplit")) is None:
            tr_pr.insert(0, el("cantSplit"))
        if tr in keep:
            for p in tr.iter(w("p")):
                _keep_next(p)


def _keep_next(p: etree._Element) -> None:
    ppr = p.find(w("pPr"))
    if ppr is None:
        ppr = el("pPr")
        p.insert(0, ppr)
    if ppr.find(w("keepNext")) is None:
        # keepNext follows pStyle in the schema's sequence of pPr
        ppr.insert(1 if ppr.find(w("pStyle")) is not None else 0, el("keepNext"))


def hyphenate_cells(tbl: etree._Element | TableLayout, styles: Styles) -> None:
    """Let a cell whose word is wider than its column be hyphenated (Danish patterns) instead of broken anywhere.

    Only those cells: hyphenation elsewhere would split words that fit whole on the next line."""
    table = tbl if isinstance(tbl, TableLayout) else TableLayout(tbl, styles)
    for r, column, span, tc in table.cells():
        room = sum(table.grid[column:column + span]) - table.cell_margins(tc)
        if all(need <= room for _, need in table.cell_text(r, tc).words):
            continue
        for p in tc.findall(w("p")):
            ppr = p.find(w("pPr"))
            if ppr is None:
                ppr = el("pPr")
                p.insert(0, ppr)
            node = ppr.find(w("suppressAutoHyphens"))
            if node is None:
                node = el("suppressAutoHyphens")
                _insert_after(ppr, node, ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr",
                                          "widowControl", "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs"))
            node.set(w("val"), "0")


def _insert_after(parent: etree._Element, child: etree._Element, before: tuple[str, ...]) -> None:
    """Insert `child` after the last child whose name is in `before` (the schema's earlier siblings)."""
    index = 0
    for i, existing in enumerate(parent):
        if etree.QName(existing).localname in before:
            index = i + 1
    parent.insert(index, child)


def lay_out(body: etree._Element, styles: Styles) -> None:
    """The post-render pass over every table of a document body."""
    page_points = text_height(body)
    for tbl in body.iter(w("tbl")):
        table = TableLayout(tbl, styles)  # one measuring of the cells serves both steps
        fit_table(table, styles)
        hyphenate_cells(table, styles)
        if tbl.find(f"{w('tblPr')}/{w('tblStyle')}") is not None:  # data tables; layout tables keep their own rules
            keep_rows_together(tbl, styles, page_points)


def join_full_stops(body: etree._Element) -> None:
    """Where a sentence ends with a value that ends in a full stop ('6.380.000 kr.' + '.'), keep one full stop.

    The template or the content text adds a stop after a value it cannot see into; this is the one place where the
    two meet, so it holds for every template and every text. An ellipsis ('...') is left alone."""
    for p in body.iter(w("p")):
        texts = [t for t in p.iter(w("t")) if t.text]
        line = "".join(t.text or "" for t in texts)
        if ".." not in line:
            continue
        drop = {j for j in range(1, len(line)) if line[j] == "." and line[j - 1] == "."
                and (j < 2 or line[j - 2] != ".") and (j + 1 >= len(line) or line[j + 1] != ".")}
        at = 0
        for t in texts:
            text = t.text or ""
            t.text = "".join(ch for i, ch in enumerate(text, start=at) if i not in drop)
            at += len(text)
