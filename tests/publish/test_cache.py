"""The build cache: an incremental rebuild gives the bytes of a clean build, and only proven entries are used."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from agreement.documents.blocks import Cell, Diagram, Footnote, Markdown, Row, Table
from agreement.errors import ToolError
from agreement.pipeline import _reads, build
from agreement.publish.cache import CACHE_DIR, ENTRY, Cache, Uncacheable, canonical, document_key
from tests.conftest import SAMPLE, copy_build, replace_line, snapshot

DELAFTALE = "delaftaler/beskaeftigelse.yaml"


def _files(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir() if p.is_file()}


def _built(content: Path, out: Path, formats: tuple[str, ...] = ("docx", "pdf"), **options) -> list[str]:
    said: list[str] = []
    build(content, out, formats, progress=said.append, **options)
    return said


def test_a_cached_rebuild_after_an_edit_equals_a_clean_build_file_by_file(content: Path, built, tmp_path: Path) -> None:
    out = copy_build(built.out_dir, tmp_path / "out")  # a build of the sample, as `content` still is
    replace_line(content / DELAFTALE, r"^  Delaftalen skal hjælpe", "  Delaftalen skal nu hjælpe")
    said = _built(content, out)
    assert "rendered delaftale-beskaeftigelse.docx" in " ".join(said)
    assert "unchanged delaftale-uddannelse-og-livschancer.docx (from the cache)" in said
    assert "unchanged kommissorium.docx (from the cache)" in said
    # The workbooks' keys hold what they show, not the whole programme: a delaftale's text is not in them.
    assert "unchanged budget.docx (from the cache)" in said
    assert "unchanged indberetningsskema.docx (from the cache)" in said
    assert any(line.startswith("converted 1 document to PDF") for line in said), said
    assert _files(out)["delaftale-beskaeftigelse.pdf"] != _files(built.out_dir)["delaftale-beskaeftigelse.pdf"]

    # Edited back: the content is the sample again, whose clean build is the shared one. The entry of the
    # delaftale as it was went with the build above (a build keeps only the entries it used), so this rebuild
    # too makes it anew and takes the rest from the cache; file by file it must give the clean build's bytes.
    shutil.copyfile(SAMPLE / DELAFTALE, content / DELAFTALE)
    said = _built(content, out)
    assert "rendered delaftale-beskaeftigelse.docx" in " ".join(said)
    assert "unchanged kommissorium.docx (from the cache)" in said
    assert any(line.startswith("converted 1 document to PDF") for line in said), said
    assert _files(out) == _files(built.out_dir)
    assert len(_files(out)) > 8


def test_nothing_changed_needs_no_libreoffice_and_publishes_the_same_bytes(content: Path, built, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out = copy_build(built.out_dir, tmp_path / "out")  # a build of the sample, as `content` is
    before = _files(out)

    def no_libreoffice(self):
        raise ToolError("LibreOffice was started")

    def no_graphviz(*args, **kwargs):
        raise ToolError("Graphviz was run")

    monkeypatch.setattr("agreement.outputs.pdf.Office.start", no_libreoffice)
    monkeypatch.setattr("agreement.word.diagram.render_png", no_graphviz)
    published = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.iterdir() if p.is_file()}
    said = _built(content, out)
    assert all(line.startswith("unchanged") for line in said), said
    assert _files(out) == before
    # Nothing was written: every file is the one published before, with its time; only the manifest's time
    # moves on, to say when the last build ran.
    now = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.iterdir() if p.is_file()}
    assert {n: v for n, v in now.items() if n != "manifest.json"} == {n: v for n, v in published.items() if n != "manifest.json"}
    assert now["manifest.json"][0] == published["manifest.json"][0]
    assert now["manifest.json"][1] >= published["manifest.json"][1]
    assert not [p for p in out.iterdir() if p.name.startswith(".agreement-stage")]
    with pytest.raises(ToolError, match="LibreOffice was started"):  # --clean really makes everything again
        _built(content, out, clean=True)
    assert _files(out) == before


def test_a_changed_or_damaged_entry_is_never_used(content: Path, built_docx, tmp_path: Path) -> None:
    out = copy_build(built_docx.out_dir, tmp_path / "out")  # a build of the sample's Word files, as `content` is
    reference = _files(out)
    entries = [p for p in (out / CACHE_DIR).glob("*/kommissorium.docx")]
    assert len(entries) == 1
    entries[0].write_bytes(b"changed behind the cache's back")
    said = _built(content, out, ("docx",))
    assert any(line.startswith("rendered kommissorium.docx") for line in said), said
    assert _files(out) == reference
    assert not entries[0].exists() or entries[0].read_bytes() != b"changed behind the cache's back"


def test_a_failed_build_leaves_the_cache_as_it_was(content: Path, built, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = copy_build(built.out_dir, tmp_path / "out")  # a build of the sample, as `content` is
    cache_before, before = _tree(out / CACHE_DIR), snapshot(out)
    # One document changed: it is rendered (its entry would be made) and the rest come from the cache (the
    # delaftale's old entry would go), and then the PDF cannot be made. LibreOffice is missing as Office.start
    # finds it when it is not installed; a missing program itself would change every PDF's key (its version is in them).
    replace_line(content / DELAFTALE, r"^  Delaftalen skal hjælpe", "  Delaftalen skal nu hjælpe")

    def not_installed(self):
        self._error = ToolError("LibreOffice is not installed, so no PDF was made")
        return self

    monkeypatch.setattr("agreement.outputs.pdf.Office.start", not_installed)
    said: list[str] = []
    with pytest.raises(ToolError, match="LibreOffice is not installed"):
        build(content, out, progress=said.append)
    assert [line.split(" (")[0] for line in said if line.startswith("rendered")] == ["rendered delaftale-beskaeftigelse.docx"]
    assert _tree(out / CACHE_DIR) == cache_before
    assert snapshot(out) == before


def test_word_only_builds_and_builds_with_pdfs_share_the_word_files(content: Path, built, built_docx, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A Word file's key leaves out the formats asked for and LibreOffice: switching --format renders nothing,
    and a Word-only build keeps the PDFs an earlier build made of its Word files."""
    def no_libreoffice(self):
        raise ToolError("LibreOffice was started")

    monkeypatch.setattr("agreement.outputs.pdf.Office.start", no_libreoffice)
    out = copy_build(built.out_dir, tmp_path / "pdf-first")
    said = _built(content, out, ("docx",))
    assert said and all(line.startswith("unchanged") for line in said), said
    assert _files(out) == _files(built_docx.out_dir)  # a clean Word-only build, byte for byte
    # The Word-only build kept the PDFs of its Word files: back to PDFs, nothing is made or converted.
    said = _built(content, out)
    assert said and all(line.startswith("unchanged") for line in said), said
    assert _files(out) == _files(built.out_dir)

    # The other way round: the Word files come from the Word-only build's cache; only the PDFs are missing, and
    # LibreOffice (here one that is not installed) is asked for them.
    def not_installed(self):
        self._error = ToolError("LibreOffice is not installed, so no PDF was made")
        return self

    monkeypatch.setattr("agreement.outputs.pdf.Office.start", not_installed)
    out = copy_build(built_docx.out_dir, tmp_path / "docx-first")
    said = []
    with pytest.raises(ToolError, match="LibreOffice is not installed"):
        build(content, out, progress=said.append)
    assert len(said) == len(built_docx.documents) and all(line.startswith("unchanged") for line in said), said


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder"
            for p in sorted(folder.rglob("*"))}


