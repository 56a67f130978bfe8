"""The yearly follow-up report (opfoelgning-<år>): the fixed goals as charts, delmål, activities, budget, milestones."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import Any

from agreement import formatting as fmt
from agreement.documents.blocks import BudgetChart, Cell, Markdown, Row, Series, Table, TrendChart
from agreement.documents.budget import LIGHT
from agreement.documents.delaftale import baseline_text
from agreement.documents.milepaelsplan import milestones
from agreement.documents.parties import programme_context, programme_metadata
from agreement.documents.registry import DocumentKind
from agreement.documents.spec import DocumentSpec
from agreement.documents.strategic import UNITS, capitalise, unit_text
from agreement.editions import FixedIndicator
from agreement.kinds import OPFOELGNINGSRAPPORT
from agreement.model import period as periods
from agreement.model.budget import apportion, compute, round_half_up
from agreement.model.budget import years as budget_years
from agreement.model.content import Baseline, FixedBaseline
from agreement.model.followup import FollowUp, Measurement, milestone_statuses
from agreement.model.metadata import Metadata
from agreement.model.programme import Programme

TEMPLATE = "opfoelgning.docx"
NAME = "Årlig opfølgning"
OVER = "F2DCDB"  # a line spent above its budget
NONE = "–"
# What a chart's alternative text calls the values of a unit ("Andelen steg fra ...").
SUBJECTS = {"procent": "Andelen", "karakter": "Gennemsnittet", "antal": "Antallet", "kroner": "Beløbet", "timer": "Antallet af timer"}
AXIS_UNITS = {"procent": "\u00a0%"}  # what follows a number on a chart's axis; the caption names other units


def specs(programme: Programme) -> list[DocumentSpec]:
    """One report per follow-up file, in the order of their years."""
    return [spec(programme, follow_up) for follow_up in programme.follow_ups]


def spec(programme: Programme, follow_up: FollowUp) -> DocumentSpec:
    meta = metadata(programme, follow_up)
    return DocumentSpec(OPFOELGNINGSRAPPORT, meta.title, f"opfoelgning-{follow_up.year}", TEMPLATE,
                        context(programme, follow_up), meta,
                        f"{programme.strategic.area.name} - {NAME} {follow_up.year}", follow_up.source.draft_at)


def metadata(programme: Programme, follow_up: FollowUp) -> Metadata:
    """The report's date is the day the board dealt with it; a draft's is the last day of its year."""
    return programme_metadata(programme.strategic, f"{NAME} {follow_up.year}", "årlig opfølgning",
                              follow_up.handled or dt.date(follow_up.year, 12, 31))


def context(programme: Programme, follow_up: FollowUp) -> dict[str, Any]:
    # The report of a year shows the measurements of that year's file and of every earlier one.
    known = [f for f in programme.follow_ups if f.year <= follow_up.year]
    return {
        **programme_context(programme),
        "year": str(follow_up.year),
        "handled": fmt.date_long(follow_up.handled) if follow_up.handled else "",
        "goals": fixed_goals(programme, known),
        "delaftaler": subgoals(programme, known),
        **activities(programme, follow_up),
        "budget": budget(programme, follow_up),
        "years": over_the_years(programme, follow_up),
        **milestone_context(programme, follow_up),
        "assessment": Markdown(follow_up.assessment) if follow_up.assessment else None,
        "adjustments": Markdown(follow_up.adjustments) if follow_up.adjustments else None,
    }


# -- the fixed goals -----------------------------------------------------------------------


def fixed_goals(programme: Programme, follow_ups: list[FollowUp]) -> list[dict[str, Any]]:
    """Each of the edition's fixed goals with a chart per indicator that has a number, and the names of those
    that have none yet."""
    out = []
    for goal in programme.edition.goals:
        charts, missing = [], []
        for ind in goal.indicators:
            found = [m for f in follow_ups for m in f.measurements if m.indicator == ind.id]
            chart = trend(ind, programme.strategic.baselines.get(ind.id), found)
            if chart is None:
                missing.append(ind.text)
            else:
                notes = [f"{m.data_year}: {m.note}" for m in sorted(found, key=lambda m: m.data_year) if m.note]
                charts.append({"chart": chart, "notes": "Note til " + "; ".join(notes) if notes else ""})
        out.append({"text": goal.text, "charts": charts, "missing": fmt.join_and(missing)})
    return out


def _single(value: Baseline | None) -> float | int | None:
    """A baseline's number, when it is one number (with or without a note; not 'ikke opgjort', nor one per estate)."""
    return value.values[0].value if value is not None and len(value.values) == 1 else None


