"""Rules a schema cannot express: unique ids, references that must exist, a period that runs forward."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from agreement.errors import ContentError
from agreement.files import name_key
from agreement.i18n import _
from agreement.kinds import STRATEGIC
from agreement.source.checked import Rule
from agreement.source.schema import suggest
from agreement.source.yamlload import JsonPath, YamlDocument


def _on_strategic(check: Callable[[YamlDocument], list[ContentError]], *paths: JsonPath) -> Rule:
    """A rule inside strategic.yaml that reads the values at `paths`."""
    return Rule(lambda checked: check(checked.strategic), {STRATEGIC: paths})


def _ids_and_references(doc: YamlDocument) -> list[ContentError]:
    data = doc.data
    errors: list[ContentError] = []
    org_ids = _unique_ids(doc, ("organisationer",), data["organisationer"], _("organisation"), errors)
    org = data["organisering"]
    _unique_ids(doc, ("organisering", "følgegrupper", "grupper"), org["følgegrupper"]["grupper"], _("follow-up group"), errors)
    _unique_ids(doc, ("organisering", "team", "roller"), org["team"]["roller"], _("team role"), errors)
    for i, party in enumerate(data["parter"]):
        _check_ref(doc, ("parter", i), party, org_ids, _("organisation"), "organisationer", errors)
    for i, seat in enumerate(org["bestyrelse"]["organisationer"]):
        path: JsonPath = ("organisering", "bestyrelse", "organisationer", i)
        _check_ref(doc, path if isinstance(seat, str) else path + ("organisation",), _seat_org(seat), org_ids, _("organisation"),
                   "organisationer", errors)
    return errors


def _seat_org(seat: str | dict[str, Any]) -> str:
    return seat if isinstance(seat, str) else seat["organisation"]


def _board(doc: YamlDocument) -> list[ContentError]:
    board = doc.data["organisering"]["bestyrelse"]
    where = ("organisering", "bestyrelse")
    errors: list[ContentError] = []
    seats: dict[str, int] = {}
    for i, seat in enumerate(board["organisationer"]):
        ident = _seat_org(seat)
        if ident in seats:
            errors.append(doc.error(where + ("organisationer", i), _("'{ident}' has two seats on the board (first on line {line}); list "
                                                                     "each organisation once").format(
                ident=ident, line=doc.locate(where + ('organisationer', seats[ident])).line)))
        seats.setdefault(ident, i)
        if "repræsentation" not in board and (isinstance(seat, str) or "repræsentation" not in seat):
            errors.append(doc.error(where + ("organisationer", i), _("the seat of '{ident}' does not say who represents the organisation; "
                                      "write it as 'organisation: {ident}' with 'repræsentation: ...', or write one "
                                      "'repræsentation' for the whole board under bestyrelse").format(ident=ident)))
    chairs: dict[str, int] = {}
    for i, chair in enumerate(board.get("formandskab", [])):
        ident = _seat_org(chair)
        if ident in chairs:
            errors.append(doc.error(where + ("formandskab", i), _("'{ident}' is in the formandskab twice (first on line {line}); list "
                                                                  "each member once").format(
                ident=ident, line=doc.locate(where + ('formandskab', chairs[ident])).line)))
        chairs.setdefault(ident, i)
        if ident not in seats:
            errors.append(doc.error(where + ("formandskab", i), _("'{ident}' is in the formandskab but has no seat on the "
                                                                  "board{suggest}; add it under bestyrelse.organisationer or "
                                                                  "correct it").format(
                ident=ident, suggest=suggest(ident, set(seats)))))
    meets = board["møder_pr_år"]
    if isinstance(meets, str):
        low, high = (int(n) for n in meets.split("-"))
        if not 1 <= low < high <= 52:
            errors.append(doc.error(where + ("møder_pr_år",), _("'{meets}' must go from the fewest to the most meetings a year, between "
                                                                "1 and 52, e.g. 3-4; write one number if it is always the same").format(
                meets=meets)))
    return errors


_FOLLOWS = ("indsatsområde", "indsatsområder", "boligområde")


def _groups(doc: YamlDocument) -> list[ContentError]:
    data = doc.data
    where = ("organisering", "følgegrupper", "grupper")
    areas = {a["navn"]: i for i, a in enumerate(data["indsatsområder"]["områder"])}
    chosen = [name for name, i in areas.items() if data["indsatsområder"]["områder"][i]["valgt"] is True]
    estates = data["område"]["boligområder"]
    errors: list[ContentError] = []
    followed: set[str] = set()
    for g, group in enumerate(data["organisering"]["følgegrupper"]["grupper"]):
        keys = [k for k in _FOLLOWS if k in group]
        if not keys:
            errors.append(doc.error(where + (g,), _("the follow-up group '{group}' does not say what it follows; write 'indsatsområde: "
                                                    "...' (one focus area), 'indsatsområder: [...]' (several) or 'boligområde: ...' "
                                                    "(every chosen focus area in that housing area)").format(
                group=group['id'])))
            continue
        for extra in keys[1:]:
            errors.append(doc.error(where + (g, extra), _("the follow-up group '{group}' already follows its '{key}'; keep one of "
                                                          "indsatsområde, indsatsområder and boligområde").format(
                group=group['id'], key=keys[0]), key=True))
        if keys[0] == "boligområde":
            estate = group["boligområde"]
            if estate not in estates:
                errors.append(doc.error(where + (g, "boligområde"), _("'{estate}' is not one of the housing areas in "
                                                                      "område.boligområder{suggest}; choose one of: {estates}").format(
                    estate=estate, suggest=suggest(estate, set(estates)), estates=', '.join(estates))))
            followed.update(chosen)
            continue
        names = [group["indsatsområde"]] if keys[0] == "indsatsområde" else group["indsatsområder"]
        for n, name in enumerate(names):
            path = where + (g, keys[0]) + ((n,) if keys[0] == "indsatsområder" else ())
            if name in areas and name not in chosen:
                line = doc.locate(("indsatsområder", "områder", areas[name], "valgt")).line
                errors.append(doc.error(path, _("the follow-up group follows '{name}', which is not chosen (line {line}: valgt: false); "
                                                "choose it there or let the group follow a chosen focus area").format(
                    name=name, line=line)))
            followed.add(name)
    for name in chosen:
        if name not in followed:
            errors.append(doc.error(("indsatsområder", "områder", areas[name], "valgt"), _("no follow-up group follows the chosen focus "
                                                                                           "area '{name}'; add a group under "
                                                                                           "organisering.følgegrupper.grupper with "
                                                                                           "'indsatsområde: {name}', or name it in a "
                                                                                           "group's 'indsatsområder'").format(
                name=name)))
    return errors


def _signatories(doc: YamlDocument) -> list[ContentError]:
    data = doc.data
    errors: list[ContentError] = []
    org_ids = {o["id"] for o in data["organisationer"]}
    parties = set(data["parter"])
    for i, signature in enumerate(data["underskrifter"]):
        party = signature["part"]
        if party in parties:
            continue
        if party in org_ids:
            errors.append(doc.error(("underskrifter", i, "part"),
                                    _("'{party}' signs, but is not a party of the agreement; add it to 'parter' or correct the "
                                      "signature").format(
                                        party=party)))
        else:
            _check_ref(doc, ("underskrifter", i, "part"), party, parties, _("party"), "parter", errors)
    return errors


def _area_name(doc: YamlDocument) -> list[ContentError]:
    name = doc.data["område"]["navn"]
    if not any(c.isalnum() for c in name):  # the files are named after it, and such a name vanishes from them
        return [doc.error(("område", "navn"), _("the area's name '{name}' has no letter or digit, so it would vanish from the names of "
                                                "the upload files; write the area's name").format(
            name=name))]
    return []


def _period(doc: YamlDocument) -> list[ContentError]:
    period = doc.data["periode"]
    if "til" in period and dt.date.fromisoformat(period["til"]) <= dt.date.fromisoformat(period["fra"]):
        return [doc.error(("periode", "til"), _("the period must end after it starts ({start}); check 'fra' and 'til'").format(
            start=period['fra']))]
    return []


def _focus_areas(doc: YamlDocument) -> list[ContentError]:
    areas = doc.data["indsatsområder"]["områder"]
    errors: list[ContentError] = []
    seen: dict[str, int] = {}  # name_key: the focus area's documents are named after it
    for i, area in enumerate(areas):
        name = area["navn"]
        first = seen.setdefault(name_key(name), i)
        if first != i:
            other = areas[first]["navn"]
            also = "" if other == name else _(" '{other}', which differs only in capital letters or in how its letters are encoded").format(
                other=other)
            errors.append(doc.error(("indsatsområder", "områder", i, "navn"),
                                    _("the focus area '{name}' is described twice (also as number {number}{also}); keep one").format(
                                        name=name, number=first + 1, also=also)))
    if not any(area.get("valgt") is True for area in areas):
        errors.append(doc.error(("indsatsområder", "områder"), _("no focus area is chosen; set 'valgt: true' on at least one")))
    return errors


def _unique_ids(doc: YamlDocument, path: JsonPath, items: list[dict[str, Any]], what: str, errors: list[ContentError]) -> set[str]:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        ident = item.get("id") if isinstance(item, dict) else None
        if not isinstance(ident, str):
            continue
        if ident in seen:
            first = doc.locate(path + (seen[ident], "id")).line
            errors.append(doc.error(path + (i, "id"), _("the {what} id '{ident}' is used twice (first on line {first}); ids must be "
                                                        "unique").format(
                what=what, ident=ident, first=first)))
        else:
            seen[ident] = i
    return set(seen)


def _check_ref(doc: YamlDocument, path: JsonPath, value: Any, known: set[str], what: str, where: str, errors: list[ContentError]) -> None:
    """An error when `value` is not one of the ids `known`; `what` is a noun Danish calls 'den' (en organisation, en part)."""
    if isinstance(value, str) and value not in known:
        errors.append(doc.error(path, _("unknown {what} '{value}'{suggest}; it must be one of the ids in '{where}'").format(
            what=what, value=value, suggest=suggest(value, known), where=where)))


RULES = (
    _on_strategic(_ids_and_references, ("organisationer",), ("parter",), ("organisering", "følgegrupper", "grupper"),
                  ("organisering", "team", "roller"), ("organisering", "bestyrelse", "organisationer")),
    _on_strategic(_signatories, ("organisationer",), ("parter",), ("underskrifter",)),
    _on_strategic(_board, ("organisering", "bestyrelse")),
    _on_strategic(_groups, ("organisering", "følgegrupper", "grupper"), ("indsatsområder", "områder"), ("område", "boligområder")),
    _on_strategic(_area_name, ("område", "navn")),
    _on_strategic(_period, ("periode",)),
    _on_strategic(_focus_areas, ("indsatsområder", "områder")),
)
"""Cross-field rules inside strategic.yaml; each runs when the values it reads passed the schema."""

