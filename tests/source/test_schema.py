"""The schema: valid against its meta-schema, strict, described; and errors at the offending line."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from agreement.documents.loader import load_content
from agreement.errors import ContentErrors, TemplateError
from agreement.source import schema
from agreement.source.schema import load_schema
from tests.conftest import ROOT, line_of, replace_line

SCHEMAS = sorted((ROOT / "agreement" / "schemas").glob("*.schema.json"))


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.name for p in SCHEMAS])
def test_schema_is_valid_2020_12(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def _walk(node, where="#"):
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from _walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{where}/{i}")


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.name for p in SCHEMAS])
def test_every_field_is_described_and_every_object_closed(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    for where, node in _walk(schema):
        for name, prop in node.get("properties", {}).items() if isinstance(node.get("properties"), dict) else []:
            assert prop.get("description"), f"{where}/properties/{name} has no description"
        if node.get("type") == "object":
            assert node.get("additionalProperties") is False, f"{where} accepts unknown keys"


def test_sample_content_is_valid() -> None:
    load_content(ROOT / "content")


def _errors(content: Path) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        load_content(content)
    return [str(e) for e in caught.value.errors]


# (pattern of the line to change, replacement, words the message must contain)
MUTATIONS = [
    (r"^  navn: Albertslund$", "  nanv: Albertslund", "unknown field 'nanv' in område (did you mean 'navn'?)"),
    (r"^  fra: 2021-03-01$", "  fra: 1. marts 2021", "not a valid date"),
    (r"^  til: 2025-02-28$", "  til: 2025-02-30", "not a valid date"),
    (r"^status: endelig$", "status: færdig", "choose one of: udkast, endelig"),
    (r"møder_pr_år: 2$", "møder_pr_år: to", "must be a whole number"),
    (r"baseline_boligområde: 88.9$", "baseline_boligområde: \"88,9 %\"", "decimal point"),
    (r"^        årsværk: 1$", "        årsværk: 0", "must be more than 0"),
    (r"navn: Beskæftigelse$", "navn: Beskæftigelsen", "did you mean 'Beskæftigelse'?"),
    (r"^  - id: kab$", "  - id: KAB", "not a valid id"),
    (r"valgt: true$", "valgt: ja", "must be true or false"),
    (r"^    titel: Formand$", "    titel: ''", "must not be empty"),
]


@pytest.mark.parametrize(("pattern", "replacement", "message"), MUTATIONS, ids=[m[2][:40] for m in MUTATIONS])
def test_schema_error_points_at_the_changed_line(content: Path, pattern: str, replacement: str, message: str) -> None:
    line = replace_line(content / "strategic.yaml", pattern, replacement)
    errors = _errors(content)
    assert any(f"strategic.yaml:{line}:" in e and message in e for e in errors), errors


def test_a_thousands_dot_in_an_amount_is_caught_not_read_as_a_decimal(content: Path) -> None:
    path = content / "budget.yaml"
    line = replace_line(path, r"beløb: \[580000, 580000, 580000, 580000\]", "beløb: [580.000, 580000, 580000, 580000]")
    errors = _errors(content)
    assert any(f"budget.yaml:{line}:" in e and "must be a whole number" in e
               and "if you wrote 580.000 with a thousands dot, write 580000 without dots" in e for e in errors), errors


def test_missing_required_field_points_at_its_parent(content: Path) -> None:
    path = content / "strategic.yaml"
    replace_line(path, r"^    møder_pr_år: 2$", "")
    errors = _errors(content)
    parent = line_of(path, r"^  bestyrelse:$")
    assert any(f":{parent}:" in e and "missing the required field 'møder_pr_år'" in e for e in errors), errors


def test_wrong_top_level_type(content: Path) -> None:
    (content / "strategic.yaml").write_text("- en\n- liste\n", encoding="utf-8")
    errors = _errors(content)
    assert len(errors) == 1
    assert "strategic.yaml:1:1:" in errors[0] and "name: value" in errors[0]


def test_all_errors_are_reported_in_one_run(content: Path) -> None:
    path = content / "strategic.yaml"
    first = replace_line(path, r"^  navn: Albertslund$", "  nanv: Albertslund")
    second = replace_line(path, r"^  fra: 2021-03-01$", "  fra: 2021-3-1")
    third = replace_line(path, r"^status: endelig$", "status: klar")
    lines = {int(e.split(":")[1]) for e in _errors(content)}
    assert {first, second, third} <= lines


def test_missing_content_folder(tmp_path: Path) -> None:
    errors = _errors(tmp_path / "nowhere")
    assert "content folder not found" in errors[0]


def test_a_schema_given_as_a_path_is_checked_against_the_meta_schema(tmp_path: Path) -> None:
    path = tmp_path / "broken.schema.json"
    path.write_text('{"type": "objekt"}', encoding="utf-8")
    with pytest.raises(TemplateError, match="is invalid"):
        load_schema(path)


BOUNDS = [{}, {"minimum": 0}, {"maximum": 10}, {"exclusiveMinimum": 0}, {"exclusiveMaximum": 10},
          {"exclusiveMinimum": 0, "exclusiveMaximum": 10}, {"minimum": 0, "maximum": 10}, {"maximum": 9.5},
          {"multipleOf": 0.5}, {"enum": [1.0, 2]}]
VALUES = [-1, -1.0, 0, 0.0, 0.5, 1, 1.0, 9.0, 9.5, 10, 10.0, 11.0, 580.0, 580, True, "x", None]


@pytest.mark.parametrize("kind", ["integer", "number"])
@pytest.mark.parametrize("bounds", BOUNDS, ids=[json.dumps(b) for b in BOUNDS])
def test_the_quick_validator_never_passes_what_jsonschema_refuses(kind: str, bounds: dict) -> None:
    from agreement.source.schema import _passes_quickly, _strict_validator

    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
              "properties": {"v": {"type": kind, **bounds}, "liste": {"type": "array", "items": {"type": kind, **bounds}}}}
    strict = _strict_validator()(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    quick_passes = 0
    for value in VALUES:
        for data in ({"v": value}, {"liste": [1, value]}):
            valid = not list(strict.iter_errors(data))
            quick = _passes_quickly(data, schema)
            assert valid or not quick, (data, schema)
            quick_passes += quick
    assert quick_passes > 0  # the quick path does answer for this schema


def test_the_sample_passes_the_quick_validator_though_it_holds_whole_number_floats() -> None:
    from agreement.source.schema import _leaves, _passes_quickly, _whole_float
    from agreement.source.yamlload import load_yaml

    doc = load_yaml(ROOT / "content" / "strategic.yaml")
    assert any(_whole_float(value) for value in _leaves(doc.data))
    from agreement.editions import find

    assert _passes_quickly(doc.data, load_schema("strategic", find(doc.data["skabelon"]).focus_areas))


def _leaves(node: object, path: tuple = ()) -> list[tuple]:
    if isinstance(node, dict):
        return [leaf for key, value in node.items() for leaf in _leaves(value, (*path, key))]
    if isinstance(node, list):
        return [leaf for i, value in enumerate(node) for leaf in _leaves(value, (*path, i))]
    return [path]


def _replaced(node: object, path: tuple, value: object) -> object:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        return {k: _replaced(v, rest, value) if k == head else v for k, v in node.items()}
    assert isinstance(node, list)
    return [_replaced(v, rest, value) if i == head else v for i, v in enumerate(node)]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, width=32)
    | st.sampled_from([0.0, 1.0, 100.0, 101.0, 580.0, -1.0, 2021.0]) | st.text(max_size=12)
    | st.sampled_from(["2021-03-01", "2021-3-1", "2021-02-30", "albertslund-kommune", "A B", "", "x\ny", "planlagt",
                       "0000-01-01", "0000-02-29", "\x85", " \x1c ", "\ufeff", "2021-K1\n"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6)


def _at(node: object, path: tuple) -> object:
    for part in path:
        node = node[part]  # type: ignore[index]
    return node


def _like(value: object) -> st.SearchStrategy:
    """Mostly a value of the same kind (so that many pass), sometimes anything."""
    same: st.SearchStrategy
    if isinstance(value, bool):
        same = st.booleans()
    elif isinstance(value, int):
        same = st.integers(-10, 10**7) | st.integers(-10, 10**7).map(float) | st.just(float(value))
    elif isinstance(value, float):
        same = st.floats(-10, 10**4, allow_nan=False) | st.integers(-10, 10**4) | st.integers(-10, 10**4).map(float)
    elif isinstance(value, str):
        same = (st.text(min_size=1, max_size=20) | st.just(value + " mere")
                | st.sampled_from(["2021-03-01", "2021-3-1", "2021-02-30", "nået", "x\ny", "0000-01-01", "\x85",
                                   " \x1c ", "\u2028"]))
    else:
        same = JSON_VALUES
    return st.one_of(same, same, same, JSON_VALUES)


@settings(derandomize=True, max_examples=300, deadline=None, database=None)
@given(data=st.data())
def test_the_quick_validator_agrees_with_jsonschema_on_changed_sample_files(data: st.DataObject) -> None:
    """Any one value of a sample file replaced by any JSON value: a quick pass is never a jsonschema failure."""
    from agreement.editions import find
    from agreement.source.schema import _passes_quickly, _strict_validator
    from agreement.source.yamlload import load_yaml

    name = data.draw(st.sampled_from(["strategic", "budget", "milepaelsplan", "beredskabsplan", "kommissorium",
                                      "delaftaler/beskaeftigelse"]))
    doc = load_yaml(ROOT / "content" / f"{name}.yaml")
    schema = load_schema(name.replace("delaftaler/beskaeftigelse", "delaftale"), find("lbf-2019-26").focus_areas)
    path = data.draw(st.sampled_from(_leaves(doc.data)))
    depth = data.draw(st.sampled_from([len(path)] * 3) | st.integers(1, len(path)))  # mostly a leaf
    changed = _replaced(doc.data, path[:depth], data.draw(_like(_at(doc.data, path[:depth]))))
    quick = _passes_quickly(changed, schema)
    event(f"quick check: {'passes' if quick else 'refers to jsonschema'}")
    if quick:
        strict = _strict_validator()(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        assert not list(strict.iter_errors(changed)), (name, path)


@pytest.mark.parametrize(("field", "value"), [("date", "0000-01-01"), ("date", "0000-02-29"), ("text", "\x85"),
                                              ("text", " \x1c\x1d "), ("text", "\x85\x85")])
def test_what_the_two_validators_read_differently_is_left_to_jsonschema(field: str, value: str) -> None:
    from agreement.source.schema import _passes_quickly, _strict_validator

    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
              "properties": {"date": {"type": "string", "format": "date"},
                             "text": {"type": "string", "pattern": "^[^\\n]*\\S[^\\n]*$"}}}
    strict = _strict_validator()(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert list(strict.iter_errors({field: value}))
    assert not _passes_quickly({field: value}, schema)


def test_a_schema_from_outside_the_package_is_validated_by_jsonschema_alone(tmp_path: Path) -> None:
    from agreement.source.schema import check_schema
    from agreement.source.yamlload import load_yaml

    path = tmp_path / "x.schema.json"
    # \\D: any non-digit in jsonschema-rs's dialect, but Arabic digits are digits to Python's re.
    path.write_text(json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
                                "properties": {"v": {"type": "string", "pattern": "^\\D+$"}}}), encoding="utf-8")
    doc_path = tmp_path / "x.yaml"
    doc_path.write_text("v: \"\u0662\"\n", encoding="utf-8")
    errors, _ = check_schema(load_yaml(doc_path), load_schema(path))
    assert errors and errors[0].location.line == 1


@pytest.mark.parametrize(("line", "block", "message"), [
    (r"^  navn: Albertslund$", "  navn: |\n    Albertslund", "must be text on one line"),
    (r"^  - id: ab$", "  - id: |\n      ab", "is not a valid id"),
])
def test_a_one_line_value_written_as_a_block_is_refused(content: Path, line: str, block: str, message: str) -> None:
    """A block (|) ends in a line break; Python's $ would let it pass, so the patterns end in (?![\\s\\S])."""
    at = replace_line(content / "strategic.yaml", line, block)
    errors = _errors(content)
    assert any(f"strategic.yaml:{at}:" in e and message in e for e in errors), errors


