"""Milepælsplan: milestones sorted by time, as a table and as a timeline over the period's quarters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from agreement import formatting as fmt
from agreement.documents.blocks import Cell, Row, Table
from agreement.documents.parties import programme_context, programme_metadata, upload_name
from agreement.documents.registry import DocumentKind
from agreement.documents.spec import DocumentSpec, single
from agreement.i18n import N_
from agreement.kinds import MILEPAELSPLAN
from agreement.model import period as periods
from agreement.model.budget import years as budget_years
from agreement.model.content import MilestonePlan
from agreement.model.followup import FollowUp, milestone_statuses
from agreement.model.metadata import Metadata
from agreement.model.programme import Programme

TEMPLATE = "milepaelsplan.docx"
COMMON = "Hele helhedsplanen"
QUARTER_CM = 0.55
# The template's table styles for the timeline (7 pt) and its legend (8 pt): their size is set there, not on the runs.
TIMELINE_STYLE = "LBFTidsplan"
LEGEND_STYLE = "LBFSignaturforklaring"
STATUS_FILL = {"planlagt": "9FBFC7", "i gang": "4F8A99", "nået": "1F4E5A", "forsinket": "C0504D", "aflyst": "BFBFBF"}


@dataclass(frozen=True)
class Milestone:
    when: periods.Span
    when_text: str
    delaftale: str
    activity: str
    text: str
    owner: str
    status: str
    ident: str | None = None  # its id in milepaelsplan.yaml, by which a follow-up gives its status


def milestones(programme: Programme, follow_ups: tuple[FollowUp, ...] | None = None) -> list[Milestone]:
    """Every milestone, sorted by its end date, then by delaftale and activity, with its status as of the
    follow-ups `follow_ups` (the programme's when None)."""
    orgs = programme.strategic.organisations
    activities = {ident: (d.focus_area, a.name) for ident, (d, a) in programme.activities().items()}
    out = []
    _, statuses = milestone_statuses(programme.milestone_plan, programme.follow_ups if follow_ups is None else follow_ups)
    for m, status in zip(programme.milestone_plan.milestones, statuses):
        if m.date is not None:
            when, when_text = periods.Span(m.date, m.date), fmt.date_long(m.date)
        else:
            assert m.quarter is not None  # the set rules make sure a milestone has a date or a quarter
            quarter = periods.Quarter.parse(m.quarter)
            when, when_text = quarter.span, quarter.label
        area, activity = activities.get(m.activity or "", (COMMON, ""))
        out.append(Milestone(when, when_text, area, activity, m.text, orgs[m.owner].display_name, status, m.id))
    return sorted(out, key=lambda m: (m.when.end, m.when.start, m.delaftale, m.activity))


def timeline(programme: Programme, items: list[Milestone]) -> Table:
    """Rows per delaftale and activity, a column per quarter, a shaded cell where a milestone falls."""
    quarters = periods.quarters(_shown(programme, items))
    # the quarters share one width, at least QUARTER_CM so a shaded cell reads as a mark; the label takes the rest
    table = Table(style=TIMELINE_STYLE, min_cm=dict.fromkeys(range(1, len(quarters) + 1), QUARTER_CM),
                  uniform=(tuple(range(1, len(quarters) + 1)),))
    years: list[tuple[int, int]] = []
    for q in quarters:
        if years and years[-1][0] == q.year:
            years[-1] = (q.year, years[-1][1] + 1)
        else:
            years.append((q.year, 1))
    year_cells = [Cell(str(y) if n > 1 else f"'{str(y)[2:]}", align="center", span=n) for y, n in years]
    table.rows.append(Row([Cell("Delaftale og aktivitet")] + year_cells, header=True))
    table.rows.append(Row([Cell("")] + [Cell(str(q.number), align="center") for q in quarters], header=True, fill="1F4E5A", bold=True))
    order = [(m.delaftale, m.activity) for m in items]
    keys = sorted(set(order), key=lambda k: (k[0] == COMMON, _area_rank(programme, k[0]), order.index(k)))
    current = None
    for area, activity in keys:
        if area != current:
            table.rows.append(Row([Cell(area, bold=True, span=len(quarters) + 1)], fill="E6EFF1", keep_with_next=True))
            current = area
        cells = [Cell(activity or "Fælles milepæle")]
        for q in quarters:
            hits = [m for m in items if (m.delaftale, m.activity) == (area, activity) and _overlaps(m.when, q.span)]
            fill = STATUS_FILL[hits[0].status] if hits else None
            cells.append(Cell(str(len(hits)) if len(hits) > 1 else "", align="center", fill=fill))
        table.rows.append(Row(cells))
    return table


def legend(status_date: dt.date) -> Table:
    """What each status colour in the timeline means, on the plan's status date."""
    table = Table(style=LEGEND_STYLE, total_cm=None, min_cm={0: 0.8})
    table.rows.append(Row([Cell(f"Status pr. {fmt.date_long(status_date)}", span=2)], header=True))
    for status, fill in STATUS_FILL.items():
        # the legend explains the timeline under it: it never ends a page without the timeline's head
        table.rows.append(Row([Cell("", fill=fill), Cell(status)], keep_with_next=True))
    return table


def _shown(programme: Programme, items: list[Milestone]) -> periods.Span:
    """The period the timeline shows: while its end is open, up to the last milestone or the budget's last year."""
    period = programme.strategic.period
    ends = [m.when.end for m in items] + [y.end for y in budget_years(programme.budget_plan, period)]
    return periods.Span(period.start, period.end or max(ends, default=period.start))


def _overlaps(a: periods.Span, b: periods.Span) -> bool:
    return a.start <= b.end and b.start <= a.end


def _area_rank(programme: Programme, area: str) -> int:
    names = [a.name for a in programme.strategic.focus_areas]
    return names.index(area) if area in names else len(names)


def specs(programme: Programme) -> list[DocumentSpec]:
    return single(MILEPAELSPLAN, TEMPLATE, programme.milestone_plan.source, context(programme),
                  metadata(programme), upload_name(programme, "Milepælsplan"))


def context(programme: Programme) -> dict[str, Any]:
    items = milestones(programme)
    status_date, _ = milestone_statuses(programme.milestone_plan, programme.follow_ups)
    return {
        **programme_context(programme),
        "milestones": [
            {"when": m.when_text, "delaftale": m.delaftale, "activity": m.activity, "text": m.text, "owner": m.owner,
             "status": m.status}
            for m in items
        ],
        "status_date": fmt.date_long(status_date),
        "timeline": timeline(programme, items),
        "legend": legend(status_date),
    }


def metadata(programme: Programme) -> Metadata:
    return programme_metadata(programme.strategic, "Milepælsplan", "milepælsplan")


KIND = DocumentKind(name=MILEPAELSPLAN, label="Milepælsplan", source="milepaelsplan.yaml", schema="milepaelsplan",
                    template=TEMPLATE, model=MilestonePlan.from_doc, documents=specs,
                    styles={TIMELINE_STYLE: N_("the renderer uses it for the timeline's table (its text size: 7 pt)"),
                            LEGEND_STYLE: N_("the renderer uses it for the timeline's legend (its text size: 8 pt)")})
