"""The yearly follow-up files (opfoelgning/<år>.yaml): their records, the milestones' status they own, their rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from agreement.errors import ContentError
from agreement.i18n import _
from agreement.kinds import BUDGET, DELAFTALE, MILEPAELSPLAN, OPFOELGNING, STRATEGIC
from agreement.model import period as periods
from agreement.model.content import MilestonePlan, Source, budget_line_name, single_number
from agreement.model.setrules import milestone_span, reached_too_early, reference, unit_range
from agreement.source.checked import ANY, Checked, Rule
from agreement.source.yamlload import JsonPath, YamlDocument

SOURCE = "opfoelgning/*.yaml"

# How long before the period starts a measurement's data may describe, for an indicator without a baseline year: a
# baseline is usually of the year or two before the agreement is prepared, as LBF's data run a year or two behind.
DATA_YEARS_BEFORE = 3


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
        if "behandlet" in doc.data and dt.date.fromisoformat(doc.data["behandlet"]) < dt.date(year + 1, 1, 1):
            yield doc.error(("behandlet",), _("behandlet: {handled} is not after the year followed up ({year}); the board deals with a "
                                              "year's follow-up once the year has ended: write the date of its meeting, on or after "
                                              "{first}").format(
                handled=doc.data["behandlet"], year=year, first=dt.date(year + 1, 1, 1)))
        if doc.data["status"] == "endelig" and "behandlet" not in doc.data:
            yield doc.error(("status",), _("a final follow-up (status: endelig) says when the board dealt with it: write behandlet: "
                                           "YYYY-MM-DD, or keep status: udkast until then"))


def _own_indicators(content: Checked) -> dict[str, tuple[YamlDocument, dict[str, Any]]]:
    """The delaftaler's delmål indicators by id, each with the delaftale that defines it."""
    return {ind["id"]: (d, ind) for d in content.delaftaler for goal in d.data["delmål"] for ind in goal["indikatorer"]
            if "id" in ind}


def _measurements(content: Checked) -> Iterator[ContentError]:
    """Every measurement names a known indicator, fits its unit, and is the only one of its indicator and data year."""
    fixed = content.edition.indicators if content.edition is not None else {}
    own = _own_indicators(content)
    known = set(fixed) | set(own)
    # In the previous format the delmål indicators have no ids: that is reported once per delaftale, not here.
    resolvable = content.edition is not None and all("id" in ind for d in content.delaftaler for goal in d.data["delmål"]
                                                     for ind in goal["indikatorer"])
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
            unit = fixed[ident].unit if ident in fixed else own[ident][1].get("enhed") if ident in own else None
            for key in ("boligområde", "kommune"):
                yield from unit_range(doc, path + (key,), ident, unit, m.get(key))
            key_ = (ident, m.get("dataår", doc.data["år"]))
            if key_ in seen:
                other, first = seen[key_]
                yield doc.error(path + ("indikator",), _("'{ident}' is already measured for the data year {data_year} in {path} (line "
                                                         "{line}); give each indicator one measurement per data year (write dataår: "
                                                         "when the data describe another year)").format(
                    ident=ident, data_year=key_[1], path=other.path, line=other.locate(first).line))
            else:
                seen[key_] = (doc, path + ("indikator",))