def test_keys_change_with_every_input_and_unknown_values_are_not_cached() -> None:
    base = {"context": {"text": Markdown("*a*", 2)}, "template": "abc"}
    key = document_key(base)
    assert key == document_key(dict(base))
    assert key != document_key({**base, "context": {"text": Markdown("*b*", 2)}})
    assert key != document_key({**base, "context": {"text": Markdown("*a*", 3)}})
    assert key != document_key({**base, "context": {"text": Footnote("*a*")}})
    assert key != document_key({**base, "template": "abd"})
    assert canonical(1) != canonical(1.0) and canonical("1") != canonical(1)
    with pytest.raises(Uncacheable):
        canonical(object())


def test_a_figure_file_counts_in_the_key_of_a_text_that_shows_it(tmp_path: Path) -> None:
    (tmp_path / "figurer").mkdir()
    figure = tmp_path / "figurer" / "kort.png"
    figure.write_bytes(b"one")
    text = "![Kort over området](figurer/kort.png)"
    before = _reads({"text": Markdown(text)}, tmp_path)
    plain = _reads({"text": Markdown("Ingen figur")}, tmp_path)
    figure.write_bytes(b"two")
    assert _reads({"text": Markdown(text)}, tmp_path) != before
    assert _reads({"text": Markdown("Ingen figur")}, tmp_path) == plain


def test_the_schemas_for_editors_count_in_no_key(tmp_path: Path) -> None:
    (tmp_path / "figurer").mkdir()
    (tmp_path / "figurer" / "kort.png").write_bytes(b"one")
    (tmp_path / ".schemas").mkdir()
    (tmp_path / ".schemas" / "strategic.schema.json").write_text("{}", encoding="utf-8")
    text = "![Kort over området](figurer/kort.png)"
    before = _reads({"text": Markdown(text)}, tmp_path)
    # `agreement upgrade` brings them up to date: no document is made again for that.
    (tmp_path / ".schemas" / "strategic.schema.json").write_text('{"type": "object"}', encoding="utf-8")
    assert _reads({"text": Markdown(text)}, tmp_path) == before


