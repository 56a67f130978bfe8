"""The values a template context holds besides plain data; the Word renderer turns each into WordprocessingML."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

TEXT_WIDTH_CM = 16.0  # A4 less the templates' 2.5 cm margins
TABLE_HALF_POINTS = 18  # 9 pt, the LBF Tabel style's size in the budget: the size assumed without a template


@dataclass(frozen=True)
class Markdown:
    """Content text as paragraphs for {{p ...}}: `#` becomes Heading `level`, `##` the next, and so on (None: none)."""

    text: str | None
    level: int = 2


@dataclass(frozen=True)
class Footnote:
    """A footnote reference for {{r ...}}, with `markdown` as the footnote's text."""

    markdown: str


@dataclass(frozen=True)
class Diagram:
    """A Graphviz drawing of `dot_source` for {{r ...}}, as large as fits the box, with `description` as its alt text."""

    dot_source: str
    max_width_cm: float
    max_height_cm: float
    description: str
    # The largest size of the drawing's text once shown, in points (never larger than the body text): a small drawing
    # is not enlarged to fill its box. None: as large as fits.
    text_points: tuple[float, float] | None = None  # (size the drawing's text is drawn at, largest size shown)


@dataclass(frozen=True)
class Marked:
    """A paragraph for {{p ...}} of words kept ('='), removed ('-': struck through) and added ('+': underlined), both
    coloured, after a bold `label`: a word diff as it reads on paper."""

    label: str
    segments: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Cell:
    text: str = ""
    bold: bool = False
    align: str | None = None  # "right", "center"
    fill: str | None = None  # hex colour, e.g. "1F4E5A"
    span: int = 1
    notes: tuple[str, ...] = ()  # smaller lines under the text, each a paragraph in the table's note_style


@dataclass(frozen=True)
class Row:
    cells: list[Cell]
    header: bool = False
    bold: bool = False
    fill: str | None = None
    keep_with_next: bool = False


@dataclass(frozen=True)
class Table:
    """A table for {{p ...}} whose columns are as wide as their content asks: no column narrower than its longest word.

    `total_cm` is the table's width ("text": the template's text width; None: as wide as its text on one line,
    at most TEXT_WIDTH_CM); `min_cm` gives a column a least width (a colour swatch has no text); `uniform` lists
    groups of columns that share one width (the years of a budget).

    The text's size, the header row's bold and shading come from the template's table `style` (LBF Tabel), so a
    Word user changes them in one place; `font_half_points` sets a size on every run instead, for a size the
    template has no table style for. `text_style`, a paragraph style of the template, gives the cells' text its
    size instead of the table style (LibreOffice lets a paragraph style's size win over a table style's);
    `note_style`, another, the cells' notes their (smaller) size."""

    rows: list[Row] = field(default_factory=list)
    style: str = "LBFTabel"
    font_half_points: int | None = None
    total_cm: float | Literal["text"] | None = TEXT_WIDTH_CM
    min_cm: dict[int, float] = field(default_factory=dict)
    uniform: tuple[tuple[int, ...], ...] = ()
    text_style: str | None = None
    note_style: str | None = None


@dataclass(frozen=True)
class Series:
    """One line of a trend chart: a value (or None) per year of the chart, and each value as the text shows it."""

    label: str
    values: tuple[float | None, ...]
    texts: tuple[str, ...]


@dataclass(frozen=True)
class TrendChart:
    """A line chart over years for {{p ...}} (word/charts.py draws it): the area and the municipality, the baseline
    year marked (LBF's fixed goals have no target: the area is followed against the municipality); `unit` follows
    the values on the axis ("%", "" ...).
    With `description` as alt text and `caption` under it as "Figur N: caption"."""

    years: tuple[int, ...]
    series: tuple[Series, ...]
    baseline_year: int | None
    unit: str
    description: str
    caption: str


@dataclass(frozen=True)
class BudgetChart:
    """Budget against spending per budget line and in total, as horizontal bars (word/charts.py draws it); a line
    spent above its budget is marked. With `description` as alt text and `caption` under it."""

    labels: tuple[str, ...]
    budget: tuple[int, ...]
    spent: tuple[int | None, ...]  # None: the follow-up gives no spending for the line
    year: str
    description: str
    caption: str


Chart = TrendChart | BudgetChart
Block = Markdown | Footnote | Diagram | Table | Marked | TrendChart | BudgetChart


def blocks(value: Any) -> Iterator[Block]:
    """Every block in a context, at any depth of its dicts and lists, in order."""
    if isinstance(value, Block):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from blocks(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from blocks(item)
