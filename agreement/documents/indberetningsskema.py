"""The indberetningsskema: every goal and indicator of the programme, with its status in each followed-up year."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from agreement import formatting as fmt
from agreement.documents.blocks import Cell, Row, Table
from agreement.documents.parties import document_date, programme_context, programme_metadata, upload_name
from agreement.documents.registry import DocumentKind
from agreement.documents.spec import DocumentSpec, Measured, Quantity, ReportValue, ReportWorkbook
from agreement.documents.strategic import baseline_text, unit_text
from agreement.editions import Edition
from agreement.kinds import INDBERETNINGSSKEMA
from agreement.model.budget import years as budget_years
from agreement.model.content import NOT_MEASURED, Baseline
from agreement.model.followup import Measurement
from agreement.model.metadata import Metadata
from agreement.model.programme import Programme

TEMPLATE = "indberetningsskema.docx"
WORKBOOK = "indberetningsskema.xlsx"  # LBF's own form, when an edition carries it
NAME = "Indberetningsskema"
TEXT_STYLE = "LBFTabeltekst"  # the template's paragraph style for the table's text (its size)
# And for the smaller lines under a status value, its data year and the municipality's. Not required of a template:
# a local edition exported before it shows those lines in its Normal style.
NOTE_STYLE = "LBFTabelnote"
FIXED_LEVEL = "Overordnet mål"


@dataclass(frozen=True)
class ReportRow:
    """One indicator of one goal, as the form shows it; `status` holds one value per status year (status_years)."""

    focus_area: str
    level: str
    goal: str
    indicator: str
    baseline_area: ReportValue
    baseline_municipality: ReportValue
    baseline_year: int | None
    note: str
    target: str
    source: str
    frequency: str
    measured_by: str
    status: tuple[Measured | None, ...] = ()

    def values(self) -> list[ReportValue]:
        """The row's cells in column order: the fixed columns, then one per status year."""
        return [getattr(self, f.name) for f in fields(self)][:-1] + list(self.status)  # astuple would unpack a Quantity


# Headings of the ReportRow fields; the edition's 'indikatorkolonner' (the columns of the strategic agreement's
# table: mål, indikator, baseline boligområder, baseline kommune, baseline år, datakilde) replace them in order.
DEFAULT_HEADINGS = ("Indsatsområde", "Niveau", "Mål", "Indikator", "Baseline boligområder", "Baseline kommune (evt. andet)",
                    "Baseline år", "Note", "Målværdi", "Datakilde", "Måles", "Måles af")
EDITION_COLUMNS = (2, 3, 4, 5, 6, 9)  # the ReportRow fields the edition's indikatorkolonner name, in their order


def status_years(programme: Programme) -> list[int]:
    """The calendar years the budget's years touch: a follow-up file follows up one calendar year."""
    spans = budget_years(programme.budget_plan, programme.strategic.period)
    return sorted({year for span in spans for year in range(span.start.year, span.end.year + 1)})


def measurements(programme: Programme) -> dict[tuple[str, int], Measurement]:
    """The measurement of each indicator in each final follow-up's year (a draft follow-up changes no document);
    of two data years in one file, the later."""
    found: dict[tuple[str, int], Measurement] = {}
    for follow_up in programme.follow_ups:
        if not follow_up.final:
            continue
        for m in follow_up.measurements:
            key = (m.indicator, follow_up.year)
            if key not in found or found[key].data_year < m.data_year:
                found[key] = m
    return found


def measured(m: Measurement, unit: str | None) -> Measured:
    """A status cell: the area's value, with the year its data describe and the municipality's value under it."""
    # 'dataår 2021' is kept on one line; 'kommune' may wrap above its value, as the year columns (1,7 cm on A3) are too
    # narrow for 'kommune 92,6 %' on one line without widening them unevenly.
    details = [f"dataår{fmt.NBSP}{m.data_year}"]
    if m.municipality is not None:
        details.append(f"kommune {unit_text(m.municipality, unit)}")
    return Measured(m.area, unit, tuple(details))


def _baseline(value: Baseline | None, unit: str) -> tuple[ReportValue, list[str]]:
    """A fixed baseline's cell and its notes: one value is a number, its notes go to the note column."""
    if value is None:
        return None, []
    if not value.measured:
        return NOT_MEASURED, [value.note] if value.note else []
    if len(value.values) == 1:
        return Quantity(value.values[0].value, unit), [n for n in (value.values[0].note, value.note) if n]
    return baseline_text(value, unit), []  # several values with their notes: words, as in the strategic agreement


