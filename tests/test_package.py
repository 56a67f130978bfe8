"""The upload package: human names, drafts refused unless asked for, a manifest with hashes and the commit.

The sample's example attachments are drafts; the tests that package a final set mark a copy final first.
"""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from agreement import package as package_module
from agreement.cli import main
from agreement.errors import ContentError, ContentErrors
from agreement.files import sha256_file
from agreement.package import package
from agreement.pipeline import build
from tests.conftest import SAMPLE, copy_build, make_final, pdf_text, replace_line, snapshot
from tests.review.conftest import booby_trap, git, new_repo

NAME = "Albertslund - Boligsocial indsats 2021-2025"
EXPECTED = [
    "Albertslund - Beredskabsplan 2021-2025.pdf",
    "Albertslund - Budget 2021-2025.pdf",
    "Albertslund - Budget 2021-2025.xlsx",
    "Albertslund - Delaftale - Beskæftigelse.pdf",
    "Albertslund - Delaftale - Uddannelse og livschancer.pdf",
    "Albertslund - Indberetningsskema 2021-2025.pdf",
    "Albertslund - Indberetningsskema 2021-2025.xlsx",
    "Albertslund - Kommissorium for bestyrelsen 2021-2025.pdf",
    "Albertslund - Milepælsplan 2021-2025.pdf",
    "Albertslund - Strategisk samarbejdsaftale 2021-2025.pdf",
    "manifest.json",
]
# The sample's example content (README, "Example data"): drafts until a real area replaces them.
EXAMPLES = ["budget.yaml", "beredskabsplan.yaml", "milepaelsplan.yaml", "kommissorium.yaml",
            "delaftaler/beskaeftigelse.yaml", "delaftaler/uddannelse-og-livschancer.yaml"]


def _build_into(shared: Path, formats: tuple[str, ...] = ("docx", "pdf")):
    """A stand-in for package's own build: the real build, into a copy of a shared build of the sample and its
    cache, so that only the documents the test's content changes are made again (no LibreOffice if none)."""
    def build_copy(content: Path, out: Path, **options):
        return build(content, copy_build(shared, out), formats, **options)
    return build_copy


