"""The yearly follow-up files (opfoelgning/<år>.yaml): their records, the milestones' status they own, their rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from agreement.errors import ContentError
from agreement.i18n import N_, _
from agreement.kinds import BUDGET, DELAFTALE, MILEPAELSPLAN, OPFOELGNING, STRATEGIC
from agreement.model import period as periods
from agreement.model.content import MilestonePlan, Source, budget_line_name
from agreement.model.setrules import reference
from agreement.source.checked import ANY, Checked, Rule
from agreement.source.yamlload import JsonPath, YamlDocument

SOURCE = "opfoelgning/*.yaml"

# The values each unit allows; a unit not named here (an area's own) is not checked.
UNIT_RANGES: dict[str, tuple[float | None, float | None, str]] = {
    "procent": (0, 100, N_("from 0 to 100")),
    "karakter": (-3, 12, N_("from -3 to 12 (the 7-point scale)")),
    "antal": (0, None, N_("0 or more")),
    "kroner": (0, None, N_("0 or more")),
    "timer": (0, None, N_("0 or more")),
}


@dataclass(frozen=True)
class Measurement:
    indicator: str
    area: float
    municipality: float | None
    data_year: int  # the year the data describe: the year followed up unless 'dataår' says otherwise
    note: str | None


@dataclass(frozen=True)
class ActivityStatus:
    status: str
    participants: int | None
    note: str | None


@dataclass(frozen=True)
class FollowUp:
    """One year's follow-up. Spending is by budget line name (see `line_name`), financing by organisation id."""

    source: Source
    year: int
    final: bool
    handled: dt.date | None
    measurements: tuple[Measurement, ...]
    activities: Mapping[str, ActivityStatus]
    spending: Mapping[str, int]
    financing: Mapping[str, int]
    milestones: Mapping[str, str]
    assessment: str | None
    adjustments: str | None

    @classmethod
    def from_doc(cls, doc: YamlDocument) -> FollowUp:
        d = doc.data
        year = d["år"]
        return cls(
            source=Source.of(doc),
            year=year,
            final=d["status"] == "endelig",
            handled=dt.date.fromisoformat(d["behandlet"]) if "behandlet" in d else None,
            measurements=tuple(Measurement(m["indikator"], m["boligområde"], m.get("kommune"), m.get("dataår", year),
                                           m.get("note")) for m in d.get("målinger", [])),
            activities={ident: ActivityStatus(a["status"], a.get("deltagere"), a.get("note"))
                        for ident, a in d.get("aktiviteter", {}).items()},
            spending=dict(d.get("forbrug", {})),
            financing=dict(d.get("finansiering", {})),
            milestones=dict(d.get("milepæle", {})),
            assessment=d.get("vurdering"),
            adjustments=d.get("justeringer"),
        )


def line_name(line: Mapping[str, Any]) -> str:
    """What a follow-up file calls a budget line of budget.yaml as read (budget_line_name)."""
    return budget_line_name(line.get("rolle"), line.get("aktivitet"), line.get("tekst"))


def milestone_statuses(plan: MilestonePlan, follow_ups: tuple[FollowUp, ...]) -> tuple[dt.date, tuple[str, ...]]:
    """The milestones' status and its date: milepaelsplan.yaml's, until a final follow-up gives statuses; from
    then the latest final one's (as of 31 December of its year), a milestone it does not name keeping its last."""
    date = plan.status_date
    statuses = {m.id: m.status for m in plan.milestones if m.id}
    for follow_up in sorted(follow_ups, key=lambda f: f.year):
        if follow_up.final and follow_up.milestones:
            statuses.update(follow_up.milestones)
            date = max(date, dt.date(follow_up.year, 12, 31))
    return date, tuple(statuses[m.id] if m.id else m.status for m in plan.milestones)


# -- the rules -----------------------------------------------------------------------------


def _files(content: Checked) -> list[YamlDocument]:
    return content.docs.get(OPFOELGNING, [])


def _year(content: Checked) -> Iterator[ContentError]:
    """The file is named after its year, the year lies in the agreement period, and a final file says when the
    board dealt with it."""
    strategic = content.strategic
    period = periods.period(strategic.data["periode"])
    last = period.end.year if period.end else None
    span = _("{year} to {last}").format(
        year=period.start.year, last=last) if last else _("{year} on (the period has no end yet)").format(year=period.start.year)
    for doc in _files(content):
        year = doc.data["år"]
        name = PurePath(doc.path).name
        if name != f"{year}.yaml":
            yield doc.error(("år",), _("år: {year} does not match the file name {name}; a follow-up file is named after its year: call "
                                       "it opfoelgning/{year}.yaml, or correct år").format(
                year=year, name=name))
        if year < period.start.year or (last is not None and year > last):
            yield doc.error(("år",), _("the year {year} is outside the agreement period {start} to {end} in {path}; follow up on a "
                                       "year from {span}").format(
                year=year, start=period.start, end=period.end or _("(no end yet)"), path=strategic.path, span=span))
        if doc.data["status"] == "endelig" and "behandlet" not in doc.data:
            yield doc.error(("status",), _("a final follow-up (status: endelig) says when the board dealt with it: write behandlet: "
                                           "YYYY-MM-DD, or keep status: udkast until then"))


