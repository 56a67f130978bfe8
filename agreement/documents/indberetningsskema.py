"""The indberetningsskema: every goal and indicator of the programme, with a column per reporting year to fill in."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from typing import Any

from agreement import formatting as fmt
from agreement.documents.blocks import Cell, Row, Table
from agreement.documents.parties import document_date, programme_context, programme_metadata, upload_name
from agreement.documents.registry import DocumentKind
from agreement.documents.spec import DocumentSpec, ReportWorkbook
from agreement.documents.strategic import fixed_goals
from agreement.editions import Edition
from agreement.kinds import INDBERETNINGSSKEMA
from agreement.model.budget import year_labels
from agreement.model.metadata import Metadata
from agreement.model.programme import Programme

TEMPLATE = "indberetningsskema.docx"
WORKBOOK = "indberetningsskema.xlsx"  # LBF's own form, when an edition carries it
NAME = "Indberetningsskema"


@dataclass(frozen=True)
class ReportRow:
    """One indicator of one goal, as the form shows it."""

    focus_area: str
    goal: str
    indicator: str
    baseline_area: str
    baseline_municipality: str
    baseline_year: str
    target: str
    source: str


# Headings of the ReportRow fields; the edition's 'indikatorkolonner' (the columns of the strategic agreement's
# table: mål, indikator, baseline boligområder, baseline kommune, baseline år, datakilde) replace them in order.
DEFAULT_HEADINGS = ("Indsatsområde", "Mål", "Indikator", "Baseline boligområder", "Baseline kommune (evt. andet)",
                    "Baseline år", "Målværdi", "Datakilde")
EDITION_COLUMNS = (1, 2, 3, 4, 5, 7)  # the ReportRow fields the edition's indikatorkolonner name, in their order


def rows(programme: Programme) -> list[ReportRow]:
    """LBF's fixed goals (the edition) with the area's baselines (strategic.yaml), then each delaftale's delmål with its targets.

    LBF's fixed goals carry no target: the area's development is followed against the municipality's, so their
    target cell stays empty. A delmål indicator has a target (its 'mål') but a baseline in words and no year.
    """
    strategic = programme.strategic
    out = [ReportRow(goal.focus_area or "", goal.text, ind.text, area, municipality, year, "", source)
           for goal, indicators in fixed_goals(programme) for ind, area, municipality, year, source in indicators]
    for area in strategic.chosen_areas:
        deal = programme.delaftale_for(area)
        out.extend(ReportRow(deal.focus_area, goal.heading, ind.text, ind.baseline, "", "", ind.target, ind.source)
                   for goal in deal.goals for ind in goal.indicators)
    return out


def headings(edition: Edition) -> list[str]:
    names = list(DEFAULT_HEADINGS)
    for index, name in zip(EDITION_COLUMNS, edition.indicator_columns):
        names[index] = name
    return names


def year_headings(programme: Programme) -> list[str]:
    """One column per year of the budget (project or calendar years), for the status reported that year."""
    return [f"Status {label}" for label in year_labels(programme.budget_plan, programme.strategic.period)]


def specs(programme: Programme) -> list[DocumentSpec]:
    meta = metadata(programme)
    strategic = programme.strategic
    # The form shows the delaftaler's delmål too, so it is a draft while any of them is.
    drafts = [strategic.source.draft_at, *(d.source.draft_at for d in programme.delaftaler)]
    draft_at = next((d for d in drafts if d is not None), None)

    lbf = programme.edition.template(WORKBOOK)
    workbook = ReportWorkbook(headings(programme.edition) + year_headings(programme),
                              [list(astuple(row)) for row in rows(programme)], meta.title, intro(programme), meta.date,
                              lbf if lbf.is_file() else None)  # a file counts in the key by its bytes (see agreement.publish.cache)
    return [DocumentSpec(INDBERETNINGSSKEMA, meta.title, INDBERETNINGSSKEMA, TEMPLATE, context(programme),
                         meta, upload_name(programme, NAME), draft_at, {"xlsx": workbook})]


def intro(programme: Programme) -> str:
    years = year_labels(programme.budget_plan, programme.strategic.period)
    return (f"Mål og indikatorer for den boligsociale indsats i {programme.strategic.area.name}. "
            f"Status udfyldes for hvert {programme.budget_plan.year_kind} ({fmt.join_and(years)}).")


def context(programme: Programme) -> dict[str, Any]:
    return {
        **programme_context(programme),
        "year_kind": programme.budget_plan.year_kind,
        "years": fmt.join_and(year_labels(programme.budget_plan, programme.strategic.period)),
        "table": table(programme),
    }


def table(programme: Programme) -> Table:
    """The form as a Word table across the text width, sized from its content; the year columns (room to
    write a status in, at least 1,6 cm) share one width."""
    names = headings(programme.edition)
    years = year_headings(programme)
    year_columns = tuple(range(len(names), len(names) + len(years)))
    t = Table(font_half_points=14, total_cm="text", min_cm=dict.fromkeys(year_columns, 1.6), uniform=(year_columns,))
    t.rows.append(Row([Cell(name, bold=True) for name in names + years], header=True))
    for row in rows(programme):
        t.rows.append(Row([Cell(text) for text in astuple(row)] + [Cell("") for _ in years]))
    return t


def metadata(programme: Programme) -> Metadata:
    strategic = programme.strategic
    return programme_metadata(strategic, NAME, "indberetningsskema", document_date(strategic.signatures, strategic.period.start))


KIND = DocumentKind(name=INDBERETNINGSSKEMA, label=NAME, source="", schema="", template=TEMPLATE, model=None,
                    documents=specs, reads_content=False)
