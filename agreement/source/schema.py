"""JSON Schema validation with messages in plain words, each at the line of the offending value."""

from __future__ import annotations

import calendar
import difflib
import json
import math
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from agreement.errors import ContentError, TemplateError, unique
from agreement.i18n import N_, _, join_or, language, ngettext
from agreement.resources import SCHEMAS
from agreement.source.syntax import quoted
from agreement.source.yamlload import JsonPath, YamlDocument

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError


def load_schema(name: str | Path, focus_areas: tuple[str, ...] | None = None) -> dict[str, Any]:
    """A schema by name (agreement/schemas/<name>.schema.json) or path.

    A schema given as a path (a document kind registered from outside this package) is checked against the
    2020-12 meta-schema when it is read; the bundled ones are checked by the tests instead, because checking
    them on every run took most of the time of `agreement check`.

    With `focus_areas`, every field of the kind 'indsatsområde' must be one of them (the edition's list).
    """
    schema = _read_schema(name)
    if focus_areas is None or "indsatsområde" not in schema.get("$defs", {}):
        return schema
    defs = {**schema["$defs"], "indsatsområde": {**schema["$defs"]["indsatsområde"], "enum": list(focus_areas)}}
    return {**schema, "$defs": defs}


@cache
def _read_schema(name: str | Path) -> dict[str, Any]:
    path = name if isinstance(name, Path) else SCHEMAS / f"{name}.schema.json"
    try:
        schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TemplateError(_("schema not found: {path}").format(path=path)) from None
    except json.JSONDecodeError as exc:
        raise TemplateError(_("schema {path} is invalid: {exc}").format(path=path, exc=exc)) from None
    if isinstance(name, Path):
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import SchemaError

        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            raise TemplateError(_("schema {path} is invalid: {exc}").format(path=path, exc=exc)) from None
    return schema


def schema_errors(doc: YamlDocument, schema: dict[str, Any]) -> list[ContentError]:
    """Every schema violation in `doc`, translated and located."""
    return check_schema(doc, schema)[0]


