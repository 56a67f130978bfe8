"""Whole-set rules: checks that span files, each reported at the offending value and naming the other file."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Collection, Iterator
from typing import Any

from agreement import formatting as fmt
from agreement.errors import ContentError
from agreement.i18n import N_, _, ngettext
from agreement.kinds import BEREDSKABSPLAN, BUDGET, DELAFTALE, KOMMISSORIUM, MILEPAELSPLAN, OPFOELGNING, STRATEGIC
from agreement.model import period as periods
from agreement.model.budget import from_plan, limits, year_labels
from agreement.model.content import BudgetPlan, canonical_unit, single_number
from agreement.source.checked import ANY, Checked, Rule
from agreement.source.schema import suggest
from agreement.source.yamlload import JsonPath, YamlDocument

# What the Index reads of strategic.yaml.
_INDEX = (("organisationer",), ("parter",), ("organisering", "følgegrupper", "grupper"), ("underskrifter",),
          ("indsatsområder", "områder"), ("periode",))
_WHOLE: tuple[JsonPath, ...] = ((),)


def _rule(check: Callable[[Checked, Index], Iterator[ContentError]], **needs: tuple[JsonPath, ...]) -> Rule:
    """A whole-set rule that uses strategic.yaml's definitions and reads `needs` (kind -> value paths)."""
    kinds = {STRATEGIC: _INDEX + needs.pop("strategic", ()), **{_KINDS[k]: v for k, v in needs.items()}}
    return Rule(lambda checked: check(checked, Index(checked.strategic)), kinds)


_KINDS = {"delaftale": DELAFTALE, "budget": BUDGET, "beredskabsplan": BEREDSKABSPLAN, "milepaelsplan": MILEPAELSPLAN}


class Index:
    """What strategic.yaml defines, for resolving references from the other files."""

    def __init__(self, strategic: YamlDocument) -> None:
        self.doc = strategic
        data = strategic.data
        self.organisations = {o["id"]: i for i, o in enumerate(data["organisationer"]) if isinstance(o, dict)}
        self.parties = set(data["parter"])
        self.groups = {g["id"]: i for i, g in enumerate(data["organisering"]["følgegrupper"]["grupper"])}
        self.signatures = {s["part"] for s in data["underskrifter"]}
        self.areas = {a["navn"]: i for i, a in enumerate(data["indsatsområder"]["områder"])}
        chosen = [a["navn"] for a in data["indsatsområder"]["områder"] if a["valgt"] is True]
        # The focus areas each follow-up group follows: a housing area's group follows every chosen one.
        self.follows = {g["id"]: chosen if "boligområde" in g else g.get("indsatsområder") or [g.get("indsatsområde")]
                        for g in data["organisering"]["følgegrupper"]["grupper"]}
        self.period = periods.period(data["periode"])

    def area_line(self, name: str) -> int:
        return self.doc.locate(("indsatsområder", "områder", self.areas[name], "valgt")).line

    def chosen(self, name: str) -> bool:
        return name in self.areas and self.doc.data["indsatsområder"]["områder"][self.areas[name]]["valgt"] is True


def reference(doc: YamlDocument, path: JsonPath, value: object, known: Collection[str], what: str,
              defined_in: str) -> Iterator[ContentError]:
    """An error when `value` is not one of `known`, with a "did you mean" and where they are defined.

    `what` is a noun Danish calls 'den' (en aktivitet, en organisation): the Danish message says "den skal være
    defineret"; a neuter noun (et delmål) needs a message of its own.
    """
    if isinstance(value, str) and value not in known:
        yield doc.error(path, _("unknown {what} '{value}'{suggest}; it must be defined in {defined_in}").format(
            what=what, value=value, suggest=suggest(value, set(known)), defined_in=defined_in))


def organisation_reference(doc: YamlDocument, path: JsonPath, value: object, index: Index, strategic: object) -> Iterator[ContentError]:
    """`reference` for an organisation id, which strategic.yaml's 'organisationer' defines."""
    yield from reference(doc, path, value, index.organisations, _("organisation"),
                         _("organisationer in {strategic}").format(strategic=strategic))


# The values each unit allows; a unit not named here (an area's own) is not checked.
UNIT_RANGES: dict[str, tuple[float | None, float | None, str]] = {
    "procent": (0, 100, N_("from 0 to 100")),
    "karakter": (-3, 12, N_("from -3 to 12 (the 7-point scale)")),
    "antal": (0, None, N_("0 or more")),
    "kroner": (0, None, N_("0 or more")),
    "timer": (0, None, N_("0 or more")),
}