def test_a_file_in_a_key_counts_by_its_bytes_and_fractions_by_their_value(tmp_path: Path) -> None:
    form = tmp_path / "indberetningsskema.xlsx"
    form.write_bytes(b"LBF's form")
    before = document_key({"workbook": form})
    form.write_bytes(b"LBF's new form")
    assert document_key({"workbook": form}) != before
    assert document_key({"folder": tmp_path}) == document_key({"folder": tmp_path})
    from fractions import Fraction

    assert document_key({"share": Fraction(1, 3)}) != document_key({"share": Fraction(1, 4)})
    assert canonical(Fraction(2, 6)) == canonical(Fraction(1, 3))


def test_a_tables_key_names_the_font_files_it_is_measured_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    context = {"rows": [{"table": Table([Row([Cell("Udgifter (kr.)"), Cell("1.654.000")])])}]}
    before = _reads(context, tmp_path)
    monkeypatch.setattr("agreement.files.file_identity", lambda path: f"{path.name} 1 2")
    assert _reads(context, tmp_path) != before


def test_a_diagrams_key_names_the_installed_graphviz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    context = {"org": Diagram("digraph { a }", max_width_cm=16, max_height_cm=12, description="a")}
    before = _reads(context, tmp_path)
    monkeypatch.setattr("agreement.word.diagram.graphviz_version", lambda: "dot 2 3")
    assert _reads(context, tmp_path) != before
    assert _reads({"text": Markdown("no diagram")}, tmp_path) == _reads({}, tmp_path)


# --- Only what is ours is deleted: the cache follows no links and bypasses itself when it cannot be used ----------

KEY, OTHER = "a" * 64, "b" * 64


def _cache(out: Path, **options) -> tuple[Cache, list[str]]:
    said: list[str] = []
    return Cache(out, say=said.append, **options), said


def _someones_files(folder: Path) -> dict[str, str]:
    """A folder of someone's files, some named like the cache's own; their snapshot."""
    folder.mkdir(parents=True)
    (folder / "thesis.docx").write_bytes(b"years of work")
    (folder / KEY).mkdir()
    (folder / KEY / ENTRY).write_text("{}", encoding="utf-8")
    (folder / "tmp-abcdefgh").mkdir()
    return snapshot(folder)


def _a_file(tmp_path: Path) -> Path:
    path = tmp_path / "made.docx"
    path.write_bytes(b"made by the build")
    return path


def test_the_cache_prunes_only_its_own_entries_and_leftovers(tmp_path: Path) -> None:
    outside = tmp_path / "someone"
    theirs = _someones_files(outside)
    cache, said = _cache(tmp_path / "out")
    made = _a_file(tmp_path)
    for key in (KEY, OTHER):
        cache.store(key, {"made.docx": made})
    root = tmp_path / "out" / CACHE_DIR
    (root / ("c" * 64)).write_text("a file named like a key", encoding="utf-8")  # not an entry: no folder
    (root / ("d" * 64)).mkdir()  # a folder named like a key without a record
    (root / ("e" * 64)).symlink_to(outside / KEY)  # a link to a folder outside that looks like an entry
    (root / ("f" * 64)).symlink_to(tmp_path / "nowhere")  # a dangling link
    (root / "tmp-linked00").symlink_to(outside / "tmp-abcdefgh")
    (root / "notes.txt").write_text("mine", encoding="utf-8")
    (root / "tmp-12345678").mkdir()  # what a killed build leaves
    (root / "tmp-12345678" / "half.docx").write_bytes(b"half")

    cache, said = _cache(tmp_path / "out")
    assert cache.lookup(KEY, ["made.docx"]) is not None
    for key in ("c" * 64, "d" * 64, "e" * 64, "f" * 64):
        assert cache.lookup(key, []) is None  # never read through a link, never taken for an entry
        cache.keep(key)
    cache.prune()
    assert sorted(p.name for p in root.iterdir()) == sorted([KEY, "c" * 64, "d" * 64, "e" * 64, "f" * 64,
                                                             "tmp-linked00", "notes.txt"])
    assert snapshot(outside) == theirs
    assert said == []


