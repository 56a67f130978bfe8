"""Typed, immutable records of the content files, built once from data the checks have passed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from agreement.errors import Location
from agreement.model import period as periods
from agreement.source.yamlload import YamlDocument

Data = dict[str, Any]


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _strings(items: list[Any] | None) -> tuple[str, ...]:
    return tuple(items or ())


def _ids(value: str | list[str]) -> tuple[str, ...]:
    """One id, or a list of them."""
    return (value,) if isinstance(value, str) else tuple(value)


@dataclass(frozen=True)
class Source:
    """Where a document's content came from: its file, and where it says whether it is a draft."""

    path: str
    draft_at: Location | None

    @classmethod
    def of(cls, doc: YamlDocument) -> Source:
        data = doc.data if isinstance(doc.data, dict) else {}
        return cls(doc.path, doc.locate(("status",)) if data.get("status") == "udkast" else None)

    @property
    def status(self) -> str:
        return "udkast" if self.draft_at else "endelig"


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    abbreviation: str | None
    type: str

    @property
    def display_name(self) -> str:
        """'Albertslund Boligselskab (AB)'; the name alone when there is no abbreviation."""
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name

    @property
    def short_name(self) -> str:
        return self.abbreviation or self.name


@dataclass(frozen=True)
class Signature:
    party: str
    name: str | None
    title: str | None
    date: dt.date | None
    signed: bool  # dated, or underskrevet: true (signed without a date)

    @classmethod
    def from_data(cls, data: Data) -> Signature:
        date = _date(data["dato"]) if data.get("dato") else None
        return cls(data["part"], data.get("navn"), data.get("titel"), date, date is not None or data.get("underskrevet") is True)


def signed_on(signatures: tuple[Signature, ...], fallback: dt.date) -> dt.date:
    """A document's own date: its last signature, or `fallback` when nobody has signed."""
    dates = [s.date for s in signatures if s.date is not None]
    return max(dates) if dates else fallback


# -- strategic.yaml --------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    name: str
    estates: tuple[str, ...]
    plan: str | None = None  # the helhedsplan's own name, e.g. 'En fælles indsats'

    @property
    def line(self) -> str:
        """'Albertslund (Hedemarken, Blokland, Albertslund Nord)'."""
        return f"{self.name} ({', '.join(self.estates)})"


@dataclass(frozen=True)
class Seat:
    """A board seat: an organisation, who represents it (None: the board's shared text), and whether it is optional."""

    organisation: str
    representation: str | None
    optional: bool

    @classmethod
    def from_data(cls, data: str | Data) -> Seat:
        if isinstance(data, str):
            return cls(data, None, False)
        return cls(data["organisation"], data.get("repræsentation"), data.get("valgfri", False))


@dataclass(frozen=True)
class Chair:
    organisation: str
    title: str | None  # in the definite form, e.g. 'borgmesteren'; None: the organisation itself


@dataclass(frozen=True)
class Board:
    representation: str | None
    seats: tuple[Seat, ...]
    chairs: tuple[Chair, ...]
    meetings_per_year: tuple[int, int]  # fewest and most; the same number twice when it is not a range
    text: str | None

    @classmethod
    def from_data(cls, data: Data) -> Board:
        meets = data["møder_pr_år"]
        low, _, high = str(meets).partition("-")
        return cls(
            data.get("repræsentation"),
            tuple(Seat.from_data(s) for s in data["organisationer"]),
            tuple(Chair(c, None) if isinstance(c, str) else Chair(c["organisation"], c["titel"])
                  for c in data.get("formandskab", ())),
            (int(low), int(high or low)),
            data.get("tekst"),
        )

    @property
    def members(self) -> tuple[str, ...]:
        return tuple(s.organisation for s in self.seats)


@dataclass(frozen=True)
class FollowUpGroup:
    id: str
    name: str
    focus_areas: tuple[str, ...]  # for a group of a housing area: every chosen focus area
    estate: str | None  # the housing area it follows, when it follows one
    members: tuple[str, ...]


@dataclass(frozen=True)
class TeamRole:
    id: str
    title: str
    full_time_equivalents: float | int


@dataclass(frozen=True)
class ProgrammeOrganisation:
    """The programme's organisation: diagram text, board, follow-up groups, steering, team."""

    diagram_text: str
    linked_efforts: tuple[str, ...]
    board: Board
    groups_text: str | None
    groups: tuple[FollowUpGroup, ...]
    steering: str | None
    roles: tuple[TeamRole, ...]
    team_text: str | None


NOT_MEASURED = "ikke opgjort"


