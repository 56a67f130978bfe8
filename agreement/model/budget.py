"""The budget model: every total, subtotal and share computed from the amounts in budget.yaml."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from agreement import formatting as fmt
from agreement.model import period as periods
from agreement.model.content import BudgetLineData, BudgetPlan

if TYPE_CHECKING:
    from agreement.model.programme import Programme


def column_sums(rows: list[list[int]]) -> list[int]:
    """Per-year totals of rows of per-year amounts."""
    return [sum(col) for col in zip(*rows)]


@dataclass
class Line:
    label: str
    amounts: list[int]

    @property
    def total(self) -> int:
        return sum(self.amounts)


@dataclass
class Group:
    name: str
    lines: list[Line] = field(default_factory=list)

    @property
    def totals(self) -> list[int]:
        return column_sums([line.amounts for line in self.lines])

    @property
    def total(self) -> int:
        return sum(self.totals)


@dataclass
class Budget:
    year_kind: str  # 'projektår' or 'kalenderår'
    year_labels: list[str]
    groups: list[Group]
    financing: list[Line]
    grantor: str
    grant_lines: list[int]  # indexes into financing that come from the grantor
    max_grant: Fraction
    min_local: Fraction

    @property
    def expense_totals(self) -> list[int]:
        return column_sums([g.totals for g in self.groups])

    @property
    def expense_total(self) -> int:
        return sum(self.expense_totals)

    @property
    def financing_totals(self) -> list[int]:
        return column_sums([line.amounts for line in self.financing])

    @property
    def financing_total(self) -> int:
        return sum(self.financing_totals)

    @property
    def grant_total(self) -> int:
        return sum(self.financing[i].total for i in self.grant_lines)

    def share(self, amount: int) -> Fraction:
        return Fraction(amount, self.expense_total) if self.expense_total else Fraction(0)

    def financing_shares(self) -> list[int]:
        """Each financing line's share of the expenses in tenths of a percent, as displayed: they add up to the
        displayed share of the financing total (largest remainder), so the table never shows 100,1 % over 100,0 %."""
        return [share.shown for share in self.financing_rounding()]

    def financing_rounding(self) -> list[RoundedShare]:
        """How each financing line's displayed share is rounded (see largest_remainder)."""
        return largest_remainder([line.total for line in self.financing], self.expense_total)

    def grant_share(self) -> int:
        """The grantor's displayed share in tenths of a percent: the sum of its lines' displayed shares."""
        shares = self.financing_shares()
        return sum(shares[i] for i in self.grant_lines)

    def local_share(self) -> int:
        """The local co-financing's displayed share in tenths of a percent: the displayed total less the grant."""
        return sum(self.financing_shares()) - self.grant_share()


def from_plan(plan: BudgetPlan, year_labels: list[str], *, label: Callable[[BudgetLineData], str],
              organisation: Callable[[str], str], max_grant_percent: float | int, min_local_percent: float | int) -> Budget:
    """The budget of `plan`: the one place where its totals, subtotals and shares are computed."""
    return Budget(
        year_kind=plan.year_kind,
        year_labels=year_labels,
        groups=[Group(g.name, [Line(label(line), list(line.amounts)) for line in g.lines]) for g in plan.expenses],
        financing=[Line(organisation(f.organisation), list(f.amounts)) for f in plan.financing],
        grantor=organisation(plan.grantor),
        grant_lines=[i for i, f in enumerate(plan.financing) if f.organisation == plan.grantor],
        max_grant=Fraction(str(max_grant_percent)) / 100,
        min_local=Fraction(str(min_local_percent)) / 100,
    )


def years(plan: BudgetPlan, period: periods.Period) -> list[periods.Span]:
    """The years the budget gives one amount each for; while the period's end is open, as many as its lines have
    amounts (the longest line's count)."""
    lines = [line for group in plan.expenses for line in group.lines] + list(plan.financing)
    return periods.years(period, plan.calendar_years, max((len(line.amounts) for line in lines), default=0))


