"""The yearly follow-up files: loaded as records, each check broken on purpose with its message and place."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from agreement.documents import milepaelsplan
from agreement.documents.loader import load_content
from tests.conftest import SOLHAVEN, line_of, replace_line
from tests.conftest import check_lines as _check
from tests.conftest import expect_error as _expect

Y21 = "opfoelgning/2021.yaml"
Y22 = "opfoelgning/2022.yaml"


def _valid(content: Path) -> None:
    code, lines = _check(content)
    assert code == 0, "\n".join(lines)


def test_the_sample_has_two_years_of_follow_up(content: Path) -> None:
    follow_ups = load_content(content).follow_ups
    assert [f.year for f in follow_ups] == [2021, 2022]
    first = follow_ups[0]
    assert not first.final and first.handled is None
    assert first.measurements[0].indicator == "dagtilbud" and first.measurements[0].data_year == 2020
    # a delmål indicator without dataår describes the year followed up
    assert next(m for m in first.measurements if m.indicator == "jobparathed-1").data_year == 2021
    assert first.activities["aktivt-liv"].status == "justeret" and first.activities["aktivt-liv"].participants == 18
    assert first.spending["Kontorhold og IT"] == 24600  # a text line is named by its text
    assert first.financing["landsbyggefonden"] == 1000000
    assert follow_ups[1].milestones["sundhedsmodul"] == "forsinket"


def test_an_area_without_follow_up_loads_as_before(tmp_path: Path) -> None:
    area = shutil.copytree(SOLHAVEN, tmp_path / "solhaven")
    assert not (area / "opfoelgning").exists()
    assert load_content(area).follow_ups == ()


def test_unknown_indicator(content: Path) -> None:
    line = replace_line(content / Y21, r"^  - indikator: karakterer$", "  - indikator: karakter")
    _expect(content, Y21, line, "unknown indicator 'karakter' (did you mean 'karakterer'?)", "delaftale")


def test_unknown_delmaal_indicator(content: Path) -> None:
    line = replace_line(content / Y22, r"^  - indikator: jobparathed-2$", "  - indikator: jobparathed-3")
    _expect(content, Y22, line, "unknown indicator 'jobparathed-3' (did you mean 'jobparathed-")


def test_unknown_activity(content: Path) -> None:
    line = replace_line(content / Y21, r"^  aktivt-liv:$", "  aktiv-liv:")
    _expect(content, Y21, line, "unknown activity 'aktiv-liv' (did you mean 'aktivt-liv'?)")


def test_spending_on_a_line_that_does_not_exist(content: Path) -> None:
    line = replace_line(content / Y21, r"^  Kontorhold og IT:", "  Kontorhold og It:")
    _expect(content, Y21, line, "unknown budget line 'Kontorhold og It' (did you mean 'Kontorhold og IT'?)", "budget.yaml")


def test_financing_from_an_organisation_the_budget_does_not_name(content: Path) -> None:
    line = replace_line(content / Y21, r"^  akb: 66700$", "  abk: 66700")
    _expect(content, Y21, line, "unknown financing organisation 'abk'")


def test_unknown_milestone(content: Path) -> None:
    line = replace_line(content / Y22, r"^  sundhedsmodul:", "  sundhedsmodulet:")
    _expect(content, Y22, line, "unknown milestone 'sundhedsmodulet' (did you mean 'sundhedsmodul'?)", "milepaelsplan.yaml")


def test_spending_above_the_budget_is_not_refused(content: Path) -> None:
    replace_line(content / Y22, r"^  faglig-stoette: \d+$", "  faglig-stoette: 990000")
    _valid(content)


def test_file_name_and_year_disagree(content: Path) -> None:
    (content / Y21).rename(content / "opfoelgning/2020.yaml")
    _expect(content, "opfoelgning/2020.yaml", line_of(content / "opfoelgning/2020.yaml", r"^år:"),
            "år: 2021 does not match the file name 2020.yaml", "opfoelgning/2021.yaml")


def test_year_outside_the_period(content: Path) -> None:
    path = content / "opfoelgning/2026.yaml"
    (content / Y22).rename(path)
    line = replace_line(path, r"^år: 2022$", "år: 2026")
    _expect(content, "opfoelgning/2026.yaml", line, "the year 2026 is outside the agreement period 2021-03-01 to 2025-02-28",
            "from 2021 to 2025")


def test_open_period_bounds_only_the_start(content: Path) -> None:
    strategic = content / "strategic.yaml"
    replace_line(strategic, r"^status: endelig$", "status: udkast")  # a draft may leave its end open
    til = line_of(strategic, r"^  til: ", start=line_of(strategic, r"^periode:$"))
    lines = strategic.read_text(encoding="utf-8").split("\n")
    del lines[til - 1]
    strategic.write_text("\n".join(lines), encoding="utf-8")
    later = content / "opfoelgning/2030.yaml"
    (content / Y22).rename(later)
    replace_line(later, r"^år: 2022$", "år: 2030")
    _valid(content)
    replace_line(content / Y21, r"^år: 2021$", "år: 2020")
    (content / Y21).rename(content / "opfoelgning/2020.yaml")
    _expect(content, "opfoelgning/2020.yaml", line_of(content / "opfoelgning/2020.yaml", r"^år:"),
            "the year 2020 is outside", "from 2021 on (the period has no end yet)")


def _set(path: Path, after: str, key: str, value: str) -> int:
    """Set the first `key:` line (indented four spaces) after the line matching `after`; return its number."""
    line = line_of(path, rf"^    {key}: ", start=line_of(path, after))
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[line - 1] = f"    {key}: {value}"
    path.write_text("\n".join(lines), encoding="utf-8")
    return line


@pytest.mark.parametrize(("indicator", "key", "value", "allowed"), [
    ("dagtilbud", "boligområde", "100.5", "from 0 to 100"), ("dagtilbud", "kommune", "-0.1", "from 0 to 100"),
    ("karakterer", "boligområde", "12.4", "from -3 to 12"), ("karakterer", "kommune", "-4", "from -3 to 12")])
def test_value_impossible_for_its_unit(content: Path, indicator: str, key: str, value: str, allowed: str) -> None:
    line = _set(content / Y21, rf"^  - indikator: {indicator}$", key, value)
    _expect(content, Y21, line, f"'{indicator}' is measured in", f"must be {allowed}", f"but it is {value}")


@pytest.mark.parametrize(("indicator", "value"), [("dagtilbud", "100"), ("dagtilbud", "0"), ("karakterer", "12"),
                                                  ("karakterer", "-3")])
def test_values_at_the_ends_of_their_range_are_fine(content: Path, indicator: str, value: str) -> None:
    _set(content / Y21, rf"^  - indikator: {indicator}$", "boligområde", value)
    _valid(content)


def test_negative_count_and_amount(content: Path) -> None:
    count = _set(content / Y21, r"^  aktivt-liv:$", "deltagere", "-2")
    amount = replace_line(content / Y21, r"^  projektleder: \d+$", "  projektleder: -561000")
    code, lines = _check(content)
    assert code == 1
    assert any(m.startswith(f"{content / Y21}:{count}:") and "at least 0" in m for m in lines), lines
    assert any(m.startswith(f"{content / Y21}:{amount}:") and "at least 0" in m for m in lines), lines


def test_two_measurements_of_one_indicator_for_one_data_year_in_one_file(content: Path) -> None:
    first = line_of(content / Y22, r"^  - indikator: dagtilbud$")
    line = replace_line(content / Y22, r"^  - indikator: karakterer$", "  - indikator: dagtilbud")
    _expect(content, Y22, line, "'dagtilbud' is already measured for the data year 2021", f"2022.yaml (line {first})")


def test_two_measurements_of_one_indicator_for_one_data_year_across_files(content: Path) -> None:
    first = line_of(content / Y21, r"^  - indikator: dagtilbud$")
    _set(content / Y22, r"^  - indikator: dagtilbud$", "dataår", "2020")
    _expect(content, Y22, line_of(content / Y22, r"^  - indikator: dagtilbud$"),
            "'dagtilbud' is already measured for the data year 2020", f"2021.yaml (line {first})")


def test_one_indicator_in_two_data_years_is_fine(content: Path) -> None:
    _set(content / Y22, r"^  - indikator: dagtilbud$", "dataår", "2022")
    _valid(content)


def test_final_follow_up_says_when_the_board_dealt_with_it(content: Path) -> None:
    line = replace_line(content / Y21, r"^status: udkast$", "status: endelig")
    _expect(content, Y21, line, "a final follow-up (status: endelig) says when the board dealt with it",
            "behandlet: YYYY-MM-DD")
    replace_line(content / Y21, r"^status: endelig$", "status: endelig\nbehandlet: 2022-03-15")
    _valid(content)


def test_final_follow_up_keeps_no_placeholder(content: Path) -> None:
    replace_line(content / Y21, r"^status: udkast$", "status: endelig\nbehandlet: 2022-03-15")
    line = replace_line(content / Y21, r"^  Helhedsplanen er kommet godt i gang", "  [Skriv vurderingen her]")
    _expect(content, Y21, line, "'[Skriv vurderingen her]' is placeholder text")


def test_draft_follow_up_leaves_the_milestone_plan_as_written(content: Path) -> None:
    programme = load_content(content)
    context = milepaelsplan.context(programme)
    assert context["status_date"] == "31. december 2021"
    assert {m["text"]: m["status"] for m in context["milestones"]}[
        "Aftale med Sundhedshuset om fast sundhedsmodul i Aktivt liv for ledige"] == "planlagt"


def test_final_follow_up_owns_the_milestone_statuses(content: Path) -> None:
    replace_line(content / Y22, r"^status: udkast$", "status: endelig\nbehandlet: 2023-03-15")
    programme = load_content(content)
    context = milepaelsplan.context(programme)
    assert context["status_date"] == "31. december 2022"
    statuses = {m["text"]: m["status"] for m in context["milestones"]}
    assert statuses["Aftale med Sundhedshuset om fast sundhedsmodul i Aktivt liv for ledige"] == "forsinket"
    assert statuses["Første forløb med Mod på Matematik er gennemført"] == "nået"
    # a milestone the follow-up does not name keeps its last status
    assert statuses["Slutstatus til Landsbyggefonden"] == "planlagt"
    assert programme.follow_ups[1].handled == dt.date(2023, 3, 15)


def test_follow_up_messages_are_danish_by_default(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "da")
    line = replace_line(content / Y21, r"^  - indikator: karakterer$", "  - indikator: karakter")
    _expect(content, Y21, line, "ukendt indikator 'karakter' (mente du 'karakterer'?); den skal være defineret i udgaven")


def test_an_unknown_activity_is_den_in_danish(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "da")
    line = replace_line(content / Y21, r"^  aktivt-liv:$", "  aktiv-liv:")
    _expect(content, Y21, line, "ukendt aktivitet 'aktiv-liv' (mente du 'aktivt-liv'?); den skal være defineret i en delaftale")


# -- found by the secretariat walk-through (issue 20) ----------------------------------------------------------------


@pytest.mark.parametrize(("indicator", "value"), [("jobparathed-2", "140"), ("jobparathed-1", "-5")])
def test_delmaal_value_impossible_for_its_unit(content: Path, indicator: str, value: str) -> None:
    line = replace_line(content / Y22, rf"^  - indikator: {indicator}$", f"  - indikator: {indicator}\n    boligområde: {value}") + 1
    lines = (content / Y22).read_text(encoding="utf-8").split("\n")
    del lines[line]  # the measurement's own boligområde line, now a duplicate key
    (content / Y22).write_text("\n".join(lines), encoding="utf-8")
    _expect(content, Y22, line, f"'{indicator}' is measured in", f"but it is {value}")


@pytest.mark.parametrize(("value", "allowed"), [("140", "procent, so its value must be from 0 to 100"),
                                                ("-1", "procent, so its value must be from 0 to 100")])
def test_delmaal_baseline_impossible_for_its_unit(content: Path, value: str, allowed: str) -> None:
    path = content / "delaftaler/beskaeftigelse.yaml"
    line = replace_line(path, r"^        baseline: Måles første gang ved udgangen af 2021$", f"        baseline: {value}")
    _expect(content, "delaftaler/beskaeftigelse.yaml", line, f"'jobparathed-2' is measured in {allowed}", f"but it is {value}")


def test_delmaal_baseline_in_range_is_fine(content: Path) -> None:
    replace_line(content / "delaftaler/beskaeftigelse.yaml", r"^        baseline: Måles første gang ved udgangen af 2021$",
                 "        baseline: 100")
    _valid(content)


def test_follow_up_marks_no_milestone_reached_before_its_time(content: Path) -> None:
    line = replace_line(content / Y22, r"^  sundhedsmodul: forsinket$", "  sundhedsmodul: forsinket\n  slutstatus: nået") + 1
    plan = line_of(content / "milepaelsplan.yaml", r"^  - id: slutstatus$")
    _expect(content, Y22, line, "the milestone 'slutstatus' is marked 'nået' (reached), but 2025-02-28",
            f"(line {plan} of {content / 'milepaelsplan.yaml'}) begins after 31 December 2022")


def test_follow_up_marks_a_milestone_reached_in_its_quarter(content: Path) -> None:
    # midtvejsstatus is due in 2023-K1: reached by 31 December 2023, not by 31 December 2022
    replace_line(content / Y22, r"^  sundhedsmodul: forsinket$", "  sundhedsmodul: forsinket\n  midtvejsstatus: nået")
    _expect(content, Y22, line_of(content / Y22, r"^  midtvejsstatus: nået$"), "'midtvejsstatus'", "2023-K1")
    path = content / "opfoelgning/2023.yaml"
    (content / Y22).rename(path)
    replace_line(path, r"^år: 2022$", "år: 2023")
    _valid(content)


@pytest.mark.parametrize("name", ["2022.yml", "2022.YAML", "2022.Yaml", "2022.ymal"])
def test_a_follow_up_file_with_another_yaml_suffix_is_not_ignored(content: Path, name: str) -> None:
    (content / Y22).rename(content / "opfoelgning" / name)
    code, lines = _check(content)
    assert code == 1
    assert f"{content / 'opfoelgning' / name}: this file is not read, as content files end in .yaml: rename it to 2022.yaml" in lines


def test_a_misnamed_delaftale_is_the_one_error_not_the_first_of_many(content: Path) -> None:
    """Its activities and indicators are used by the budget, the milestones and the follow-ups: with the file unread,
    those checks would each report them unknown. Only the file is named."""
    (content / "delaftaler/beskaeftigelse.yaml").rename(content / "delaftaler/beskaeftigelse.yml")
    code, lines = _check(content)
    assert code == 1
    assert lines[:-1] == [f"{content / 'delaftaler/beskaeftigelse.yml'}: this file is not read, as content files end in .yaml: "
                          "rename it to beskaeftigelse.yaml"], lines


def test_other_files_in_the_follow_up_folder_stay_ignored(content: Path) -> None:
    folder = content / "opfoelgning"
    for name in (".2022.yaml.swp", "2022.yaml~", "#2022.yaml#", "noter.txt", "graf.png", "2022.yaml.bak"):
        (folder / name).write_bytes(b"x")
    _valid(content)


def test_a_missing_file_with_a_yml_twin_says_so(content: Path) -> None:
    (content / "budget.yaml").rename(content / "budget.yml")
    code, lines = _check(content)
    assert code == 1
    assert (f"{content / 'budget.yaml'}: file not found, but budget.yml is there, which is not read as content files end in "
            f".yaml: rename it to budget.yaml") in lines, lines


def test_a_measurement_for_the_baseline_year_that_differs_from_the_baseline_is_reported(content: Path) -> None:
    _set(content / Y21, r"^  - indikator: dagtilbud$", "dataår", "2019")  # the baseline (88.9; kommune 92.5) is of 2019
    area = line_of(content / Y21, r"^    boligområde: 89.4$")
    _expect(content, Y21, area, f"the baseline of 'dagtilbud' (boligområde) for 2019 in {content / 'strategic.yaml'} is 88.9, but "
                                "this measurement of the same year says 89.4", "remove this measurement, or correct the baseline")
    _expect(content, Y21, area + 1, "(kommune) for 2019", "is 92.5, but this measurement of the same year says 92.6")


def test_a_measurement_for_the_baseline_year_equal_to_the_baseline_is_accepted(content: Path) -> None:
    _set(content / Y21, r"^  - indikator: dagtilbud$", "dataår", "2019")
    _set(content / Y21, r"^  - indikator: dagtilbud$", "boligområde", "88.9")
    _set(content / Y21, r"^  - indikator: dagtilbud$", "kommune", "92.5")
    _valid(content)


def test_a_delmaal_measurement_for_its_baseline_year_that_differs_is_reported(content: Path) -> None:
    path = content / "delaftaler/beskaeftigelse.yaml"
    replace_line(path, r"^        baseline: Måles første gang ved udgangen af 2021$", "        baseline: 30\n        baseline_år: 2021")
    replace_line(content / Y22, r"^  - indikator: jobparathed-2$", "  - indikator: jobparathed-2\n    dataår: 2021")
    line = line_of(content / Y22, r"^    boligområde: 31$", start=line_of(content / Y22, r"^  - indikator: jobparathed-2$"))
    _expect(content, Y22, line, f"the baseline of 'jobparathed-2' (boligområde) for 2021 in {path} is 30, but this measurement")
    _set(content / Y22, r"^  - indikator: jobparathed-2$", "boligområde", "30")
    _valid(content)


def test_the_behandlet_date_is_after_the_year_followed_up(content: Path) -> None:
    line = replace_line(content / Y21, r"^status: udkast$", "status: endelig\nbehandlet: 2021-12-31") + 1
    _expect(content, Y21, line, "behandlet: 2021-12-31 is not after the year followed up (2021)", "on or after 2022-01-01")
    replace_line(content / Y21, r"^behandlet: 2021-12-31$", "behandlet: 2020-03-18")
    _expect(content, Y21, line, "behandlet: 2020-03-18 is not after")
    replace_line(content / Y21, r"^behandlet: 2020-03-18$", "behandlet: 2022-01-01")
    _valid(content)


def test_a_draft_with_behandlet_is_checked_too(content: Path) -> None:
    line = replace_line(content / Y21, r"^status: udkast$", "status: udkast\nbehandlet: 2021-06-01") + 1
    _expect(content, Y21, line, "behandlet: 2021-06-01 is not after the year followed up (2021)")


def test_data_year_after_the_year_followed_up(content: Path) -> None:
    line = _set(content / Y22, r"^  - indikator: dagtilbud$", "dataår", "2023")
    _expect(content, Y22, line, "dataår: 2023 is after the year followed up (2022)", "opfoelgning/2023.yaml")


def test_data_year_without_dataaar_is_the_year_followed_up(content: Path) -> None:
    # no dataår: the data describe 2022 itself, which is fine, and the message would point at the indicator
    line = line_of(content / Y22, r"^    dataår: 2021$", start=line_of(content / Y22, r"^  - indikator: dagtilbud$"))
    lines = (content / Y22).read_text(encoding="utf-8").split("\n")
    del lines[line - 1]
    (content / Y22).write_text("\n".join(lines), encoding="utf-8")
    _valid(content)


def test_data_year_before_the_baseline_year(content: Path) -> None:
    line = _set(content / Y21, r"^  - indikator: dagtilbud$", "dataår", "1999")
    _expect(content, Y21, line, "dataår: 1999 is before the baseline year of 'dagtilbud' (2019)", "correct dataår")
    _set(content / Y21, r"^  - indikator: dagtilbud$", "dataår", "2018")
    _expect(content, Y21, line, "dataår: 2018 is before the baseline year of 'dagtilbud' (2019)")


@pytest.mark.parametrize(("data_year", "valid"), [("2018", True), ("2017", False)])
def test_data_year_long_before_the_period_without_a_baseline_year(content: Path, data_year: str, valid: bool) -> None:
    # jobparathed-1's baseline is words ('Ny aktivitet'), without baseline_år: the period's start (2021) bounds it
    line = replace_line(content / Y22, r"^  - indikator: jobparathed-1$", f"  - indikator: jobparathed-1\n    dataår: {data_year}") + 1
    if valid:
        _valid(content)
    else:
        _expect(content, Y22, line, "dataår: 2017 is more than 3 years before the agreement period starts (2021)")


def test_the_new_follow_up_messages_are_danish_by_default(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "da")
    (content / Y22).rename(content / "opfoelgning/2022.yml")
    line = replace_line(content / Y21, r"^status: udkast$", "status: udkast\nbehandlet: 2021-06-01") + 1
    code, lines = _check(content)
    assert code == 1
    assert f"{content / 'opfoelgning/2022.yml'}: filen bliver ikke læst, fordi indholdsfiler ender på .yaml: omdøb den til 2022.yaml" \
        in lines, lines
    assert any(m.startswith(f"{content / Y21}:{line}:") and "ligger ikke efter det år, der følges op på (2021)" in m
               for m in lines), lines


def test_a_broken_baseline_does_not_silence_the_follow_up_files_other_checks(content: Path) -> None:
    """The data-year rule reads strategic.yaml's baselines; the measurements' own checks do not wait for them."""
    broken = replace_line(content / "strategic.yaml", r"^    boligområde: 88.9$", "    boligområde: [1, 2]")
    line = replace_line(content / Y21, r"^  - indikator: karakterer$", "  - indikator: karakterrer")
    lines = _expect(content, Y21, line, "unknown indicator 'karakterrer'")
    assert any(m.startswith(f"{content / 'strategic.yaml'}:{broken}:") for m in lines)


def test_a_fixed_indicators_baseline_is_held_to_its_unit(content: Path) -> None:
    line = replace_line(content / "strategic.yaml", r"^    boligområde: 88.9$", "    boligområde: 150")
    _expect(content, "strategic.yaml", line, "'dagtilbud' is measured in procent", "from 0 to 100", "150")


@pytest.mark.parametrize("written", ["Procent", "'%'", "pct."])
def test_a_delmaal_unit_is_known_however_it_is_spelt(content: Path, written: str) -> None:
    replace_line(content / "delaftaler/beskaeftigelse.yaml", r"^        enhed: procent$", f"        enhed: {written}")
    programme = load_content(content)
    unit = {ind.id: ind.unit for d in programme.delaftaler for g in d.goals for ind in g.indicators}["jobparathed-2"]
    assert unit == "procent"  # shown as '31 %', not '31 Procent'
    measured = line_of(content / Y22, r"^  - indikator: jobparathed-2$")
    lines = (content / Y22).read_text(encoding="utf-8").split("\n")
    assert lines[measured] == "    boligområde: 31"
    lines[measured] = "    boligområde: 140"
    (content / Y22).write_text("\n".join(lines), encoding="utf-8")
    line = measured + 1
    _expect(content, Y22, line, "'jobparathed-2' is measured in procent", "140")
