"""Whole-set rules: each broken on purpose, one fixture each, with message, file, line and exit code 1."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreement.cli import main

from .conftest import line_of, replace_line

UDD = "delaftaler/uddannelse-og-livschancer.yaml"
BESK = "delaftaler/beskaeftigelse.yaml"


def _check(content: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["check", "--content", str(content)])
    return result.exit_code, result.output.splitlines()


def _expect(content: Path, file: str, line: int, *words: str) -> None:
    code, lines = _check(content)
    assert code == 1, lines
    hits = [m for m in lines if m.startswith(f"{content / file}:{line}:") and all(w in m for w in words)]
    assert hits, "\n".join(lines)


def test_chosen_area_without_delaftale(content: Path) -> None:
    (content / BESK).unlink()
    strategic = content / "strategic.yaml"
    line = line_of(strategic, r"valgt: true", start=line_of(strategic, r"- navn: Beskæftigelse$"))
    _expect(content, "strategic.yaml", line, "'Beskæftigelse' has no delaftale", "delaftaler/")


def test_delaftale_for_an_area_that_is_not_chosen(content: Path) -> None:
    line = replace_line(content / BESK, r"^indsatsområde: Beskæftigelse$", "indsatsområde: Kriminalitetsforebyggelse")
    strategic = content / "strategic.yaml"
    valgt = line_of(strategic, r"valgt: false", start=line_of(strategic, r"- navn: Kriminalitetsforebyggelse$"))
    _expect(content, BESK, line, "not chosen in", "strategic.yaml", f"line {valgt}")


def test_two_delaftaler_for_one_area(content: Path) -> None:
    replace_line(content / BESK, r"^indsatsområde: Beskæftigelse$", "indsatsområde: Uddannelse og livschancer")
    # Files are read in name order, so the later one (uddannelse-...) is the duplicate.
    _expect(content, UDD, line_of(content / UDD, r"^indsatsområde:"), "already has a delaftale in", "beskaeftigelse.yaml")


def test_area_that_is_not_one_of_lbfs_four(content: Path) -> None:
    line = replace_line(content / BESK, r"^indsatsområde: Beskæftigelse$", "indsatsområde: Beskæftigelsen")
    _expect(content, BESK, line, "did you mean 'Beskæftigelse'?")


def test_unknown_follow_up_group(content: Path) -> None:
    line = replace_line(content / UDD, r"^følgegruppe: fg-uddannelse$", "følgegruppe: fg-udannelse")
    _expect(content, UDD, line, "unknown follow-up group 'fg-udannelse' (did you mean 'fg-uddannelse'?)", "strategic.yaml")


def test_delaftale_period_outside_the_agreement(content: Path) -> None:
    replace_line(content / UDD, r"^  til: 2025-02-28$", "  til: 2025-12-31")
    _expect(content, UDD, line_of(content / UDD, r"^periode:$") + 1, "not inside the agreement period", "strategic.yaml")


def test_unknown_delmål(content: Path) -> None:
    line = replace_line(content / UDD, r"^      - uddannelsesvalg$", "      - uddannelses-valg")
    _expect(content, UDD, line, "unknown delmål 'uddannelses-valg' (did you mean 'uddannelsesvalg'?)")


def test_unknown_partner_organisation(content: Path) -> None:
    line = replace_line(content / UDD, r"organisation: herstedlund-skole$", "organisation: herstedlund")
    _expect(content, UDD, line, "unknown organisation 'herstedlund' (did you mean 'herstedlund-skole'?)", "strategic.yaml")


def test_activity_ids_unique_across_delaftaler(content: Path) -> None:
    first = replace_line(content / BESK, r"^  - id: aktivt-liv$", "  - id: faglig-stoette")
    line = line_of(content / UDD, r"^  - id: faglig-stoette$")
    _expect(content, UDD, line, "already used in", "beskaeftigelse.yaml", f"(line {first})")


def test_signatory_must_be_a_party_of_the_delaftale(content: Path) -> None:
    line = replace_line(content / UDD, r"^  - part: va$", "  - part: kab")
    _expect(content, UDD, line, "'kab' signs, but is not a party of this delaftale")


def test_duplicate_delmål_ids(content: Path) -> None:
    line = replace_line(content / UDD, r"^  - id: uddannelsesvalg$", "  - id: fagligt-loeft")
    _expect(content, UDD, line, "delmål id 'fagligt-loeft' is used twice")
