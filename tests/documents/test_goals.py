"""LBF's fixed goals from the edition with the area's baselines, delmål indicators, and the smaller forms of issue 19."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from docx import Document

from agreement.cli import main
from agreement.documents import delaftale, strategic
from agreement.documents.indberetningsskema import rows
from agreement.documents.loader import load_content
from agreement.editions import find
from agreement.pipeline import build
from agreement.scaffold.goals import baseline_block
from agreement.scaffold.upgrade import upgrade
from tests.conftest import ROOT, SOLHAVEN, copy_build, line_of, replace_line
from tests.conftest import check_lines as _check
from tests.conftest import expect_error as _expect

BESK = "delaftaler/beskaeftigelse.yaml"
PLAN = "milepaelsplan.yaml"


def _row(context: dict, indicator: str) -> dict:
    return next(i for g in context["goals"] for i in g["indicators"] if i["text"] == indicator)


def test_section_5_takes_the_goals_and_indicators_from_the_edition() -> None:
    programme = load_content(ROOT / "content")
    context = strategic.context(programme)
    edition = find("lbf-2019-26")
    assert [g["text"] for g in context["goals"]] == [g.text for g in edition.goals]
    assert [i["text"] for g in context["goals"] for i in g["indicators"]] == [i.text for i in edition.indicators.values()]
    assert _row(context, "Andel 1-5-årige i dagtilbud")["area"] == "88,9\u00a0%"
    assert _row(context, "Karaktergennemsnit i dansk og matematik for 9.-klasseselever")["area"] == "5,2"
    # The area's own data source replaces the edition's.
    assert _row(context, edition.indicators["valgdeltagelse"].text)["source"] == "VIVE / Albertslund Kommune"


def test_another_edition_gives_its_own_goals_and_units(content: Path) -> None:
    shutil.rmtree(content / "opfoelgning")  # it measures the built-in edition's indicators
    local = content / "skabeloner" / "egen-2019"
    shutil.copytree(ROOT / "agreement" / "editions" / "lbf-2019-26", local)
    data = local / "edition.yaml"
    text = data.read_text(encoding="utf-8").replace("navn: lbf-2019-26", "navn: egen-2019")
    start = text.index("mål:\n")
    text = text[:start] + (
        "mål:\n  - id: trivsel\n    mål: Flere trives\n    indikatorer:\n"
        "      - {id: dagtilbud, indikator: Andel i dagtilbud, enhed: procent, datakilde: Egen}\n"
        "      - {id: besoeg, indikator: Besøg i klubben, enhed: besøg, datakilde: Egen}\n"
        "      - {id: timer, indikator: Frivillige timer, enhed: timer, datakilde: Egen}\n\n"
    ) + text[text.index("# Finansieringsgrænser"):]
    data.write_text(text, encoding="utf-8")
    path = content / "strategic.yaml"
    replace_line(path, r"^skabelon: lbf-2019-26$", "skabelon: egen-2019")
    source = path.read_text(encoding="utf-8")
    start, end = source.index("# Afsnit 5. Baselines"), source.index("indsatsområder:\n")
    block = baseline_block(find("egen-2019", content)).replace(
        "  besoeg:  # Besøg i klubben (besøg; Egen)\n    boligområde: ikke opgjort\n",
        "  besoeg:  # Besøg i klubben (besøg; Egen)\n    boligområde: 1200\n    år: 2020\n").replace(
        "  timer:  # Frivillige timer (timer; Egen)\n    boligområde: ikke opgjort\n",
        "  timer:  # Frivillige timer (timer; Egen)\n    boligområde: 7.5\n    år: 2020\n")
    path.write_text(source[:start] + block + "\n" + source[end:], encoding="utf-8")
    replace_line(path, r"^status: endelig$", "status: udkast")
    programme = load_content(content)
    context = strategic.context(programme)
    assert [g["text"] for g in context["goals"]] == ["Flere trives"]
    assert _row(context, "Besøg i klubben")["area"] == "1.200 besøg"  # a unit not known is printed as written
    assert _row(context, "Frivillige timer")["area"] == "7,5 timer"
    assert [r.indicator for r in rows(programme)][:3] == ["Andel i dagtilbud", "Besøg i klubben", "Frivillige timer"]


def test_a_baseline_not_measured_is_accepted_in_a_draft_and_printed() -> None:
    programme = load_content(SOLHAVEN)
    context = strategic.context(programme)
    assert _row(context, "Andel 1-5-årige i dagtilbud")["area"] == "ikke opgjort (Måles første gang i juni 2022)"
    assert _row(context, "Andel 1-5-årige i dagtilbud")["municipality"] == "ikke opgjort"
    assert _row(context, "Andel 1-5-årige i dagtilbud")["year"] == ""


def test_a_final_agreement_refuses_an_unmeasured_baseline_without_its_reason(content: Path) -> None:
    line = replace_line(content / "strategic.yaml", r"^    boligområde: 88\.9$", "    boligområde: ikke opgjort")
    _expect(content, "strategic.yaml", line, "status: endelig", "{ikke_opgjort: Måles første gang i juni 2021}")


def test_a_final_agreement_accepts_an_unmeasured_baseline_with_its_reason(content: Path) -> None:
    replace_line(content / "strategic.yaml", r"^    boligområde: 88\.9$", "    boligområde: {ikke_opgjort: Måles i 2021}")
    assert _check(content)[0] == 0
    assert _row(strategic.context(load_content(content)), "Andel 1-5-årige i dagtilbud")["area"] == "ikke opgjort (Måles i 2021)"


def test_a_final_agreement_refuses_a_zero_baseline(content: Path) -> None:
    line = replace_line(content / "strategic.yaml", r"^    kommune: 92\.5$", "    kommune: 0")
    _expect(content, "strategic.yaml", line, "a baseline of 0", "note")


def test_a_final_agreement_refuses_a_missing_fixed_indicator(content: Path) -> None:
    path = content / "strategic.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  sigtede:")
    path.write_text(text[:start] + text[text.index("  tryghed:"):], encoding="utf-8")
    line = line_of(path, r"^baseline:$")
    _expect(content, "strategic.yaml", line, "'sigtede'", "gives baselines for the fixed indicator", "under 'baseline'")
    replace_line(path, r"^status: endelig$", "status: udkast")
    assert _check(content)[0] == 0  # a draft may leave it out


def test_an_unknown_indicator_id_is_refused_with_a_suggestion(content: Path) -> None:
    line = replace_line(content / "strategic.yaml", r"^  dagtilbud:", "  dagtilbudet:")
    _expect(content, "strategic.yaml", line, "'dagtilbudet' is not a fixed indicator", "did you mean 'dagtilbud'")


def test_delmaal_indicator_ids_are_unique_across_the_delaftaler(content: Path) -> None:
    replace_line(content / BESK, r"^      - id: jobparathed-1$", "      - id: fagligt-loeft-1")
    other = "delaftaler/uddannelse-og-livschancer.yaml"  # the second file in order is the one refused
    _expect(content, other, line_of(content / other, r"- id: fagligt-loeft-1$"), "'fagligt-loeft-1' is already used in",
            "beskaeftigelse.yaml", "unique across the delaftaler")
    line = line_of(content / BESK, r"- id: fagligt-loeft-1$")
    replace_line(content / BESK, r"^      - id: fagligt-loeft-1$", "      - id: dagtilbud")
    _expect(content, BESK, line, "fixed indicators")


def test_the_previous_format_gets_one_message_per_file_and_upgrade_rewrites_it(content: Path) -> None:
    old = ROOT / "tests" / "fixtures" / "previous-format"  # the sample as it was written before issue 19
    shutil.copy(old / "strategic.yaml", content / "strategic.yaml")
    shutil.copy(old / "beskaeftigelse.yaml", content / BESK)
    code, lines = _check(content)
    assert code == 1
    errors = [m for m in lines if ": " in m and not m.endswith("found")]
    assert len(errors) == 2, lines
    assert "run 'agreement upgrade'" in errors[0] and "run 'agreement upgrade'" in errors[1]
    comment = "# Sektion 5 er fra den underskrevne aftale."
    assert comment in (content / "strategic.yaml").read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["upgrade", "--content", str(content)])
    assert result.exit_code == 0, result.output
    assert "strategic.yaml: 'mål' replaced by 'baseline'" in result.output
    assert _check(content) == (0, [f"{content}: the content is valid"])
    text = (content / "strategic.yaml").read_text(encoding="utf-8")
    # Only section 5 changed: the comment and the rest of the file stand as they were.
    assert text.replace(comment + "\n", "") == (ROOT / "content" / "strategic.yaml").read_text(encoding="utf-8")
    assert "- id: jobparathed-1\n        indikator:" in (content / BESK).read_text(encoding="utf-8")
    assert upgrade(content) == []  # a second run changes nothing


def test_upgrade_says_what_it_changed_in_danish_by_default(content: Path) -> None:
    old = ROOT / "tests" / "fixtures" / "previous-format"
    shutil.copy(old / "strategic.yaml", content / "strategic.yaml")
    shutil.copy(old / "beskaeftigelse.yaml", content / BESK)
    result = CliRunner().invoke(main, ["upgrade", "--content", str(content)], env={"LANGUAGE": "da"})
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [
        f"{content / 'strategic.yaml'}: 'mål' er erstattet af 'baseline' (målene og indikatorerne i lbf-2019-26)",
        f"{content / BESK}: 4 indikatorer under delmål har fået et id"]


def test_init_writes_every_fixed_indicator_a_draft_accepts_and_a_final_refuses(tmp_path: Path) -> None:
    target = tmp_path / "nyt"
    assert CliRunner().invoke(main, ["init", str(target)]).exit_code == 0
    text = (target / "strategic.yaml").read_text(encoding="utf-8")
    assert all(f"\n  {ident}:  # " in text for ident in find("lbf-2019-26").indicators)
    assert _check(target)[0] == 0
    replace_line(target / "strategic.yaml", r"^status: udkast$", "status: endelig")
    code, lines = _check(target)
    assert code == 1 and sum("says why this baseline is not measured" in m for m in lines) == 18


def test_helhedsplan_is_on_the_cover_and_in_the_title(content: Path, built_docx, tmp_path: Path) -> None:
    replace_line(content / "strategic.yaml", r"^  navn: Albertslund$", "  navn: Albertslund\n  helhedsplan: En fælles indsats")
    out = copy_build(built_docx.out_dir, tmp_path / "out")
    result = build(content, out, ("docx",))
    (doc,) = [d for d in result.documents if d.kind == "strategisk-samarbejdsaftale"]
    assert doc.title.endswith("Albertslund 2021-2025 – En fælles indsats")
    texts = [p.text for p in Document(str(out / doc.files["docx"])).paragraphs]
    assert texts[1:3] == ["Områdets navn: Albertslund (Hedemarken, Blokland, Albertslund Nord)",
                          "Helhedsplanens navn: En fælles indsats"]


def test_several_responsible_organisations_and_a_multi_line_delmaal(content: Path) -> None:
    path = content / BESK
    replace_line(path, r"^    ansvarlig: abc$", "    ansvarlig: [abc, jobcenter]")
    replace_line(path, r"^    delmål: Flere ledige beboere bliver klar til at søge job eller uddannelse\.$",
                 "    delmål: |\n      Flere ledige beboere bliver klar\n      til at søge job.\n\n      - også i praktik")
    programme = load_content(content)
    context = delaftale.context(programme, programme.delaftale_for("Beskæftigelse"))
    assert context["activities"][0]["responsible"] == "Albertslund Boligsociale Center (ABC) og Jobcenter Albertslund"
    assert context["goals"][0]["text"] == "Flere ledige beboere bliver klar til at søge job."
    assert context["goals"][0]["more"].text == "- også i praktik"
    assert context["goals"][1]["more"].text is None
    # The indberetningsskema's goal column holds the heading alone, not the Markdown that follows it.
    found = [row for row in rows(programme) if "klar til at søge job" in row.goal]
    assert found and all(row.goal == "Flere ledige beboere bliver klar til at søge job." for row in found), found


def test_an_unknown_responsible_organisation_in_a_list_is_refused_at_its_item(content: Path) -> None:
    line = replace_line(content / BESK, r"^    ansvarlig: abc$", "    ansvarlig:\n      - abc\n      - jobcentret") + 2
    _expect(content, BESK, line, "unknown organisation 'jobcentret'", "did you mean 'jobcenter'")


def test_a_preparation_milestone_up_to_a_year_before_the_period(content: Path) -> None:
    replace_line(content / PLAN, r"^    dato: 2021-03-01$", "    dato: 2020-03-01")
    assert _check(content)[0] == 0
    line = replace_line(content / PLAN, r"^    dato: 2020-03-01$", "    dato: 2020-02-29")
    _expect(content, PLAN, line, "2020-02-29 is outside the agreement period", "twelve months before",
            "from 2020-03-01 to 2025-02-28")