@dataclass(frozen=True)
class BaselineValue:
    value: float | int
    note: str | None


_UNIT_NAMES = {"%": "procent", "pct": "procent", "pct.": "procent", "kr": "kroner", "kr.": "kroner",
               "karakterer": "karakter"}
UNIT_WORDS = ("procent", "karakter", "antal", "kroner", "timer")  # the units numbers are shown and checked in


def canonical_unit(unit: str | None) -> str | None:
    """A delmål indicator's `enhed` as one of UNIT_WORDS when it means one ('Procent', '%', 'kr.'), else as written."""
    if unit is None:
        return None
    word = unit.strip().lower()
    word = _UNIT_NAMES.get(word, word)
    return word if word in UNIT_WORDS else unit


def single_number(data: Any) -> float | int | None:
    """A baseline's number as written in YAML, when it is one number, with or without a note (not 'ikke opgjort', nor
    one per estate): the only kind a follow-up chart draws."""
    if isinstance(data, dict) and len(data.get("værdier", ())) == 1:
        data = data["værdier"][0]["værdi"]
    return data if isinstance(data, (int, float)) and not isinstance(data, bool) else None


@dataclass(frozen=True)
class Baseline:
    """One number, several values with notes (e.g. per estate), or none yet ('ikke opgjort', with its reason as note)."""

    values: tuple[BaselineValue, ...]
    note: str | None
    single: bool

    @classmethod
    def from_data(cls, data: Any) -> Baseline:
        if isinstance(data, (int, float)):
            return cls((BaselineValue(data, None),), None, True)
        if data == NOT_MEASURED:
            return cls((), None, False)
        if NOT_MEASURED.replace(" ", "_") in data:
            return cls((), data["ikke_opgjort"], False)
        return cls(tuple(BaselineValue(v["værdi"], v.get("note")) for v in data["værdier"]), data.get("note"), False)

    @property
    def measured(self) -> bool:
        return bool(self.values)


@dataclass(frozen=True)
class FixedBaseline:
    """The area's baselines for one of the edition's fixed indicators; what is not given yet is None."""

    area: Baseline | None
    municipality: Baseline | None
    year: int | None
    source: str | None  # the area's own data source, when it differs from the edition's

    @classmethod
    def from_data(cls, data: Data) -> FixedBaseline:
        def baseline(key: str) -> Baseline | None:
            return Baseline.from_data(data[key]) if key in data else None

        return cls(baseline("boligområde"), baseline("kommune"), data.get("år"), data.get("datakilde"))


@dataclass(frozen=True)
class FocusArea:
    name: str
    chosen: bool
    problem: str


@dataclass(frozen=True)
class ApprovedVersion:
    """The version of the content LBF approved, as a git revision (godkendt_version), and where it is written."""

    revision: str
    at: Location


@dataclass(frozen=True)
class Strategic:
    source: Source
    area: Area
    period: periods.Period
    organisations: dict[str, Organisation]
    parties: tuple[str, ...]
    signatures: tuple[Signature, ...]
    section1: str
    vision: str
    organisation: ProgrammeOrganisation
    interplay: str
    baselines: dict[str, FixedBaseline]  # by the edition's indicator id
    focus_footnote: str | None
    focus_areas: tuple[FocusArea, ...]
    evaluation: str
    revision: str
    approved: ApprovedVersion | None = None

    @classmethod
    def from_doc(cls, doc: YamlDocument) -> Strategic:
        d = doc.data
        org = d["organisering"]
        chosen = tuple(a["navn"] for a in d["indsatsområder"]["områder"] if a["valgt"])
        return cls(
            source=Source.of(doc),
            area=Area(d["område"]["navn"], _strings(d["område"]["boligområder"]), d["område"].get("helhedsplan")),
            period=periods.period(d["periode"]),
            organisations={
                o["id"]: Organisation(o["id"], o["navn"], o.get("forkortelse"), o.get("type", "")) for o in d["organisationer"]
            },
            parties=_strings(d["parter"]),
            signatures=tuple(Signature.from_data(s) for s in d["underskrifter"]),
            section1=d["boligområdet"],
            vision=d["vision"],
            organisation=ProgrammeOrganisation(
                diagram_text=org["diagram"]["tekst"],
                linked_efforts=_strings(org["diagram"].get("tilknyttede_indsatser")),
                board=Board.from_data(org["bestyrelse"]),
                groups_text=org["følgegrupper"].get("tekst"),
                groups=tuple(
                    FollowUpGroup(g["id"], g["navn"], chosen if "boligområde" in g else _strings(g.get("indsatsområder"))
                                  or (g["indsatsområde"],), g.get("boligområde"), _strings(g["medlemmer"]))
                    for g in org["følgegrupper"]["grupper"]
                ),
                steering=org.get("styring"),
                roles=tuple(TeamRole(r["id"], r["titel"], r["årsværk"]) for r in org["team"]["roller"]),
                team_text=org["team"].get("tekst"),
            ),
            interplay=d["samspil"],
            baselines={ident: FixedBaseline.from_data(b) for ident, b in (d.get("baseline") or {}).items()},
            focus_footnote=d["indsatsområder"].get("fodnote"),
            focus_areas=tuple(FocusArea(a["navn"], a["valgt"], a["problemkompleks"]) for a in d["indsatsområder"]["områder"]),
            evaluation=d["lokal_evaluering"],
            revision=d["revision"],
            approved=ApprovedVersion(d["godkendt_version"], doc.locate(("godkendt_version",)))
            if "godkendt_version" in d else None,
        )

    @property
    def chosen_areas(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.focus_areas if a.chosen)

    def signature_of(self, party: str) -> Signature | None:
        return next((s for s in self.signatures if s.party == party), None)