def test_a_symlinked_file_in_an_entry_makes_it_damaged_and_its_target_is_never_read_or_deleted(tmp_path: Path) -> None:
    cache, _ = _cache(tmp_path / "out")
    made = _a_file(tmp_path)
    cache.store(KEY, {"made.docx": made})
    entry = tmp_path / "out" / CACHE_DIR / KEY
    (entry / "made.docx").unlink()
    outside = tmp_path / "same-bytes.docx"
    outside.write_bytes(made.read_bytes())  # even with the recorded bytes, a link is not the cache's file
    (entry / "made.docx").symlink_to(outside)
    cache, _ = _cache(tmp_path / "out")
    assert cache.lookup(KEY, ["made.docx"]) is None
    assert not entry.exists()
    assert outside.read_bytes() == made.read_bytes()


@pytest.mark.parametrize("kind", ["link to a folder", "dangling link", "file"])
def test_a_cache_that_is_not_a_folder_is_bypassed_with_one_warning(tmp_path: Path, kind: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The warning names the cache as the user's out folder has it, also when the link leads to a folder of theirs
    in the working folder: deleting what it named, that folder, would delete their files."""
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "someone"
    theirs = _someones_files(outside)
    root = out / CACHE_DIR
    if kind == "file":
        root.write_text("not a folder", encoding="utf-8")
    else:
        root.symlink_to(outside if kind == "link to a folder" else tmp_path / "nowhere")
    for fresh in (False, True):
        cache, said = _cache(out, fresh=fresh)
        assert cache.lookup(KEY, []) is None
        cache.store(KEY, {"made.docx": _a_file(tmp_path)})
        cache.store(OTHER, {})
        cache.keep(OTHER)
        cache.prune()
        shown = f"out/{CACHE_DIR}"
        assert len(said) == 1 and said[0].startswith(f"warning: cannot use the build cache {shown} ("), said
        assert (f"delete the link {shown} (not the folder it points to) and" if kind != "file" else f"delete {shown} and"
                ) in said[0]
    assert snapshot(outside) == theirs
    assert not (tmp_path / "nowhere").exists()
    assert root.is_symlink() or root.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("failing", ["mkdtemp", "copyfile"])
def test_a_cache_it_cannot_write_to_is_bypassed_with_one_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                failing: str) -> None:
    """Read-only (the tests may run as root, whom chmod does not stop) or full: the write fails as the OS says."""
    import errno
    import os

    def refused(*args, **kwargs):
        code = errno.EACCES if failing == "mkdtemp" else errno.ENOSPC
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(f"agreement.publish.cache.{'tempfile' if failing == 'mkdtemp' else 'shutil'}.{failing}", refused)
    cache, said = _cache(tmp_path / "out")
    cache.store(KEY, {"made.docx": _a_file(tmp_path)})
    cache.store(OTHER, {"made.docx": _a_file(tmp_path)})
    assert cache.lookup(KEY, ["made.docx"]) is None
    cache.prune()
    assert len(said) == 1 and ("Permission denied" in said[0] or "No space left" in said[0]), said
    assert list((tmp_path / "out" / CACHE_DIR).iterdir()) == []  # no temporary entry is left behind


@pytest.mark.parametrize("fresh", [False, True])
def test_a_link_named_by_the_key_being_stored_is_replaced_not_written_through(tmp_path: Path, fresh: bool) -> None:
    """A link in the cache folder under an entry's name is in the way of that entry: it goes (the link only, never
    what it points to), every build after it uses the cache again, --clean too."""
    outside = tmp_path / "someone"
    theirs = _someones_files(outside)
    root = tmp_path / "out" / CACHE_DIR
    root.mkdir(parents=True)
    (root / KEY).symlink_to(outside)
    cache, said = _cache(tmp_path / "out", fresh=fresh)
    cache.store(KEY, {"made.docx": _a_file(tmp_path)})
    assert not (root / KEY).is_symlink() and snapshot(outside) == theirs and said == []
    assert _cache(tmp_path / "out")[0].lookup(KEY, ["made.docx"]) is not None
    assert [p.name for p in root.iterdir()] == [KEY]  # the temporary entry went


def test_a_build_into_an_out_whose_cache_links_elsewhere_touches_nothing_there(content: Path, built_docx,
                                                                                tmp_path: Path) -> None:
    """The issue's probe, end to end: the build succeeds, publishes the same files, and warns once, also with -q."""
    from click.testing import CliRunner

    from agreement.cli import main

    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "someone"
    theirs = _someones_files(outside)
    (out / CACHE_DIR).symlink_to(outside)
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--out", str(out), "--format", "docx",
                                       "-q", "--clean"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and result.stderr.splitlines() == warnings, result.stderr
    assert snapshot(outside) == theirs
    assert _files(out) == _files(built_docx.out_dir)