@pytest.fixture(scope="module")
def packaged(built, tmp_path_factory: pytest.TempPathFactory):
    """The sample packaged from the repository itself (so the manifest names its commit), drafts and all.

    The package's build starts from a copy of the shared build of the sample, so its documents come from the
    cache: packaging, not converting, is what the tests of this fixture are about."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(package_module, "build", _build_into(built.out_dir))
        return package(SAMPLE, tmp_path_factory.mktemp("upload"), allow_drafts=True)


def test_folder_and_zip_are_named_for_people_and_the_portal(packaged) -> None:
    name = f"{NAME} - UDKAST"  # the sample's example attachments are drafts
    assert packaged.folder.name == name and packaged.archive.name == f"{name}.zip"
    assert sorted(p.name for p in packaged.folder.iterdir()) == EXPECTED
    with zipfile.ZipFile(packaged.archive) as z:
        assert sorted(z.namelist()) == [f"{name}/{n}" for n in EXPECTED]
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_package_manifest(packaged) -> None:
    manifest = json.loads((packaged.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["package"] == f"{NAME} - UDKAST"
    assert sorted(e["file"] for e in manifest["files"]) == [n for n in EXPECTED if n != "manifest.json"]
    assert manifest["files"][0]["kind"] == "strategisk-samarbejdsaftale"
    for entry in manifest["files"]:
        assert entry["sha256"] == sha256_file(packaged.folder / entry["file"])
        assert entry["status"] == ("endelig" if entry["kind"] == "strategisk-samarbejdsaftale" else "udkast")
    head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip() or None
    assert manifest["source"]["git_commit"] == head
    if head:
        assert isinstance(manifest["source"]["clean"], bool)
    else:
        assert manifest["source"]["clean"] is None


def test_drafts_are_refused_unless_asked_for(content: Path, built_docx, tmp_path: Path, monkeypatch) -> None:
    make_final(content)
    # The Word files and workbooks only (the statuses, not the PDFs, are the point), from a copy of the shared
    # Word build: the documents whose status changed are made again.
    monkeypatch.setattr(package_module, "build", _build_into(built_docx.out_dir, ("docx",)))
    line = replace_line(content / "budget.yaml", r"^status: endelig$", "status: udkast")
    out = tmp_path / "upload"
    result = CliRunner().invoke(main, ["package", "--content", str(content), "--out", str(out), "-q"])
    assert result.exit_code == 1
    assert f"budget.yaml:{line}:" in result.output and "is a draft (status: udkast)" in result.output
    assert result.output.count("is a draft") == 1
    assert "--draft" in result.output and not out.exists()
    danish = CliRunner().invoke(main, ["package", "--content", str(content), "--out", str(out), "-q"], env={"LANGUAGE": "da"})
    assert danish.exit_code == 1 and not out.exists()
    assert (f"budget.yaml:{line}:9: 'Budget, Albertslund 2021-2025' er et udkast (status: udkast); skriv status: endelig, "
            "når det er godkendt, eller pak udkast med vilje med --draft") in danish.output, danish.output

    result = CliRunner().invoke(main, ["package", "--content", str(content), "--out", str(out), "--draft", "-q"])
    assert result.exit_code == 0, result.output
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    assert folder.name.endswith("UDKAST")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert {e["kind"]: e["status"] for e in manifest["files"]}["budget"] == "udkast"


def test_the_sample_is_refused_for_its_example_attachments(tmp_path: Path) -> None:
    """The sample's invented attachments are drafts: packaging it names each, and only them."""
    out = tmp_path / "upload"
    result = CliRunner().invoke(main, ["package", "--content", str(SAMPLE), "--out", str(out), "-q"])
    assert result.exit_code == 1 and not out.exists()
    files = [line.split(":")[0] for line in result.output.splitlines() if "is a draft" in line]
    drafts = {Path(f).resolve().relative_to(SAMPLE).as_posix() for f in files}
    assert drafts == set(EXAMPLES), result.output


def test_a_draft_is_marked_on_every_page_and_a_final_is_not(content: Path, built, tmp_path: Path) -> None:
    # The sample's kommissorium stays a draft; its beredskabsplan is approved. Into a copy of the shared build,
    # so the beredskabsplan alone is made again, with real LibreOffice.
    replace_line(content / "beredskabsplan.yaml", r"^status: udkast$", "status: endelig")
    said: list[str] = []
    result = build(content, copy_build(built.out_dir, tmp_path / "out"), progress=said.append)
    assert any(line.startswith("rendered beredskabsplan.docx") for line in said), said
    assert any(line.startswith("converted 1 document to PDF") for line in said), said
    draft = result.out_dir / "kommissorium.pdf"
    final = result.out_dir / "beredskabsplan.pdf"
    pages = pdf_text(draft).split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 2 and all("UDKAST" in p for p in pages)
    assert "UDKAST" not in pdf_text(final)
    header = Document(str(result.out_dir / "kommissorium.docx")).sections[0].header.paragraphs[0]
    assert header.runs[0].text.startswith("UDKAST") and header.runs[0].bold
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    statuses = {d["kind"]: d["status"] for d in manifest["documents"]}
    assert statuses["kommissorium"] == "udkast" and statuses["beredskabsplan"] == "endelig"


HOSTILE = [("../../x", "x - "), ("/tmp/evil", "tmp-evil - "), ("CON", "CON - "), ("a/b\\c:d", "a-b-c-d - ")]


def _hostile_area(content: Path, area: str) -> None:
    make_final(content)
    replace_line(content / "strategic.yaml", r"^  navn: Albertslund$", f"  navn: '{area}'".replace("\\", "\\\\"))


