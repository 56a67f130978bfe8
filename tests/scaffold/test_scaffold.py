"""`agreement init`: a new content folder that checks and builds, each file naming its schema, never over other files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import agreement.editions
import agreement.scaffold
from agreement.cli import main
from agreement.documents.builtin import KINDS
from agreement.documents.loader import FOLLOW_UP, load_content
from agreement.errors import ContentErrors, PublishError, UsageError
from agreement.pipeline import build
from agreement.resources import SCHEMAS
from agreement.scaffold import SCAFFOLD, init_content, scaffold_files
from agreement.scaffold.upgrade import upgrade
from tests.conftest import run_cli, snapshot

MODELINE = re.compile(r"^# yaml-language-server: \$schema=(?P<path>\S+)$")


def _schema_of(path: Path) -> Path:
    match = MODELINE.match(path.read_text(encoding="utf-8").split("\n", 1)[0])
    assert match, f"{path} must start with the yaml-language-server line"
    return (path.parent / match["path"]).resolve()


def _leftovers(parent: Path) -> list[str]:
    return [p.name for p in parent.iterdir() if "agreement-init" in p.name]


def test_every_document_kind_has_scaffold_files_and_nothing_else_is_there() -> None:
    found = scaffold_files()
    assert {kind.name for _, kind in found} == {kind.name for kind in KINDS if kind.reads_content}
    written = {p.relative_to(SCAFFOLD).as_posix() for p in SCAFFOLD.rglob("*.yaml")}
    assert {name for name, _ in found} == written
    assert "delaftaler/beskaeftigelse.yaml" in written


def test_init_from_the_command_line_writes_content_that_checks(tmp_path: Path) -> None:
    result = run_cli(["init", "mit-omraade"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "wrote 7 files to mit-omraade" in result.stdout  # six documents' files and a first follow-up
    check = run_cli(["check", "--content", "mit-omraade"], cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert _leftovers(tmp_path) == []


def test_init_output_builds_every_document_as_docx(tmp_path: Path) -> None:
    content = tmp_path / "nyt"
    init_content(content)
    result = build(content, tmp_path / "build", ("docx",))
    # One document of each kind (one delaftale for the one chosen focus area), in the registry's order.
    assert [doc.kind for doc in result.documents] == [kind.name for kind in KINDS]
    for doc in result.documents:
        assert (tmp_path / "build" / doc.files["docx"]).stat().st_size > 0
    programme = load_content(content)
    assert programme.strategic.area.name == "[Områdets navn]"


def test_every_file_is_a_draft_with_placeholders_and_names_its_schema(tmp_path: Path) -> None:
    written = init_content(tmp_path / "a" / "b" / "nyt")
    by_name = {name: kind.schema for name, kind in scaffold_files()}
    by_name["opfoelgning/2027.yaml"] = FOLLOW_UP.schema  # the first follow-up, made for the period's first year
    assert sorted(p.relative_to(tmp_path / "a" / "b" / "nyt").as_posix() for p in written) == sorted(by_name)
    for path in written:
        schema = by_name[path.relative_to(tmp_path / "a" / "b" / "nyt").as_posix()]
        assert _schema_of(path) == (tmp_path / "a" / "b" / "nyt" / ".schemas" / f"{schema}.schema.json").resolve()
        text = path.read_text(encoding="utf-8")
        assert yaml.safe_load(text)["status"] == "udkast"
        assert "[Skriv her" in text or "[Aktivitetens navn]" in text or path.name == "budget.yaml"
        # Guidance in Danish comments under the schema line.
        assert text.split("\n")[1].startswith("# ")
    strategic = yaml.safe_load((tmp_path / "a" / "b" / "nyt" / "strategic.yaml").read_text(encoding="utf-8"))
    assert strategic["skabelon"] in agreement.editions.available()
    assert len(strategic["parter"]) == 2
    assert [a["navn"] for a in strategic["indsatsområder"]["områder"] if a["valgt"]] == ["Beskæftigelse"]


def test_an_empty_existing_folder_is_used(tmp_path: Path) -> None:
    (tmp_path / "tom").mkdir()
    init_content(tmp_path / "tom")
    load_content(tmp_path / "tom")
    assert _leftovers(tmp_path) == []


def test_the_empty_folder_one_is_in_is_filled_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    here = tmp_path / "mit-omraade"
    here.mkdir()
    inode = here.stat().st_ino
    monkeypatch.chdir(here)
    result = CliRunner().invoke(main, ["init", "."])  # in this process: the console script is tested above
    assert result.exit_code == 0 and result.exception is None, result.output
    assert here.stat().st_ino == inode  # the same folder, not one renamed over it
    assert (here / "strategic.yaml").is_file() and (here / "delaftaler" / "beskaeftigelse.yaml").is_file()
    assert _leftovers(tmp_path) == []


def test_a_failure_while_filling_an_empty_folder_takes_back_what_was_moved(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tom").mkdir()
    original = Path.rename

    def failing(self: Path, target):
        if Path(target).name == "kommissorium.yaml":
            raise OSError(5, "Input/output error", str(self))
        return original(self, target)

    monkeypatch.setattr(Path, "rename", failing)
    with pytest.raises(OSError):
        init_content(tmp_path / "tom")
    assert list((tmp_path / "tom").iterdir()) == []
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("what", ["a file in it", "a hidden file in it", "a file of that name"])
def test_a_folder_that_is_not_empty_is_refused_and_nothing_is_written(tmp_path: Path, what: str,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "omraade"
    if what == "a file of that name":
        target.write_text("noter\n", encoding="utf-8")
    else:
        target.mkdir()
        (target / ("noter.txt" if what == "a file in it" else ".git")).write_text("noter\n", encoding="utf-8")
    before = snapshot(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init", "omraade"])  # in this process: the console script is tested above
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), repr(result.exception)
    assert "omraade already exists and is not an empty folder, so nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(tmp_path) == before


def test_init_refuses_a_folder_in_use_in_danish_by_default(tmp_path: Path) -> None:
    (tmp_path / "omraade").mkdir()
    (tmp_path / "omraade" / "noter.txt").write_text("noter\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "omraade")], env={"LANGUAGE": "da"})
    assert result.exit_code == 1
    assert result.stderr == (f"fejl: {tmp_path / 'omraade'} findes allerede og er ikke en tom mappe, så intet blev skrevet; "
                             "skriv navnet på en ny mappe\n")


def test_an_unknown_edition_is_a_usage_error_and_nothing_is_written(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "nyt"), "--skabelon", "lbf-2019-2"])
    assert result.exit_code == 2
    assert "unknown edition 'lbf-2019-2' (did you mean 'lbf-2019-26'?)" in result.output
    assert not (tmp_path / "nyt").exists()
    with pytest.raises(UsageError):
        init_content(tmp_path / "nyt", edition="lbf-2019-2")


def test_skabelon_names_another_built_in_edition(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built_in = tmp_path / "editions"
    built_in.mkdir()
    for name, (folder, _) in agreement.editions.available().items():
        shutil.copytree(folder, built_in / name)
    agreement.editions.export(next(iter(agreement.editions.available())), built_in / "lbf-2027-30")
    monkeypatch.setattr(agreement.editions, "EDITIONS", built_in)
    init_content(tmp_path / "nyt", edition="lbf-2027-30")
    strategic = (tmp_path / "nyt" / "strategic.yaml").read_text(encoding="utf-8")
    assert "\nskabelon: lbf-2027-30\n" in strategic
    assert load_content(tmp_path / "nyt").edition.name == "lbf-2027-30"


def test_a_failure_while_writing_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    original = Path.write_text

    def failing(self: Path, *args, **kwargs):
        calls.append(self)
        if len(calls) == 3:
            raise OSError(28, "No space left on device", str(self))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", failing)
    with pytest.raises(OSError):
        init_content(tmp_path / "nyt")
    assert len(calls) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_schema_lines_hold_wherever_the_folder_is_moved_or_copied(tmp_path: Path) -> None:
    written = init_content(tmp_path / "here" / "nyt")
    names = [p.relative_to(tmp_path / "here" / "nyt") for p in written]
    moved = tmp_path / "elsewhere" / "deeper" / "omraade"
    moved.parent.mkdir(parents=True)
    (tmp_path / "here" / "nyt").rename(moved)
    # Another machine: the package is not where it was installed here, and the folder lies at another depth.
    other = tmp_path / "other-machine" / "omraade"
    shutil.copytree(moved, other)
    shutil.rmtree(moved)
    for name in names:
        schema = _schema_of(other / name)
        assert schema.is_relative_to(other / ".schemas"), name
        assert schema.read_bytes() == (SCHEMAS / schema.name).read_bytes(), name
    assert run_cli(["check", "--content", "omraade"], cwd=other.parent).returncode == 0


def test_upgrade_refreshes_the_schemas_and_points_old_schema_lines_at_them(tmp_path: Path) -> None:
    content = tmp_path / "nyt"
    init_content(content)
    assert upgrade(content) == []  # what init writes is current
    strategic = content / "strategic.yaml"
    # What init wrote before: a path climbing to the package of the machine that ran it.
    old = "# yaml-language-server: $schema=../../../../home/anna/.venv/lib/python3.11/site-packages/agreement/schemas/strategic.schema.json"
    strategic.write_text(old + "\n" + strategic.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")
    (content / ".schemas" / "budget.schema.json").unlink()
    (content / ".schemas" / "delaftale.schema.json").write_text("{}", encoding="utf-8")  # an older agreement's
    (content / ".schemas" / "fjernet.schema.json").write_text("{}", encoding="utf-8")  # one this agreement dropped
    result = run_cli(["upgrade", "--content", "nyt"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "the schemas editors check with were brought up to date (3 files)" in result.stdout
    assert "strategic.yaml: the schema line now names .schemas/strategic.schema.json" in result.stdout
    assert strategic.read_text(encoding="utf-8").split("\n", 1)[0] == "# yaml-language-server: $schema=.schemas/strategic.schema.json"
    assert {p.name: p.read_bytes() for p in (content / ".schemas").iterdir()} == {
        p.name: p.read_bytes() for p in SCHEMAS.glob("*.schema.json")}
    assert upgrade(content) == []


def test_a_refused_folder_from_the_library_is_a_publish_error(tmp_path: Path) -> None:
    (tmp_path / "fuld").mkdir()
    (tmp_path / "fuld" / "strategic.yaml").write_text("status: endelig\n", encoding="utf-8")
    with pytest.raises(PublishError, match="not an empty folder"):
        init_content(tmp_path / "fuld")
    assert (tmp_path / "fuld" / "strategic.yaml").read_text(encoding="utf-8") == "status: endelig\n"


def test_the_printed_follow_up_command_is_quoted_for_the_shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shlex

    monkeypatch.chdir(tmp_path)
    folder = "mit område; rm -rf ~ $(id) 'x'"
    result = CliRunner().invoke(main, ["init", folder])
    assert result.exit_code == 0, result.output
    command = result.output.split("then run: ")[1].strip()
    assert shlex.split(command) == ["agreement", "check", "--content", folder]


def test_init_writes_a_first_follow_up_with_the_fixed_indicators_to_fill_in(tmp_path: Path) -> None:
    content = tmp_path / "nyt"
    init_content(content)
    path = content / "opfoelgning" / "2027.yaml"  # the scaffold's period starts in 2027
    assert _schema_of(path) == (content / ".schemas" / "opfoelgning.schema.json").resolve()
    text = path.read_text(encoding="utf-8")
    assert "status: udkast\når: 2027\n" in text
    for ident in agreement.editions.find("lbf-2019-26").indicators:
        assert f"#   - indikator: {ident}  # " in text
    assert load_content(content).follow_ups[0].measurements == ()  # commented out until measured
    # Filled in by taking away the '# ' of the measurements, it is a follow-up with every fixed indicator.
    start, end = text.index("# målinger:"), text.index("\n\n", text.index("# målinger:"))
    path.write_text(text[:start] + re.sub(r"(?m)^# ?", "", text[start:end]).replace(": 0\n", ": 7\n") + text[end:],
                    encoding="utf-8")
    follow_up = load_content(content).follow_ups[0]
    assert [m.indicator for m in follow_up.measurements] == list(agreement.editions.find("lbf-2019-26").indicators)
    assert follow_up.measurements[0].data_year == 2026


def test_init_gives_every_baseline_the_year_the_follow_up_charts_start_from(tmp_path: Path) -> None:
    from agreement.documents.opfoelgning import fixed_goals

    content = tmp_path / "nyt"
    init_content(content)
    path = content / "strategic.yaml"
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    fixed = agreement.editions.find(data["skabelon"]).indicators
    # Two years before the period starts (2027), as in the sample: LBF's data run behind.
    assert {ident: entry.get("år") for ident, entry in data["baseline"].items()} == dict.fromkeys(fixed, 2025)
    assert "# 'år' er det år, baseline blev målt" in text and "grafer viser baseline i det år" in text
    # Filled in as a secretariat does, the numbers written and the year kept, with a first measurement.
    text = text.replace("  dagtilbud:  # Andel 1-5-årige i dagtilbud (procent; LBF boligsociale data)\n"
                        "    boligområde: ikke opgjort\n    kommune: ikke opgjort\n",
                        "  dagtilbud:  # Andel 1-5-årige i dagtilbud (procent; LBF boligsociale data)\n"
                        "    boligområde: 82.4\n    kommune: 91.0\n")
    path.write_text(text, encoding="utf-8")
    follow_up = content / "opfoelgning" / "2027.yaml"
    follow_up.write_text(follow_up.read_text(encoding="utf-8").replace(
        "# målinger:\n", "målinger:\n  - {indikator: dagtilbud, boligområde: 84.0, kommune: 91.5}\n"), encoding="utf-8")
    programme = load_content(content)
    chart = fixed_goals(programme, list(programme.follow_ups))[0]["charts"][0]["chart"]
    assert chart.baseline_year == 2025 and chart.years == (2025, 2026, 2027)
    assert "steg fra 82,4\u00a0% i 2025 (baseline) til 84,0\u00a0% i 2027" in chart.description


def test_the_scaffolds_baselines_are_the_block_another_edition_replaces(tmp_path: Path) -> None:
    from agreement.scaffold import baseline_year
    from agreement.scaffold.goals import baseline_block

    text = (SCAFFOLD / "strategic.yaml").read_text(encoding="utf-8")
    edition = agreement.editions.find(yaml.safe_load(text)["skabelon"])
    assert baseline_year(text) == 2025
    assert baseline_block(edition, year=2025) in text  # what --skabelon swaps for the other edition's block


def test_every_milestone_has_an_id_and_the_comment_lists_every_status(tmp_path: Path) -> None:
    import json

    content = tmp_path / "nyt"
    init_content(content)
    text = (content / "milepaelsplan.yaml").read_text(encoding="utf-8")
    milestones = yaml.safe_load(text)["milepæle"]
    assert all(m.get("id") for m in milestones) and len({m["id"] for m in milestones}) == len(milestones)
    schema = json.loads((SCHEMAS / "milepaelsplan.schema.json").read_text(encoding="utf-8"))
    statuses = schema["properties"]["milepæle"]["items"]["properties"]["status"]["enum"]
    comment = " ".join(line for line in text.split("\n") if line.startswith("# Status:"))
    assert re.findall(r"planlagt|i gang|nået|forsinket|aflyst", comment) == statuses


def test_the_follow_up_files_milestone_example_names_a_milestone_and_checks(tmp_path: Path) -> None:
    content = tmp_path / "nyt"
    init_content(content)
    path = content / "opfoelgning" / "2027.yaml"
    text = path.read_text(encoding="utf-8")
    first = yaml.safe_load((content / "milepaelsplan.yaml").read_text(encoding="utf-8"))["milepæle"][0]["id"]
    assert f"# milepæle:\n#   {first}: nået\n" in text
    path.write_text(text.replace(f"# milepæle:\n#   {first}: nået\n", f"milepæle:\n  {first}: nået\n"), encoding="utf-8")
    assert load_content(content).follow_ups[0].milestones == {first: "nået"}


def test_the_follow_up_files_opening_comment_holds_no_year_to_go_stale_in_its_copies(tmp_path: Path) -> None:
    content = tmp_path / "nyt"
    init_content(content)
    comments = (content / "opfoelgning" / "2027.yaml").read_text(encoding="utf-8").split("\n\n")[0].split("\n")[1:]
    assert comments[0].startswith("# Årets opfølgning") and not [line for line in comments if re.search(r"\d{4}", line)]


def test_inits_delmaal_indicator_has_a_unit_that_check_holds_its_numbers_to(tmp_path: Path) -> None:
    """The delaftale init writes names its indicator's unit, so a secretariat's impossible number is caught."""
    content = tmp_path / "nyt"
    init_content(content)
    path = next((content / "delaftaler").glob("*.yaml"))
    text = path.read_text(encoding="utf-8")
    assert "        enhed: antal\n" in text
    path.write_text(text.replace("baseline: Ny aktivitet", "baseline: -9", 1), encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_content(content)
    assert any("-9" in str(e) and e.location.path.endswith(path.name) for e in caught.value.errors)