def check_schema(doc: YamlDocument, schema: dict[str, Any]) -> tuple[list[ContentError], list[JsonPath]]:
    """Every schema violation in `doc`, and the value paths they make unreliable for the rules."""
    errors: list[ContentError] = []
    bad: list[JsonPath] = []
    for error in _validator(json.dumps(schema)).iter_errors(doc.data):
        errors.extend(_translate(doc, error, schema))
        path = tuple(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            bad.extend(path + (key,) for key in error.validator_value if key not in error.instance)
        elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
            continue  # an unknown field is never read
        else:
            bad.append(path)
    return unique(errors), bad


@cache
def _validator(schema_text: str) -> Any:
    """The validator of one schema, built once per process (keyed by its text: a dict cannot be a key)."""
    from jsonschema import Draft202012Validator

    return _strict_validator()(json.loads(schema_text), format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def _strict_validator() -> Any:
    """jsonschema's 2020-12 validator with integers that are ints: 580.0 is not a whole number here.

    JSON Schema counts 580.0 as an integer. In content a float where a whole number belongs is almost always a
    Danish thousands dot read as a decimal point ("580.000" -> 580.0), which would silently turn 580.000 kr.
    into 580 kr., so only real integers pass.
    """
    from jsonschema import Draft202012Validator, validators

    return validators.extend(
        Draft202012Validator,
        type_checker=Draft202012Validator.TYPE_CHECKER.redefine(
            "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool)),
    )


def suggest(word: str, choices: list[str] | set[str]) -> str:
    """' (did you mean 'x'?)' for a near miss, else ''."""
    close = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=0.6)
    return _(" (did you mean '{close}'?)").format(close=close[0]) if close else ""


def _translate(doc: YamlDocument, error: ValidationError, root: dict[str, Any]) -> list[ContentError]:
    path = tuple(error.absolute_path)
    kind = error.validator
    value = error.instance
    here = _field_name(path, doc.data)

    if kind == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = [k for k in value if k not in allowed]
        return [
            doc.error(path + (k,), (_("unknown field '{key}' in {here}{suggest}; allowed fields are: {allowed}") if here else
                                    _("unknown field '{key}'{suggest}; allowed fields are: {allowed}")).format(
                key=k, here=here, suggest=suggest(k, allowed), allowed=", ".join(sorted(allowed))), key=True)
            for k in extra
        ]
    if kind == "required":
        unknown = [k for k in value if k not in error.schema.get("properties", {})]
        # A misspelt field is reported once, as unknown with a "did you mean", not also as missing.
        missing = [k for k in error.validator_value if k not in value
                   and not difflib.get_close_matches(k, unknown, n=1, cutoff=0.6)]
        missing_in = (_("the file is missing the required field '{key}'") if not here else
                      _("{here} is missing the required field '{key}'") if here != _field_name(path) else  # named in words
                      _("'{here}' is missing the required field '{key}'"))
        return [doc.error(path, missing_in.format(here=here, key=k)
                          + _describe_field(error.schema, k), key=True)
                for k in missing]
    if kind == "type":
        expected = _type_words(error.validator_value)
        types = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        # A number where a whole number or a text may stand is a wrong number, not a text YAML misread.
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool) and {"number", "integer"} & set(types)
        quote = _quote_hint(doc, path, value) if "string" in types and not numeric else None
        actual = quote or _("it is {actual}").format(actual=_value_words(value))
        msg = _("{here} must be {expected}, but {actual}").format(here=here or _("the file"), expected=expected,
                                                                   actual=actual)
        if not path:
            msg = _("the file must hold the document's fields as 'name: value' lines, but it holds {actual}").format(
                actual=_value_words(value))
        if {"number", "integer"} & set(types) and isinstance(value, str):
            whole = error.validator_value == "integer"
            msg += _number_hint(value, whole=whole) or _digits_hint(value, whole=whole)
        elif error.validator_value == "integer" and isinstance(value, float) and math.isfinite(value):
            msg += _("; if you wrote {value:.3f} with a thousands dot, write {guess} without dots").format(
                value=value, guess=_thousands_guess(value))
        return [doc.error(path, msg)]
    if kind == "const":  # the one value a field may have, such as underskrevet: true
        wanted = "true" if error.validator_value is True else json.dumps(error.validator_value, ensure_ascii=False)
        hint = error.schema.get("description", "")
        return [doc.error(path, _("{here} can only be {wanted}, but it is {actual}").format(
            here=here, wanted=wanted, actual=_value_words(value))
                          + (f" ({hint})" if hint else "") + _("; write that, or leave the field out"))]
    if kind == "enum":
        choices = [str(c) for c in error.validator_value]
        return [doc.error(path, _("'{value}' is not allowed for {here}{suggest}; choose one of: {choices}").format(
            value=value, here=here, suggest=suggest(value, choices), choices=', '.join(choices)))]
    if (kind == "format" and error.validator_value == "date") or (kind == "pattern" and _is_date_schema(error.schema)):
        return [doc.error(path, _("'{value}' is not a valid date for {here}; {hint}").format(
            value=value, here=here, hint=_date_hint(str(value))))]
    if kind == "pattern":
        if error.schema.get("pattern", "").startswith("^[a-z0-9]"):
            return [doc.error(path, _("'{value}' is not a valid id for {here}; use small letters a-z, digits and single hyphens, "
                                      "e.g. 'albertslund-kommune'").format(
                value=value, here=here))]
        if "\\n" in error.schema.get("pattern", ""):
            if not str(value).strip():
                return [doc.error(path, _("{here} must not be empty").format(here=here))]
            return [doc.error(path, _("{here} must be text on one line; remove the line breaks").format(here=here))]
        return [doc.error(path, _("'{value}' does not have the form {here} needs: {description}").format(
            value=value, here=here, description=error.schema.get("description", "")))]
    if kind == "minLength":
        return [doc.error(path, _("{here} must not be empty").format(here=here))]
    if kind == "minItems":
        n = error.validator_value
        return [doc.error(path, ngettext("{here} needs at least {n} entry", "{here} needs at least {n} entries", n).format(
            here=here, n=n))]
    if kind == "maxItems":
        n = error.validator_value
        return [doc.error(path, ngettext("{here} may have at most {n} entry", "{here} may have at most {n} entries", n).format(
            here=here, n=n))]
    if kind == "uniqueItems":
        seen, dup = set(), None
        for i, item in enumerate(value):
            key = json.dumps(item, sort_keys=True)
            if key in seen:
                dup = i
                break
            seen.add(key)
        spot = path + (dup,) if dup is not None else path
        return [doc.error(spot, _("'{value}' is listed twice in {here}; remove one").format(
            value=value[dup] if dup is not None else "", here=here))]
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        limit = {"minimum": _("{here} must be at least {limit}, but it is {value}"),
                 "exclusiveMinimum": _("{here} must be more than {limit}, but it is {value}"),
                 "maximum": _("{here} must be at most {limit}, but it is {value}"),
                 "exclusiveMaximum": _("{here} must be less than {limit}, but it is {value}")}[kind]
        return [doc.error(path, limit.format(here=here, limit=error.validator_value, value=value))]
    if kind in ("oneOf", "anyOf"):
        branches = [_resolve(root, o) for o in error.validator_value]
        fitting = _fitting_branch(branches, value)
        if fitting is not None:
            # The value has the shape of one of the choices: what is wrong is inside it, so say that, there.
            inner = [e for e in error.context or () if e.relative_schema_path and e.relative_schema_path[0] == fitting]
            if inner:
                return [t for e in inner for t in _translate(doc, e, root)]
        options = list(dict.fromkeys(_option_words(b) for b in branches))
        kinds = {t for b in branches for t in _listed(b.get("type"))}
        quote = _quote_hint(doc, path, value) if "string" in kinds else None
        hint = _number_hint(value, whole=False) if isinstance(value, str) and "number" in kinds else ""
        actual = quote or _("it is {actual}").format(actual=_value_words(value))
        return [doc.error(path, _("{here} must be {expected}, but {actual}").format(
            here=here, expected=join_or(options), actual=actual) + hint)]
    return [doc.error(path, f"{here}: {error.message}")]


def _fitting_branch(branches: list[dict[str, Any]], value: Any) -> int | None:
    """The one choice of a oneOf that a group of fields or a list is meant for, by its type and its required
    fields; None when it is not a group or list, or when no one choice stands out."""
    if not isinstance(value, (dict, list)):
        return None
    kind = "object" if isinstance(value, dict) else "array"
    fits = [i for i, b in enumerate(branches) if b.get("type") == kind]
    if len(fits) > 1 and isinstance(value, dict):
        fits = [i for i in fits if set(branches[i].get("required", ())) & set(value)]
    return fits[0] if len(fits) == 1 else None


def _option_words(branch: dict[str, Any]) -> str:
    if "const" in branch:
        return f"'{branch['const']}'"
    return _type_words(branch.get("type", "value"))


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _quote_hint(doc: YamlDocument, path: JsonPath, value: Any) -> str | None:
    """For text that YAML read as something else (00000013, yes, 12:30, [Per]), how it was read and what to write."""
    written = doc.written.get(path)
    if written is None:
        return None
    if isinstance(value, (list, dict)):
        inner = written[1:-1].strip()
        if isinstance(value, list):
            hint = _("the square brackets make YAML read {written} as {actual}; write the text without them ({inner}), "
                     "or put it in quotes if they belong to the text: {quoted}")
        else:
            hint = _("the curly brackets make YAML read {written} as {actual}; write the text without them ({inner}), "
                     "or put it in quotes if they belong to the text: {quoted}")
        return hint.format(written=written, actual=_value_words(value), inner=inner, quoted=quoted(written))
    return _("YAML reads {written} as {actual}; put it in quotes to keep it as written: {quoted}").format(
        written=written, actual=_value_words(value), quoted=quoted(written))


# The units and separators a number is written with in Danish text, which a number field must not hold.
_UNIT = re.compile(r"\s*(kr\.?|kroner|dkk|%|procent|pct\.?)$", re.IGNORECASE)
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _number_hint(text: str, *, whole: bool) -> str:
    """'; write 1010000, without thousands dots' for a number written as in a letter ('1.010.000', '80 000',
    '80000 kr.', '88,9 %'), else ''."""
    rest = text.strip()
    unit = _UNIT.search(rest)
    if unit is not None:
        rest = rest[:unit.start()]
    spaced = re.sub(r"(?<=[0-9])[ \u00a0](?=[0-9]{3}(?![0-9]))", "", rest)
    dotted = re.fullmatch(r"-?[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?", spaced) is not None
    number = (spaced.replace(".", "") if dotted else spaced).replace(",", ".", 1)
    if not _NUMBER.fullmatch(number) or (whole and "." in number):
        return ""
    without = [w for w, yes in ((_("thousands dots"), dotted), (_("spaces"), spaced != rest),
                                (f"'{unit.group(1) if unit else ''}'", unit is not None)) if yes]
    how = [w for w, yes in ((_("with a decimal point"), "," in spaced),
                            (_("without {what}").format(what=join_or(without)) if without else "", without),
                            (_("without quotes"), not without and "," not in spaced)) if yes]
    return _("; write {number}, {how}").format(number=number, how=_(" and ").join(how))


def _digits_hint(text: str, *, whole: bool) -> str:
    """How to write a number field that holds words ('ca. 14', 'omkring 86,1', 'mange'): the number alone."""
    found = re.search(r"[0-9]+" if whole else r"-?[0-9]+(?:[.,][0-9]+)?", text)
    if found is None:
        return _("; write a whole number in digits") if whole else _("; write a number in digits")
    return (_("; write the number alone, as a whole number, e.g. {number}") if whole else
            _("; write the number alone, with a decimal point, e.g. {number}")).format(number=found.group().replace(",", "."))


_MONTHS = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"), N_("July"), N_("August"),
           N_("September"), N_("October"), N_("November"), N_("December"))