def unit_range(doc: YamlDocument, path: JsonPath, ident: str, unit: str | None, value: object) -> Iterator[ContentError]:
    """An error when a number at `path` is impossible in its indicator's unit (a percentage above 100, a negative count)."""
    unit = canonical_unit(unit)
    if unit not in UNIT_RANGES or not isinstance(value, (int, float)) or isinstance(value, bool):
        return
    low, high, allowed = UNIT_RANGES[unit]
    if (low is not None and value < low) or (high is not None and value > high):
        yield doc.error(path, _("'{ident}' is measured in {unit}, so its value must be {allowed}, but it is {value}; correct the "
                                "number").format(
            ident=ident, unit=unit, allowed=_(allowed), value=value))


def milestone_span(milestone: dict[str, Any]) -> tuple[periods.Span, str] | None:
    """The days a milestone of milepaelsplan.yaml falls in (its date, or its quarter) and how it is written; None
    for one with neither (reported by `_milestones`)."""
    if "dato" in milestone:
        day = dt.date.fromisoformat(milestone["dato"])
        return periods.Span(day, day), milestone["dato"]
    if "kvartal" in milestone:
        return periods.Quarter.parse(milestone["kvartal"]).span, milestone["kvartal"]
    return None


def reached_too_early(status: str, when: periods.Span, status_date: dt.date) -> bool:
    """A milestone cannot be 'nået' (reached) on a status date before its date or quarter begins."""
    return status == "nået" and when.start > status_date


def _one_delaftale_per_chosen_area(content: Checked, index: Index) -> Iterator[ContentError]:
    strategic = content.strategic.path
    by_area: dict[str, list[YamlDocument]] = {}
    for doc in content.delaftaler:
        area = doc.data["indsatsområde"]
        by_area.setdefault(area, []).append(doc)
        if area in index.areas and not index.chosen(area):
            yield doc.error(("indsatsområde",), _("the focus area '{area}' is not chosen in {strategic} (line {area_line}: valgt: "
                                                  "false); choose it there or remove this delaftale").format(
                area=area, strategic=strategic, area_line=index.area_line(area)))
        elif area not in index.areas:
            yield doc.error(("indsatsområde",), _("the focus area '{area}' is not described in {strategic}; add it under "
                                                  "indsatsområder.områder with valgt: true").format(
                area=area, strategic=strategic))
    for name, i in index.areas.items():
        if not index.chosen(name):
            continue
        docs = by_area.get(name, [])
        if not docs:
            yield content.strategic.error(("indsatsområder", "områder", i, "valgt"),
                                          _("the chosen focus area '{name}' has no delaftale; add a file in {folder}/delaftaler/ with "
                                            "indsatsområde: {name}").format(
                                              name=name, folder=content.root.name))
        for extra in docs[1:]:
            yield extra.error(("indsatsområde",), _("'{name}' already has a delaftale in {path}; each chosen focus area has "
                                                    "exactly one").format(
                name=name, path=docs[0].path))


