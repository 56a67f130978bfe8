"""The programme: every checked content file as typed records, by document kind, with its edition."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from agreement import kinds
from agreement.editions import Edition
from agreement.model.content import (
    Activity,
    BudgetPlan,
    Contingency,
    Delaftale,
    MilestonePlan,
    Organisation,
    Strategic,
    TermsOfReference,
)
from agreement.model.followup import FollowUp


@dataclass(frozen=True)
class Programme:
    """A checked content folder. `parts` holds each kind's records in file order (one for single-file kinds)."""

    root: Path
    edition: Edition
    parts: Mapping[str, tuple[Any, ...]]

    def all(self, kind: str) -> tuple[Any, ...]:
        return self.parts.get(kind, ())

    def one(self, kind: str) -> Any:
        (record,) = self.parts[kind]
        return record

    @property
    def strategic(self) -> Strategic:
        return cast(Strategic, self.one(kinds.STRATEGIC))

    @property
    def delaftaler(self) -> tuple[Delaftale, ...]:
        return self.all(kinds.DELAFTALE)

    @property
    def budget_plan(self) -> BudgetPlan:
        return cast(BudgetPlan, self.one(kinds.BUDGET))

    @property
    def contingency(self) -> Contingency:
        return cast(Contingency, self.one(kinds.BEREDSKABSPLAN))

    @property
    def milestone_plan(self) -> MilestonePlan:
        return cast(MilestonePlan, self.one(kinds.MILEPAELSPLAN))

    @property
    def terms(self) -> TermsOfReference:
        return cast(TermsOfReference, self.one(kinds.KOMMISSORIUM))

    @property
    def follow_ups(self) -> tuple[FollowUp, ...]:
        """The yearly follow-up files, in the order of their years."""
        return tuple(sorted(self.all(kinds.OPFOELGNING), key=lambda f: f.year))

    def organisation(self, ident: str) -> Organisation:
        return self.strategic.organisations[ident]

    def delaftale_for(self, focus_area: str) -> Delaftale:
        return next(d for d in self.delaftaler if d.focus_area == focus_area)

    def activities(self) -> dict[str, tuple[Delaftale, Activity]]:
        """Every activity of every delaftale by id, with the delaftale it belongs to."""
        return {a.id: (d, a) for d in self.delaftaler for a in d.activities}
