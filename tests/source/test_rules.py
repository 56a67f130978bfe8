"""Rules across fields of strategic.yaml: references, unique ids, signatories, period."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from agreement.cli import main
from agreement.documents.loader import load_content
from agreement.errors import ContentErrors
from tests.conftest import line_of, replace_line


def _errors(content: Path) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        load_content(content)
    return [str(e) for e in caught.value.errors]


def test_unknown_party_gets_a_suggestion(content: Path) -> None:
    line = replace_line(content / "strategic.yaml", r"^  - akb$", "  - akbb")
    errors = _errors(content)
    assert errors[0] == (f"{errors[0].split(':')[0]}:{line}:5: unknown organisation 'akbb' (did you mean 'akb'?); "
                         "it must be one of the ids in 'organisationer'")


def test_unknown_board_member(content: Path) -> None:
    line = replace_line(content / "strategic.yaml", r"^      - bo-vest$", "      - bovest")
    errors = _errors(content)
    assert any(f":{line}:" in e and "did you mean 'bo-vest'?" in e for e in errors), errors


def test_signatory_must_be_a_party(content: Path) -> None:
    path = content / "strategic.yaml"
    line = replace_line(path, r"^  - part: ab$", "  - part: kab")
    errors = _errors(content)
    assert any(f":{line}:" in e and "'kab' signs, but is not a party" in e for e in errors), errors


def test_duplicate_ids(content: Path) -> None:
    path = content / "strategic.yaml"
    first = line_of(path, r"^  - id: kab$")
    line = replace_line(path, r"^  - id: bo-vest$", "  - id: kab")
    errors = _errors(content)
    assert any(f":{line}:" in e and f"used twice (first on line {first})" in e for e in errors), errors


def test_period_must_run_forward(content: Path) -> None:
    line = replace_line(content / "strategic.yaml", r"^  til: 2025-02-28$", "  til: 2020-02-28")
    errors = _errors(content)
    assert any(f":{line}:" in e and "must end after it starts" in e for e in errors), errors


def test_a_focus_area_described_twice(content: Path) -> None:
    line = replace_line(content / "strategic.yaml", r"^    - navn: Kriminalitetsforebyggelse$", "    - navn: Beskæftigelse")
    errors = _errors(content)
    assert any(f":{line}:" in e and "described twice" in e for e in errors), errors


@pytest.mark.parametrize("other", ["beskæftigelse", "BESKÆFTIGELSE"])
def test_a_focus_area_described_twice_in_another_case_is_refused(content: Path, other: str) -> None:
    """The documents are named after the focus areas: on Windows and macOS, names that differ only in case (or in
    Unicode normal form) are one file, so one delaftale's PDF would replace the other's in the upload."""
    result = CliRunner().invoke(main, ["templates", "export", "lbf-2019-26", str(content / "skabeloner" / "lokal"),
                                       "--content", str(content)])
    assert result.exit_code == 0, result.output
    replace_line(content / "strategic.yaml", r"^skabelon: lbf-2019-26$", "skabelon: lokal")
    replace_line(content / "skabeloner" / "lokal" / "edition.yaml", r"^  - Beskæftigelse$",
                 f"  - Beskæftigelse\n  - {other}")  # the edition allows both; content may describe only one
    line = replace_line(content / "strategic.yaml", r"^    - navn: Kriminalitetsforebyggelse$", f"    - navn: {other}")
    errors = _errors(content)
    assert any(f":{line}:" in e and f"the focus area '{other}' is described twice (also as number 2 'Beskæftigelse', "
               "which differs only in capital letters or in how its letters are encoded); keep one" in e
               for e in errors), errors


@pytest.mark.parametrize("name", ["'..'", "'.'", "'- * -'", "'…'"])
def test_an_area_name_without_letters_is_refused(content: Path, name: str) -> None:
    """The upload files are named after the area; a name of dots and signs would vanish from every one of them."""
    line = replace_line(content / "strategic.yaml", r"^  navn: Albertslund$", f"  navn: {name}")
    errors = _errors(content)
    assert any(f":{line}:9:" in e and f"the area's name '{name[1:-1]}' has no letter or digit" in e for e in errors), errors


def test_rules_speak_danish_by_default(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "da")
    path = content / "strategic.yaml"
    party = replace_line(path, r"^  - akb$", "  - akbb")
    period = replace_line(path, r"^  til: 2025-02-28$", "  til: 2020-02-28")
    errors = _errors(content)
    assert any(f":{party}:5: ukendt organisation 'akbb' (mente du 'akb'?); den skal være et af id'erne i 'organisationer'" in e
               for e in errors), errors
    assert any(f":{period}:" in e and "perioden skal slutte, efter den begynder (2021-03-01); tjek 'fra' og 'til'" in e
               for e in errors), errors