def _delaftale_references(content: Checked, index: Index) -> Iterator[ContentError]:
    strategic = content.strategic.path
    for doc in content.delaftaler:
        data = doc.data
        own = periods.period(data["periode"])
        if own.end is not None and own.end < own.start:
            yield doc.error(("periode", "til"), _("the period must end after it starts; check 'fra' and 'til'"))
        elif not index.period.covers(own):
            yield doc.error(("periode",), _("the period {period} is not inside the agreement period {agreement_period} in "
                                            "{strategic}").format(
                period=_text(own), agreement_period=_text(index.period), strategic=strategic))
        for i, party in enumerate(data["parter"]):
            yield from organisation_reference(doc, ("parter", i), party, index, strategic)
        yield from _groups_follow(doc, index, strategic)
        goals: dict[str, int] = {}  # delmål id -> index of its first use
        for i, goal in enumerate(data["delmål"]):
            if goal["id"] in goals:
                first = doc.locate(("delmål", goals[goal["id"]], "id")).line
                yield doc.error(("delmål", i, "id"), _("the delmål id '{ident}' is used twice (first on line {first})").format(
                    ident=goal["id"], first=first))
            goals.setdefault(goal["id"], i)
            for n, ind in enumerate(goal["indikatorer"]):
                yield from unit_range(doc, ("delmål", i, "indikatorer", n, "baseline"), ind.get("id") or ind["indikator"],
                                      ind.get("enhed"), ind["baseline"])
                if "måles_af" in ind:
                    yield from organisation_reference(doc, ("delmål", i, "indikatorer", n, "måles_af"), ind["måles_af"], index,
                                                      strategic)
        for a, activity in enumerate(data["aktiviteter"]):
            for g, goal in enumerate(activity["delmål"]):
                if isinstance(goal, str) and goal not in goals:  # a neuter noun in Danish: not reference's 'den'
                    yield doc.error(("aktiviteter", a, "delmål", g), _("unknown delmål '{value}'{suggest}; it must be defined in "
                                                                      "'delmål' in this file").format(
                        value=goal, suggest=suggest(goal, set(goals))))
            owners = activity["ansvarlig"]
            for path, owner in ([(("aktiviteter", a, "ansvarlig"), owners)] if isinstance(owners, str) else
                                [(("aktiviteter", a, "ansvarlig", o), owner) for o, owner in enumerate(owners)]):
                yield from organisation_reference(doc, path, owner, index, strategic)
            for p, partner in enumerate(activity.get("partnere", [])):
                yield from organisation_reference(doc, ("aktiviteter", a, "partnere", p, "organisation"), partner["organisation"],
                                                  index, strategic)
        parties = set(data["parter"])
        for s, signature in enumerate(data["underskrifter"]):
            party = signature["part"]
            if party not in parties:
                yield doc.error(("underskrifter", s, "part"), _("'{party}' signs, but is not a party of this delaftale{suggest}; add it "
                                                                "to 'parter' or correct the signature").format(
                    party=party, suggest=suggest(party, parties)))


def _groups_follow(doc: YamlDocument, index: Index, strategic: str) -> Iterator[ContentError]:
    """Each follow-up group a delaftale names exists and follows the delaftale's focus area."""
    named = doc.data["følgegruppe"]
    area = doc.data["indsatsområde"]
    fitting = [g for g, areas in index.follows.items() if area in areas]
    for path, ident in [(("følgegruppe",), named)] if isinstance(named, str) else \
            [(("følgegruppe", i), ident) for i, ident in enumerate(named)]:
        if ident not in index.groups:
            yield from reference(doc, path, ident, index.groups, _("follow-up group"),
                                 _("organisering.følgegrupper.grupper in {strategic}").format(strategic=strategic))
        elif area not in index.follows[ident]:
            line = index.doc.locate(("organisering", "følgegrupper", "grupper", index.groups[ident])).line
            fit = _("name a group that follows it ({fitting})").format(
                fitting=', '.join(fitting)) if fitting else _("no group follows it yet")
            yield doc.error(path, _("the follow-up group '{ident}' ({strategic}, line {line}) does not follow this delaftale's focus "
                                    "area '{area}'; {fit}, or add '{area}' to the group's indsatsområder there").format(
                ident=ident, strategic=strategic, line=line, area=area, fit=fit))


def _unique_activity_ids(content: Checked, index: Index) -> Iterator[ContentError]:
    seen: dict[str, tuple[YamlDocument, int]] = {}
    for doc in content.delaftaler:
        for a, activity in enumerate(doc.data["aktiviteter"]):
            ident = activity["id"]
            if ident in seen:
                other, position = seen[ident]
                line = other.locate(("aktiviteter", position, "id")).line
                yield doc.error(("aktiviteter", a, "id"), _("the activity id '{ident}' is already used in {path} (line {line}); "
                                                            "activity ids must be unique across all delaftaler").format(
                    ident=ident, path=other.path, line=line))
            else:
                seen[ident] = (doc, a)


def _contingency_references(content: Checked, index: Index) -> Iterator[ContentError]:
    doc = content.maybe(BEREDSKABSPLAN)
    if doc is None:
        return
    for i, entry in enumerate(doc.data["kaldeliste"]):
        yield from organisation_reference(doc, ("kaldeliste", i, "organisation"), entry["organisation"], index,
                                          content.strategic.path)