def _package_stays_inside(content: Path, tmp_path: Path, prefix: str) -> None:
    """Package `content` into tmp_path/upload: everything it writes is there, under names beginning with `prefix`."""
    folder = f"{prefix}Boligsocial indsats 2021-2025"
    workbooks = [f"{prefix}Budget 2021-2025.xlsx", f"{prefix}Indberetningsskema 2021-2025.xlsx"]
    out = tmp_path / "upload"
    watched = [tmp_path.parent, Path("/tmp")]
    around = {d: sorted(p.name for p in d.iterdir() if p.name.startswith(("x", "evil", "tmp-evil"))) for d in watched}
    before = snapshot(tmp_path)

    result = package(content, out)

    after = snapshot(tmp_path)
    new = sorted(set(after) - set(before))
    assert all(path.startswith("upload") for path in new), new
    assert {k: v for k, v in after.items() if k in before} == before  # nothing that was there changed
    assert around == {d: sorted(p.name for p in d.iterdir() if p.name.startswith(("x", "evil", "tmp-evil"))) for d in watched}
    assert sorted(p.name for p in out.iterdir()) == [folder, f"{folder}.zip"]
    assert result.folder == out / folder
    assert sorted(result.files) == sorted([*workbooks, "manifest.json"])
    with zipfile.ZipFile(result.archive) as z:
        assert sorted(z.namelist()) == sorted([*(f"{folder}/{name}" for name in workbooks), f"{folder}/manifest.json"])


@pytest.mark.parametrize(("area", "prefix"), HOSTILE)
def test_names_from_content_never_lead_outside_out(content: Path, built_docx, tmp_path: Path, monkeypatch, area: str,
                                                   prefix: str) -> None:
    """Every name package() makes from the area's name. The documents the hostile content gives differ from the
    sample's only in their words, so the package's build here is the real build of the sample, from a copy of
    the shared Word build (nothing is rendered); the test below builds a hostile content for real."""
    _hostile_area(content, area)
    sample = _build_into(built_docx.out_dir, ("docx",))
    monkeypatch.setattr(package_module, "build", lambda _content, out, **options: sample(SAMPLE, out, **options))
    _package_stays_inside(content, tmp_path, prefix)


def test_an_area_name_that_would_vanish_from_the_names_is_refused_before_anything_is_written(
        content: Path, tmp_path: Path) -> None:
    """'..' once vanished silently from every upload name; check refuses it now, at its line."""
    _hostile_area(content, "..")
    with pytest.raises(ContentErrors) as caught:
        package(content, tmp_path / "upload")
    assert [str(e) for e in caught.value.errors] == [
        f"{content / 'strategic.yaml'}:10:9: the area's name '..' has no letter or digit, so it would vanish from the "
        "names of the upload files; write the area's name"]
    assert not (tmp_path / "upload").exists()


def test_a_build_of_hostile_names_writes_only_inside_out(content: Path, tmp_path: Path, monkeypatch) -> None:
    """The whole package, its build of the hostile content included (Word files and workbooks: the names are
    the point here, not the PDFs), for a name that tries to climb out of --out."""
    _hostile_area(content, "../../x")
    monkeypatch.setattr(package_module, "build", lambda c, o, **kw: build(c, o, ("docx",), **kw))
    _package_stays_inside(content, tmp_path, "x - ")


def test_every_invented_document_carries_the_draft_mark_on_every_page(built) -> None:
    """The sample's example attachments render as drafts; the real strategic agreement does not.

    The strategic agreement's PDF (16 pages, the slowest to read) is read in tests/publish/test_textconv.py,
    which also finds no draft mark in it; here its Word file's headers carry none."""
    manifest = json.loads(built.manifest.read_text(encoding="utf-8"))
    for doc in manifest["documents"]:
        if doc["kind"] == "strategisk-samarbejdsaftale":
            assert doc["status"] == "endelig"
            sections = Document(str(built.out_dir / doc["files"]["docx"])).sections
            headers = [h for s in sections for h in (s.header, s.first_page_header, s.even_page_header)]
            assert not any("UDKAST" in p.text for header in headers for p in header.paragraphs)
            continue
        text = pdf_text(built.out_dir / doc["files"]["pdf"])
        pages = [p for p in text.split("\f") if p.strip()]
        assert doc["status"] == "udkast", doc["kind"]
        assert pages and all("UDKAST – IKKE GODKENDT" in p for p in pages), doc["files"]["pdf"]