def trend(ind: FixedIndicator, baseline: FixedBaseline | None, found: Iterable[Measurement]) -> TrendChart | None:
    """The area against the municipality from the baseline year to the last data year; None without any number."""
    area: dict[int, float] = {}
    municipality: dict[int, float] = {}
    base_year = baseline.year if baseline is not None else None
    for m in found:
        area[m.data_year] = m.area
        if m.municipality is not None:
            municipality[m.data_year] = m.municipality
    if baseline is not None and base_year is not None:
        # The signed baseline, never a measurement of its year (check refuses one that differs from it).
        for points, value in ((area, _single(baseline.area)), (municipality, _single(baseline.municipality))):
            if value is not None:
                points[base_year] = value
    if not area and not municipality:
        return None
    years = tuple(range(min([*area, *municipality]), max([*area, *municipality]) + 1))
    def show(value: float | int) -> str:
        return unit_text(value, ind.unit)

    series = tuple(Series(label, tuple(points.get(y) for y in years), tuple(show(points[y]) if y in points else "" for y in years))
                   for label, points in (("Boligområdet", area), ("Kommunen", municipality)))
    shown_base = base_year if base_year is not None and (base_year in area or base_year in municipality) else None
    unit = "" if ind.unit in UNITS else f" ({ind.unit})"
    return TrendChart(years, series, shown_base, AXIS_UNITS.get(ind.unit, ""),
                      describe(SUBJECTS.get(ind.unit, "Værdien"), area, municipality, shown_base, show),
                      f"{ind.text}{unit}, boligområdet og kommunen")


def describe(subject: str, area: dict[int, float], municipality: dict[int, float], base_year: int | None,
             show: Callable[[float | int], str]) -> str:
    """'Andelen steg fra 88,9 % i 2019 (baseline) over 89,4 % i 2020 til 90,2 % i 2021; kommunen: 92,5 %, 92,6 % og
    92,4 %.': every value the chart shows, so a screen reader hears them all and `diff` sees any of them change."""
    def year(y: int) -> str:
        return f"{y} (baseline)" if y == base_year else str(y)

    def each(points: dict[int, float]) -> str:
        return fmt.join_and([f"{show(v)} i {year(y)}" for y, v in sorted(points.items())])

    if not area:
        return f"Ingen tal for boligområdet; kommunen: {each(municipality)}."
    first, last = min(area), max(area)
    between = {y: v for y, v in area.items() if first < y < last}
    if first == last:
        text = f"{subject} var {show(area[first])} i {year(first)}"
    elif area[first] == area[last]:
        text = f"{subject} var {show(area[first])} både i {year(first)} og i {year(last)}"
        text += f" ({each(between)} imellem)" if between else ""
    else:
        change = "steg" if area[last] > area[first] else "faldt"
        via = f" over {each(between)}" if between else ""
        text = f"{subject} {change} fra {show(area[first])} i {year(first)}{via} til {show(area[last])} i {year(last)}"
    if municipality:
        # the municipality's values in just the years the text names need no years of their own
        same = sorted(municipality) == sorted(area)
        shown = [show(municipality[y]) for y in sorted(municipality)]
        text += "; kommunen: " + (fmt.join_and(shown) if same else each(municipality))
    return text + "."