def _budget(content: Checked, index: Index) -> Iterator[ContentError]:
    doc = content.maybe(BUDGET)
    if doc is None or content.edition is None:  # no edition: its financing limits are unknown (reported already)
        return
    strategic = content.strategic.path
    data = doc.data
    plan = BudgetPlan.from_doc(doc)
    labels = year_labels(plan, index.period)
    roles = {r["id"] for r in content.strategic.data["organisering"]["team"]["roller"]}
    activities = {ident: d for ident, (d, _position) in content.activities().items()}
    ids = [a["id"] for d in content.delaftaler for a in d.data["aktiviteter"]]
    twice = {ident for ident in ids if ids.count(ident) > 1}  # reported as duplicates by _unique_activity_ids
    yield from organisation_reference(doc, ("regler", "tilskudsgiver"), plan.grantor, index, strategic)

    kind, other = (_("calendar years"), "") if plan.calendar_years else \
        (_("project years"), _(" (or one per calendar year with år: kalenderår)"))

    def amounts_fit(path: JsonPath, amounts: list[Any]) -> Iterator[ContentError]:
        if len(amounts) != len(labels) and index.period.end is None:
            yield doc.error(path, ngettext(
                "has {n} amount, but other lines have {count} ({labels}); the agreement period in {strategic} has no end yet, "
                "so every line gives the same years",
                "has {n} amounts, but other lines have {count} ({labels}); the agreement period in {strategic} has no end yet, "
                "so every line gives the same years", len(amounts)).format(
                n=len(amounts), count=len(labels), labels=", ".join(labels), strategic=strategic))
        elif len(amounts) != len(labels):
            yield doc.error(path, ngettext(
                "has {n} amount, but the agreement period in {strategic} has {count} {kind} ({labels}); write one amount per "
                "year{other}",
                "has {n} amounts, but the agreement period in {strategic} has {count} {kind} ({labels}); write one amount per "
                "year{other}", len(amounts)).format(
                n=len(amounts), strategic=strategic, count=len(labels), kind=kind, labels=", ".join(labels), other=other))

    for g, group in enumerate(data["udgifter"]):
        area = group.get("indsatsområde")
        if area is not None and not index.chosen(area):
            yield doc.error(("udgifter", g, "indsatsområde"), _("the focus area '{area}' is not chosen in {strategic}").format(
                area=area, strategic=strategic))
        for i, line in enumerate(group["linjer"]):
            path = ("udgifter", g, "linjer", i)
            yield from amounts_fit(path + ("beløb",), line["beløb"])
            if not any(line.get(k) for k in ("tekst", "rolle", "aktivitet")):
                yield doc.error(path, _("a budget line needs 'tekst', 'rolle' (a team role) or 'aktivitet' (an activity id) to say what "
                                        "the money is for"))
            if "rolle" in line:
                yield from reference(doc, path + ("rolle",), line["rolle"], roles, _("team role"),
                                     _("organisering.team.roller in {strategic}").format(strategic=strategic))
            if "aktivitet" in line:
                activity = line["aktivitet"]
                yield from reference(doc, path + ("aktivitet",), activity, activities, _("activity"),
                                     _("a delaftale in delaftaler/"))
                owner = activities.get(activity)
                if owner is not None and area is not None and owner.data["indsatsområde"] != area \
                        and activity not in twice:
                    yield doc.error(path + ("aktivitet",), _("the activity '{activity}' belongs to the delaftale for '{owner_area}' "
                                                             "({path}), not to '{area}'").format(
                        activity=activity, owner_area=owner.data["indsatsområde"], path=owner.path, area=area))
    for f, line in enumerate(data["finansiering"]):
        yield from amounts_fit(("finansiering", f, "beløb"), line["beløb"])
        yield from organisation_reference(doc, ("finansiering", f, "organisation"), line["organisation"], index, strategic)

    if any(len(line.amounts) != len(labels) for group in plan.expenses for line in group.lines) or \
            any(len(line.amounts) != len(labels) for line in plan.financing):
        return
    max_grant, min_local = limits(plan, content.edition.financing.max_grant_percent,
                                  content.edition.financing.min_local_percent)
    budget = from_plan(plan, labels, label=lambda _line: "", organisation=str, max_grant_percent=max_grant,
                       min_local_percent=min_local)
    for label, spent, funded in zip(labels, budget.expense_totals, budget.financing_totals):
        if spent != funded:
            gap = spent - funded
            what = _("{amount} is not financed").format(
                amount=fmt.amount(gap)) if gap > 0 else _("{amount} more is financed than spent").format(amount=fmt.amount(-gap))
            yield doc.error(("finansiering",), _("in {label} the financing ({financing}) does not equal the expenses ({expenses}); "
                                                 "{what}").format(
                label=label, financing=fmt.amount(funded), expenses=fmt.amount(spent), what=what), key=True)
    if budget.expense_total == 0:
        return
    grant = budget.share(budget.grant_total)
    local = budget.share(budget.financing_total - budget.grant_total)
    own = plan.max_grant_percent is not None, plan.min_local_percent is not None
    source = ("regler.max_tilskud_procent" if own[0] else _("the edition {name}").format(name=content.edition.name),
              "regler.min_medfinansiering_procent" if own[1] else _("the edition {name}").format(name=content.edition.name))
    if grant > budget.max_grant:
        where = ("finansiering", budget.grant_lines[0], "beløb") if budget.grant_lines else ("regler", "tilskudsgiver")
        yield doc.error(where, _("the grant from '{grantor}' is {share} of the expenses, more than the {limit} allowed "
                                 "({source})").format(
            grantor=plan.grantor, share=_share(float(grant), max_grant), limit=fmt.percent(max_grant), source=source[0]))
    if local < budget.min_local:
        yield doc.error(("finansiering",), _("local co-financing is {share} of the expenses, less than the {limit} required "
                                             "({source})").format(
            share=_share(float(local), min_local), limit=fmt.percent(min_local), source=source[1]), key=True)


