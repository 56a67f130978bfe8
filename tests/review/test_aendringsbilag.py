"""`agreement package --siden REV` (or godkendt_version in strategic.yaml): the ændringsbilag and the redlines of a
revised agreement, packaged with its documents; a bad revision writes nothing."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from lxml import etree

from agreement import package as package_module
from agreement.cli import main
from agreement.files import sha256_file
from agreement.formatting import NBSP
from agreement.package import package
from agreement.word.ooxml import w
from tests.conftest import line_of, pdf_text, replace_line, snapshot
from tests.review.conftest import change_content, commit, git, new_repo
from tests.test_package import _build_into

BILAG = "Albertslund - Ændringsbilag 2021-2025"
REDLINES = [
    "Albertslund - Budget 2021-2025 - ændringer.docx",
    "Albertslund - Delaftale - Beskæftigelse - ændringer.docx",
    "Albertslund - Milepælsplan 2021-2025 - ændringer.docx",
    "Albertslund - Strategisk samarbejdsaftale 2021-2025 - ændringer.docx",
]


def plain(text: str) -> str:
    """The words of pdftotext's layout on one line, a word broken after its hyphen at a line end joined again."""
    return re.sub(r"(?<=\S)- (?=\S)", "-", " ".join(text.replace(NBSP, " ").split()))


@pytest.fixture(scope="module")
def revised(built, tmp_path_factory: pytest.TempPathFactory):
    """The sample tagged as approved by LBF (lbf-godkendt), then revised in the working tree: the reviewed change of
    these tests and a corrected follow-up measurement; packaged with --siden lbf-godkendt.

    The package's build starts from a copy of the shared build of the sample (only the changed documents and the
    ændringsbilag are made, with real LibreOffice)."""
    repo = new_repo(tmp_path_factory.mktemp("revised") / "repo")
    git(repo, "tag", "lbf-godkendt")
    change_content(repo / "content")
    replace_line(repo / "content" / "opfoelgning" / "2022.yaml", r"^    boligområde: 90.2$", "    boligområde: 91.0")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(package_module, "build", _build_into(built.out_dir))
        result = package(repo / "content", repo / "upload", allow_drafts=True, since="lbf-godkendt")
    return repo, result


def test_the_package_holds_the_bilag_and_a_redline_per_changed_document(revised) -> None:
    repo, result = revised
    names = sorted(p.name for p in result.folder.iterdir())
    assert [n for n in names if "ndringer" in n or "Ændringsbilag" in n] == sorted([*REDLINES, f"{BILAG}.docx", f"{BILAG}.pdf"])
    assert "Albertslund - Strategisk samarbejdsaftale 2021-2025.pdf" in names  # the revised documents themselves
    with zipfile.ZipFile(result.archive) as archive:
        assert sorted(archive.namelist()) == [f"{result.folder.name}/{n}" for n in names]
    manifest = json.loads((result.folder / "manifest.json").read_text(encoding="utf-8"))
    tag = git(repo, "rev-parse", "lbf-godkendt").strip()
    assert manifest["revision"] == {"since": "lbf-godkendt", "commit": tag}
    redlines = {e["file"]: e for e in manifest["files"] if e["kind"] == "redline"}
    assert sorted(redlines) == REDLINES
    assert redlines[REDLINES[0]]["document"] == "budget" and redlines[REDLINES[0]]["title"] == "Budget, Albertslund 2021-2025"
    bilag = [e for e in manifest["files"] if e["kind"] == "aendringsbilag"]
    assert [e["file"] for e in bilag] == [f"{BILAG}.docx", f"{BILAG}.pdf"]
    for entry in manifest["files"]:
        assert entry["sha256"] == sha256_file(result.folder / entry["file"])


def test_the_bilag_lists_each_changed_document_and_its_changes(revised) -> None:
    repo, result = revised
    text = plain(pdf_text(result.folder / f"{BILAG}.pdf", "-layout"))
    short = git(repo, "rev-parse", "--short=7", "lbf-godkendt").strip()
    assert f"Godkendt version: lbf-godkendt ({short}) af " in text
    assert "Revideret version: indholdet, som det er nu" in text
    assert "4 af 8 dokumenter er ændret siden den godkendte version." in text
    assert "Beredskabsplan, Albertslund 2021-2025 uændret" in text
    assert "Delaftale om Beskæftigelse, Albertslund 2021-2025 ændret 5. Aktiviteter" in text
    # Each changed document: where its redline is, its key figures before and now, its changes by section.
    assert "Word-filen »Albertslund - Budget 2021-2025 - ændringer.docx«" in text
    assert "Udgifter i alt 6.380.000 kr. 6.400.000 kr." in text
    assert "Andel fra Landsbyggefonden (LBF) 75,0 % 74,8 %" in text
    assert "Ændret: Visionen for boligområderne" in text and "skal være attraktive eftertragtede steder" in text
    assert "Slettet række: Fremskudt rådgivning | 60.000 | 60.000 | 60.000 | 60.000 | 240.000" in text
    assert "Milepæl: Fremskudt rådgivning holder åbent hver uge i boligområderne 3. kvt. 2021 –" in text
    # The corrected measurement, in its own section.
    assert ("3. Målinger i den årlige opfølgning" in text and
            "Opfølgning 2022: Andel 1-5-årige i dagtilbud (boligområdet, dataår 2021) 90,2 % 91,0 %" in text)
    # Unchanged documents are in the overview only.
    assert text.count("Kommissorium for bestyrelsen, Albertslund 2021-2025") == 1