def _data_years(content: Checked) -> Iterator[ContentError]:
    """Every measurement describes a year from its indicator's baseline year (or a few years before the period) to
    the one followed up, and one of the baseline's year agrees with the signed baseline. A rule of its own, so a
    broken strategic.yaml silences only this one."""
    fixed = content.edition.indicators if content.edition is not None else {}
    own = _own_indicators(content)
    strategic = content.strategic
    baselines = strategic.data.get("baseline") or {}
    start = periods.period(strategic.data["periode"]).start.year
    for doc in _files(content):
        year = doc.data["år"]
        for i, m in enumerate(doc.data.get("målinger", [])):
            path: JsonPath = ("målinger", i)
            ident = m["indikator"]
            # What the agreement signed: the baseline's year and its single numbers.
            if ident in fixed:
                given = baselines.get(ident) or {}
                base_year, signed = given.get("år"), {key: given.get(key) for key in ("boligområde", "kommune")}
                defined = strategic.path
            elif ident in own:
                defined, given = own[ident][0].path, own[ident][1]
                base_year, signed = given.get("baseline_år"), {"boligområde": given.get("baseline")}
            else:
                continue  # an unknown indicator: _measurements says so
            data_year = m.get("dataår", year)
            where = path + ("dataår",) if "dataår" in m else path + ("indikator",)
            if data_year > year:
                yield doc.error(where, _("dataår: {data_year} is after the year followed up ({year}); a follow-up shows data up to its "
                                         "own year: correct dataår, or measure it in opfoelgning/{data_year}.yaml").format(
                    data_year=data_year, year=year))
            elif base_year is not None and data_year < base_year:
                yield doc.error(where, _("dataår: {data_year} is before the baseline year of '{ident}' ({base_year}); the follow-up "
                                         "measures from the baseline on: correct dataår").format(
                    data_year=data_year, ident=ident, base_year=base_year))
            elif base_year is None and data_year < start - DATA_YEARS_BEFORE:
                yield doc.error(where, _("dataår: {data_year} is more than {years} years before the agreement period starts ({start}); "
                                         "correct dataår").format(
                    data_year=data_year, years=DATA_YEARS_BEFORE, start=start))
            elif data_year == base_year:
                for key, value in signed.items():
                    number = single_number(value)
                    if key in m and number is not None and m[key] != number:
                        yield doc.error(path + (key,), _("the baseline of '{ident}' ({key}) for {year} in {path} is {baseline}, but this "
                                                         "measurement of the same year says {value}; the baseline is the signed "
                                                         "agreement's: remove this measurement, or correct the baseline").format(
                            path=defined, key=key, ident=ident, year=base_year, baseline=number, value=m[key]))


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
    """Statuses name a milestone of milepaelsplan.yaml, and none is 'nået' before its time (as of 31 December)."""
    plan = content.maybe(MILEPAELSPLAN)
    milestones = {m["id"]: (i, m) for i, m in enumerate(plan.data["milepæle"]) if "id" in m} if plan is not None else {}
    where = _("a milestone's 'id' in {path}").format(path=plan.path) if plan is not None else _("milepaelsplan.yaml (there is none)")
    for doc in _files(content):
        year = doc.data["år"]
        for ident, status in doc.data.get("milepæle", {}).items():
            yield from _key_reference(doc, ("milepæle", ident), ident, set(milestones), _("milestone"), where)
            if plan is None or ident not in milestones:
                continue
            i, milestone = milestones[ident]
            found = milestone_span(milestone)
            if found is not None and reached_too_early(status, found[0], dt.date(year, 12, 31)):
                yield doc.error(("milepæle", ident), _("the milestone '{ident}' is marked 'nået' (reached), but {written} (line {line} "
                                                       "of {path}) begins after 31 December {year}, the end of the year followed "
                                                       "up; a milestone cannot be reached before its time: set its status to "
                                                       "'planlagt' or 'i gang', or correct the milestone's date").format(
                    ident=ident, written=found[1], line=plan.locate(("milepæle", i)).line, path=plan.path, year=year))


def _key_reference(doc: YamlDocument, path: JsonPath, value: str, known: set[str], what: str,
                   defined_in: str) -> Iterator[ContentError]:
    """`reference` for an id written as a key, reported at the key."""
    for error in reference(doc, path, value, known, what, defined_in):
        yield ContentError(error.message, doc.locate(path, key=True))


RULES = (
    Rule(_year, {STRATEGIC: (("periode",),), OPFOELGNING: (("år",), ("status",), ("behandlet",))}),
    Rule(_measurements, {DELAFTALE: (("delmål",),), OPFOELGNING: (("år",), ("målinger",))}),
    Rule(_data_years, {STRATEGIC: (("periode",), ("baseline",)), DELAFTALE: (("delmål",),),
                       OPFOELGNING: (("år",), ("målinger",))}),
    Rule(_activities, {DELAFTALE: (("aktiviteter", ANY, "id"),), OPFOELGNING: (("aktiviteter",),)}),
    Rule(_budget, {BUDGET: (("udgifter",), ("finansiering",)), OPFOELGNING: (("forbrug",), ("finansiering",))}),
    Rule(_milestones, {MILEPAELSPLAN: (("milepæle",),), OPFOELGNING: (("år",), ("milepæle",))}),
)