@pytest.mark.parametrize("length", [99, 130])
def test_a_long_area_name_keeps_years_draft_mark_and_distinct_names_within_windows_paths(
        content: Path, built, tmp_path: Path, monkeypatch, length: int) -> None:
    """The issue's probes: at 99 characters the years and the draft mark were cut off the folder's name and the
    zip's paths were 246 characters long; at 130 two documents got the same name. (The build is the sample's,
    from the shared build's cache: only the names are made from the long area name.)"""
    area = ("Ærøskøbing Østergård og Ålholm " * 10)[:length - 1] + "x"
    replace_line(content / "strategic.yaml", r"^  navn: Albertslund$", f"  navn: '{area}'")
    sample = _build_into(built.out_dir)
    monkeypatch.setattr(package_module, "build", lambda _content, out, **options: sample(SAMPLE, out, **options))
    result = package(content, tmp_path / "upload", allow_drafts=True)
    assert result.folder.name.endswith(" - Boligsocial indsats 2021-2025 - UDKAST"), result.folder.name
    assert result.folder.name.startswith(area[:16]) and len(result.folder.name) <= package_module.FOLDER_MAX
    with zipfile.ZipFile(result.archive) as z:
        paths = z.namelist()
    assert max(len(path) for path in paths) <= 146
    expected = [name.replace("Albertslund - ", "") for name in EXPECTED if name != "manifest.json"]
    files = sorted(result.files)
    assert len(set(files)) == len(files) == len(EXPECTED)
    for rest in expected:  # every document still says what it is, and for which years
        assert sum(name.endswith(f"… - {rest}") for name in files) == 1, (rest, files)


def test_the_commit_is_read_without_running_the_repositorys_commands(built, tmp_path: Path, monkeypatch) -> None:
    repo = new_repo(tmp_path / "repo")
    marker = booby_trap(repo)  # tests/review/test_revisions.py shows that git itself springs it
    monkeypatch.setattr(package_module, "build", _build_into(built.out_dir))
    result = package(repo / "content", tmp_path / "upload", allow_drafts=True)
    manifest = json.loads((result.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["source"] == {"git_commit": git(repo, "rev-parse", "HEAD").strip(), "clean": True}
    assert not marker.exists()


def test_upload_names_that_differ_only_in_case_are_refused(content: Path, built, tmp_path: Path, monkeypatch) -> None:
    """Unpacked on Windows or macOS, one of two names that differ only in case (or in Unicode normal form) replaces
    the other. Content cannot make such names any more (see tests/source/test_rules.py); any other way to them,
    made here by naming one delaftale in lower case, is still refused."""
    real = package_module.shortened
    monkeypatch.setattr(package_module, "shortened", lambda text, **options: real(
        text.replace("Beskæftigelse", "uddannelse og livschancer"), **options))
    monkeypatch.setattr(package_module, "build", _build_into(built.out_dir))
    with pytest.raises(ContentError) as caught:
        package(content, tmp_path / "upload", allow_drafts=True)
    assert str(caught.value) == (
        "two documents would both be named 'Albertslund - Delaftale - uddannelse og livschancer.pdf' and "
        "'Albertslund - Delaftale - Uddannelse og livschancer.pdf', one file on Windows and macOS, in the upload "
        "package; give the areas or focus areas they are named after different names")
    assert not (tmp_path / "upload").exists() or not any((tmp_path / "upload").iterdir())
