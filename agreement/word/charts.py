"""The follow-up report's charts drawn to PNG by matplotlib (Agg), in Carlito, the same bytes for the same data."""

from __future__ import annotations

import functools
import io
import textwrap
from typing import TYPE_CHECKING, Any

from agreement import formatting as fmt
from agreement.documents.blocks import BudgetChart, Chart, TrendChart
from agreement.word.measure import font_file

if TYPE_CHECKING:
    from matplotlib.axes import Axes

DPI = 150  # as a figure from content is shown (agreement.images.NATURAL_DPI)
WIDTH_CM = 16.0
CM = 1 / 2.54
DARK, LIGHT, RED, GREY = "#1F4E5A", "#9FBFC7", "#C0504D", "#7F7F7F"  # the templates' colours
SERIES_STYLES = ((DARK, "o", "-"), (GREY, "s", "--"))  # the area's line and the municipality's: colour, marker, line


def size_cm(chart: Chart) -> tuple[float, float]:
    """The chart's width and height on the page."""
    if isinstance(chart, TrendChart):
        return WIDTH_CM, 6.2
    return WIDTH_CM, 3.9 + 0.8 * len(chart.labels)


# Drawings made before in this process (`agreement watch` draws the same charts again and again); a chart's
# blocks are frozen and hashable, and the same data draw the same picture.
@functools.lru_cache(maxsize=64)
def render_png(chart: Chart) -> bytes:
    """The chart as PNG: no time or version in its metadata, so the same data give the same bytes."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    width, height = size_cm(chart)
    with rc_context(_style()):
        figure = Figure(figsize=(width * CM, height * CM), dpi=DPI)
        # Fixed margins (in cm) rather than a layout engine, which draws the figure once more to measure it.
        left, right, top, bottom = (1.4, 2.9, 0.3, 0.7) if isinstance(chart, TrendChart) else (5.2, 0.4, 0.7, 1.0)
        figure.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height,
                               hspace=1.2 / (height - top - bottom))
        if isinstance(chart, TrendChart):
            _trend(figure.add_subplot(), chart)
        else:
            _budget(figure, chart)
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


@functools.cache
def _style() -> Any:  # matplotlib types the keys as a Literal of every rcParam
    """Carlito, the build's own metric twin of the templates' Calibri, registered from its files."""
    from matplotlib import font_manager

    for bold in (False, True):
        font_manager.fontManager.addfont(str(font_file(bold)))
    return {"font.family": "Carlito", "font.size": 8, "axes.spines.top": False, "axes.spines.right": False,
            "axes.edgecolor": GREY, "xtick.color": "#404040", "ytick.color": "#404040", "axes.unicode_minus": False}


def _number(value: float) -> str:
    return fmt.number(int(value) if float(value).is_integer() else round(value, 2))


def _trend(ax: Axes, chart: TrendChart) -> None:
    from matplotlib.ticker import FixedLocator, FuncFormatter

    xs = list(chart.years)
    for index, (series, (color, marker, line)) in enumerate(zip(chart.series, SERIES_STYLES)):
        points = [(x, v, t) for x, v, t in zip(xs, series.values, series.texts) if v is not None]
        if not points:
            continue  # no number for the area, or none for the municipality
        ax.plot([p[0] for p in points], [p[1] for p in points], label=series.label, linewidth=1.6, markersize=4,
                color=color, marker=marker, linestyle=line)
        below = index == 1 and _lower(chart)
        for x, v, text in points:
            ax.annotate(text, (x, v), textcoords="offset points", xytext=(0, -11 if below else 6), ha="center",
                        fontsize=7, color=color)
    if chart.baseline_year is not None:
        ax.axvspan(chart.baseline_year - 0.35, chart.baseline_year + 0.35, color="#E6EFF1", zorder=0, label="Baseline")
    ax.xaxis.set_major_locator(FixedLocator(xs))
    ax.set_xticks(xs, [str(x) for x in xs])
    ax.set_xlim(xs[0] - 0.5, xs[-1] + 0.5)
    ax.margins(y=0.3)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{_number(v)}{chart.unit}"))
    ax.grid(axis="y", color="#D9D9D9", linewidth=0.5)
    ax.set_axisbelow(True)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=7)


def _lower(chart: TrendChart) -> bool:
    """Whether the second series lies mostly below the first, so its labels go under its points."""
    if len(chart.series) < 2:
        return False
    pairs = [(a, b) for a, b in zip(chart.series[0].values, chart.series[1].values) if a is not None and b is not None]
    return sum(b < a for a, b in pairs) > len(pairs) / 2


def _budget(figure: Any, chart: BudgetChart) -> None:
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    lines_ax, total_ax = figure.subplots(2, 1, height_ratios=[len(chart.labels), 1])
    spent = [s or 0 for s in chart.spent]
    labels = [textwrap.fill(label, 40) for label in chart.labels]
    _bars(lines_ax, labels, list(chart.budget), spent)
    _bars(total_ax, ["I alt"], [sum(chart.budget)], [sum(spent)])
    for ax in (lines_ax, total_ax):
        ax.xaxis.set_major_locator(MaxNLocator(7))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _number(v / 1000)))
        ax.grid(axis="x", color="#D9D9D9", linewidth=0.5)
        ax.set_axisbelow(True)
    total_ax.set_xlabel(f"1.000 kr., {chart.year}")
    handles = [Patch(color=LIGHT, label="Budget"), Patch(color=DARK, label="Forbrug"),
               Patch(color=RED, label="Forbrug over budget")]
    lines_ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3, frameon=False, fontsize=7)


def _bars(ax: Axes, labels: list[str], budget: list[int], spent: list[int]) -> None:
    """Two bars per label, budget above spending, the first label at the top."""
    ys = list(range(len(labels)))[::-1]
    ax.barh([y + 0.2 for y in ys], budget, height=0.38, color=LIGHT)
    ax.barh([y - 0.2 for y in ys], spent, height=0.38, color=[RED if s > b else DARK for s, b in zip(spent, budget)])
    ax.set_yticks(ys, labels)
    ax.set_ylim(-0.6, len(labels) - 0.4)
