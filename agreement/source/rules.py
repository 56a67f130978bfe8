"""Rules a schema cannot express: unique ids, references that must exist, a period that runs forward."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from agreement.errors import ContentError
from agreement.files import name_key
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
    org_ids = _unique_ids(doc, ("organisationer",), data["organisationer"], "organisation", errors)
    org = data["organisering"]
    _unique_ids(doc, ("organisering", "følgegrupper", "grupper"), org["følgegrupper"]["grupper"], "follow-up group", errors)
    _unique_ids(doc, ("organisering", "team", "roller"), org["team"]["roller"], "team role", errors)
    for i, party in enumerate(data["parter"]):
        _check_ref(doc, ("parter", i), party, org_ids, "organisation", "organisationer", errors)
    for i, member in enumerate(org["bestyrelse"]["organisationer"]):
        _check_ref(doc, ("organisering", "bestyrelse", "organisationer", i), member, org_ids, "organisation", "organisationer", errors)
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
                                    f"'{party}' signs, but is not a party of the agreement; add it to 'parter' or correct the signature"))
        else:
            _check_ref(doc, ("underskrifter", i, "part"), party, parties, "party", "parter", errors)
    return errors


def _area_name(doc: YamlDocument) -> list[ContentError]:
    name = doc.data["område"]["navn"]
    if not any(c.isalnum() for c in name):  # the files are named after it, and such a name vanishes from them
        return [doc.error(("område", "navn"), f"the area's name '{name}' has no letter or digit, so it would vanish from "
                          "the names of the upload files; write the area's name")]
    return []


def _period(doc: YamlDocument) -> list[ContentError]:
    period = doc.data["periode"]
    start = dt.date.fromisoformat(period["fra"])
    end = dt.date.fromisoformat(period["til"])
    if end <= start:
        return [doc.error(("periode", "til"), f"the period must end after it starts ({period['fra']}); check 'fra' and 'til'")]
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
            also = "" if other == name else f" '{other}', which differs only in capital letters or in how its letters are encoded"
            errors.append(doc.error(("indsatsområder", "områder", i, "navn"),
                                    f"the focus area '{name}' is described twice (also as number {first + 1}{also}); "
                                    "keep one"))
    if not any(area.get("valgt") is True for area in areas):
        errors.append(doc.error(("indsatsområder", "områder"), "no focus area is chosen; set 'valgt: true' on at least one"))
    return errors


def _unique_ids(doc: YamlDocument, path: JsonPath, items: list[dict[str, Any]], what: str, errors: list[ContentError]) -> set[str]:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        ident = item.get("id") if isinstance(item, dict) else None
        if not isinstance(ident, str):
            continue
        if ident in seen:
            first = doc.locate(path + (seen[ident], "id")).line
            errors.append(doc.error(path + (i, "id"), f"the {what} id '{ident}' is used twice (first on line {first}); ids must be unique"))
        else:
            seen[ident] = i
    return set(seen)


def _check_ref(doc: YamlDocument, path: JsonPath, value: Any, known: set[str], what: str, where: str, errors: list[ContentError]) -> None:
    if isinstance(value, str) and value not in known:
        errors.append(doc.error(path, f"unknown {what} '{value}'{suggest(value, known)}; it must be one of the ids in '{where}'"))


RULES = (
    _on_strategic(_ids_and_references, ("organisationer",), ("parter",), ("organisering", "følgegrupper", "grupper"),
                  ("organisering", "team", "roller"), ("organisering", "bestyrelse", "organisationer")),
    _on_strategic(_signatories, ("organisationer",), ("parter",), ("underskrifter",)),
    _on_strategic(_area_name, ("område", "navn")),
    _on_strategic(_period, ("periode",)),
    _on_strategic(_focus_areas, ("indsatsområder", "områder")),
)
"""Cross-field rules inside strategic.yaml; each runs when the values it reads passed the schema."""