def _share(share: float, limit: float) -> str:
    """'23,7 %': rounded, but never shown as the limit it is on the wrong side of (24,96 % is not '25,0 %')."""
    percent = share * 100
    for decimals in (1, 2, 3):
        if round(percent, decimals) != limit:
            return fmt.percent(round(percent, decimals))
    return fmt.percent((math.floor if percent < limit else math.ceil)(percent * 1000) / 1000)


def _milestones(content: Checked, index: Index) -> Iterator[ContentError]:
    doc = content.maybe(MILEPAELSPLAN)
    if doc is None:
        return
    strategic = content.strategic.path
    activities = set(content.activities())
    # An open period's end is unknown: only its start bounds the milestones.
    window = periods.Span(_year_before(index.period.start), index.period.end or dt.date.max)
    allowed = (_("the agreement period {period} in {strategic} and the twelve months before it (preparation, such as the "
                 "approvals): use a time from {start} to {end}") if index.period.end else
               _("the agreement period {period} in {strategic} and the twelve months before it (preparation, such as the "
                 "approvals): use a time from {start} on")).format(
        period=_text(index.period), strategic=strategic, start=window.start, end=window.end)
    for i, m in enumerate(doc.data["milepæle"]):
        path = ("milepæle", i)
        found = milestone_span(m)
        if found is None or ("dato" in m and "kvartal" in m):
            yield doc.error(path, _("a milestone needs either 'dato' (YYYY-MM-DD) or 'kvartal' (YYYY-K1 to YYYY-K4), not both")
                            if "dato" in m else
                            _("a milestone needs either 'dato' (YYYY-MM-DD) or 'kvartal' (YYYY-K1 to YYYY-K4), not neither"))
        else:
            when, written = found
            if when.end < window.start or when.start > window.end:
                yield doc.error(path + ("dato" if "dato" in m else "kvartal",), _("{when} is outside {allowed}").format(
                    when=written, allowed=allowed))
            yield from _status_agrees(doc, i, when, written)
        if "aktivitet" in m:
            yield from reference(doc, path + ("aktivitet",), m["aktivitet"], activities, _("activity"), _("a delaftale in delaftaler/"))
        yield from organisation_reference(doc, path + ("ansvarlig",), m["ansvarlig"], index, strategic)


def _text(period: periods.Period) -> str:
    """'2021-03-01 to 2025-02-28', or 'from 2021-03-01 (no end yet)' for an open period."""
    return _("{start} to {end}").format(
        start=period.start, end=period.end) if period.end else _("from {start} (no end yet)").format(start=period.start)


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


# A milestone still 'planlagt' this long after its date or quarter ended was forgotten when the status was updated.
STALE_PLAN = dt.timedelta(days=92)


def _status_agrees(doc: YamlDocument, i: int, when: periods.Span, written: str) -> Iterator[ContentError]:
    """A milestone's status must be possible on the plan's status date (status_pr)."""
    status_date = dt.date.fromisoformat(doc.data["status_pr"])
    status = doc.data["milepæle"][i]["status"]
    line = doc.locate(("status_pr",)).line
    if reached_too_early(status, when, status_date):
        yield doc.error(("milepæle", i, "status"), _("the milestone is marked 'nået' (reached), but {written} begins after the status "
                                                     "date status_pr: {status_date} (line {line}); a milestone cannot be reached before "
                                                     "its time: set its status to 'planlagt' or 'i gang', or move status_pr").format(
            written=written, status_date=status_date, line=line))
    elif status == "planlagt" and when.end + STALE_PLAN < status_date:
        yield doc.error(("milepæle", i, "status"), _("the milestone is still 'planlagt' (planned), but {written} ended more than three "
                                                     "months before the status date status_pr: {status_date} (line {line}); set it to "
                                                     "'nået', 'forsinket' or 'aflyst'").format(
            written=written, status_date=status_date, line=line))