# -- delmål ----------------------------------------------------------------------------------


def subgoals(programme: Programme, follow_ups: list[FollowUp]) -> list[dict[str, Any]]:
    """Per delaftale, its delmål indicators with baseline, target and the measurement of each data year."""
    found: dict[str, dict[int, Measurement]] = {}
    for f in follow_ups:
        for m in f.measurements:
            found.setdefault(m.indicator, {})[m.data_year] = m
    out = []
    for area in programme.strategic.chosen_areas:
        deal = programme.delaftale_for(area)
        ids = [ind.id for goal in deal.goals for ind in goal.indicators]
        years = sorted({y for ident in ids for y in found.get(ident, {})})
        table = Table(uniform=(tuple(range(3, 3 + len(years))),) if years else ())
        table.rows.append(Row([Cell("Indikator"), Cell("Baseline"), Cell("Mål")]
                              + [Cell(str(y), align="right") for y in years], header=True))
        notes = []
        for goal in deal.goals:
            table.rows.append(Row([Cell(goal.heading, bold=True, span=3 + len(years))], fill=LIGHT, keep_with_next=True))
            for ind in goal.indicators:
                values = found.get(ind.id, {})
                table.rows.append(Row([Cell(ind.text), Cell(baseline_text(ind)), Cell(ind.target)]
                                      + [Cell(unit_text(values[y].area, ind.unit) if y in values else NONE, align="right")
                                         for y in years]))
                notes += [f"{ind.text} ({y}): {m.note}" for y, m in sorted(values.items()) if m.note]
        out.append({"name": deal.focus_area, "table": table, "notes": notes})
    return out


# -- activities ------------------------------------------------------------------------------


def activities(programme: Programme, follow_up: FollowUp) -> dict[str, Any]:
    """Every activity of the delaftaler with its status, participants and note in this year's file."""
    table = Table()
    table.rows.append(Row([Cell("Aktivitet"), Cell("Status"), Cell("Deltagere", align="right")], header=True))
    notes = []
    for area in programme.strategic.chosen_areas:
        deal = programme.delaftale_for(area)
        table.rows.append(Row([Cell(deal.focus_area, bold=True, span=3)], fill=LIGHT, keep_with_next=True))
        for activity in deal.activities:
            status = follow_up.activities.get(activity.id)
            participants = status.participants if status is not None else None
            table.rows.append(Row([Cell(activity.name), Cell(status.status if status else "ikke oplyst"),
                                   Cell(fmt.number(participants) if participants is not None else NONE, align="right")]))
            if status is not None and status.note:
                notes.append({"name": activity.name, "note": Markdown(status.note)})
    return {"activities": table, "activity_notes": notes}


# -- the budget ------------------------------------------------------------------------------


def year_weights(programme: Programme, year: int) -> list[tuple[int, Fraction]]:
    """Which budget years (by index) the calendar year `year` takes part of, and how large a part (by days)."""
    calendar = periods.Span(dt.date(year, 1, 1), dt.date(year, 12, 31))
    out = []
    for index, span in enumerate(budget_years(programme.budget_plan, programme.strategic.period)):
        start, end = max(span.start, calendar.start), min(span.end, calendar.end)
        if start <= end:
            out.append((index, Fraction((end - start).days + 1, (span.end - span.start).days + 1)))
    return out


def year_parts(programme: Programme, year: int, lines: list[tuple[int, ...]]) -> list[int]:
    """The calendar year `year`'s part of each of `lines` (amounts per budget year). The running total up to the
    year's end is rounded half up and the year gets what it adds, distributed over the lines by largest remainder:
    the lines add up to the year's total, a budget balanced per budget year has equal totals for its expenses and its
    financing, and the years add up to the whole budget."""
    weights = year_weights(programme, year)
    earlier = [year_weights(programme, y) for y in range(programme.strategic.period.start.year, year)]
    exact = [_exact(amounts, weights) for amounts in lines]
    before = sum((_exact(amounts, w) for amounts in lines for w in earlier), Fraction(0))
    total = round_half_up(before + sum(exact, Fraction(0))) - round_half_up(before)
    return [share.shown for share in apportion(exact, total)]


