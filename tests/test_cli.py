"""The command line: exit codes, path:line:column messages, no tracebacks, --out left alone on failure."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from agreement.cli import main
from agreement.errors import PublishError, ToolError, UsageError
from agreement.pipeline import build
from tests.conftest import SAMPLE, checkout_env, copy_build, manifest_mismatches, processes, replace_line, snapshot, still_running
from tests.conftest import run_cli as _run

MESSAGE = re.compile(r"^content/strategic\.yaml:\d+:\d+: \S")


def _stages(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(".agreement-*")] if folder.exists() else []


def _invoke(args: list[str]) -> Result:
    """The command in this process (where the process itself is not what a test is about): Click's result, whose
    stderr is the command's own. An exception that escaped the command (a traceback, in a terminal) fails here."""
    result = CliRunner().invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def _change_one_document(content: Path) -> None:
    """A change that shows in one small document (the kommissorium) only, so a build into a copy of `earlier` has
    that one to make, whatever its cache holds."""
    replace_line(content / "kommissorium.yaml", r"senest en uge før mødet", "senest to uger før mødet")


def test_check_passes_on_the_sample(content: Path) -> None:
    result = _run(["check"], cwd=content.parent)
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout


def test_check_reports_every_error_with_file_line_and_column(content: Path, monkeypatch) -> None:
    path = content / "strategic.yaml"
    lines = {replace_line(path, r"^  navn: Albertslund$", "  nanv: Albertslund"),
             replace_line(path, r"^  - akb$", "  - akbb"),
             replace_line(path, r"^  til: 2025-02-28$", "  til: 28-02-2025")}
    monkeypatch.chdir(content.parent)
    result = _invoke(["check"])
    assert result.exit_code == 1
    messages = [m for m in result.stderr.splitlines() if MESSAGE.match(m)]
    assert {int(m.split(":")[1]) for m in messages} >= lines
    assert "Traceback" not in result.stderr + result.stdout
    assert "errors found" in result.stderr