# -- delaftaler/*.yaml -----------------------------------------------------------------------


@dataclass(frozen=True)
class SubIndicator:
    """A delmål's indicator; `baseline` is a number in `unit`, or words ('Ny aktivitet', 'Måles første gang ...')."""

    id: str
    text: str
    baseline: str | float | int
    target: str
    source: str
    baseline_year: int | None = None
    unit: str | None = None
    frequency: str | None = None
    measured_by: str | None = None  # an organisation id

    @classmethod
    def from_data(cls, data: Data) -> SubIndicator:
        return cls(data["id"], data["indikator"], data["baseline"], data["mål"], data["datakilde"], data.get("baseline_år"),
                   canonical_unit(data.get("enhed")), data.get("hyppighed"), data.get("måles_af"))


@dataclass(frozen=True)
class SubGoal:
    id: str
    text: str
    indicators: tuple[SubIndicator, ...]

    @property
    def heading(self) -> str:
        """The delmål's heading: its first paragraph, its lines joined (one sentence per line); the rest follows it."""
        return " ".join(line.strip() for line in self.text.strip().partition("\n\n")[0].split("\n"))


@dataclass(frozen=True)
class Partner:
    organisation: str
    role: str


@dataclass(frozen=True)
class Activity:
    id: str
    name: str
    goals: tuple[str, ...]
    purpose: str
    target_group: str
    content: str
    responsible: tuple[str, ...]  # organisation ids: one, or several running it jointly
    partners: tuple[Partner, ...]


@dataclass(frozen=True)
class Delaftale:
    source: Source
    stem: str
    focus_area: str
    period: periods.Period
    parties: tuple[str, ...]
    groups: tuple[str, ...]
    purpose: str
    goals: tuple[SubGoal, ...]
    activities: tuple[Activity, ...]
    signatures: tuple[Signature, ...]

    @classmethod
    def from_doc(cls, doc: YamlDocument) -> Delaftale:
        d = doc.data
        stem = doc.path.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return cls(
            source=Source.of(doc),
            stem=stem,
            focus_area=d["indsatsområde"],
            period=periods.period(d["periode"]),
            parties=_strings(d["parter"]),
            groups=(d["følgegruppe"],) if isinstance(d["følgegruppe"], str) else tuple(d["følgegruppe"]),
            purpose=d["formål"],
            goals=tuple(
                SubGoal(g["id"], g["delmål"], tuple(
                    SubIndicator.from_data(i) for i in g["indikatorer"]))
                for g in d["delmål"]
            ),
            activities=tuple(
                Activity(a["id"], a["navn"], _strings(a["delmål"]), a["formål"], a["målgruppe"], a["indhold"], _ids(a["ansvarlig"]),
                         tuple(Partner(p["organisation"], p["rolle"]) for p in a.get("partnere", [])))
                for a in d["aktiviteter"]
            ),
            signatures=tuple(Signature.from_data(s) for s in d["underskrifter"]),
        )


# -- budget.yaml -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetLineData:
    text: str | None
    role: str | None
    activity: str | None
    amounts: tuple[int, ...]

    @property
    def follow_up_name(self) -> str:
        """What a follow-up file calls the line (see followup.line_name, which checks those names)."""
        return budget_line_name(self.role, self.activity, self.text)