def _expense_lines(programme: Programme) -> list[tuple[int, ...]]:
    return [line.amounts for group in programme.budget_plan.expenses for line in group.lines]


def _exact(amounts: tuple[int, ...], weights: list[tuple[int, Fraction]]) -> Fraction:
    return sum((amounts[i] * w for i, w in weights if i < len(amounts)), Fraction(0))


def year_budget(programme: Programme, year: int) -> int:
    """The expenses' budget of the calendar year `year`, as the year's report shows it."""
    return sum(year_parts(programme, year, _expense_lines(programme)))


def budget(programme: Programme, follow_up: FollowUp) -> dict[str, Any] | None:
    """Budget against spending per line and in total, as a chart and a table, and the financing received."""
    if not follow_up.spending and not follow_up.financing:
        return None
    plan = programme.budget_plan
    model = compute(programme)
    weights = year_weights(programme, follow_up.year)
    amounts = iter(year_parts(programme, follow_up.year, _expense_lines(programme)))
    year = str(follow_up.year)
    table = Table(uniform=((1, 2, 3),))
    table.rows.append(Row([Cell("Udgifter (kr.)"), Cell(f"Budget {year}", align="right"),
                           Cell(f"Forbrug {year}", align="right"), Cell("Forbrugt", align="right")], header=True))
    labels, budgets, spent = [], [], []
    for group_data, group in zip(plan.expenses, model.groups):
        table.rows.append(Row([Cell(group.name, bold=True, span=4)], fill=LIGHT, keep_with_next=True))
        for data, line in zip(group_data.lines, group.lines):
            amount = next(amounts)
            used = follow_up.spending.get(data.follow_up_name)
            labels.append(line.label)
            budgets.append(amount)
            spent.append(used)
            table.rows.append(Row([Cell(line.label), *_money_cells(amount, used)],
                                  fill=OVER if used is not None and used > amount else None))
    total, total_spent = sum(budgets), sum(s or 0 for s in spent)
    table.rows.append(Row([Cell("Udgifter i alt"), *_money_cells(total, total_spent)], bold=True, fill=LIGHT))
    over = [(label, b, s) for label, b, s in zip(labels, budgets, spent) if s is not None and s > b]
    description = (f"Forbruget i {year} var {fmt.amount(total_spent)} mod et budget på {fmt.amount(total)}"
                   f" ({_used(total, total_spent)} af budgettet). ")
    description += ("Over budgettet: " + fmt.join_and([f"{label} ({fmt.amount(s)} mod {fmt.amount(b)})" for label, b, s in over])
                    + "." if over else "Ingen budgetlinje er brugt ud over sit budget.")
    chart = BudgetChart(tuple(labels), tuple(budgets), tuple(spent), year, description,
                        f"Budget og forbrug {year} pr. budgetlinje og i alt")
    return {"text": _budget_text(programme, follow_up.year, weights), "chart": chart, "table": table,
            "unreported": any(s is None for s in spent), "financing": _financing(programme, follow_up)}