def _date_hint(value: str) -> str:
    """What is wrong with a date: its form, or a day its month does not have."""
    written = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", value)
    if written is None:
        return _("write dates as YYYY-MM-DD, e.g. 2021-03-01")
    year, month, day = (int(n) for n in written.groups())
    if not 1 <= month <= 12:
        return _("there is no month {month}; write dates as YYYY-MM-DD, e.g. 2021-03-01").format(month=month)
    days = calendar.monthrange(year, month)[1]
    if month == 2 and day == 29:
        return _("there is no 29 February in {year}, which is not a leap year; check the day").format(year=year)
    if day == 0:
        return _("there is no day 0 in a month; check the day")
    return _("there is no {day} {month}, which has {days} days; check the day").format(
        day=day, month=_(_MONTHS[month - 1]), days=days)


def _resolve(root: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref and ref.startswith("#/"):
        node: Any = root
        for part in ref[2:].split("/"):
            node = node[part]
        return {**node, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _is_date_schema(schema: dict[str, Any]) -> bool:
    return schema.get("format") == "date"


def _describe_field(parent_schema: dict[str, Any], key: str) -> str:
    desc = parent_schema.get("properties", {}).get(key, {}).get("description")
    return f" ({desc})" if desc else ""


# The lists and maps whose entries a secretariat knows by a name (a list's items by one of their fields, a map's by
# their key), with the words a message names an entry and a field of it by: "'dagtilbud' boligområde", "status
# for aktiviteten 'jobvejledning'", not "målinger[3].boligområde" or "aktiviteter.jobvejledning.status".
# A list with a field names only lists, one with None only maps: the same key is a list in another document kind.
# A map of plain values has no words for a field inside an entry (None).
_NAMED: dict[JsonPath, tuple[str | None, str, str | None]] = {
    ("målinger",): ("indikator", N_("'{name}'"), N_("'{name}' {field}")),
    ("aktiviteter",): (None, N_("the activity '{name}'"), N_("the {field} of the activity '{name}'")),
    ("milepæle",): (None, N_("the status of the milestone '{name}'"), None),
    ("forbrug",): (None, N_("the spending on '{name}'"), None),
    ("finansiering",): (None, N_("the financing from '{name}'"), None),
}


def _field_name(path: JsonPath, data: Any = None) -> str:
    """The field at `path` as a message names it; with the document's `data`, the entries of the lists and maps
    in _NAMED by their name."""
    for i in range(len(path)):
        named = _NAMED.get(path[:i])
        if named is None:
            continue
        field, entry, inside = named
        node = _at(data, path[:i + 1])
        name = (node.get(field) if field is not None and isinstance(path[i], int) and isinstance(node, dict) else
                path[i] if field is None and isinstance(path[i], str) and isinstance(_at(data, path[:i]), dict) else None)
        if not isinstance(name, str) or not name or path[i + 1:i + 2] == (field,):
            continue
        rest = _dotted(path[i + 1:])
        if rest and inside is None:
            continue
        return _(inside if rest and inside else entry).format(name=name, field=rest)
    return _dotted(path)


def _at(data: Any, path: JsonPath) -> Any:
    """The value at `path` in `data`, or None where there is none."""
    for p in path:
        if not ((isinstance(data, list) and isinstance(p, int) and 0 <= p < len(data)) or (isinstance(data, dict) and p in data)):
            return None
        data = data[p]
    return data


def _dotted(path: JsonPath) -> str:
    """'delmål[2].indikatorer[1].id': a path as the manual writes it."""
    return "".join(f"[{p + 1}]" if isinstance(p, int) else ("." if n else "") + p for n, p in enumerate(path))


_TYPE_WORDS = {
    "object": N_("a group of fields"),
    "array": N_("a list"),
    "string": N_("text"),
    "number": N_("a number"),
    "integer": N_("a whole number"),
    "boolean": N_("true or false"),
    "null": N_("empty"),
}


def _type_words(t: Any) -> str:
    if isinstance(t, list):
        # A JSON Schema "type" list holds type names, which are strings.
        return _(" or ").join(_(_TYPE_WORDS[x]) if x in _TYPE_WORDS else x for x in cast("list[str]", t))
    return _(_TYPE_WORDS[t]) if t in _TYPE_WORDS else str(t)


def _value_words(value: Any) -> str:
    if value is None:
        return _("empty")
    if isinstance(value, bool):
        return _("{lower} (yes/no)").format(lower=str(value).lower())
    if isinstance(value, dict):
        return _("a group of fields")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, (int, float)):
        # as YAML read it (600.000 is 600.0), with the language's decimal mark
        written = str(value).replace(".", ",") if isinstance(value, float) and language() == "da" else str(value)
        return _("the number {value}").format(value=written)
    text = str(value)
    return _("the text '{text}'").format(text=text[:60] + ("…" if len(text) > 60 else ""))


def _thousands_guess(value: float) -> str:
    """580.0 (from '580.000') -> '580000': what the author most likely meant."""
    return str(round(value * 1000))

