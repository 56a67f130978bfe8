"""JSON Schema validation with messages in plain words, each at the line of the offending value."""

from __future__ import annotations

import difflib
import json
import math
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from agreement.errors import ContentError, TemplateError, unique
from agreement.resources import SCHEMAS
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
        msg = f"{here or 'the file'} must be {expected}, but it is {_value_words(value)}"
        if not path:
            msg = f"the file must hold the document's fields as 'name: value' lines, but it holds {_value_words(value)}"
        if "number" in expected and isinstance(value, str) and _looks_danish_number(value):
            msg += f"; write numbers with a decimal point and no unit, e.g. {value.replace('.', '').replace(',', '.').rstrip(' %')}"
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
        return [doc.error(path, f"'{value}' is not a valid date for {here}; write dates as YYYY-MM-DD, e.g. 2021-03-01")]
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
        options = [_type_words(_resolve(root, o).get("type", "value")) for o in error.validator_value]
        danish = isinstance(value, str) and _looks_danish_number(value)
        return [doc.error(path, f"{here} must be {' or '.join(options)}, but it is {_value_words(value)}"
                          + ("; write numbers with a decimal point, e.g. 88.9" if danish else ""))]
    return [doc.error(path, f"{here}: {error.message}")]


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


def _looks_danish_number(text: str) -> bool:
    cleaned = text.strip().rstrip("%").strip().replace(".", "")
    return bool(cleaned) and cleaned.replace(",", "", 1).isdigit()