def over_the_years(programme: Programme, follow_up: FollowUp) -> dict[str, Any] | None:
    """Budget against spending per calendar year from the period's first to this report's, with running totals and
    what remains of the whole period's budget; None while no year up to this one has spending. A year's spending is
    its file's (a draft's too, marked: the auditor sees what the board has not yet dealt with); later files are not
    read."""
    files = {f.year: f for f in programme.follow_ups if f.year <= follow_up.year}
    if not any(f.spending for f in files.values()):
        return None
    first, last = programme.strategic.period.start.year, follow_up.year
    spans = budget_years(programme.budget_plan, programme.strategic.period)
    whole = compute(programme).expense_total
    table = Table(uniform=((1, 2, 4, 5), (3, 6)), min_cm={0: 2.6})  # "2021 (udkast)" on one line
    table.rows.append(Row([Cell("År")] + [Cell(text, align="right") for text in (
        "Budget", "Forbrug", "Forbrugt", "Budget til og med året", "Forbrug til og med året", "Forbrugt til og med året")],
        header=True))
    planned_so_far, spent_so_far, reported = 0, 0, False
    missing, drafts = [], []
    for year in range(first, last + 1):
        file = files.get(year)
        planned = year_budget(programme, year)
        spent = sum(file.spending.values()) if file is not None and file.spending else None
        planned_so_far += planned
        if spent is None:
            missing.append(str(year))
        else:
            spent_so_far, reported = spent_so_far + spent, True
        if file is not None and not file.final:
            drafts.append(str(year))
        said = "ikke fulgt op" if file is None else "intet oplyst"
        table.rows.append(Row([Cell(f"{year} (udkast)" if file is not None and not file.final else str(year)),
                               Cell(fmt.number(planned), align="right"),
                               Cell(fmt.number(spent) if spent is not None else said, align="right"),
                               Cell(_used(planned, spent) if spent is not None else NONE, align="right"),
                               Cell(fmt.number(planned_so_far), align="right"),
                               Cell(fmt.number(spent_so_far) if reported else NONE, align="right"),
                               # a share of a budget with years not followed up in it would look too low
                               Cell(_used(planned_so_far, spent_so_far) if reported and not missing else NONE, align="right")],
                              fill=OVER if spent is not None and spent > planned else None))
    remaining = whole - spent_so_far
    table.rows.append(Row([Cell(f"Hele perioden {_years_text(spans[0].start.year, spans[-1].end.year)}", span=2),
                           Cell(f"tilbage: {fmt.number(remaining)}" if remaining >= 0 else f"overskredet: {fmt.number(-remaining)}",
                                align="right", span=2),
                           Cell(fmt.number(whole), align="right"), Cell(fmt.number(spent_so_far), align="right"),
                           Cell(_used(whole, spent_so_far), align="right")], bold=True, fill=LIGHT))
    share = "" if missing else f" ({_used(planned_so_far, spent_so_far)})"
    text = (f"Til og med {last} er der brugt {fmt.amount(spent_so_far)} af et budget på {fmt.amount(planned_so_far)} for "
            f"{'årene ' if first < last else ''}{_years_text(first, last)}{share}; ")
    text += (f"af hele periodens budget på {fmt.amount(whole)} er {fmt.amount(remaining)} tilbage." if remaining >= 0 else
             f"hele periodens budget på {fmt.amount(whole)} er overskredet med {fmt.amount(-remaining)}.")
    if missing:
        text += (f" Der er ikke fulgt op på forbruget for {fmt.join_and(missing)}, så "
                 f"{'det år' if len(missing) == 1 else 'de år'} tæller ikke med i forbruget.")
    note = (f"Udkast: bestyrelsen har endnu ikke behandlet opfølgningen for {fmt.join_and(drafts)}, så tallene kan nå at "
            "ændre sig.") if drafts else ""
    return {"text": text, "table": table, "drafts": note}


