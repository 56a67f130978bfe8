"""Whole-set rules: each broken on purpose, one fixture each, with message, file, line and exit code 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import expect_error as _expect
from tests.conftest import line_of, replace_line

UDD = "delaftaler/uddannelse-og-livschancer.yaml"
BESK = "delaftaler/beskaeftigelse.yaml"


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


def test_an_unknown_delmaal_is_det_in_danish(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "da")
    goal = replace_line(content / UDD, r"^      - uddannelsesvalg$", "      - uddannelses-valg")
    _expect(content, UDD, goal, "ukendt delmål 'uddannelses-valg' (mente du 'uddannelsesvalg'?); det skal være defineret under "
                                "'delmål' i denne fil")


def test_an_unknown_measuring_organisation_is_told_in_danish(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "da")
    line = replace_line(content / "delaftaler/beskaeftigelse.yaml", r"^        måles_af: abc$", "        måles_af: abcd")
    _expect(content, "delaftaler/beskaeftigelse.yaml", line, "ukendt organisation 'abcd' (mente du 'abc'?); den skal være "
                                                              "defineret i organisationer i ")


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


BUDGET = "budget.yaml"


def test_budget_financing_must_equal_expenses_every_year(content: Path) -> None:
    replace_line(content / BUDGET, r"^    beløb: \[60000, 60000, 60000, 60000\]$", "    beløb: [60000, 50000, 60000, 60000]")
    _expect(content, BUDGET, line_of(content / BUDGET, r"^finansiering:$"),
            "in 2022/23 the financing (1.590.000\u00a0kr.) does not equal the expenses (1.600.000\u00a0kr.)",
            "10.000\u00a0kr. is not financed")


def test_budget_grant_share_limit(content: Path) -> None:
    path = content / BUDGET
    replace_line(path, r"^  max_tilskud_procent: 75$", "  max_tilskud_procent: 70")
    line = line_of(path, r"^    beløb:", start=line_of(path, r"^  - organisation: landsbyggefonden$"))
    _expect(content, BUDGET, line, "is 75,0\u00a0% of the expenses, more than the 70\u00a0% allowed")


def test_budget_local_co_financing_minimum(content: Path) -> None:
    replace_line(content / BUDGET, r"^  min_medfinansiering_procent: 25$", "  min_medfinansiering_procent: 30")
    _expect(content, BUDGET, line_of(content / BUDGET, r"^finansiering:$"), "local co-financing is 25,0\u00a0%", "less than the 30\u00a0%")


def test_a_share_just_below_the_limit_is_not_shown_as_the_limit(content: Path) -> None:
    from agreement.model.setrules import _share

    assert _share(0.2496, 25) == "24,96\u00a0%"
    assert _share(0.24999975, 25) == "24,999\u00a0%"
    assert _share(0.7500004, 75) == "75,001\u00a0%"
    assert _share(0.237, 25) == "23,7\u00a0%"


def test_budget_covers_every_year_of_the_period(content: Path) -> None:
    line = replace_line(content / BUDGET, r"^        beløb: \[25000, 25000, 25000, 25000\]$", "        beløb: [25000, 25000, 25000]")
    _expect(content, BUDGET, line, "has 3 amounts", "4 project years (2021/22, 2022/23, 2023/24, 2024/25)", "strategic.yaml")


def test_budget_year_outside_the_period(content: Path) -> None:
    line = replace_line(content / BUDGET, r"^        beløb: \[25000, 25000, 25000, 25000\]$",
                        "        beløb: [25000, 25000, 25000, 25000, 25000]")
    _expect(content, BUDGET, line, "has 5 amounts")


def test_budget_unknown_team_role(content: Path) -> None:
    line = replace_line(content / BUDGET, r"^      - rolle: projektleder$", "      - rolle: projektlederen")
    _expect(content, BUDGET, line, "unknown team role 'projektlederen' (did you mean 'projektleder'?)", "strategic.yaml")


def test_budget_unknown_activity(content: Path) -> None:
    line = replace_line(content / BUDGET, r"^      - aktivitet: aktivt-liv$", "      - aktivitet: aktiv-liv")
    _expect(content, BUDGET, line, "unknown activity 'aktiv-liv' (did you mean 'aktivt-liv'?)")


def test_budget_activity_in_the_wrong_focus_area(content: Path) -> None:
    line = replace_line(content / BUDGET, r"^      - aktivitet: aktivt-liv$", "      - aktivitet: faglig-stoette")
    _expect(content, BUDGET, line, "belongs to the delaftale for 'Uddannelse og livschancer'", "uddannelse-og-livschancer.yaml")


def test_budget_unknown_financing_organisation(content: Path) -> None:
    line = replace_line(content / BUDGET, r"^  - organisation: akb$", "  - organisation: akbb")
    _expect(content, BUDGET, line, "did you mean 'akb'?")


def test_budget_shares_in_danish_by_default(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "da")
    replace_line(content / BUDGET, r"^  min_medfinansiering_procent: 25$", "  min_medfinansiering_procent: 30")
    _expect(content, BUDGET, line_of(content / BUDGET, r"^finansiering:$"),
            "den lokale medfinansiering er 25,0\u00a0% af udgifterne, mindre end de krævede 30\u00a0% (regler.min_medfinansiering_procent)")


def test_a_chosen_area_without_delaftale_in_danish(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "da")
    (content / BESK).unlink()
    strategic = content / "strategic.yaml"
    line = line_of(strategic, r"valgt: true", start=line_of(strategic, r"- navn: Beskæftigelse$"))
    _expect(content, "strategic.yaml", line, "det valgte indsatsområde 'Beskæftigelse' har ingen delaftale; tilføj en fil i",
            "/delaftaler/ med indsatsområde: Beskæftigelse")


def test_a_baseline_without_its_year_is_a_warning_once_there_are_follow_ups(content: Path) -> None:
    import shutil

    from tests.conftest import check_lines

    replace_line(content / "strategic.yaml", r"^status: endelig$", "status: udkast")  # a final one's is an error (below)
    line = line_of(content / "strategic.yaml", r"^  dagtilbud:")
    replace_line(content / "strategic.yaml", r"^    år: 2019$", "")  # dagtilbud's, the first
    code, lines = check_lines(content)
    assert code == 0, lines
    warned = [m for m in lines if "has no 'år'" in m]
    assert warned == [f"{content / 'strategic.yaml'}:{line}:3: warning: the baseline of 'dagtilbud' has no 'år', so the "
                      "follow-up charts show no baseline point; write the year it was measured under 'dagtilbud', e.g. år: 2019"]
    from click.testing import CliRunner

    from agreement.cli import main

    strict = CliRunner().invoke(main, ["check", "--streng", "--content", str(content)])
    assert strict.exit_code == 1 and "the baseline of 'dagtilbud' has no 'år'" in strict.output
    danish = CliRunner().invoke(main, ["--sprog", "da", "check", "--content", str(content)])
    assert (f"strategic.yaml:{line}:3: advarsel: baseline for 'dagtilbud' har intet 'år', så opfølgningens grafer viser intet "
            "baselinepunkt; skriv det år, den blev målt, under 'dagtilbud', f.eks. år: 2019") in danish.output
    shutil.rmtree(content / "opfoelgning")  # without follow-up files there are no charts to miss it
    code, lines = check_lines(content)
    assert code == 0 and not [m for m in lines if "has no 'år'" in m], lines


def test_a_baseline_not_measured_needs_no_year(content: Path) -> None:
    replace_line(content / "strategic.yaml", r"^status: endelig$", "status: udkast")
    replace_line(content / "strategic.yaml", r"^    år: 2019$", "")
    replace_line(content / "strategic.yaml", r"^    boligområde: 88.9$", "    boligområde: ikke opgjort")
    replace_line(content / "strategic.yaml", r"^    kommune: 92.5$", "    kommune: ikke opgjort")
    from tests.conftest import check_lines

    code, lines = check_lines(content)
    assert code == 0 and not [m for m in lines if "has no 'år'" in m], lines


def test_a_final_agreement_must_give_a_baselines_year_in_both_languages(content: Path) -> None:
    from click.testing import CliRunner

    from agreement.cli import main
    from tests.conftest import make_final

    make_final(content)
    line = line_of(content / "strategic.yaml", r"^  dagtilbud:")
    replace_line(content / "strategic.yaml", r"^    år: 2019$", "")
    lines = _expect(content, "strategic.yaml", line, "a final agreement (status: endelig) gives 'år' for 'dagtilbud'; write "
                                                     "the year its baselines were measured, e.g. år: 2019")
    assert not [m for m in lines if "has no 'år'" in m], lines  # the error, not a warning as well
    danish = CliRunner().invoke(main, ["--sprog", "da", "check", "--content", str(content)])
    assert (f"strategic.yaml:{line}:3: en endelig aftale (status: endelig) skal angive 'år' for 'dagtilbud'; skriv det år, "
            "baseline blev målt, f.eks. år: 2019") in danish.output


def test_a_board_meeting_still_to_come_is_a_warning_in_check_only(content: Path, tmp_path: Path) -> None:
    """The date is compared with today's only by `check`, as a warning: a build never depends on the clock."""
    from click.testing import CliRunner

    from agreement.cli import main
    from agreement.pipeline import build
    from tests.conftest import check_lines

    line = replace_line(content / "opfoelgning/2021.yaml", r"^status: udkast$", "status: udkast\nbehandlet: 2099-03-18") + 1
    code, lines = check_lines(content)
    assert code == 0, lines
    assert f"{content / 'opfoelgning/2021.yaml'}:{line}:12: warning: behandlet: 2099-03-18 is still to come" in "\n".join(lines)
    danish = CliRunner().invoke(main, ["--sprog", "da", "check", "--content", str(content)]).output
    assert "advarsel: behandlet: 2099-03-18 er ikke kommet endnu" in danish
    assert CliRunner().invoke(main, ["check", "--streng", "--content", str(content)]).exit_code == 1
    assert build(content, tmp_path / "out", ("docx",)).documents  # builds as ever