def test_the_bilag_marks_removed_and_added_words_in_word(revised) -> None:
    _, result = revised
    document = Document(str(result.folder / f"{BILAG}.docx"))
    headings = [(p.style.style_id, p.text) for p in document.paragraphs if p.style.style_id.startswith("Heading")]
    assert ("Heading1", "2. Ændringer i dokumenterne") in headings
    assert ("Heading2", "Budget, Albertslund 2021-2025") in headings
    assert ("Heading3", "2. Vision for boligområdet") in headings
    vision = next(p for p in document.paragraphs if p.text.startswith("Ændret: Visionen"))
    runs = {r.text: r._r for r in vision.runs}
    assert runs["Ændret:"].find(f"{w('rPr')}/{w('b')}") is not None
    assert runs["attraktive"].find(f"{w('rPr')}/{w('strike')}") is not None
    assert runs["eftertragtede"].find(f"{w('rPr')}/{w('u')}").get(w("val")) == "single"
    assert runs["attraktive"].find(f"{w('rPr')}/{w('u')}") is None
    assert runs["eftertragtede"].find(f"{w('rPr')}/{w('strike')}") is None


def test_each_redline_holds_the_changes_as_tracked_changes(revised) -> None:
    _, result = revised
    with zipfile.ZipFile(result.folder / REDLINES[-1]) as docx:
        body = etree.fromstring(docx.read("word/document.xml"))
    deleted = "".join(t.text or "" for t in body.iter(w("delText")))
    inserted = "".join(t.text or "" for node in body.iter(w("ins")) for t in node.iter(w("t")))
    assert "attraktive" in deleted and "eftertragtede" in inserted


def test_godkendt_version_in_strategic_yaml_gives_the_same_bilag(revised, built, tmp_path: Path) -> None:
    repo, first = revised
    strategic = repo / "content" / "strategic.yaml"
    original = strategic.read_text(encoding="utf-8")
    try:
        strategic.write_text(original + "\ngodkendt_version: lbf-godkendt\n", encoding="utf-8")
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(package_module, "build", _build_into(built.out_dir))
            again = package(repo / "content", tmp_path / "upload", allow_drafts=True)
    finally:
        strategic.write_text(original, encoding="utf-8")
    for name in [f"{BILAG}.docx", f"{BILAG}.pdf", *REDLINES]:
        assert sha256_file(again.folder / name) == sha256_file(first.folder / name), name


def test_an_unchanged_revision_says_so(tmp_path: Path, built) -> None:
    repo = new_repo(tmp_path / "repo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(package_module, "build", _build_into(built.out_dir))
        result = package(repo / "content", tmp_path / "upload", allow_drafts=True, since="HEAD")
    assert not [p.name for p in result.folder.iterdir() if p.name.endswith("ændringer.docx")]
    text = plain(pdf_text(result.folder / f"{BILAG}.pdf", "-layout"))
    assert "Ingen af dokumenterne er ændret siden den godkendte version." in text
    assert "Ingen ændringer." in text and "3. Målinger" not in text


def _package(content: Path, out: Path, *args: str):
    return CliRunner().invoke(main, ["package", "--content", str(content), "--out", str(out), "--draft", "-q", *args])


def test_an_unknown_revision_is_refused_where_it_is_named(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    out = tmp_path / "upload"
    result = _package(repo / "content", out, "--siden", "lbf-godkendt")
    assert result.exit_code == 1, result.output
    assert "error: --siden: unknown revision 'lbf-godkendt'" in result.output
    assert "Traceback" not in result.output and not out.exists()

    strategic = repo / "content" / "strategic.yaml"
    strategic.write_text(strategic.read_text(encoding="utf-8") + "\ngodkendt_version: lbf-godkendt\n", encoding="utf-8")
    line = line_of(strategic, r"^godkendt_version:")
    result = _package(repo / "content", out)
    assert result.exit_code == 1, result.output
    assert f"strategic.yaml:{line}:19: unknown revision 'lbf-godkendt'" in result.output
    assert "1 error found; nothing was packaged" in result.output and not out.exists()


def test_content_outside_git_is_refused(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "upload"
    result = _package(content, out, "--siden", "v1")
    assert result.exit_code == 1, result.output
    assert "is not in a git repository, so there is no approved version 'v1' to compare it with" in result.output
    assert not out.exists()


def test_a_revision_without_the_content_folder_is_refused(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    git(repo, "mv", "content", "indhold")
    commit(repo, "Moved")
    git(repo, "tag", "v2")
    git(repo, "mv", "indhold", "content")
    commit(repo, "Moved back")
    out = tmp_path / "upload"
    before = snapshot(repo)
    result = _package(repo / "content", out, "--siden", "v2")
    assert result.exit_code == 1, result.output
    assert "error: --siden: there is no folder content in v2" in result.output
    assert not out.exists() and snapshot(repo) == before


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_front_section_is_named_in_the_documents_danish_whatever_the_messages_language(language: str) -> None:
    """The ændringsbilag is document text: its name for the part before the first heading is Danish even when the
    messages are English, and comes from review.text beside FRONT_PAGE, as `diff`'s does."""
    from agreement.i18n import set_language
    from agreement.review.aendringsbilag import _title
    from agreement.review.text import FRONT_PAGE

    set_language(language)  # conftest's autouse fixture sets the language back
    assert _title(FRONT_PAGE) == "Forsiden" and _title("1. Området") == "1. Området"