def _years_text(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


def _money_cells(budget_amount: int, used: int | None) -> list[Cell]:
    return [Cell(fmt.number(budget_amount), align="right"), Cell(fmt.number(used) if used is not None else NONE, align="right"),
            Cell(_used(budget_amount, used) if used is not None else NONE, align="right")]


def _used(budget_amount: int, used: int) -> str:
    """The share of the budget spent, '104,6 %'; a line without budget has none."""
    return fmt.percent(round(used * 100 / budget_amount, 1)) if budget_amount else NONE


def _budget_text(programme: Programme, year: int, weights: list[tuple[int, Fraction]]) -> str:
    """How the year's budget is found: a budget year of its own, or the parts of project years that fall in it."""
    labels = [periods.year_label(y) for y in budget_years(programme.budget_plan, programme.strategic.period)]
    if len(weights) == 1 and weights[0][1] == 1:
        return f"Budgettet for {year} er budgettets beløb for {labels[weights[0][0]]}."
    names = fmt.join_and([labels[i] for i, _ in weights])
    kind = programme.budget_plan.year_kind + ("ene" if len(weights) > 1 else "et")
    return (f"Budgettet er lagt pr. {programme.budget_plan.year_kind}. Budgettet for {year} er den del af {kind} {names}, "
            f"der falder i {year}, regnet efter antal dage.")


def _financing(programme: Programme, follow_up: FollowUp) -> Table | None:
    if not follow_up.financing:
        return None
    year = str(follow_up.year)
    table = Table(uniform=((1, 2),))
    table.rows.append(Row([Cell("Finansiering (kr.)"), Cell(f"Budget {year}", align="right"),
                           Cell(f"Modtaget {year}", align="right")], header=True))
    planned, received = 0, 0
    financing = programme.budget_plan.financing
    for line, amount in zip(financing, year_parts(programme, follow_up.year, [line.amounts for line in financing])):
        got = follow_up.financing.get(line.organisation)
        planned, received = planned + amount, received + (got or 0)
        table.rows.append(Row([Cell(programme.organisation(line.organisation).display_name), Cell(fmt.number(amount), align="right"),
                               Cell(fmt.number(got) if got is not None else NONE, align="right")]))
    table.rows.append(Row([Cell("Finansiering i alt"), Cell(fmt.number(planned), align="right"),
                           Cell(fmt.number(received), align="right")], bold=True, fill=LIGHT))
    return table


# -- milestones ------------------------------------------------------------------------------


def milestone_context(programme: Programme, follow_up: FollowUp) -> dict[str, Any]:
    """The milestones due by the end of the year, and the later ones this file gives a status for (marked 'senere'),
    with their status as this file gives it (a draft's too: this report is its own), else as the milepælsplan and
    earlier final follow-ups give it."""
    shown = (*(f for f in programme.follow_ups if f.year < follow_up.year), dataclasses.replace(follow_up, final=True))
    status_date, _ = milestone_statuses(programme.milestone_plan, shown)
    end = dt.date(follow_up.year, 12, 31)
    items = milestones(programme, shown)
    listed = [m for m in items if m.when.start <= end or m.ident in follow_up.milestones]
    table = Table()
    table.rows.append(Row([Cell("Tidspunkt"), Cell("Milepæl"), Cell("Delaftale og aktivitet"), Cell("Status")], header=True))
    for m in listed:
        table.rows.append(Row([Cell(m.when_text if m.when.start <= end else f"{m.when_text} (senere)"), Cell(m.text),
                               Cell(", ".join(p for p in (m.delaftale, m.activity) if p)),
                               Cell(m.status, bold=m.status == "forsinket")]))
    spoken = sum(m.when.start > end for m in listed)
    later = len(items) - len(listed)
    text = []
    if spoken:
        text.append(f"{_milestone_count(spoken)} er med, fordi opfølgningen giver "
                    f"{'den' if spoken == 1 else 'dem'} status.")
    if later:
        other = ("anden " if later == 1 else "andre ") if spoken else ""
        text.append(f"{_milestone_count(later, other)} står i milepælsplanen.")
    return {"milestones": table if listed else None, "status_date": fmt.date_long(status_date), "later": " ".join(text)}


def _milestone_count(number: int, other: str = "") -> str:
    """'Én senere milepæl', 'To andre senere milepæle'."""
    return f"{capitalise(fmt.count(number))} {other}senere {'milepæl' if number == 1 else 'milepæle'}"


KIND = DocumentKind(name=OPFOELGNINGSRAPPORT, label=NAME, source="", schema="", template=TEMPLATE, model=None,
                    documents=specs, reads_content=False, upload=False)
