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
        raise TemplateError(f"schema not found: {path}") from None
    except json.JSONDecodeError as exc:
        raise TemplateError(f"schema {path} is invalid: {exc}") from None
    if isinstance(name, Path):
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import SchemaError

        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            raise TemplateError(f"schema {path} is invalid: {exc}") from None
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
    return f" (did you mean '{close[0]}'?)" if close else ""


def _translate(doc: YamlDocument, error: ValidationError, root: dict[str, Any]) -> list[ContentError]:
    path = tuple(error.absolute_path)
    kind = error.validator
    value = error.instance
    here = _field_name(path)

    if kind == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = [k for k in value if k not in allowed]
        return [
            doc.error(path + (k,), f"unknown field '{k}'{here and ' in ' + here}{suggest(k, allowed)}; "
                      f"allowed fields are: {', '.join(sorted(allowed))}", key=True)
            for k in extra
        ]
    if kind == "required":
        unknown = [k for k in value if k not in error.schema.get("properties", {})]
        # A misspelt field is reported once, as unknown with a "did you mean", not also as missing.
        missing = [k for k in error.validator_value if k not in value
                   and not difflib.get_close_matches(k, unknown, n=1, cutoff=0.6)]
        where = f"'{here}'" if here else "the file"
        return [doc.error(path, f"{where} is missing the required field '{k}'" + _describe_field(error.schema, k), key=True)
                for k in missing]
    if kind == "type":
        expected = _type_words(error.validator_value)
        quote = _quote_hint(doc, path, value) if "text" in expected else None
        msg = f"{here or 'the file'} must be {expected}, but {quote or 'it is ' + _value_words(value)}"
        if not path:
            msg = f"the file must hold the document's fields as 'name: value' lines, but it holds {_value_words(value)}"
        if "number" in expected and isinstance(value, str):
            msg += _number_hint(value, whole=error.validator_value == "integer")
        elif error.validator_value == "integer" and isinstance(value, float) and math.isfinite(value):
            msg += f"; if you wrote {value:.3f} with a thousands dot, write {_thousands_guess(value)} without dots"
        return [doc.error(path, msg)]
    if kind == "const":  # the one value a field may have, such as underskrevet: true
        wanted = "true" if error.validator_value is True else json.dumps(error.validator_value, ensure_ascii=False)
        hint = error.schema.get("description", "")
        return [doc.error(path, f"{here} can only be {wanted}, but it is {_value_words(value)}"
                                + (f" ({hint})" if hint else "") + "; write that, or leave the field out")]
    if kind == "enum":
        choices = [str(c) for c in error.validator_value]
        return [doc.error(path, f"'{value}' is not allowed for {here}{suggest(value, choices)}; choose one of: {', '.join(choices)}")]
    if (kind == "format" and error.validator_value == "date") or (kind == "pattern" and _is_date_schema(error.schema)):
        return [doc.error(path, f"'{value}' is not a valid date for {here}; {_date_hint(str(value))}")]
    if kind == "pattern":
        if error.schema.get("pattern", "").startswith("^[a-z0-9]"):
            return [doc.error(path, f"'{value}' is not a valid id for {here}; "
                                    "use small letters a-z, digits and single hyphens, e.g. 'albertslund-kommune'")]
        if "\\n" in error.schema.get("pattern", ""):
            if not str(value).strip():
                return [doc.error(path, f"{here} must not be empty")]
            return [doc.error(path, f"{here} must be text on one line; remove the line breaks")]
        return [doc.error(path, f"'{value}' does not have the form {here} needs: {error.schema.get('description', '')}")]
    if kind == "minLength":
        return [doc.error(path, f"{here} must not be empty")]
    if kind == "minItems":
        n = error.validator_value
        return [doc.error(path, f"{here} needs at least {n} {'entry' if n == 1 else 'entries'}")]
    if kind == "maxItems":
        return [doc.error(path, f"{here} may have at most {error.validator_value} entries")]
    if kind == "uniqueItems":
        seen, dup = set(), None
        for i, item in enumerate(value):
            key = json.dumps(item, sort_keys=True)
            if key in seen:
                dup = i
                break
            seen.add(key)
        spot = path + (dup,) if dup is not None else path
        return [doc.error(spot, f"'{value[dup] if dup is not None else ''}' is listed twice in {here}; remove one")]
    if kind in ("minimum", "exclusiveMinimum"):
        word = "at least" if kind == "minimum" else "more than"
        return [doc.error(path, f"{here} must be {word} {error.validator_value}, but it is {value}")]
    if kind in ("maximum", "exclusiveMaximum"):
        word = "at most" if kind == "maximum" else "less than"
        return [doc.error(path, f"{here} must be {word} {error.validator_value}, but it is {value}")]
    if kind in ("oneOf", "anyOf"):
        branches = [_resolve(root, o) for o in error.validator_value]
        fitting = _fitting_branch(branches, value)
        if fitting is not None:
            # The value has the shape of one of the choices: what is wrong is inside it, so say that, there.
            inner = [e for e in error.context or () if e.relative_schema_path and e.relative_schema_path[0] == fitting]
            if inner:
                return [t for e in inner for t in _translate(doc, e, root)]
        options = list(dict.fromkeys(_option_words(b) for b in branches))
        quote = _quote_hint(doc, path, value) if "text" in options else None
        hint = _number_hint(value, whole=False) if isinstance(value, str) and "a number" in options else ""
        return [doc.error(path, f"{here} must be {_or(options)}, but {quote or 'it is ' + _value_words(value)}{hint}")]
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


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _quote_hint(doc: YamlDocument, path: JsonPath, value: Any) -> str | None:
    """For text that YAML read as something else (00000013, yes, 12:30, [Per]), how it was read and what to write."""
    written = doc.written.get(path)
    if written is None:
        return None
    if isinstance(value, (list, dict)):
        brackets = "square brackets" if isinstance(value, list) else "curly brackets"
        inner = written[1:-1].strip()
        return (f"the {brackets} make YAML read {written} as {_value_words(value)}; write the text without them "
                f"({inner}), or put it in quotes if they belong to the text: {quoted(written)}")
    return f"YAML reads {written} as {_value_words(value)}; put it in quotes to keep it as written: {quoted(written)}"


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
    without = [w for w, yes in (("thousands dots", dotted), ("spaces", spaced != rest),
                                (f"'{unit.group(1) if unit else ''}'", unit is not None)) if yes]
    how = [w for w, yes in (("with a decimal point", "," in spaced), ("without " + _or(without) if without else "", without),
                            ("without quotes", not without and "," not in spaced)) if yes]
    return f"; write {number}, " + " and ".join(how)


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _date_hint(value: str) -> str:
    """What is wrong with a date: its form, or a day its month does not have."""
    written = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", value)
    if written is None:
        return "write dates as YYYY-MM-DD, e.g. 2021-03-01"
    year, month, day = (int(n) for n in written.groups())
    if not 1 <= month <= 12:
        return f"there is no month {month}; write dates as YYYY-MM-DD, e.g. 2021-03-01"
    days = calendar.monthrange(year, month)[1]
    if month == 2 and day == 29:
        return f"there is no 29 February in {year}, which is not a leap year; check the day"
    if day == 0:
        return "there is no day 0 in a month; check the day"
    return f"there is no {day} {_MONTHS[month - 1]}, which has {days} days; check the day"


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


def _field_name(path: JsonPath) -> str:
    parts: list[str] = []
    for p in path:
        if isinstance(p, int):
            parts.append(f"[{p + 1}]")
        else:
            parts.append(("." if parts else "") + p)
    return "".join(parts)


_TYPE_WORDS = {
    "object": "a group of fields",
    "array": "a list",
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "empty",
}


def _type_words(t: Any) -> str:
    if isinstance(t, list):
        # A JSON Schema "type" list holds type names, which are strings.
        return " or ".join(_TYPE_WORDS.get(x, x) for x in cast("list[str]", t))
    return _TYPE_WORDS.get(t, str(t))


def _value_words(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (yes/no)"
    if isinstance(value, dict):
        return "a group of fields"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    text = str(value)
    return f"the text '{text[:60]}{'…' if len(text) > 60 else ''}'"


def _thousands_guess(value: float) -> str:
    """580.0 (from '580.000') -> '580000': what the author most likely meant."""
    return str(round(value * 1000))

