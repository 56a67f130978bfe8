"""Key figures: the computed values of each document (totals, shares, periods, board, milestone dates) and the
follow-up measurements, in Danish format."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from agreement import formatting as fmt
from agreement.documents.milepaelsplan import milestones
from agreement.documents.organisation import meeting_count
from agreement.documents.parties import period_to
from agreement.documents.strategic import UNITS
from agreement.kinds import BEREDSKABSPLAN, BUDGET, DELAFTALE, KOMMISSORIUM, MILEPAELSPLAN, STRATEGIC
from agreement.model.budget import compute, share_text
from agreement.model.period import Period
from agreement.model.programme import Programme
from agreement.publish.names import safe_name

Figures = dict[str, str]


def key_figures(programme: Programme) -> dict[str, Figures]:
    """Named values per document, keyed by the document's file stem as the build names it.

    Only what a reviewer could miss in the words: values computed from several places, or shown far from
    where they are written. Names are the documents' own Danish words.
    """
    strategic = programme.strategic
    orgs = strategic.organisations
    period = {"Aftaleperiode": _span(strategic.period)}
    board = {"Bestyrelse": fmt.join_and([orgs[i].display_name for i in strategic.organisation.board.members]),
             "Bestyrelsesmøder pr. år": meeting_count(strategic.organisation.board)}
    out: dict[str, Figures] = {
        STRATEGIC: {**period, "Parter": _names(programme, strategic.parties), **board},
        BUDGET: {**period, **_budget(programme)},
        BEREDSKABSPLAN: dict(period),
        MILEPAELSPLAN: {**period, **_milestones(programme)},
        KOMMISSORIUM: {**period, **board},
    }
    for deal in programme.delaftaler:
        out[safe_name(f"{DELAFTALE}-{deal.stem}")] = {"Periode": _span(deal.period), "Parter": _names(programme, deal.parties)}
    return out


def follow_up_figures(programme: Programme) -> Figures:
    """Every measurement of the yearly follow-up files, named by its year, indicator and place, in its unit.

    The follow-up files make no document of their own, so a corrected measurement would show nowhere else.
    A delmål's indicator has no unit in content: its values are shown as plain numbers.
    """
    fixed = programme.edition.indicators
    own = {ind.id: ind.text for deal in programme.delaftaler for goal in deal.goals for ind in goal.indicators}
    figures: Figures = {}
    for follow_up in programme.follow_ups:
        for m in follow_up.measurements:
            indicator = fixed.get(m.indicator)
            text = indicator.text if indicator is not None else own.get(m.indicator, m.indicator)
            show = _unit(indicator.unit) if indicator is not None else fmt.number
            data = f", dataår {m.data_year}" if m.data_year != follow_up.year else ""
            for place, value in (("boligområdet", m.area), ("kommunen", m.municipality)):
                if value is not None:
                    figures[f"Opfølgning {follow_up.year}: {text} ({place}{data})"] = show(value)
    return figures


def _unit(unit: str) -> Callable[[float | int], str]:
    """How a value of `unit` is shown: as the documents show baselines, else the number with the unit after it."""
    return UNITS.get(unit, lambda number: f"{fmt.number(number)} {unit}")


def _budget(programme: Programme) -> Figures:
    budget = compute(programme)
    local = budget.expense_total - budget.grant_total
    figures = {
        "Udgifter i alt": fmt.amount(budget.expense_total),
        "Finansiering i alt": fmt.amount(budget.financing_total),
        f"Tilskud fra {budget.grantor}": fmt.amount(budget.grant_total),
        f"Andel fra {budget.grantor}": share_text(budget.share(budget.grant_total)),
        "Lokal medfinansiering": fmt.amount(local),
        "Lokal andel": share_text(budget.share(local)),
    }
    for label, expense, financing in zip(budget.year_labels, budget.expense_totals, budget.financing_totals):
        figures[f"Udgifter {label}"] = fmt.amount(expense)
        figures[f"Finansiering {label}"] = fmt.amount(financing)
    return figures


def _milestones(programme: Programme) -> Figures:
    figures: Figures = {}
    for milestone in milestones(programme):
        name = f"Milepæl: {milestone.text}"
        n = 2
        while name in figures:  # two milestones with the same words: tell them apart by order
            name = f"Milepæl: {milestone.text} ({n})"
            n += 1
        figures[name] = milestone.when_text
    return figures


def _span(period: Period) -> str:
    return f"{fmt.date_long(period.start)} til {period_to(period)}"


def _names(programme: Programme, idents: Iterable[str]) -> str:
    return fmt.join_and([programme.organisation(i).display_name for i in idents])
