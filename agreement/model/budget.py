"""The budget model: every total, subtotal and share computed from the amounts in budget.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from agreement import formatting as fmt
from agreement.documents.parties import org_name, organisations
from agreement.model import period as periods

if TYPE_CHECKING:  # content imports the set rules, which use column_sums from here
    from agreement.source.loader import Content


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


def compute(content: Content) -> Budget:
    """The budget model; assumes the content passed its checks."""
    strategic = content.strategic.data
    data = content.budget.data
    orgs = organisations(strategic)
    roles = {r["id"]: r for r in strategic["organisering"]["team"]["roller"]}
    activities = {ident: activity for ident, (_, activity) in content.activities().items()}
    years = periods.project_years(periods.span(strategic["periode"]))

    def label(line: dict) -> str:
        if line.get("tekst"):
            return line["tekst"]
        if line.get("rolle"):
            role = roles[line["rolle"]]
            return f"{role['titel'][:1].upper()}{role['titel'][1:]} ({fmt.number(role['årsværk'])} årsværk)"
        return activities[line["aktivitet"]]["navn"]

    groups = [Group(g["gruppe"], [Line(label(line), list(line["beløb"])) for line in g["linjer"]]) for g in data["udgifter"]]
    financing = [Line(org_name(orgs[f["organisation"]]), list(f["beløb"])) for f in data["finansiering"]]
    rules = data["regler"]
    grant_lines = [i for i, f in enumerate(data["finansiering"]) if f["organisation"] == rules["tilskudsgiver"]]
    return Budget(
        year_labels=[periods.year_label(y) for y in years],
        groups=groups,
        financing=financing,
        grantor=org_name(orgs[rules["tilskudsgiver"]]),
        grant_lines=grant_lines,
        max_grant=Fraction(str(rules["max_tilskud_procent"])) / 100,
        min_local=Fraction(str(rules["min_medfinansiering_procent"])) / 100,
    )


def share_text(share: Fraction) -> str:
    return fmt.percent(round(float(share) * 100, 1))
