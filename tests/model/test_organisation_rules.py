"""The board and the follow-up groups: each contradiction or gap refused at its line, saying how to fix it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreement.cli import main
from tests.conftest import ROOT, line_of, replace_line
from tests.conftest import expect_error as _expect

UDD = "delaftaler/uddannelse-og-livschancer.yaml"
BESK = "delaftaler/beskaeftigelse.yaml"
RINGPARKEN = ROOT / "tests" / "fixtures" / "areas" / "ringparken"


@pytest.fixture
def ringparken(tmp_path: Path) -> Path:
    target = tmp_path / "ringparken"
    shutil.copytree(RINGPARKEN, target)
    return target


def test_the_new_forms_check() -> None:
    result = CliRunner().invoke(main, ["check", "--content", str(RINGPARKEN)])
    assert result.exit_code == 0, result.output


def test_a_delaftale_names_a_group_that_follows_another_area(content: Path) -> None:
    line = replace_line(content / UDD, r"^følgegruppe: fg-uddannelse$", "følgegruppe: fg-beskaeftigelse")
    group = line_of(content / "strategic.yaml", r"- id: fg-beskaeftigelse$")
    _expect(content, UDD, line, "the follow-up group 'fg-beskaeftigelse'", f"line {group}",
            "does not follow this delaftale's focus area 'Uddannelse og livschancer'",
            "name a group that follows it (fg-uddannelse)")


def test_one_of_several_groups_does_not_follow_the_area(content: Path) -> None:
    replace_line(content / UDD, r"^følgegruppe: fg-uddannelse$", "følgegruppe:\n  - fg-uddannelse\n  - fg-beskaeftigelse")
    _expect(content, UDD, line_of(content / UDD, r"^  - fg-beskaeftigelse$"), "'fg-beskaeftigelse'",
            "does not follow", "name a group that follows it (fg-uddannelse)")


def test_a_chosen_area_nobody_follows(content: Path) -> None:
    strategic = content / "strategic.yaml"
    replace_line(strategic, r"indsatsområde: Beskæftigelse$", "indsatsområde: Uddannelse og livschancer")
    valgt = line_of(strategic, r"valgt: true", start=line_of(strategic, r"- navn: Beskæftigelse$"))
    _expect(content, "strategic.yaml", valgt, "no follow-up group follows the chosen focus area 'Beskæftigelse'",
            "indsatsområde: Beskæftigelse")


def test_a_group_follows_an_area_that_is_not_chosen(content: Path) -> None:
    strategic = content / "strategic.yaml"
    line = replace_line(strategic, r"indsatsområde: Beskæftigelse$",
                        "indsatsområder: [Beskæftigelse, Kriminalitetsforebyggelse]")
    valgt = line_of(strategic, r"valgt: false", start=line_of(strategic, r"- navn: Kriminalitetsforebyggelse$"))
    _expect(content, "strategic.yaml", line, "follows 'Kriminalitetsforebyggelse', which is not chosen", f"line {valgt}")


def test_a_group_of_an_unknown_housing_area(ringparken: Path) -> None:
    line = replace_line(ringparken / "strategic.yaml", r"boligområde: Motalavej$", "boligområde: Motalavejen")
    _expect(ringparken, "strategic.yaml", line, "'Motalavejen' is not one of the housing areas",
            "did you mean 'Motalavej'?", "Ringparken, Motalavej, Sydbyen")


def test_a_group_that_follows_nothing_or_two_things(ringparken: Path) -> None:
    strategic = ringparken / "strategic.yaml"
    line = replace_line(strategic, r"^        boligområde: Sydbyen$", "        indsatsområde: Beskæftigelse")
    replace_line(strategic, r"^        boligområde: Motalavej$", "")
    group = line_of(strategic, r"- id: fg-motalavej$")
    lines = _expect(ringparken, "strategic.yaml", group, "'fg-motalavej' does not say what it follows", "boligområde")
    assert not [m for m in lines if f":{line}:" in m], lines  # one of the three is fine
    replace_line(strategic, r"^        indsatsområde: Beskæftigelse$", "        indsatsområde: Beskæftigelse\n        boligområde: Sydbyen")
    _expect(ringparken, "strategic.yaml", line + 1, "already follows its 'indsatsområde'", "keep one")


def test_a_copied_delaftale_is_reported_as_a_duplicate(content: Path) -> None:
    """Copying a delaftale (as init's comments suggest) repeats its activity ids: a duplicate, not a wrong area."""
    strategic = content / "strategic.yaml"
    replace_line(strategic, r"valgt: false", "valgt: true")  # Kriminalitetsforebyggelse, the next area
    replace_line(strategic, r"indsatsområde: Beskæftigelse$",
                 "indsatsområder: [Beskæftigelse, Kriminalitetsforebyggelse]")
    copy = content / "delaftaler" / "kriminalitet.yaml"
    shutil.copy(content / BESK, copy)
    replace_line(copy, r"^indsatsområde: Beskæftigelse$", "indsatsområde: Kriminalitetsforebyggelse")
    first = line_of(content / BESK, r"^  - id: aktivt-liv$")
    lines = _expect(content, "delaftaler/kriminalitet.yaml", line_of(copy, r"^  - id: aktivt-liv$"),
                    "the activity id 'aktivt-liv' is already used in", "beskaeftigelse.yaml", f"(line {first})")
    assert not [m for m in lines if "belongs to the delaftale" in m], lines


def test_a_seat_without_representation(ringparken: Path) -> None:
    line = replace_line(ringparken / "strategic.yaml", r"- \{organisation: politi, repræsentation: politidirektøren\}",
                        "- politi")
    _expect(ringparken, "strategic.yaml", line, "the seat of 'politi' does not say who represents the organisation",
            "repræsentation")


def test_the_formandskab_must_have_seats(ringparken: Path) -> None:
    line = replace_line(ringparken / "strategic.yaml", r"- \{organisation: slagelse-bolig, titel: formanden\}",
                        "- {organisation: korsoer, titel: formanden}")
    _expect(ringparken, "strategic.yaml", line, "'korsoer' is in the formandskab but has no seat on the board",
            "did you mean 'korsoer-bolig'?")


def test_a_member_of_the_formandskab_listed_twice(ringparken: Path) -> None:
    line = replace_line(ringparken / "strategic.yaml", r"- \{organisation: slagelse-bolig, titel: formanden\}",
                        "- {organisation: slagelse-kommune, titel: formanden}")
    _expect(ringparken, "strategic.yaml", line, "'slagelse-kommune' is in the formandskab twice", "list each member once")


def test_an_organisation_with_two_seats(ringparken: Path) -> None:
    strategic = ringparken / "strategic.yaml"
    first = line_of(strategic, r"- \{organisation: politi,")
    line = replace_line(strategic, r"- \{organisation: erhverv,", "- {organisation: politi,")
    _expect(ringparken, "strategic.yaml", line, "'politi' has two seats on the board", f"line {first}")


@pytest.mark.parametrize("meets", ["4-3", "3-3", "0-2", "3-60"])
def test_meetings_range_runs_upwards(ringparken: Path, meets: str) -> None:
    line = replace_line(ringparken / "strategic.yaml", r"møder_pr_år: 3-4$", f"møder_pr_år: {meets}")
    _expect(ringparken, "strategic.yaml", line, f"'{meets}' must go from the fewest to the most meetings", "e.g. 3-4")


def test_meetings_in_words_are_refused(ringparken: Path) -> None:
    line = replace_line(ringparken / "strategic.yaml", r"møder_pr_år: 3-4$", "møder_pr_år: 3 til 4")
    _expect(ringparken, "strategic.yaml", line, "'3 til 4' does not have the form", "f.eks. 3-4")