# Text in square brackets: the placeholders 'agreement init' writes ("[Skriv her ...]") and any like them. A
# Markdown link or picture ("[text](...)") and a footnote ("[^1]") are not placeholders.
PLACEHOLDER = re.compile(r"\[(?!\^)[^\]\n]*\](?![(:\[])")


def final_errors(content: Checked, *, all_final: bool = False) -> list[ContentError]:
    """What keeps the final documents (status: endelig), or with `all_final` every document, from being final:
    placeholder text, an open period, signatures not signed or without a name, a kommissorium not approved, fixed
    indicators without their baselines."""
    errors = [*_placeholders(content, all_final)]
    if content.sound(_FINAL_NEEDS):
        errors.extend(_final_statuses(content, all_final))
    if content.sound({STRATEGIC: (("status",), ("baseline",), ("mål",))}):
        errors.extend(_final_baselines(content, all_final))
    return errors


def _final(doc: YamlDocument, all_final: bool) -> bool:
    return all_final or (isinstance(doc.data, dict) and doc.data.get("status") == "endelig")


def _placeholders(content: Checked, all_final: bool) -> Iterator[ContentError]:
    for doc in (doc for docs in content.docs.values() for doc in docs if _final(doc, all_final)):
        for path, text in _texts((), doc.data):
            for match in PLACEHOLDER.finditer(text):
                before = text[:match.start()]
                line, column = before.count("\n"), match.start() - (before.rfind("\n") + 1)
                yield ContentError(_("'{text}' is placeholder text, which a final document (status: endelig) cannot keep; write the "
                                     "real text in its place").format(
                    text=match.group()),
                                   doc.locate_text(path, line, column) or doc.locate(path))


