"""The schema: valid against its meta-schema, strict, described; and errors at the offending line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from agreement.documents.loader import load_content
from agreement.errors import ContentErrors, TemplateError
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
        if node.get("type") == "object" and "propertyNames" not in node:
            assert node.get("additionalProperties") is False, f"{where} accepts unknown keys"
        elif node.get("type") == "object":  # a map by id (baseline by indicator id): a rule refuses unknown ids
            assert isinstance(node.get("additionalProperties"), dict), f"{where} has no schema for its values"


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
    (r"møder_pr_år: 2$", "møder_pr_år: 2.5", "must be a whole number"),
    (r"møder_pr_år: 2$", "møder_pr_år: to", "'to' does not have the form organisering.bestyrelse.møder_pr_år needs: "
     "Hvor mange gange om året bestyrelsen mødes: et tal, f.eks. 4, eller et interval, f.eks. 3-4"),
    (r"boligområde: 88.9$", "boligområde: \"88,9 %\"", "decimal point"),
    (r"underskrevet: true  # skrev under uden at datere underskriften$", "underskrevet: false",
     "underskrifter[1].underskrevet can only be true, but it is false"),
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


def test_a_schema_from_outside_the_package_locates_its_errors(tmp_path: Path) -> None:
    from agreement.source.schema import check_schema
    from agreement.source.yamlload import load_yaml

    path = tmp_path / "x.schema.json"
    # \\D in Python's dialect: Arabic digits are digits too.
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


DANISH_MUTATIONS = [
    (r"^  navn: Albertslund$", "  nanv: Albertslund", "ukendt felt 'nanv' i område (mente du 'navn'?); de tilladte felter er:"),
    (r"^  til: 2025-02-28$", "  til: 2025-02-30",
     "'2025-02-30' er ikke en gyldig dato i periode.til; der er ingen 30. februar, som har 28 dage; ret dagen"),
    (r"møder_pr_år: 2$", "møder_pr_år: 2.5", "organisering.bestyrelse.møder_pr_år skal være et helt tal eller tekst, men er tallet 2,5"),
    (r"underskrevet: true  # skrev under uden at datere underskriften$", "underskrevet: false",
     "underskrifter[1].underskrevet kan kun være true, men er false (ja/nej)"),
    (r"^        årsværk: 1$", "        årsværk: 0", "skal være mere end 0, men er 0"),
    (r"^    titel: Formand$", "    titel: ''", "må ikke være tom"),
]


@pytest.mark.parametrize(("pattern", "replacement", "message"), DANISH_MUTATIONS, ids=[m[2][:40] for m in DANISH_MUTATIONS])
def test_schema_errors_are_danish_by_default(content: Path, monkeypatch: pytest.MonkeyPatch, pattern: str, replacement: str,
                                             message: str) -> None:
    monkeypatch.setenv("LANGUAGE", "da")
    line = replace_line(content / "strategic.yaml", pattern, replacement)
    errors = _errors(content)
    assert any(f"strategic.yaml:{line}:" in e and message in e for e in errors), errors


FOLLOW_UP = "opfoelgning/2021.yaml"
LATER_FOLLOW_UP = "opfoelgning/2022.yaml"


def _danish(content: Path) -> str:
    from click.testing import CliRunner

    from agreement.cli import main

    return CliRunner().invoke(main, ["--sprog", "da", "check", "--content", str(content)]).output


def _in_both_languages(content: Path, file: str, line: int, column: int, english: str, danish: str,
                       absent: str | None = None) -> None:
    """`check` gives `english` at file:line:column, and `danish` there with --sprog da; `absent` is in neither."""
    from tests.conftest import expect_error

    lines = expect_error(content, file, line, f":{column}: {english}")
    output = _danish(content)
    assert f"{file}:{line}:{column}: {danish}" in output, output
    assert absent is None or (absent not in "\n".join(lines) and absent not in output)


# Follow-up values named in words (not 'målinger[1].boligområde'), each with how to fix it, in both languages.
NAMED_IN_WORDS = [
    pytest.param(FOLLOW_UP, r"^    boligområde: 89.4$", "    boligområde: 89,4", 18,
                 "'dagtilbud' boligområde must be a number, but it is the text '89,4'; write 89.4, with a decimal point",
                 "'dagtilbud' boligområde skal være et tal, men er teksten '89,4'; skriv 89.4, med decimalpunktum",
                 "målinger[", id="a measurement by its indicator"),
    pytest.param(LATER_FOLLOW_UP, r"^  sundhedsmodul: forsinket$", "  sundhedsmodul: udsat", 18,
                 "'udsat' is not allowed for the status of the milestone 'sundhedsmodul'; choose one of: planlagt, i gang",
                 "'udsat' er ikke tilladt i status for milepælen 'sundhedsmodul'; vælg en af: planlagt, i gang",
                 "milepæle.", id="a milestone's status by the milestone"),
    pytest.param(FOLLOW_UP, r"^    deltagere: 47$", "    deltagere: mange", 16,
                 "the deltagere of the activity 'fremskudt-raadgivning' must be a whole number, but it is the text 'mange'; "
                 "write a whole number in digits",
                 "deltagere for aktiviteten 'fremskudt-raadgivning' skal være et helt tal, men er teksten 'mange'; skriv et "
                 "helt tal med cifre", "aktiviteter.", id="a whole number in words: write it in digits"),
    pytest.param(FOLLOW_UP, r"^    boligområde: 89.4$", "    boligområde: ca. 89,4", 18,
                 "'dagtilbud' boligområde must be a number, but it is the text 'ca. 89,4'; write the number alone, with a "
                 "decimal point, e.g. 89.4",
                 "'dagtilbud' boligområde skal være et tal, men er teksten 'ca. 89,4'; skriv kun tallet, med decimalpunktum, "
                 "f.eks. 89.4", "målinger[", id="a number with words: write the number alone"),
]


@pytest.mark.parametrize(("file", "pattern", "replacement", "column", "english", "danish", "absent"), NAMED_IN_WORDS)
def test_a_follow_up_value_is_named_in_words(content: Path, file: str, pattern: str, replacement: str, column: int,
                                             english: str, danish: str, absent: str) -> None:
    line = replace_line(content / file, pattern, replacement)
    _in_both_languages(content, file, line, column, english, danish, absent)


def test_a_measurement_missing_its_value_or_with_an_unknown_field_is_named_by_its_indicator(content: Path) -> None:
    from tests.conftest import expect_error

    replace_line(content / FOLLOW_UP, r"^    boligområde: 5.4$", "    note: Tallet kom for sent.")
    unknown = replace_line(content / FOLLOW_UP, r"^    kommune: 92.6$", "    komune: 92.6")
    item = line_of(content / FOLLOW_UP, r"^  - indikator: karakterer$")
    lines = expect_error(content, FOLLOW_UP, item, ":5: 'karakterer' is missing the required field 'boligområde' (")
    assert any(f":{unknown}:5: unknown field 'komune' in 'dagtilbud' (did you mean 'kommune'?)" in m for m in lines), lines
    danish = _danish(content)
    assert f"{FOLLOW_UP}:{item}:5: 'karakterer' mangler det påkrævede felt 'boligområde' (" in danish
    assert f"{FOLLOW_UP}:{unknown}:5: ukendt felt 'komune' i 'dagtilbud' (mente du 'kommune'?)" in danish


def test_a_measurement_whose_indicator_is_wrong_is_named_by_its_place(content: Path) -> None:
    from tests.conftest import expect_error

    line = replace_line(content / FOLLOW_UP, r"^  - indikator: karakterer$", "  - indikator: Karakterer")
    expect_error(content, FOLLOW_UP, line, "'Karakterer' is not a valid id for målinger[2].indikator")




def test_an_activitys_status_and_participants_are_named_by_the_activity(content: Path) -> None:
    from tests.conftest import expect_error

    status = replace_line(content / FOLLOW_UP, r"^    status: justeret$", "    status: igang")
    count = replace_line(content / FOLLOW_UP, r"^    deltagere: 18$", "    deltagere: ca. 14")
    lines = expect_error(content, FOLLOW_UP, status, ":13: 'igang' is not allowed for the status of the activity 'aktivt-liv' "
                                                     "(did you mean 'i gang'?)")
    assert any(f":{count}:16: the deltagere of the activity 'aktivt-liv' must be a whole number, but it is the text 'ca. 14'; "
               "write the number alone, as a whole number, e.g. 14" in m for m in lines), lines
    assert "aktiviteter." not in "\n".join(lines)
    danish = _danish(content)
    assert (f"{FOLLOW_UP}:{status}:13: 'igang' er ikke tilladt i status for aktiviteten 'aktivt-liv' (mente du 'i gang'?)"
            in danish), danish
    assert (f"{FOLLOW_UP}:{count}:16: deltagere for aktiviteten 'aktivt-liv' skal være et helt tal, men er teksten 'ca. 14'; "
            "skriv kun tallet, som et helt tal, f.eks. 14") in danish, danish


def test_an_activity_missing_its_status_or_with_an_unknown_field_is_named_by_its_id(content: Path) -> None:
    from tests.conftest import expect_error

    replace_line(content / FOLLOW_UP, r"^    status: i gang$", "    # status: i gang")  # faglig-stoette's, the first
    item = line_of(content / FOLLOW_UP, r"^  faglig-stoette:$")
    unknown = replace_line(content / FOLLOW_UP, r"^    deltagere: 22$", "    deltager: 22")
    lines = expect_error(content, FOLLOW_UP, item, ":3: the activity 'faglig-stoette' is missing the required field 'status' (")
    assert any(f":{unknown}:5: unknown field 'deltager' in the activity 'uddannelsesvejledning' (did you mean 'deltagere'?)"
               in m for m in lines), lines
    danish = _danish(content)
    assert f"{FOLLOW_UP}:{item}:3: aktiviteten 'faglig-stoette' mangler det påkrævede felt 'status' (" in danish, danish
    assert (f"{FOLLOW_UP}:{unknown}:5: ukendt felt 'deltager' i aktiviteten 'uddannelsesvejledning' (mente du 'deltagere'?)"
            in danish), danish


def test_spending_and_financing_are_named_by_their_line_and_organisation(content: Path) -> None:
    from tests.conftest import expect_error

    spent = replace_line(content / FOLLOW_UP, r"^  Kontorhold og IT: \d+$", "  Kontorhold og IT: 24.600")
    paid = replace_line(content / FOLLOW_UP, r"^  ab: \d+$", "  ab: -50000")
    lines = expect_error(content, FOLLOW_UP, spent, ":21: the spending on 'Kontorhold og IT' must be a whole number, but it is "
                                                    "the number 24.6; if you wrote 24.600 with a thousands dot, write 24600")
    assert any(f":{paid}:7: the financing from 'ab' must be at least 0, but it is -50000" in m for m in lines), lines
    assert "forbrug." not in "\n".join(lines) and "finansiering." not in "\n".join(lines)
    danish = _danish(content)
    assert (f"{FOLLOW_UP}:{spent}:21: forbruget på 'Kontorhold og IT' skal være et helt tal, men er tallet 24,6; hvis du "
            "skrev 24.600") in danish, danish
    assert f"{FOLLOW_UP}:{paid}:7: finansieringen fra 'ab' skal være mindst 0, men er -50000" in danish, danish