def rows(programme: Programme) -> list[ReportRow]:
    """LBF's fixed goals (the edition) with the area's baselines (strategic.yaml), then each delaftale's delmål with
    its targets; each row with the measurements of the final follow-ups.

    LBF's fixed goals carry no target: the area's development is followed against the municipality's, so their
    target cell stays empty.
    """
    strategic = programme.strategic
    years = status_years(programme)
    found = measurements(programme)

    def status(ident: str, unit: str | None) -> tuple[Measured | None, ...]:
        return tuple(measured(found[ident, y], unit) if (ident, y) in found else None for y in years)

    out = []
    for goal in programme.edition.goals:
        for ind in goal.indicators:
            given = strategic.baselines.get(ind.id)
            area, area_notes = _baseline(given.area if given else None, ind.unit)
            municipality, municipality_notes = _baseline(given.municipality if given else None, ind.unit)
            notes = [f"{label}: {'; '.join(found)}" for label, found in (("Boligområde", area_notes),
                                                                          ("Kommune", municipality_notes)) if found]
            out.append(ReportRow(goal.focus_area or "", FIXED_LEVEL, goal.text, ind.text, area, municipality,
                                 given.year if given else None, "; ".join(notes), "",
                                 (given.source if given else None) or ind.source, ind.frequency or "",
                                 ind.measured_by or "", status(ind.id, ind.unit)))
    for area_name in strategic.chosen_areas:
        deal = programme.delaftale_for(area_name)
        for number, sub in enumerate(deal.goals, start=1):
            for own in sub.indicators:
                # A baseline in words ('Ny aktivitet', 'Måles første gang ...') is a note, not a value.
                words = own.baseline if isinstance(own.baseline, str) else ""
                value = None if isinstance(own.baseline, str) else Quantity(own.baseline, own.unit)
                by = strategic.organisations[own.measured_by].name if own.measured_by else ""
                out.append(ReportRow(deal.focus_area, f"Delmål {number}, delaftale", sub.heading, own.text, value, None,
                                     own.baseline_year, words, own.target, own.source, own.frequency or "", by,
                                     status(own.id, own.unit)))
    return out


def show(value: ReportValue) -> str:
    """A cell's text in the Word table: numbers in their unit, Danish style."""
    if isinstance(value, Quantity):
        return unit_text(value.value, value.unit)
    return "" if value is None else str(value)


def headings(edition: Edition) -> list[str]:
    names = list(DEFAULT_HEADINGS)
    for index, name in zip(EDITION_COLUMNS, edition.indicator_columns):
        names[index] = name
    return names


def year_headings(programme: Programme) -> list[str]:
    """One column per calendar year, for the status that year's follow-up reports."""
    return [f"Status {year}" for year in status_years(programme)]


def specs(programme: Programme) -> list[DocumentSpec]:
    meta = metadata(programme)
    strategic = programme.strategic
    # The form shows the delaftaler's delmål too, so it is a draft while any of them is.
    drafts = [strategic.source.draft_at, *(d.source.draft_at for d in programme.delaftaler)]
    draft_at = next((d for d in drafts if d is not None), None)

    found = rows(programme)  # the workbook and the Word table show the same rows
    lbf = programme.edition.template(WORKBOOK)
    workbook = ReportWorkbook(headings(programme.edition) + year_headings(programme),
                              [row.values() for row in found], meta.title, intro(programme), meta.date,
                              lbf if lbf.is_file() else None)  # a file counts in the key by its bytes (see agreement.publish.cache)
    return [DocumentSpec(INDBERETNINGSSKEMA, meta.title, INDBERETNINGSSKEMA, TEMPLATE, context(programme, found),
                         meta, upload_name(programme, NAME), draft_at, {"xlsx": workbook})]


def intro(programme: Programme) -> str:
    years = [str(y) for y in status_years(programme)]
    return (f"Mål og indikatorer for den boligsociale indsats i {programme.strategic.area.name}. "
            f"Status for hvert kalenderår ({fmt.join_and(years)}) er boligområdets målinger fra årets opfølgning, "
            "når bestyrelsen har behandlet den.")


def context(programme: Programme, found: list[ReportRow]) -> dict[str, Any]:
    return {
        **programme_context(programme),
        "years": fmt.join_and([str(y) for y in status_years(programme)]),
        "table": table(programme, found),
    }


def table(programme: Programme, found: list[ReportRow]) -> Table:
    """The form as a Word table across the text width, sized from its content; the year columns (room to
    write a status in, at least 1,6 cm) share one width. Its text size is the template's TEXT_STYLE (a status
    value's details NOTE_STYLE's), the header's bold and shading the table style's first row."""
    names = headings(programme.edition)
    years = year_headings(programme)
    year_columns = tuple(range(len(names), len(names) + len(years)))
    t = Table(total_cm="text", min_cm=dict.fromkeys(year_columns, 1.6), uniform=(year_columns,), text_style=TEXT_STYLE,
              note_style=NOTE_STYLE)
    t.rows.append(Row([Cell(name) for name in names + years], header=True))
    for row in found:
        t.rows.append(Row([Cell(show(value), align="right" if isinstance(value, (int, Quantity)) else None,
                                notes=value.details if isinstance(value, Measured) else ())
                           for value in row.values()]))
    return t


def metadata(programme: Programme) -> Metadata:
    strategic = programme.strategic
    return programme_metadata(strategic, NAME, "indberetningsskema", document_date(strategic.signatures, strategic.period.start))


KIND = DocumentKind(name=INDBERETNINGSSKEMA, label=NAME, source="", schema="", template=TEMPLATE, model=None,
                    documents=specs, reads_content=False)
