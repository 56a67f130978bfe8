"""Milepælsplan: milestones sorted by time, as a table and as a timeline over the period's quarters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from agreement import formatting as fmt
from agreement.documents.parties import (
    org_name,
    organisations,
    programme_context,
    programme_metadata,
    upload_name,
)
from agreement.documents.spec import DocumentSpec, single
from agreement.model import period as periods
from agreement.source.loader import Content
from agreement.word.renderer import DocxRenderer, Metadata
from agreement.word.tables import Cell, Row, Table

KIND = "milepaelsplan"
TEMPLATE = "milepaelsplan.docx"
COMMON = "Hele helhedsplanen"
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


def milestones(content: Content) -> list[Milestone]:
    """Every milestone, sorted by its end date, then by delaftale and activity."""
    strategic = content.strategic.data
    orgs = organisations(strategic)
    activities = {ident: (d.data["indsatsområde"], a["navn"]) for ident, (d, a) in content.activities().items()}
    out = []
    for m in content.milepaelsplan.data["milepæle"]:
        if "dato" in m:
            day = dt.date.fromisoformat(m["dato"])
            when, when_text = periods.Span(day, day), fmt.date_long(day)
        else:
            quarter = periods.Quarter.parse(m["kvartal"])
            when, when_text = quarter.span, quarter.label
        area, activity = activities.get(m.get("aktivitet"), (COMMON, ""))
        out.append(Milestone(when, when_text, area, activity, m["milepæl"], org_name(orgs[m["ansvarlig"]]), m["status"]))
    return sorted(out, key=lambda m: (m.when.end, m.when.start, m.delaftale, m.activity))


def timeline(content: Content, items: list[Milestone]) -> Table:
    """Rows per delaftale and activity, a column per quarter, a shaded cell where a milestone falls."""
    quarters = periods.quarters(periods.span(content.strategic.data["periode"]))
    label_width = 16.0 - 0.62 * len(quarters)
    table = Table([label_width] + [0.62] * len(quarters), font_half_points=14)
    years: list[tuple[int, int]] = []
    for q in quarters:
        if years and years[-1][0] == q.year:
            years[-1] = (q.year, years[-1][1] + 1)
        else:
            years.append((q.year, 1))
    table.rows.append(Row([Cell("Delaftale og aktivitet")] + [Cell(str(y) if n > 1 else f"'{str(y)[2:]}", align="center", span=n) for y, n in years], header=True))
    table.rows.append(Row([Cell("")] + [Cell(str(q.number), align="center") for q in quarters], header=True, fill="1F4E5A", bold=True))
    order = [(m.delaftale, m.activity) for m in items]
    keys = sorted(set(order), key=lambda k: (k[0] == COMMON, _area_rank(content, k[0]), order.index(k)))
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


def legend() -> Table:
    """What each status colour in the timeline means."""
    table = Table([0.8, 3.0], font_half_points=16)
    table.rows.append(Row([Cell("Status", span=2)], header=True))
    for status, fill in STATUS_FILL.items():
        table.rows.append(Row([Cell("", fill=fill), Cell(status)]))
    return table


def _overlaps(a: periods.Span, b: periods.Span) -> bool:
    return a.start <= b.end and b.start <= a.end


def _area_rank(content: Content, area: str) -> int:
    names = [a["navn"] for a in content.strategic.data["indsatsområder"]["områder"]]
    return names.index(area) if area in names else len(names)


def specs(content: Content) -> list[DocumentSpec]:
    return single(KIND, TEMPLATE, content.milepaelsplan, lambda r: context(r, content), metadata(content),
                  upload_name(content, "Milepælsplan"))


def context(r: DocxRenderer, content: Content) -> dict:
    strategic = content.strategic.data
    items = milestones(content)
    return {
        **programme_context(strategic),
        "milestones": [
            {"when": m.when_text, "delaftale": m.delaftale, "activity": m.activity, "text": m.text, "owner": m.owner,
             "status": m.status}
            for m in items
        ],
        "timeline": r.elements([timeline(content, items).element()]),
        "legend": r.elements([legend().element()]),
    }


def metadata(content: Content) -> Metadata:
    return programme_metadata(content.strategic.data, "Milepælsplan", "milepælsplan")