def _measurements(content: Checked) -> Iterator[ContentError]:
    """Every measurement names a known indicator, fits its unit, and is the only one of its indicator and data year."""
    fixed = content.edition.indicators if content.edition is not None else {}
    own = [ind.get("id") for d in content.delaftaler for goal in d.data["delmål"] for ind in goal["indikatorer"]]
    known = set(fixed) | {ident for ident in own if ident}
    # In the previous format the delmål indicators have no ids: that is reported once per delaftale, not here.
    resolvable = content.edition is not None and all(own)
    seen: dict[tuple[str, int], tuple[YamlDocument, JsonPath]] = {}
    for doc in sorted(_files(content), key=lambda d: d.data["år"]):
        for i, m in enumerate(doc.data.get("målinger", [])):
            path: JsonPath = ("målinger", i)
            ident = m["indikator"]
            if resolvable:
                yield from reference(doc, path + ("indikator",), ident, known, _("indicator"),
                                     _("the edition {name} (its fixed indicators, the ids under 'baseline' in strategic.yaml) or under "
                                       "'indikatorer' in a delaftale").format(
                                         name=content.edition.name))
            if ident in fixed and fixed[ident].unit in UNIT_RANGES:
                unit = fixed[ident].unit
                low, high, allowed = UNIT_RANGES[unit]
                for key in ("boligområde", "kommune"):
                    value = m.get(key)
                    if value is not None and ((low is not None and value < low) or (high is not None and value > high)):
                        yield doc.error(path + (key,), _("'{ident}' is measured in {unit}, so its value must be {allowed}, but it is "
                                                         "{value}").format(
                            ident=ident, unit=unit, allowed=_(allowed), value=value))
            key_ = (ident, m.get("dataår", doc.data["år"]))
            if key_ in seen:
                other, where = seen[key_]
                yield doc.error(path + ("indikator",), _("'{ident}' is already measured for the data year {data_year} in {path} (line "
                                                         "{line}); give each indicator one measurement per data year (write dataår: "
                                                         "when the data describe another year)").format(
                    ident=ident, data_year=key_[1], path=other.path, line=other.locate(where).line))
            else:
                seen[key_] = (doc, path + ("indikator",))


def _activities(content: Checked) -> Iterator[ContentError]:
    known = set(content.activities())
    for doc in _files(content):
        for ident in doc.data.get("aktiviteter", {}):
            yield from _key_reference(doc, ("aktiviteter", ident), ident, known, _("activity"), _("a delaftale in delaftaler/"))


def _budget(content: Checked) -> Iterator[ContentError]:
    """Spending names a budget line and financing a financing organisation of budget.yaml; spending above a
    line's budget is not an error (the report shows it)."""
    budget = content.maybe(BUDGET)
    files = _files(content)
    if budget is None:
        for doc in files:
            for key in ("forbrug", "finansiering"):
                if doc.data.get(key):
                    yield doc.error((key,), _("there is no budget.yaml in {name}/ to follow '{key}' up against; add the budget, or "
                                              "remove this").format(
                        name=content.root.name, key=key), key=True)
        return
    lines = {line_name(line) for group in budget.data["udgifter"] for line in group["linjer"]}
    payers = {line["organisation"] for line in budget.data["finansiering"]}
    for doc in files:
        for name in doc.data.get("forbrug", {}):
            yield from _key_reference(doc, ("forbrug", name), name, lines, _("budget line"),
                                      _("{path} (a line's rolle or aktivitet, or else its tekst as written)").format(path=budget.path))
        for org in doc.data.get("finansiering", {}):
            yield from _key_reference(doc, ("finansiering", org), org, payers, _("financing organisation"),
                                      _("'finansiering' in {path}").format(path=budget.path))


def _milestones(content: Checked) -> Iterator[ContentError]:
    plan = content.maybe(MILEPAELSPLAN)
    ids = {m["id"] for m in plan.data["milepæle"] if "id" in m} if plan is not None else set()
    where = _("a milestone's 'id' in {path}").format(path=plan.path) if plan is not None else _("milepaelsplan.yaml (there is none)")
    for doc in _files(content):
        for ident in doc.data.get("milepæle", {}):
            yield from _key_reference(doc, ("milepæle", ident), ident, ids, _("milestone"), where)


def _key_reference(doc: YamlDocument, path: JsonPath, value: str, known: set[str], what: str,
                   defined_in: str) -> Iterator[ContentError]:
    """`reference` for an id written as a key, reported at the key."""
    for error in reference(doc, path, value, known, what, defined_in):
        yield ContentError(error.message, doc.locate(path, key=True))


RULES = (
    Rule(_year, {STRATEGIC: (("periode",),), OPFOELGNING: (("år",), ("status",), ("behandlet",))}),
    Rule(_measurements, {DELAFTALE: (("delmål",),), OPFOELGNING: (("år",), ("målinger",))}),
    Rule(_activities, {DELAFTALE: (("aktiviteter", ANY, "id"),), OPFOELGNING: (("aktiviteter",),)}),
    Rule(_budget, {BUDGET: (("udgifter",), ("finansiering",)), OPFOELGNING: (("forbrug",), ("finansiering",))}),
    Rule(_milestones, {MILEPAELSPLAN: (("milepæle",),), OPFOELGNING: (("milepæle",),)}),
)