def budget_line_name(role: str | None, activity: str | None, text: str | None) -> str:
    """What a follow-up file calls a budget line: its role or activity id, else its text as written."""
    return str(role or activity or text)


@dataclass(frozen=True)
class BudgetGroupData:
    name: str
    focus_area: str | None
    lines: tuple[BudgetLineData, ...]


@dataclass(frozen=True)
class FinancingData:
    organisation: str
    amounts: tuple[int, ...]


@dataclass(frozen=True)
class BudgetPlan:
    """budget.yaml as written: amounts per project year or calendar year; totals and shares live in model.budget."""

    source: Source
    calendar_years: bool  # år: kalenderår
    grantor: str
    max_grant_percent: float | int | None
    min_local_percent: float | int | None
    expenses: tuple[BudgetGroupData, ...]
    financing: tuple[FinancingData, ...]

    @classmethod
    def from_doc(cls, doc: YamlDocument) -> BudgetPlan:
        d = doc.data
        rules = d["regler"]
        return cls(
            source=Source.of(doc),
            calendar_years=d.get("år") == "kalenderår",
            grantor=rules["tilskudsgiver"],
            max_grant_percent=rules.get("max_tilskud_procent"),
            min_local_percent=rules.get("min_medfinansiering_procent"),
            expenses=tuple(
                BudgetGroupData(g["gruppe"], g.get("indsatsområde"), tuple(
                    BudgetLineData(line.get("tekst"), line.get("rolle"), line.get("aktivitet"), tuple(line["beløb"]))
                    for line in g["linjer"]))
                for g in d["udgifter"]
            ),
            financing=tuple(FinancingData(f["organisation"], tuple(f["beløb"])) for f in d["finansiering"]),
        )

    @property
    def year_kind(self) -> str:
        return "kalenderår" if self.calendar_years else "projektår"


# -- beredskabsplan.yaml ---------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    role: str
    organisation: str
    name: str | None
    phone: str | None
    task: str


@dataclass(frozen=True)
class Step:
    when: str
    action: str


@dataclass(frozen=True)
class Contingency:
    source: Source
    purpose: str
    incidents: str
    calls: tuple[Call, ...]
    first_day: tuple[Step, ...]
    communication: str
    follow_up: str
    cooperation: str

    @classmethod
    def from_doc(cls, doc: YamlDocument) -> Contingency:
        d = doc.data
        return cls(
            source=Source.of(doc),
            purpose=d["formål"],
            incidents=d["akutte_hændelser"],
            calls=tuple(Call(c["rolle"], c["organisation"], c.get("navn"), c.get("telefon"), c["opgave"]) for c in d["kaldeliste"]),
            first_day=tuple(Step(s["tid"], s["handling"]) for s in d["første_døgn"]),
            communication=d["kommunikation"],
            follow_up=d["opfølgning"],
            cooperation=d["samarbejde"],
        )


# -- milepaelsplan.yaml ----------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneData:
    text: str
    id: str | None  # how a follow-up file names the milestone
    activity: str | None
    date: dt.date | None
    quarter: str | None
    owner: str
    status: str


@dataclass(frozen=True)
class MilestonePlan:
    source: Source
    status_date: dt.date  # the day the milestones' status is given for ("Status pr. ...")
    milestones: tuple[MilestoneData, ...]

    @classmethod
    def from_doc(cls, doc: YamlDocument) -> MilestonePlan:
        return cls(
            source=Source.of(doc),
            status_date=_date(doc.data["status_pr"]),
            milestones=tuple(
                MilestoneData(m["milepæl"], m.get("id"), m.get("aktivitet"), _date(m["dato"]) if "dato" in m else None, m.get("kvartal"),
                              m["ansvarlig"], m["status"])
                for m in doc.data["milepæle"]
            ),
        )


# -- kommissorium.yaml -----------------------------------------------------------------------


@dataclass(frozen=True)
class TermsOfReference:
    source: Source
    adopted: dt.date | None
    background: str | None
    purpose: str
    composition: str | None
    meetings: str
    responsibilities: str
    secretariat: str
    decisions: str

    @classmethod
    def from_doc(cls, doc: YamlDocument) -> TermsOfReference:
        d = doc.data
        return cls(
            source=Source.of(doc),
            adopted=_date(d["godkendt"]) if d.get("godkendt") else None,
            background=d.get("baggrund"),
            purpose=d["formål"],
            composition=d.get("sammensætning"),
            meetings=d["møder"],
            responsibilities=d["opgaver"],
            secretariat=d["sekretariat"],
            decisions=d["beslutninger"],
        )