def test_ctrl_c_while_jsonschema_rs_runs_ends_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    # jsonschema-rs prints a KeyboardInterrupt raised in Python code it runs (the date check) as "ignored" and
    # goes on: a build then ran on instead of ending "interrupted". The stand-in below does the same with a
    # Ctrl-C that arrives while it compiles the schema.
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        pytest.skip("Ctrl-C is not Python's KeyboardInterrupt in this process")
    import jsonschema_rs

    real = jsonschema_rs.validator_for
    swallowed: list[BaseException] = []

    def validator_for(*args: object, **kwargs: object) -> object:
        try:
            signal.raise_signal(signal.SIGINT)  # Ctrl-C, pressed now
            time.sleep(0)
        except KeyboardInterrupt as exc:  # what jsonschema-rs does with it
            swallowed.append(exc)
        return real(*args, **kwargs)

    monkeypatch.setattr(jsonschema_rs, "validator_for", validator_for)
    schema._fast_validator.cache_clear()  # compiled again, by the stand-in
    try:
        with pytest.raises(KeyboardInterrupt):
            schema._passes_quickly({"dato": "2025-01-31"},
                                   {"type": "object", "properties": {"dato": {"type": "string", "format": "date"}}})
    finally:
        schema._fast_validator.cache_clear()
    assert not swallowed