BAD_INPUTS = {
    "invalid-yaml": b"status: [endelig\n",
    "not-utf8": "område:\n  navn: K\u00f8ge\n".encode("latin-1"),
    "control-character": b"status: endelig\x1b\n",
    "wrong-top-level-type": b"- en\n- liste\n",
    "duplicate-key": b"status: endelig\nstatus: udkast\n",
    "empty": b"",
    "missing-file": None,
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_clear_message_and_out_is_left_alone(content: Path, tmp_path: Path, monkeypatch,
                                                                name: str) -> None:
    data = BAD_INPUTS[name]
    if data is None:
        (content / "strategic.yaml").unlink()
    else:
        (content / "strategic.yaml").write_bytes(data)
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text('{"documents": []}\n', encoding="utf-8")
    before = snapshot(out)
    monkeypatch.chdir(content.parent)  # so messages name content/..., as for a user in the area's folder
    for command in (["check"], ["build", "--out", str(out)]):
        result = _invoke(command)
        assert result.exit_code == 1, (command, result.output)
        assert "Traceback" not in result.stderr + result.stdout
        first = result.stderr.splitlines()[0]
        assert first.startswith("content/strategic.yaml"), first
        if name != "missing-file":
            assert MESSAGE.match(first), first
    assert snapshot(out) == before


def test_missing_content_folder_from_the_command_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # the default --content and --out, relative to where the command runs
    result = _invoke(["build"])
    assert result.exit_code == 1
    assert result.stderr.startswith("content: content folder not found")
    assert not (tmp_path / "build").exists()


def test_usage_errors_exit_2() -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--format", "xls"]).exit_code == 2
    assert runner.invoke(main, ["frobnicate"]).exit_code == 2


def test_missing_content_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--content", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "content folder not found" in result.output


def test_failed_build_leaves_out_as_it_was(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text('{"documents": []}\n', encoding="utf-8")
    (out / "strategisk-samarbejdsaftale.pdf").write_bytes(b"%PDF-old")
    before = snapshot(out)
    replace_line(content / "strategic.yaml", r"^status: endelig$", "status: ?")
    result = _run(["build", "--content", str(content), "--out", str(out)], cwd=tmp_path)
    assert result.returncode == 1
    assert "nothing was built" in result.stderr
    assert snapshot(out) == before
    assert not _stages(tmp_path)


@dataclass
class _DocxBuild:
    """One `build --format docx` of a copy of the sample into an output folder an earlier build left files in."""

    content: Path
    out: Path
    content_before: dict[str, str]
    result: Result


@pytest.fixture(scope="module")
def docx_build(tmp_path_factory: pytest.TempPathFactory) -> _DocxBuild:
    """The three tests below look at one real Word-only build (every document rendered: no cache in --out)."""
    root = tmp_path_factory.mktemp("docx-build")
    content = root / "content"
    shutil.copytree(SAMPLE, content)
    out = root / "out"
    out.mkdir()
    (out / "delaftale-gammel.docx").write_bytes(b"old")
    (out / "noter.txt").write_text("mine", encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps({"documents": [
        {"kind": "delaftale", "title": "Gammel", "files": {"docx": "delaftale-gammel.docx"}, "sha256": {}}]}), encoding="utf-8")
    before = snapshot(content)
    result = _invoke(["build", "--content", str(content), "--out", str(out), "--format", "docx"])
    return _DocxBuild(content, out, before, result)


def test_build_never_modifies_content(docx_build: _DocxBuild) -> None:
    assert docx_build.result.exit_code == 0, docx_build.result.output
    assert snapshot(docx_build.content) == docx_build.content_before


def test_docx_only(docx_build: _DocxBuild) -> None:
    result = docx_build.result
    assert result.exit_code == 0, result.output
    manifest = json.loads((docx_build.out / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["documents"][0]["files"]) == {"docx"}
    assert all(set(document["files"]) <= {"docx", "xlsx"} for document in manifest["documents"])
    assert "rendered strategisk-samarbejdsaftale.docx" in result.output
    assert not list(docx_build.out.glob("*.pdf"))


@pytest.fixture(scope="module")
def earlier(built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output folder as an earlier build of the sample left it, plus a file of the user's.

    Its cache holds the sample's Word files and PDFs, so a build of the sample with one document changed
    (`_change_one_document`) renders only that one, with any LibreOffice (Word files are keyed without it), or
    none, and converts only that one with the real LibreOffice. Its published PDF of the agreement is not the
    cache's, so a test sees whether a failed build replaced it.
    """
    out = copy_build(built.out_dir, tmp_path_factory.mktemp("earlier") / "out")
    (out / "strategisk-samarbejdsaftale.pdf").write_bytes(b"%PDF-1.7 an earlier build")
    (out / "noter.txt").write_text("mine", encoding="utf-8")
    return out


def _earlier_build(earlier: Path, out: Path) -> dict[str, str]:
    """`out` as `earlier`; its snapshot."""
    shutil.copytree(earlier, out)
    return snapshot(out)


@pytest.mark.timeout(60)
def test_missing_libreoffice_publishes_nothing_and_says_how_to_get_the_word_files(content: Path, earlier: Path,
                                                                                  tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    before = _earlier_build(earlier, out)
    _change_one_document(content)
    content_before = snapshot(content)
    result = _run(["build", "--content", str(content), "--out", str(out)], cwd=tmp_path,
                  env={"AGREEMENT_SOFFICE": str(tmp_path / "no-soffice")})
    assert result.returncode == 1
    assert "LibreOffice is not installed" in result.stderr and "apt-get install" in result.stderr
    assert "nothing in out was changed" in result.stderr and "--format docx" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before  # the earlier PDF is still there, the DOCX not replaced
    assert snapshot(content) == content_before

    # The advice works: the Word files alone (in this process; the console script's run is the one above).
    monkeypatch.setenv("AGREEMENT_SOFFICE", str(tmp_path / "no-soffice"))
    result = _invoke(["build", "--content", str(content), "--out", str(out), "--format", "docx"])
    assert result.exit_code == 0, result.output
    assert "rendered kommissorium.docx" in result.output  # the changed document is new, not the earlier one
    assert result.output.count("rendered ") == 1  # the others come from the cache the PDF build left
    assert manifest_mismatches(out) == [] and not _stages(out)


@pytest.mark.timeout(30)
def test_hanging_libreoffice_is_stopped_by_the_timeout(content: Path, earlier: Path, tmp_path: Path, monkeypatch) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 120\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("AGREEMENT_SOFFICE", str(fake))
    out = tmp_path / "out"
    before = _earlier_build(earlier, out)
    _change_one_document(content)
    # Half a second: the fake never answers, so any timeout is reached (the CLI's own test below uses 1).
    with pytest.raises(ToolError, match=r"did not finish converting to PDF within 0.5 seconds.*--format docx"):
        build(content, out, timeout=0.5)
    assert snapshot(out) == before


def test_hanging_libreoffice_from_the_command_line(content: Path, tmp_path: Path) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 120\n", encoding="utf-8")
    fake.chmod(0o755)
    out = tmp_path / "out"  # not there yet: the build makes it
    result = _run(["build", "--content", str(content), "--out", str(out), "--timeout", "1", "-q"],
                  cwd=tmp_path, env={"AGREEMENT_SOFFICE": str(fake)})
    assert result.returncode == 1
    assert "did not finish converting to PDF within 1 seconds" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()  # a folder the failed build made for --out is gone again


def test_crashing_libreoffice_is_a_clear_error(content: Path, earlier: Path, tmp_path: Path, monkeypatch) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Segmentation fault' >&2\nexit 139\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("AGREEMENT_SOFFICE", str(fake))
    out = tmp_path / "out"
    before = _earlier_build(earlier, out)
    _change_one_document(content)
    with pytest.raises(ToolError, match=r"LibreOffice failed to convert .*Segmentation fault.*nothing in .* was changed"):
        build(content, out)
    assert snapshot(out) == before


@pytest.mark.parametrize("ending", ["finished", "ctrl-c", "killed", "killed while it starts", "terminated while it starts"])
def test_no_libreoffice_of_a_build_outlives_it(content: Path, tmp_path: Path, ending: str) -> None:
    """The real console script's LibreOffice (its profile in the build's stage under --out, its pipe named after the
    build's process) runs while the build converts, and neither it nor its UNO client is left once the command has
    returned, whether the build finished, was interrupted with Ctrl-C or was killed (SIGKILL: its UNO client, whose
    requests then end, stops LibreOffice) while LibreOffice converted, or was killed or terminated while LibreOffice
    was still starting (the client, waiting for LibreOffice to listen, sees the build gone and stops LibreOffice)."""
    out = tmp_path / "out"
    exe = Path(sys.executable).with_name("agreement")
    proc = subprocess.Popen([str(exe), "build", "--content", str(content), "--out", str(out), "-q"], cwd=tmp_path,
                            env=checkout_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            seen.update(processes(str(out), "soffice.bin"))  # LibreOffice itself, started by its launcher
            starting = seen and ending.endswith("while it starts")
            if starting or (seen and ending != "finished" and any(out.glob(".agreement-*/**/*.pdf"))):  # converting
                proc.send_signal({"ctrl-c": signal.SIGINT, "terminated while it starts": signal.SIGTERM}.get(ending, signal.SIGKILL))
                break
            time.sleep(0.01)
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert seen, "the build started LibreOffice with its profile under --out"
    expected = {"finished": (0, ""), "ctrl-c": (1, "interrupted\n"), "killed": (-signal.SIGKILL, ""),
                "killed while it starts": (-signal.SIGKILL, ""), "terminated while it starts": (-signal.SIGTERM, "")}
    assert (proc.returncode, stderr) == expected[ending]
    leftovers = still_running(str(out), "soffice") + still_running("unoclient.py", f"agreement-{proc.pid}-")
    for pid in leftovers:  # do not leave them running if the assertion below fails
        os.kill(pid, signal.SIGKILL)
    assert not leftovers


def test_files_an_earlier_build_made_but_this_one_does_not_are_removed(docx_build: _DocxBuild) -> None:
    out = docx_build.out
    assert docx_build.result.exit_code == 0, docx_build.result.output
    assert not (out / "delaftale-gammel.docx").exists()
    assert (out / "noter.txt").read_text(encoding="utf-8") == "mine"  # never listed by a manifest: left alone


# --- Bad --out and option values: exit 2, before anything is read or written ---------------------------------

@pytest.mark.parametrize("where", ["content", "inside-content", "contains-content", "root", "home"])
@pytest.mark.parametrize("command", ["build", "package"])
def test_out_may_not_be_the_content_the_root_or_home(content: Path, tmp_path: Path, where: str, command: str) -> None:
    out = {"content": content, "inside-content": content / "delaftaler" / "build", "contains-content": tmp_path,
           "root": Path("/"), "home": Path.home()}[where]
    before, content_before = snapshot(tmp_path), snapshot(content)
    result = CliRunner().invoke(main, [command, "--content", str(content), "--out", str(out), "-q"])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--out'" in result.output
    words = {"content": "is the content folder", "inside-content": "is inside the content folder",
             "contains-content": "contains the content folder", "root": "is the root of the file system",
             "home": "is your home folder"}[where]
    assert words in result.output and "such as build" in result.output
    assert "Traceback" not in result.output
    assert snapshot(tmp_path) == before and snapshot(content) == content_before


def test_out_may_not_be_the_content_from_the_command_line(content: Path) -> None:
    result = _run(["build", "--out", "content"], cwd=content.parent)
    assert result.returncode == 2
    assert "the output folder content is the content folder" in result.stderr and "Traceback" not in result.stderr


def test_the_library_refuses_the_same_folders(content: Path) -> None:
    with pytest.raises(UsageError, match="is the content folder"):
        build(content, content)
    with pytest.raises(UsageError, match="root of the file system"):
        build(content, Path("/"))


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-5", "0", "1e400", "ten"])
def test_timeout_must_be_a_finite_positive_number(content: Path, tmp_path: Path, value: str) -> None:
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--out", str(tmp_path / "out"),
                                       "--timeout", value])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--timeout'" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


# --- Operating-system errors: one plain message naming the path, exit 1, --out and content unchanged ------------

def _failing_save(error: int, *, name_the_file: bool):
    """A DocxRenderer.save that writes half a file, then fails as the operating system would."""
    def save(self, path: Path, metadata) -> None:
        path.write_bytes(b"PK\x03\x04 half a file")
        raise OSError(error, os.strerror(error), str(path) if name_the_file else None)
    return save


@pytest.mark.parametrize(("error", "words", "name_the_file"), [
    (errno.ENOSPC, "the disk is full; free some space and run again", True),
    (errno.ENOSPC, "the disk is full; free some space and run again", False),  # as a failed write() reports it
    (errno.EDQUOT, "the disk quota is used up", False),
    (errno.EROFS, "the file system is read-only", True),
    (errno.EACCES, "permission denied", True),
    (errno.EIO, "Input/output error", True),
])
@pytest.mark.timeout(30)
def test_os_errors_are_one_plain_message(content: Path, earlier: Path, tmp_path: Path, monkeypatch, error: int,
                                         words: str, name_the_file: bool) -> None:
    out = tmp_path / "out"
    _change_one_document(content)  # so one document is rendered, and saving it fails
    before, content_before = _earlier_build(earlier, out), snapshot(content)
    monkeypatch.setattr("agreement.word.renderer.DocxRenderer.save", _failing_save(error, name_the_file=name_the_file))
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--out", str(out), "-q"])
    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    # The stage is an implementation detail: the message names --out, the folder the user chose.
    assert line.startswith(f"error: {out}: {words}") and line.endswith("; nothing was built"), line
    assert snapshot(out) == before and snapshot(content) == content_before


def test_a_full_disk_while_packaging_leaves_the_upload_folder_alone(content: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "upload"
    out.mkdir()
    (out / "earlier.zip").write_bytes(b"PK an earlier package")
    before = snapshot(out)
    monkeypatch.setattr("agreement.word.renderer.DocxRenderer.save", _failing_save(errno.ENOSPC, name_the_file=True))
    # --draft: the sample's attachments are drafts, and the point here is the full disk.
    result = CliRunner().invoke(main, ["package", "--content", str(content), "--out", str(out), "--draft", "-q"])
    assert result.exit_code == 1
    assert result.output == f"error: {out}: the disk is full; free some space and run again; nothing was packaged\n"
    assert snapshot(out) == before


def _as_root_without_override() -> tuple[str, ...]:
    """Root writes through any permission bits; without CAP_DAC_OVERRIDE it obeys them like everyone else."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        pytest.skip("running as root, and setpriv (util-linux) is not there to drop CAP_DAC_OVERRIDE")
    return ("setpriv", "--bounding-set=-dac_override,-dac_read_search")


def test_an_out_folder_without_write_permission(content: Path, earlier: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    before = _earlier_build(earlier, out)
    content_before = snapshot(content)
    out.chmod(0o555)
    try:
        result = _run(["build", "--content", str(content), "--out", str(out), "-q"], cwd=tmp_path,
                      prefix=_as_root_without_override(), timeout=120)
    finally:
        out.chmod(0o755)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ("error: out: permission denied; check that you may read and write there, "
                             "or use another folder; nothing was built\n")
    assert snapshot(out) == before and snapshot(content) == content_before


def test_a_read_only_file_system(content: Path, earlier: Path, tmp_path: Path) -> None:
    """A real read-only mount: --out bind-mounted read-only in a private mount namespace (root only)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare(1) to mount --out read-only")
    if subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode != 0:
        pytest.skip("this machine does not allow a private mount namespace")
    out = tmp_path / "out"
    before = _earlier_build(earlier, out)
    exe = Path(sys.executable).with_name("agreement")
    script = f'mount --bind -o ro "{out}" "{out}" && exec "{exe}" build --content "{content}" --out "{out}" -q'
    result = subprocess.run(["unshare", "-m", "sh", "-c", script], cwd=tmp_path, capture_output=True, text=True,
                            env=checkout_env(), timeout=120)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ("error: out: the file system is read-only; use a folder on a disk you can write to; "
                             "nothing was built\n")
    assert snapshot(out) == before


def test_an_out_that_is_a_file(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("not a folder", encoding="utf-8")
    result = _invoke(["build", "--content", str(content), "--out", str(out)])
    assert result.exit_code == 2 and "is a file" in result.stderr and "Traceback" not in result.output
    with pytest.raises(PublishError, match="is a file, but the output must go into a folder"):
        build(content, out)
    assert out.read_text(encoding="utf-8") == "not a folder"


# --- Bugs: one line saying so and where to report it; the traceback with --debug -------------------------------

def _bug(*args, **kwargs):
    raise RuntimeError("an invariant failed")


def test_a_bug_is_one_line_that_says_where_to_report_it(content: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("agreement.pipeline.build", _bug)
    monkeypatch.delenv("AGREEMENT_DEBUG", raising=False)
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "error: this is a bug in agreement (RuntimeError: an invariant failed); report it to the maintainers of "
        "agreement with the command you ran, and run it again with --debug to show the details"]


@pytest.mark.parametrize("how", ["--debug", "AGREEMENT_DEBUG=1"])
def test_debug_shows_the_traceback(content: Path, tmp_path: Path, monkeypatch, how: str) -> None:
    monkeypatch.setattr("agreement.pipeline.build", _bug)
    args = ["build", "--content", str(content), "--out", str(tmp_path / "out")]
    if how == "--debug":
        monkeypatch.delenv("AGREEMENT_DEBUG", raising=False)
        args = ["--debug", *args]
    else:
        monkeypatch.setenv("AGREEMENT_DEBUG", "1")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "Traceback" in result.output and "RuntimeError: an invariant failed" in result.output
    assert result.output.splitlines()[-1].startswith("error: this is a bug in agreement")



def test_a_redline_folder_in_the_content_names_the_redline_option(content: Path) -> None:
    before = snapshot(content)
    result = CliRunner().invoke(main, ["diff", "--content", str(content), "--redline", str(content / "red")])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--redline'" in result.output and "is inside the content folder" in result.output
    assert "'--out'" not in result.output
    assert snapshot(content) == before
