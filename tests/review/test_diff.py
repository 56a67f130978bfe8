"""`agreement diff`: the changed documents and sections in words, key figures old -> new, in three formats."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from agreement.cli import main
from agreement.formatting import NBSP
from agreement.model.metadata import Metadata
from agreement.pipeline import build
from agreement.review import formats, text
from agreement.review.diff import compare, compare_documents, compare_items, compare_sections, word_diff
from agreement.review.text import DocumentText, Item, Section
from agreement.scaffold import init_content
from agreement.word.renderer import DocxRenderer
from tests.conftest import replace_line, run_cli, snapshot
from tests.review.conftest import change_content, commit, git, new_repo

GITHUB_LIMIT = 65_536


def diff(repo: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["diff", *args, "--content", str(repo / "content")], catch_exceptions=False)


def plain(text: str) -> str:
    return text.replace(NBSP, " ")


@pytest.fixture(scope="module")
def outputs(changed_repo: Path) -> dict[str, str]:
    """The comparison of the reviewed change in every format (one comparison; the CLI is run in the tests below)."""
    with compare(changed_repo / "content") as comparison:
        return {"text": formats.text(comparison), "json": formats.as_json(comparison), "markdown": formats.markdown(comparison)}


@pytest.fixture(scope="module")
def as_text(outputs: dict[str, str]) -> str:
    return plain(outputs["text"])


@pytest.fixture(scope="module")
def as_json(outputs: dict[str, str]) -> dict:
    return json.loads(outputs["json"])


@pytest.fixture(scope="module")
def as_markdown(outputs: dict[str, str]) -> str:
    return outputs["markdown"]


def test_names_exactly_the_changed_documents_and_sections(as_json: dict) -> None:
    changed = {doc["file"]: [s["title"] for s in doc["sections"]] for doc in as_json["documents"] if doc["status"] == "changed"}
    assert changed == {
        "strategisk-samarbejdsaftale": ["2. Vision for boligområdet"],
        "delaftale-beskaeftigelse": ["5. Aktiviteter"],
        "budget": ["1. Udgifter", "2. Finansiering", "3. Finansieringsregler"],
        "milepaelsplan": ["1. Milepæle", "2. Tidslinje"],
        # the yearly reports show the activities, the budget lines and the milestones
        "opfoelgning-2021": ["3. Aktiviteter", "4. Økonomi", "5. Milepæle"],
        "opfoelgning-2022": ["3. Aktiviteter", "4. Økonomi", "5. Milepæle"],
    }
    unchanged = {doc["file"] for doc in as_json["documents"] if doc["status"] == "unchanged"}
    assert unchanged == {"delaftale-uddannelse-og-livschancer", "beredskabsplan", "kommissorium", "indberetningsskema"}
    assert as_json["changed"] is True
    assert as_json["base"]["working_tree"] is False and as_json["head"]["working_tree"] is True


def test_text_shows_old_and_new_words(as_text: str) -> None:
    assert "[-attraktive-]{+eftertragtede+} steder" in as_text
    assert "| [-580.000-]{+600.000+} | 580.000 |" in as_text


def test_text_shows_new_total_and_shares_in_danish_format(as_text: str) -> None:
    assert "Udgifter i alt: 6.380.000 kr. → 6.400.000 kr." in as_text
    assert "Andel fra Landsbyggefonden (LBF): 75,0 % → 74,8 %" in as_text
    assert "Lokal andel: 25,0 % → 25,2 %" in as_text
    assert "Lokal medfinansiering: 1.595.000 kr. → 1.615.000 kr." in as_text
    assert "Milepæl: Fremskudt rådgivning holder åbent hver uge i boligområderne: 3. kvt. 2021 → (none)" in as_text


def test_text_shows_removed_rows(as_text: str) -> None:
    assert "- row removed: Fremskudt rådgivning | 60.000 | 60.000 | 60.000 | 60.000 | 240.000\n" in as_text
    assert "- row removed: Bydelsmødrene | Formidler kontakt til beboere, som ikke kommer af sig selv.\n" in as_text
    assert "- paragraph removed: Fremskudt rådgivning\n" in as_text


def test_unchanged_documents_are_one_line(as_text: str) -> None:
    lines = as_text.splitlines()
    for title in ("Beredskabsplan", "Kommissorium for bestyrelsen", "Delaftale om Uddannelse og livschancer"):
        (at,) = [i for i, line in enumerate(lines) if line.startswith("unchanged") and title in line]
        assert at == len(lines) - 2 or not lines[at + 1].startswith(" "), lines[at + 1]
    assert lines[-1] == "6 of 10 documents changed."
    assert "\x1b[" not in as_text  # no colours when the output is not a terminal


def test_markdown_is_one_pull_request_comment(as_markdown: str) -> None:
    assert as_markdown.splitlines()[0] == "<!-- agreement-diff -->"
    assert "| Budget, Albertslund 2021-2025 | changed | 1. Udgifter; 2. Finansiering; 3. Finansieringsregler |" in as_markdown
    assert "| Beredskabsplan, Albertslund 2021-2025 | unchanged |  |" in as_markdown
    assert as_markdown.count("<details>") == as_markdown.count("</details>") == 6
    assert "~~attraktive~~ **eftertragtede**" in as_markdown
    assert plain("Udgifter i alt: 6.380.000 kr. → 6.400.000 kr.") in plain(as_markdown)
    assert "Row removed: ~~Fremskudt rådgivning | 60.000 | 60.000 | 60.000 | 60.000 | 240.000~~" in as_markdown
    assert "left out" not in as_markdown


def test_json_has_words_and_figures(as_json: dict) -> None:
    budget = next(doc for doc in as_json["documents"] if doc["kind"] == "budget")
    figures = {f["name"]: (f["old"], f["new"]) for f in budget["figures"]}
    assert figures["Udgifter i alt"] == (f"6.380.000{NBSP}kr.", f"6.400.000{NBSP}kr.")
    vision = next(doc for doc in as_json["documents"] if doc["kind"] == "strategisk-samarbejdsaftale")["sections"][0]
    (change,) = vision["changes"]
    assert change["status"] == "changed" and change["type"] == "paragraph"
    assert {"op": "-", "text": "attraktive"} in change["words"] and {"op": "+", "text": "eftertragtede"} in change["words"]


def test_markdown_stays_under_githubs_limit_on_a_large_change(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    strategic = repo / "content" / "strategic.yaml"
    lines = strategic.read_text(encoding="utf-8").split("\n")
    # Every prose line of the strategic agreement rewritten: each word in capitals.
    prose = re.compile(r"^(\s+)([A-ZÆØÅa-zæøå].*[.!?])$")
    rewritten = [prose.sub(lambda m: m.group(1) + m.group(2).upper(), line) if ": " not in line else line for line in lines]
    assert sum(a != b for a, b in zip(lines, rewritten)) > 100
    strategic.write_text("\n".join(rewritten), encoding="utf-8")
    replace_line(repo / "content" / "beredskabsplan.yaml", r"de rigtige bliver kaldt hurtigt", "de rigtige bliver kaldt straks")
    result = diff(repo, "--format", "markdown")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert len(out.encode("utf-16-le")) // 2 < GITHUB_LIMIT
    assert out.startswith("<!-- agreement-diff -->\n")
    assert "| Strategisk samarbejdsaftale om boligsocial indsats, Albertslund 2021-2025 | changed |" in out
    assert "1 changed document was left out** to keep this comment under GitHub's size limit: Strategisk" in out
    assert "`agreement diff --format text`" in out
    assert "<b>Beredskabsplan, Albertslund 2021-2025</b>: changed" in out  # the smaller block still fits
    assert out.count("<details>") == out.count("</details>") == 1


def test_exit_code_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The content of a new area (agreement init), whose documents are quicker to make than the sample's, built as
    # a user's comparison builds it: without the cache these tests share (tests/review/conftest.py).
    monkeypatch.setattr(text, "build", build)
    rendered = []
    save = DocxRenderer.save

    def saving(renderer: DocxRenderer, path: Path, meta: Metadata) -> None:
        rendered.append(path.stem)
        save(renderer, path, meta)

    monkeypatch.setattr(DocxRenderer, "save", saving)
    init_content(tmp_path / "new-area")
    clean = new_repo(tmp_path / "clean", tmp_path / "new-area")
    result = diff(clean, "--exit-code", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["changed"] is False
    assert data["base"]["name"] == "HEAD"  # on main, with main checked out, BASE is HEAD
    assert {doc["status"] for doc in data["documents"]} == {"unchanged"}
    # A document HEAD did not change is rendered once, for BASE: HEAD's build takes it from BASE's build cache.
    assert sorted(rendered) == sorted(doc["file"] for doc in data["documents"])
    # With changes, --exit-code exits 1: see test_console_script.


def test_working_tree_and_index_untouched(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    change_content(repo / "content")
    commit(repo, "The reviewed change")
    # A staged change and an unstaged one, so the index and the working tree differ from HEAD and each other.
    replace_line(repo / "content" / "beredskabsplan.yaml", r"kaldt hurtigt", "kaldt straks")
    git(repo, "add", "content/beredskabsplan.yaml")
    replace_line(repo / "content" / "beredskabsplan.yaml", r"kaldt straks", "kaldt med det samme")
    (repo / "notes.txt").write_text("not tracked\n", encoding="utf-8")

    def state() -> tuple:
        index = repo / ".git" / "index"
        return (git(repo, "--no-optional-locks", "status", "--porcelain"), index.read_bytes(), index.stat().st_mtime_ns,
                snapshot(repo / "content"), sorted(p.name for p in repo.iterdir()))

    before = state()
    assert diff(repo, "HEAD~1", "HEAD").exit_code == 0
    assert state() == before
    result = diff(repo)
    assert result.exit_code == 0
    # HEAD defaults to the working tree, not the index
    assert "[-hurtigt-]{+med det samme+}," in result.stdout and "straks" not in result.stdout
    assert state() == before


def test_base_defaults_to_the_merge_base_with_main(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    git(repo, "checkout", "-q", "-b", "feature")
    change_content(repo / "content")
    feature = commit(repo, "The reviewed change")
    git(repo, "checkout", "-q", "main")
    replace_line(repo / "content" / "beredskabsplan.yaml", r"de rigtige bliver kaldt hurtigt", "de rigtige bliver kaldt straks")
    commit(repo, "Meanwhile on main")
    git(repo, "checkout", "-q", "feature")

    data = json.loads(diff(repo, "--format", "json").stdout)
    assert data["base"]["name"] == "merge-base of HEAD and main"
    assert data["base"]["commit"] == git(repo, "merge-base", "HEAD", "main").strip()
    statuses = {doc["file"]: doc["status"] for doc in data["documents"]}
    assert statuses["beredskabsplan"] == "unchanged"  # main's own later change is not part of this branch
    assert statuses["budget"] == "changed"

    # Naming both revisions compares exactly those two.
    data = json.loads(diff(repo, "main", feature, "--format", "json").stdout)
    assert data["head"]["commit"] == feature and data["head"]["working_tree"] is False
    assert {doc["file"]: doc["status"] for doc in data["documents"]}["beredskabsplan"] == "changed"


def test_documents_are_paired_by_kind_and_title_else_by_file(tmp_path: Path) -> None:
    def doc(kind: str, title: str, stem: str, words: str = "Tekst") -> DocumentText:
        return DocumentText(kind, title, stem, tmp_path / f"{stem}.docx", (Section("1. Formål", (Item((words,)),)),))

    old = [doc("strategisk", "Aftale 2021-2025", "strategisk"), doc("delaftale", "Delaftale om A", "delaftale-a"),
           doc("delaftale", "Delaftale om B", "delaftale-b"), doc("budget", "Budget", "budget")]
    new = [doc("strategisk", "Aftale 2021-2026", "strategisk"), doc("delaftale", "Delaftale om A", "delaftale-a-ny"),
           doc("delaftale", "Delaftale om C", "delaftale-c"), doc("budget", "Budget", "budget", "Ny tekst")]
    changes = compare_documents(old, new)
    assert [(c.title, c.status) for c in changes] == [
        ("Aftale 2021-2026", "changed"),  # a new title, the same file: one document retitled
        ("Delaftale om A", "unchanged"),  # the same kind and title from another file
        ("Delaftale om B", "removed"),  # just after the document before it in BASE
        ("Delaftale om C", "added"),
        ("Budget", "changed"),
    ]
    assert changes[0].old_title == "Aftale 2021-2025" and changes[0].sections == ()
    assert changes[2].base_docx == tmp_path / "delaftale-b.docx" and changes[2].head_docx is None
    # Sharing no word, the paragraphs are one removed and one added, not one changed.
    assert [(c.status, c.old, c.new) for c in changes[4].sections[0].changes] == [
        ("removed", "Tekst", None), ("added", None, "Ny tekst")]


def test_sections_match_by_heading_without_its_number() -> None:
    old = [Section("1. Formål", (Item(("A",)),)), Section("2. Periode", (Item(("B",)),))]
    new = [Section("1. Parter", (Item(("P",)),)), Section("2. Formål", (Item(("A",)),)), Section("3. Periode", (Item(("C",)),))]
    changes = compare_sections(old, new)
    assert [(s.title, s.status, s.old_title) for s in changes] == [
        ("1. Parter", "added", None), ("2. Formål", "changed", "1. Formål"), ("3. Periode", "changed", "2. Periode")]
    assert changes[1].changes == ()
    assert [(c.status, c.old, c.new) for c in changes[2].changes] == [("removed", "B", None), ("added", None, "C")]


def test_rows_change_cell_by_cell_and_paragraphs_word_by_word() -> None:
    old = [Item(("Projektleder", "580.000", "580.000"), row=True), Item(("Vi gør det her i år.",))]
    new = [Item(("Projektleder", "600.000", "580.000"), row=True), Item(("Vi gør det hele her i år.",))]
    row, paragraph = compare_items(old, new)
    assert row.words == (("=", "Projektleder | "), ("-", "580.000"), ("+", "600.000"), ("=", " | 580.000"))
    assert paragraph.words == (("=", "Vi gør det "), ("+", "hele"), ("=", " her i år."))
    assert word_diff("a b c", "a x c") == (("=", "a "), ("-", "b"), ("+", "x"), ("=", " c"))


def test_the_word_diff_keeps_unchanged_words_unchanged() -> None:
    """Words and punctuation are compared apart, and the words kept are the most text the versions share: not
    '[-attraktivt-]{+attraktivt, trygt+} og [-trygt-]{+grønt+}' (issue 22)."""
    old, new = "Området skal være attraktivt og trygt for alle.", "Området skal være attraktivt, trygt og grønt for alle."
    assert word_diff(old, new) == (("=", "Området skal være attraktivt"), ("-", " og"), ("+", ","), ("=", " trygt "),
                                   ("+", "og grønt"), ("=", " for alle."))
    # An amount, a share, a date span and a compound are one word each; the punctuation after a word is not part of it.
    assert word_diff("i alt 1.595.000 kr., 75,0 % i 2021-2025", "i alt 1.615.000 kr., 74,8 % i 2021-2026") == (
        ("=", "i alt "), ("-", "1.595.000"), ("+", "1.615.000"), ("=", " kr., "), ("-", "75,0"), ("+", "74,8"),
        ("=", " % i "), ("-", "2021-2025"), ("+", "2021-2026"))
    assert word_diff("bliver kaldt hurtigt, og", "bliver kaldt med det samme, og") == (
        ("=", "bliver kaldt "), ("-", "hurtigt"), ("+", "med det samme"), ("=", ", og"))
    # A short word kept between two longer changes is part of them: old and new read as phrases.
    assert word_diff("Indsatsen styrker beboernes tilknytning og deres uddannelse.",
                     "Vi hjælper flere ledige i arbejde og samarbejder med skolerne.") == (
        ("-", "Indsatsen styrker beboernes tilknytning og deres uddannelse"),
        ("+", "Vi hjælper flere ledige i arbejde og samarbejder med skolerne"), ("=", "."))
    assert word_diff("", "Ny sætning.") == (("+", "Ny sætning."),)
    assert word_diff("Gammel sætning.", "") == (("-", "Gammel sætning."),)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["og", "trygt", "grønt", ",", ".", " ", " ", "  ", "\u00a0", "580.000", "%", "(a)"]),
                max_size=14),
       st.lists(st.sampled_from(["og", "trygt", "attraktivt", ",", ".", " ", " ", "\n", "600.000", "%", "(b)"]),
                max_size=14))
def test_the_word_diff_gives_back_both_texts(old: list[str], new: list[str]) -> None:
    """The kept and added runs are the new text exactly, the kept and removed ones the old text (spaces aside)."""
    a, b = "".join(old), "".join(new)
    segments = word_diff(a, b)
    assert "".join(run for op, run in segments if op != "-") == b.strip()
    assert re.sub(r"\s", "", "".join(run for op, run in segments if op != "+")) == re.sub(r"\s", "", a)
    assert all(run for _, run in segments)
    for n, (op, run) in enumerate(segments):  # a space both sides of a change have is outside it
        before = segments[n - 1] if n else ("=", "")
        if op == "+" and run[:1].isspace():
            assert before[0] == "-" and not before[1].startswith(run[0]), segments
    assert all(segments[n][0] != segments[n + 1][0] for n in range(len(segments) - 1))


def test_errors_are_plain(tmp_path: Path, changed_repo: Path) -> None:
    outside = tmp_path / "no-repo"
    outside.mkdir()
    result = CliRunner().invoke(main, ["diff", "--content", str(outside / "content")])
    assert result.exit_code == 1
    assert "is not in a git repository" in result.output and "Traceback" not in result.output

    result = diff(changed_repo, "no-such-branch")
    assert result.exit_code == 2
    assert "unknown revision 'no-such-branch'" in result.output

    result = diff(changed_repo, "--", "-x")
    assert result.exit_code == 2

    repo = new_repo(tmp_path / "repo")
    (repo / "content").rename(repo / "innhold")
    commit(repo, "Content moved")
    result = CliRunner().invoke(main, ["diff", "HEAD~1", "HEAD", "--content", str(repo / "innhold")])
    assert result.exit_code == 1
    assert "there is no folder innhold in HEAD~1" in result.output


def test_content_errors_of_a_revision_are_located_in_it(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    line = replace_line(repo / "content" / "budget.yaml", r"beløb: \[580000, 580000", "beløb: [980000, 580000")
    commit(repo, "An amount that breaks the balance")
    replace_line(repo / "content" / "budget.yaml", r"beløb: \[980000, 580000", "beløb: [580000, 580000")
    result = diff(repo, "HEAD")
    assert result.exit_code == 1
    assert re.search(r"^HEAD:content/budget\.yaml:\d+:\d+: ", result.output, re.MULTILINE), result.output
    assert "nothing was compared" in result.output
    assert line > 0


def test_console_script(changed_repo: Path, as_markdown: str) -> None:
    proc = run_cli(["diff", "--format", "markdown", "--exit-code"], cwd=changed_repo)
    assert proc.returncode == 1, proc.stderr  # changes found
    assert proc.stdout == as_markdown
    assert proc.stderr == ""
    # --redline (the Word files with tracked changes and their PDFs): see tests/review/test_redline.py.


def test_changed_follow_up_measurements_show_old_and_new_in_every_format(tmp_path: Path) -> None:
    """A corrected measurement changes no agreement document (the follow-up files are drafts), only that year's
    report, yet every format shows it, with the indicator's name, the place and the data year, in the indicator's
    unit and Danish number format."""
    repo = new_repo(tmp_path / "repo")
    follow_up = repo / "content" / "opfoelgning" / "2022.yaml"
    replace_line(follow_up, r"^    boligområde: 90.2$", "    boligområde: 91.05")  # dagtilbud, procent, data 2021
    replace_line(follow_up, r"^    boligområde: 5.6$", "    boligområde: 5.8")  # karakterer: a grade, no unit shown
    replace_line(follow_up, r"^    kommune: 74$", "")  # tryghed: the municipality's value removed
    replace_line(follow_up, r"^    boligområde: 26$", "    boligområde: 1260")  # jobparathed-1, a delmål's: no unit
    with compare(repo / "content", "main") as comparison:
        outputs = {"text": formats.text(comparison), "json": formats.as_json(comparison),
                   "markdown": formats.markdown(comparison)}
    expected = [
        ("Opfølgning 2022: Andel 1-5-årige i dagtilbud (boligområdet, dataår 2021)", f"90,2{NBSP}%", f"91,05{NBSP}%"),
        ("Opfølgning 2022: Karaktergennemsnit i dansk og matematik for 9.-klasseselever (boligområdet, dataår 2021)",
         "5,6", "5,8"),
        ("Opfølgning 2022: Antal deltagere i Aktivt liv for ledige (boligområdet)", "26", "1.260"),
        # A value removed comes after those of the new version, as a removed key figure does.
        ("Opfølgning 2022: Andel beboere over 18 år, der føler sig grundlæggende trygge i boligområdet (kommunen)",
         f"74{NBSP}%", None),
    ]
    data = json.loads(outputs["json"])
    assert [(f["name"], f["old"], f["new"]) for f in data["follow_up"]] == expected
    assert data["changed"] is True
    assert {doc["file"] for doc in data["documents"] if doc["status"] != "unchanged"} == {"opfoelgning-2022"}
    lines = outputs["text"].splitlines()
    at = lines.index("follow-up measurements")
    assert lines[at + 1:at + 5] == [f"    {name}: {old or '(none)'} → {new or '(none)'}" for name, old, new in expected]
    assert lines[-1] == "1 of 10 documents changed. 4 follow-up measurements changed."
    markdown = outputs["markdown"]
    assert "\n**Follow-up measurements**\n\n- Opfølgning 2022: Andel 1-5-årige i dagtilbud (boligområdet, dataår 2021): " \
           f"90,2{NBSP}% → 91,05{NBSP}%\n" in markdown
    assert "- Opfølgning 2022: Antal deltagere i Aktivt liv for ledige (boligområdet): 26 → 1.260\n" in markdown
    assert "4 follow-up measurements changed." in markdown


def test_an_earlier_years_measurement_changes_every_report_that_charts_it(tmp_path: Path) -> None:
    """2021.yaml's dagtilbud (data year 2020) is a point in the middle of the 2022 report's chart: both reports change."""
    repo = new_repo(tmp_path / "repo")
    replace_line(repo / "content" / "opfoelgning" / "2021.yaml", r"^    boligområde: 89.4$", "    boligområde: 89.7")
    with compare(repo / "content", "main") as comparison:
        data = json.loads(formats.as_json(comparison))
    status = {doc["file"]: doc["status"] for doc in data["documents"]}
    assert {name for name, value in status.items() if value != "unchanged"} == {"opfoelgning-2021", "opfoelgning-2022"}
    later = next(doc for doc in data["documents"] if doc["file"] == "opfoelgning-2022")
    [change] = later["sections"][0]["changes"]
    assert [(w["op"], w["text"]) for w in change["words"] if w["op"] != "="] == [("-", "89,4"), ("+", "89,7")]


def test_a_measurement_shown_only_in_a_chart_changes_the_report_in_every_format(tmp_path: Path) -> None:
    """dagtilbud, a fixed indicator, is shown only in its chart: the picture and its alternative text. The report is
    changed (not 'unchanged'), its chart's text old -> new word by word; the year before's report stays unchanged."""
    repo = new_repo(tmp_path / "repo")
    replace_line(repo / "content" / "opfoelgning" / "2022.yaml", r"^    boligområde: 90.2$", "    boligområde: 91.05")
    with compare(repo / "content", "main") as comparison:
        outputs = {"text": formats.text(comparison), "json": formats.as_json(comparison),
                   "markdown": formats.markdown(comparison)}
    data = json.loads(outputs["json"])
    status = {doc["file"]: doc["status"] for doc in data["documents"]}
    assert {name for name, value in status.items() if value != "unchanged"} == {"opfoelgning-2022"}
    assert status["opfoelgning-2022"] == "changed" and status["opfoelgning-2021"] == "unchanged"
    report = next(doc for doc in data["documents"] if doc["file"] == "opfoelgning-2022")
    assert [s["title"] for s in report["sections"]] == ["1. De faste overordnede mål"]
    [change] = report["sections"][0]["changes"]
    chart = "Andel 1-5-årige i dagtilbud, boligområdet og kommunen: Andelen steg fra 88,9 % i 2019 (baseline) over 89,4 % " \
            "i 2020 til {} % i 2021; kommunen: 92,5 %, 92,6 % og 92,4 %."
    assert (change["status"], plain(change["old"]), plain(change["new"])) == ("changed", chart.format("90,2"), chart.format("91,05"))
    assert [(w["op"], w["text"]) for w in change["words"] if w["op"] != "="] == [("-", "90,2"), ("+", "91,05")]
    text_lines = plain(outputs["text"]).splitlines()
    assert "changed   Årlig opfølgning 2022, Albertslund 2021-2025" in text_lines
    assert any("til [-90,2-]{+91,05+} % i 2021" in line for line in text_lines)
    assert text_lines[-1] == "1 of 10 documents changed. 1 follow-up measurement changed."
    markdown = plain(outputs["markdown"])
    assert "| Årlig opfølgning 2022, Albertslund 2021-2025 | changed | 1. De faste overordnede mål |" in markdown
    assert "i 2020 til ~~90,2~~ **91,05** % i 2021; kommunen: " in markdown