def year_labels(plan: BudgetPlan, period: periods.Period) -> list[str]:
    """The labels of the years the budget gives one amount each for: '2021/22', ... or '2021', '2022', ..."""
    return [periods.year_label(y) for y in years(plan, period)]


def limits(plan: BudgetPlan, edition_max_grant: float | int, edition_min_local: float | int) -> tuple[float | int, float | int]:
    """The financing limits: budget.yaml's own where it states them, else the edition's."""
    return (plan.max_grant_percent if plan.max_grant_percent is not None else edition_max_grant,
            plan.min_local_percent if plan.min_local_percent is not None else edition_min_local)


def compute(programme: Programme) -> Budget:
    """The budget model of a checked programme."""
    strategic = programme.strategic
    plan = programme.budget_plan
    roles = {r.id: r for r in strategic.organisation.roles}
    activities = {ident: activity for ident, (_, activity) in programme.activities().items()}

    def label(line: BudgetLineData) -> str:
        if line.text:
            return line.text
        if line.role:
            role = roles[line.role]
            return f"{role.title[:1].upper()}{role.title[1:]} ({fmt.number(role.full_time_equivalents)} årsværk)"
        assert line.activity is not None  # the set rules make sure a line says what it is for
        return activities[line.activity].name

    max_grant, min_local = limits(plan, programme.edition.financing.max_grant_percent,
                                  programme.edition.financing.min_local_percent)
    return from_plan(plan, year_labels(plan, strategic.period), label=label,
                     organisation=lambda ident: strategic.organisations[ident].display_name,
                     max_grant_percent=max_grant, min_local_percent=min_local)


@dataclass(frozen=True)
class RoundedShare:
    """One part's share of a whole, rounded by largest remainder, with the steps the budget workbook shows in
    formulas; in the unit rounded to (tenths of a percent for the shares, kroner for a calendar year's amounts)."""

    floor: int  # the exact share rounded down
    rest: Fraction  # what rounding down left, 0 <= rest < 1
    rank: int  # 1 for the largest rest; equal rests in the order of the parts
    extra: int  # 1 where the rank is within the units the rounded-down shares miss of the rounded total, else 0

    @property
    def shown(self) -> int:
        return self.floor + self.extra


def largest_remainder(parts: list[int], whole: int, decimals: int = 1) -> list[RoundedShare]:
    """The percentages `parts` make of `whole`, rounded by largest remainder: each is rounded down, and the units
    missing from their exact sum rounded half up go one each to the parts with the largest rests."""
    if not whole:
        return [RoundedShare(0, Fraction(0), i + 1, 0) for i in range(len(parts))]
    scale = 100 * 10**decimals
    exact = [Fraction(part * scale, whole) for part in parts]
    return apportion(exact, round_half_up(sum(exact, Fraction(0))))


def round_half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


def apportion(exact: list[Fraction], total: int) -> list[RoundedShare]:
    """Whole numbers near `exact` that add up to `total` (which lies between the sum of their floors and that plus
    their count): each is rounded down, and the units missing from `total` go one each to the largest rests."""
    floors = [math.floor(x) for x in exact]
    rests = [x - f for x, f in zip(exact, floors)]
    missing = total - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-rests[i], i))
    ranks = {i: place for place, i in enumerate(order, start=1)}
    return [RoundedShare(floors[i], rests[i], ranks[i], int(ranks[i] <= missing)) for i in range(len(exact))]


def rounded_shares(parts: list[int], whole: int, decimals: int = 1) -> list[int]:
    """The percentages `parts` make of `whole`, in units of 10**-decimals percent, rounded by largest remainder:
    each is its exact value rounded down or up, and together they make their exact sum rounded half up."""
    return [share.shown for share in largest_remainder(parts, whole, decimals)]


def tenths_text(tenths: int) -> str:
    """'75,0 %' for 750 tenths of a percent."""
    return fmt.percent(tenths / 10)


def share_text(share: Fraction) -> str:
    return fmt.percent(round(float(share) * 100, 1))