def _texts(path: JsonPath, value: Any) -> Iterator[tuple[JsonPath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(path + (key,), item)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(path + (i,), item)


def _final_statuses(content: Checked, all_final: bool) -> Iterator[ContentError]:
    strategic = content.strategic
    known = {s["part"]: s for s in strategic.data["underskrifter"]}
    for doc in [strategic, *content.delaftaler]:
        if not _final(doc, all_final):
            continue
        if "til" not in doc.data["periode"]:
            yield doc.error(("periode",), _("the period has no end, which a final document (status: endelig) states: write its last day "
                                            "as til: YYYY-MM-DD under periode, or keep status: udkast until it is fixed"), key=True)
        for i, signature in enumerate(doc.data["underskrifter"]):
            party = signature["part"]
            fallback = known.get(party, {}) if doc is not strategic else {}
            if not all(signature.get(key) or fallback.get(key) for key in ("navn", "titel")):
                taken = "" if doc is strategic else _(", and {path} has none for that party to take them from").format(path=strategic.path)
                yield doc.error(("underskrifter", i), _("the signature for '{party}' has no navn and titel{taken}; write them here (a "
                                                        "final document, status: endelig, names who signs)").format(
                    party=party, taken=taken))
            if "dato" not in signature and signature.get("underskrevet") is not True:
                yield doc.error(("underskrifter", i), _("'{party}' has not signed; write dato: YYYY-MM-DD when it has (or underskrevet: "
                                                        "true if it signed without a date), or keep status: udkast until then").format(
                    party=party))
    for doc in content.docs.get(KOMMISSORIUM, []):
        draft = doc.data["status"] == "udkast"
        if draft and "godkendt" in doc.data:
            yield doc.error(("godkendt",), _("the kommissorium is a draft (status: udkast, line {line}) but says the board approved it; "
                                             "set status: endelig if it did, or remove godkendt").format(
                line=doc.locate(('status',)).line))
        elif _final(doc, all_final) and "godkendt" not in doc.data:
            yield doc.error(("status",), _("a final kommissorium says when the board approved it: write godkendt: YYYY-MM-DD, or keep "
                                           "status: udkast until it is approved"))


_FINAL_NEEDS: dict[str, tuple[JsonPath, ...]] = {
    STRATEGIC: (("underskrifter",), ("status",), ("periode",)),
    DELAFTALE: (("underskrifter",), ("status",), ("periode",)),
    KOMMISSORIUM: (("status",), ("godkendt",))}


UPGRADE = N_("run 'agreement upgrade' to rewrite the file")


def _fixed_baselines(content: Checked, index: Index) -> Iterator[ContentError]:
    """Baselines name the edition's fixed indicators; a final agreement gives every one, measured or with a reason."""
    doc = content.strategic
    edition = content.edition
    if edition is None:
        return
    if "mål" in doc.data:  # the previous format: one message, not one per consequence
        yield doc.error(("mål",), _("section 5's goals and indicators now come from the edition, so 'mål' is no longer written here: "
                                    "give each fixed indicator's baselines by its id under 'baseline' (see the edition's edition.yaml), "
                                    "or {upgrade}").format(
            upgrade=_(UPGRADE)), key=True)
        return
    given = doc.data.get("baseline") or {}
    fixed = edition.indicators
    for ident in given:
        if ident not in fixed:
            yield doc.error(("baseline", ident), _("'{ident}' is not a fixed indicator of the edition {name}{suggest}; its indicators "
                                                   "are: {fixed}").format(
                ident=ident, name=edition.name, suggest=suggest(ident, set(fixed)), fixed=', '.join(fixed)), key=True)
            continue
        for key in ("boligområde", "kommune"):
            value = given[ident].get(key)
            if isinstance(value, dict) and "værdier" in value:
                for j, item in enumerate(value["værdier"]):
                    yield from unit_range(doc, ("baseline", ident, key, "værdier", j, "værdi"), ident, fixed[ident].unit,
                                          item["værdi"])
            else:
                yield from unit_range(doc, ("baseline", ident, key), ident, fixed[ident].unit, value)


def _final_baselines(content: Checked, all_final: bool) -> Iterator[ContentError]:
    """A final agreement gives every fixed indicator's baselines, measured or with the reason they are not."""
    doc = content.strategic
    edition = content.edition
    if edition is None or "mål" in doc.data or not _final(doc, all_final):
        return
    given = doc.data.get("baseline") or {}
    fixed = edition.indicators
    start = str(doc.data.get("periode", {}).get("fra", ""))  # YYYY-MM-DD, as the schema has checked
    first = start[:4] if start[:4].isdigit() else "2021"  # an example in the agreement's own first year
    for ident, indicator in fixed.items():
        if ident not in given:
            yield doc.error(("baseline",) if "baseline" in doc.data else ("status",),
                            _("a final agreement (status: endelig) gives baselines for the fixed indicator '{ident}' ({text}); add "
                              "'{ident}:' under 'baseline' with boligområde, kommune and år").format(
                                ident=ident, text=indicator.text), key=True)
            continue
        entry = given[ident]
        measured = False
        for key in ("boligområde", "kommune"):
            value = entry.get(key)
            path = ("baseline", ident, key)
            if value is None:
                yield doc.error(("baseline", ident), _("a final agreement (status: endelig) gives '{key}' for '{ident}'; write the "
                                                       "baseline, or '{key}: {{ikke_opgjort: <why>}}' (e.g. Måles første gang i juni "
                                                       "{first})").format(
                    key=key, ident=ident, first=first),
                                key=True)
            elif value == "ikke opgjort":
                yield doc.error(path, _("a final agreement (status: endelig) says why this baseline is not measured: '{key}: "
                                        "{{ikke_opgjort: Måles første gang i juni {first}}}', or write the number").format(
                    key=key, first=first))
            elif _zero(value):
                yield doc.error(path, _("a baseline of 0 in an 'endelig' agreement needs its reason: write the measured number, or the "
                                        "values with a 'note' saying why it is 0 (værdier: [{værdi: 0}], note: ...)"))
            else:
                measured = measured or not (isinstance(value, dict) and "ikke_opgjort" in value)
        if measured and "år" not in entry:
            yield doc.error(("baseline", ident), _("a final agreement (status: endelig) gives 'år' for '{ident}'; write the year its "
                                                   "baselines were measured, e.g. år: {year}").format(
                ident=ident, year=_example_year(doc)), key=True)


def _baseline_years(content: Checked) -> Iterator[ContentError]:
    """Once there are follow-up files, a baseline the charts would draw needs its year (a final agreement's is an error)."""
    doc = content.strategic
    if not (content.docs.get(OPFOELGNING) or OPFOELGNING in content.unreadable) or doc.data.get("status") == "endelig":
        return
    fixed = content.edition.indicators if content.edition is not None else {}
    for ident, entry in (doc.data.get("baseline") or {}).items():
        if ident in fixed and "år" not in entry and any(single_number(entry.get(key)) is not None for key in ("boligområde", "kommune")):
            yield doc.error(("baseline", ident), _("the baseline of '{ident}' has no 'år', so the follow-up charts show no baseline "
                                                   "point; write the year it was measured under '{ident}', e.g. år: {year}").format(
                ident=ident, year=_example_year(doc)), key=True)


def _example_year(doc: YamlDocument) -> int:
    """Two years before the period starts, as `init` writes and the sample has (2019 for 2021): LBF's data run behind."""
    start = str(doc.data.get("periode", {}).get("fra", ""))
    return int(start[:4]) - 2 if start[:4].isdigit() else 2019


def _zero(value: Any) -> bool:
    """A baseline of 0 without a note: the init placeholder, or a number never filled in."""
    if isinstance(value, (int, float)):
        return value == 0
    return "værdier" in value and "note" not in value and all(v["værdi"] == 0 and "note" not in v for v in value["værdier"])


def _indicator_ids(content: Checked, index: Index) -> Iterator[ContentError]:
    """Every delmål indicator has an id, unique across the delaftaler (and apart from the edition's fixed ones)."""
    seen: dict[str, tuple[YamlDocument, JsonPath]] = {}
    fixed = set(content.edition.indicators) if content.edition is not None else set()
    for doc in content.delaftaler:
        missing = [(g, i) for g, goal in enumerate(doc.data["delmål"]) for i, ind in enumerate(goal["indikatorer"])
                   if "id" not in ind]
        if missing:  # the previous format: one message for the file
            lines = ", ".join(str(doc.locate(("delmål", g, "indikatorer", i)).line) for g, i in missing)
            yield doc.error(("delmål", missing[0][0], "indikatorer", missing[0][1]), _("every delmål indicator now has an 'id' (unique "
                                                                                       "across the delaftaler), but the indicators on "
                                                                                       "line(s) {lines} have none; add 'id: "
                                                                                       "<short-name>' to each, or {upgrade}").format(
                lines=lines, upgrade=_(UPGRADE)))
            continue
        for g, goal in enumerate(doc.data["delmål"]):
            for i, ind in enumerate(goal["indikatorer"]):
                path: JsonPath = ("delmål", g, "indikatorer", i, "id")
                if ind["id"] in fixed:
                    yield doc.error(path, _("'{ident}' is the id of one of the edition's fixed indicators; choose another id").format(
                        ident=ind["id"]))
                elif ind["id"] in seen:
                    other, where = seen[ind["id"]]
                    yield doc.error(path, _("the indicator id '{ident}' is already used in {path} (line {line}); indicator ids must be "
                                            "unique across the delaftaler").format(
                        ident=ind["id"], path=other.path, line=other.locate(where).line))
                else:
                    seen[ind["id"]] = (doc, path)


SET_RULES = (
    _rule(_fixed_baselines, strategic=(("status",), ("baseline",), ("mål",))),
    _rule(_indicator_ids, delaftale=(("delmål",),)),
    _rule(_one_delaftale_per_chosen_area, delaftale=(("indsatsområde",),)),
    _rule(_delaftale_references, delaftale=_WHOLE),
    _rule(_unique_activity_ids, delaftale=(("aktiviteter", ANY, "id"),)),
    _rule(_contingency_references, beredskabsplan=(("kaldeliste",),)),
    _rule(_budget, strategic=(("organisering", "team", "roller"),), delaftale=(("aktiviteter",), ("indsatsområde",)),
          budget=_WHOLE),
    _rule(_milestones, delaftale=(("aktiviteter",), ("indsatsområde",)), milepaelsplan=_WHOLE),
    Rule(final_errors, {}),
)

def _future_meetings(content: Checked) -> Iterator[ContentError]:
    """A follow-up the board is said to have dealt with on a day still to come. Only a warning, and only in `check`:
    what a build makes never depends on today's date."""
    today = dt.date.today()
    for doc in content.docs.get(OPFOELGNING, []):
        handled = doc.data.get("behandlet")
        if isinstance(handled, str) and dt.date.fromisoformat(handled) > today:
            yield doc.error(("behandlet",), _("behandlet: {handled} is still to come, but the report says the board dealt with the "
                                              "follow-up on that day; write the date once the meeting has been held, and keep "
                                              "status: udkast until then").format(handled=handled))


# Rules whose findings are warnings: the content stays valid, but something the documents show will be missing or wrong.
WARNING_RULES = (
    Rule(_baseline_years, {STRATEGIC: (("status",), ("baseline",), ("periode",))}),
    Rule(_future_meetings, {OPFOELGNING: (("behandlet",),)}),
)
