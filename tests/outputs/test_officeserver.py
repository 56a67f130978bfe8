"""The warm LibreOffice that builds share: reuse, idle timeout, recovery, concurrency, `office stop`, same bytes.

Most tests here are about the server, not the sample: they convert two small Word files of the session's sample
build (`built`) through Office, as a build does, on the session's warm server (`warm`); the tests that kill it or
make it hang leave its replacement for the next. Full builds remain where the build is the point.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreement.cli import main
from agreement.errors import ToolError
from agreement.model.metadata import Metadata
from agreement.outputs import loprofile, officeserver, pdfmeta
from agreement.outputs import pdf as pdf_module
from agreement.outputs.pdf import Office
from agreement.pipeline import BuildResult, build
from tests.conftest import SAMPLE, checkout_env, copy_build, processes, replace_line

DELAFTALE = "delaftaler/beskaeftigelse.yaml"
WAIT = 60.0  # seconds: bounded waits, generous for a loaded machine
SMALL = ("kommissorium.docx", "beredskabsplan.docx")  # two of the sample's smallest documents
META = Metadata("Kommissorium", "Boligselskabet", "Test", "test", dt.date(2025, 1, 31))


@dataclass(frozen=True)
class Shared:
    """The shared server's state folder, the Word files the tests convert, and their PDFs as converted first."""

    folder: Path
    docx: tuple[Path, ...]
    reference: dict[str, bytes]


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A state folder of this test's own (not the session's server), emptied of servers afterwards."""
    folder = tmp_path / "office"
    monkeypatch.setenv(officeserver.DIR_ENV, str(folder))
    monkeypatch.setenv(officeserver.IDLE_ENV, "120")
    yield folder
    officeserver.stop_all(folder)


@pytest.fixture(scope="module")
def shared(office_server: Path, built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Shared:
    """The session's warm server (tests/conftest.py), for the tests here that need a server but not one of their own.

    The tests that kill it or make it hang leave its replacement running for the tests after (here and elsewhere).
    """
    docx = tuple(built.out_dir / name for name in SMALL)
    return Shared(office_server, docx, _convert(docx, tmp_path_factory.mktemp("reference")))


@pytest.fixture
def warm(shared: Shared, tmp_path: Path) -> Shared:
    """The shared server, live and having converted documents (started anew if none is running)."""
    if not _live(shared.folder):
        _convert(shared.docx, tmp_path / "warming")
    return shared


def _convert(docx: tuple[Path, ...], folder: Path) -> dict[str, bytes]:
    """Convert `docx` in one batch through Office, as a build does, and finish each PDF as a build does (the same
    metadata for all: the bytes then depend only on LibreOffice's output)."""
    folder.mkdir(parents=True, exist_ok=True)
    pdfs = [folder / (path.stem + ".pdf") for path in docx]
    with Office(folder) as office:
        for source, target in zip(docx, pdfs):
            office.submit(source, target)
        assert office.wait(WAIT) == pdfs
    for source, target in zip(docx, pdfs):
        pdfmeta.finish(target, META, source.read_bytes())
    return {path.name: path.read_bytes() for path in pdfs}


def _word_only(built_docx: BuildResult, target: Path) -> Path:
    """A copy of the Word-only build with its cache: every Word file can come from it, and no PDF can."""
    copy_build(built_docx.out_dir, target)
    assert not list(target.rglob("*.pdf")) and len(list(target.glob(".agreement_cache/*/*.docx"))) == 8
    return target


def _live(folder: Path) -> list[officeserver.Server]:
    return [server for server in officeserver.servers(folder) if server.alive()] if folder.exists() else []


def _pdfs(out: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(out.glob("*.pdf"))}


def _until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {WAIT} s")
        time.sleep(0.05)


def _office(*args: str):
    """`agreement office ...`, in this process: these commands only read the state folder and stop processes."""
    return CliRunner().invoke(main, ["office", *args])


def test_the_idle_setting_and_its_ci_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(officeserver.IDLE_ENV, raising=False)
    monkeypatch.delenv("CI", raising=False)
    assert officeserver.idle_seconds() == 600
    monkeypatch.setenv("CI", "false")
    assert officeserver.idle_seconds() == 600
    monkeypatch.setenv("CI", "true")
    assert officeserver.idle_seconds() == 0  # a CI machine keeps no LibreOffice running after the job
    monkeypatch.setenv(officeserver.IDLE_ENV, "30")
    assert officeserver.idle_seconds() == 30
    for bad in ("soon", "-1", "inf", "nan"):
        monkeypatch.setenv(officeserver.IDLE_ENV, bad)
        with pytest.raises(ToolError, match=f"AGREEMENT_OFFICE_IDLE is '{bad}'; set it to the seconds"):
            officeserver.idle_seconds()


def test_the_state_folder_is_private(state: Path) -> None:
    state.mkdir(mode=0o755)
    state.chmod(0o755)
    assert officeserver.state_dir() == state
    assert state.stat().st_mode & 0o777 == 0o700


def test_pdfs_from_a_warm_libreoffice_are_byte_identical_to_a_fresh_ones(warm: Shared, built: BuildResult,
                                                                           built_docx: BuildResult, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # The fresh one: with AGREEMENT_OFFICE_IDLE=0, Office starts a LibreOffice of its own and stops it when it closes;
    # the build renders every document while it starts. The warm one starts from a copy of the sample's Word-only
    # build, whose cache holds every Word file and no PDF: it converts all the documents and renders none.
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with monkeypatch.context() as patch:
        patch.setenv(officeserver.IDLE_ENV, "0")
        patch.setenv(officeserver.DIR_ENV, str(tmp_path / "office"))
        with Office(scratch) as office:
            fresh_build = build(SAMPLE, tmp_path / "fresh", office=office).out_dir
            fresh = _pdfs(fresh_build)
            assert processes(str(scratch), "soffice"), "its own LibreOffice, with its profile in the scratch folder"
        _until(lambda: not processes(str(scratch), "soffice"), "its LibreOffice stopped when the Office closed")
        assert not list(scratch.glob("agreement-lo-*")) and not (tmp_path / "office").exists()
    [server] = _live(warm.folder)
    # The server converted other documents before (for the session's builds and the tests before), and converts
    # two of the sample's now, which the build below converts once more.
    assert _convert(warm.docx, tmp_path / "before") == warm.reference
    warm_build = build(SAMPLE, _word_only(built_docx, tmp_path / "warm")).out_dir
    assert all((warm_build / docx.name).read_bytes() == docx.read_bytes() for docx in warm.docx)  # converted again
    assert all((fresh_build / docx.name).read_bytes() == (warm_build / docx.name).read_bytes()
               for docx in built_docx.out_dir.glob("*.docx"))  # the same Word files, rendered or from the cache
    assert _pdfs(warm_build) == fresh
    assert _pdfs(built.out_dir) == fresh  # and the session's build, by the session's server
    assert _live(warm.folder) == [server]
    assert len(fresh) == 8


def test_the_server_started_without_its_first_start_graphics_tests_or_a_restart(warm: Shared) -> None:
    [server] = _live(warm.folder)
    user = server.profile / "user"
    settings = (user / loprofile.SETTINGS).read_text(encoding="utf-8")  # LibreOffice's, kept from what it was given
    assert f"<value>{loprofile.product_version(server.soffice)}</value>" in settings
    assert (user / "registry").exists() or (user / "config").exists()  # the profile LibreOffice made around it
    assert not (user / "GraphicsRenderTests.log").exists()  # written whenever the tests run
    # LibreOffice found its build recorded, so it neither cleared the extensions folder nor started again.
    assert (user / "extensions" / loprofile.BUILD_ID).read_bytes() == loprofile.build_id(server.soffice)
    assert "OfficeRestartInProgress" not in settings


def test_a_killed_server_is_replaced_and_the_documents_are_converted(warm: Shared, tmp_path: Path) -> None:
    [server] = _live(warm.folder)
    os.killpg(server.pid, signal.SIGKILL)
    _until(lambda: not server.alive(), "the server killed")
    assert _convert(warm.docx, tmp_path / "after-crash") == warm.reference
    [new] = _live(warm.folder)
    assert new.pid != server.pid


def test_a_server_killed_in_the_middle_of_a_conversion_is_replaced(warm: Shared, tmp_path: Path) -> None:
    [server] = _live(warm.folder)
    killed = threading.Event()

    def kill_while_converting() -> None:
        deadline = time.monotonic() + WAIT
        with server.convert_lock.open("a") as lock:
            while time.monotonic() < deadline:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    fcntl.flock(lock, fcntl.LOCK_UN)
                except OSError:  # a UNO client holds it: LibreOffice is converting a document
                    os.killpg(server.pid, signal.SIGKILL)
                    killed.set()
                    return
                time.sleep(0.005)

    killer = threading.Thread(target=kill_while_converting)
    killer.start()
    try:
        result = _convert(warm.docx, tmp_path / "out")
    finally:
        killer.join()
    assert killed.is_set()
    assert result == warm.reference
    [new] = _live(warm.folder)
    assert new.pid != server.pid


def test_a_server_still_starting_is_waited_for_then_kept_while_held_and_stopped_when_idle(
        state: Path, shared: Shared, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build that joins a LibreOffice another build has just started waits for it (the timeout bounds that),
    though starting takes longer than a warm server may take to answer; neither build stops it as hung. While
    the builds hold it, it stays, however long it idles; released, it stops by itself after the idle time."""
    real = Path(str(pdf_module.find_soffice())).resolve()
    slow = tmp_path / "lo" / "program" / "soffice"  # LibreOffice on a busy machine: twice the grace longer to start
    slow.parent.mkdir(parents=True)
    (tmp_path / "lo" / "share").symlink_to(real.parent.parent / "share")  # laid out as installed (loprofile)
    slow.write_text(f'#!/bin/sh\nsleep 0.6\nexec "{real}" "$@"\n', encoding="utf-8")
    slow.chmod(0o755)
    monkeypatch.setenv("AGREEMENT_SOFFICE", str(slow))
    monkeypatch.setenv(officeserver.IDLE_ENV, "0.3")
    monkeypatch.setattr(pdf_module, "CONNECT_GRACE", 0.3)
    starter, joiner = Office(tmp_path).start(), Office(tmp_path).start()
    try:
        [server] = _live(state)
        assert not officeserver.has_answered(server)
        targets = [tmp_path / "starter.pdf", tmp_path / "joiner.pdf"]
        for office, docx, pdf in zip((starter, joiner), shared.docx, targets):
            office.submit(docx, pdf)
        assert joiner.wait(WAIT) == [targets[1]] and starter.wait(WAIT) == [targets[0]]
        assert _live(state) == [server] and officeserver.has_answered(server)
        starter.close()
        time.sleep(0.9)  # three idle timeouts: the joiner's lease keeps it
        assert server.alive()
    finally:
        starter.close()
        joiner.close()
    used = server.last_used()
    assert used is not None
    _until(lambda: not server.alive(), "the idle server stopped once released")
    assert time.time() - used >= 0.3
    _until(lambda: not processes(str(state), "soffice"), "LibreOffice stopped")
    assert not server.state.exists() and not officeserver.pipe_file(server.pipe).exists()


def test_a_hanging_server_is_replaced(warm: Shared, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    [server] = _live(warm.folder)
    office = processes(server.pipe, "soffice")
    # A listening LibreOffice answers at once; the replacement, started by this conversion, is not held to this.
    monkeypatch.setattr(pdf_module, "CONNECT_GRACE", 0.5)
    for pid in office:
        os.kill(pid, signal.SIGSTOP)  # alive but answering nothing
    try:
        assert _convert(warm.docx, tmp_path / "out") == warm.reference
    finally:
        for pid in office:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
    [new] = _live(warm.folder)
    assert new.pid != server.pid and not server.alive()
    _until(lambda: not any(pid in processes(str(warm.folder), "soffice") for pid in office),
           "the hanging LibreOffice stopped")


def test_a_build_killed_while_converting_leaves_the_server_usable(warm: Shared, content: Path, built: BuildResult,
                                                                  tmp_path: Path) -> None:
    [server] = _live(warm.folder)
    # From the sample's build cache: the build renders and converts only the delaftale the change touches.
    replace_line(content / DELAFTALE, r"^  Delaftalen skal hjælpe", "  Delaftalen skal nu hjælpe")
    out = copy_build(built.out_dir, tmp_path / "killed")
    exe = Path(sys.executable).with_name("agreement")
    proc = subprocess.Popen([str(exe), "build", "--content", str(content), "--out", str(out), "-q"],
                            cwd=tmp_path, env=checkout_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    converting = False
    try:
        with server.convert_lock.open("a") as lock:
            deadline = time.monotonic() + WAIT
            while time.monotonic() < deadline and not converting:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    fcntl.flock(lock, fcntl.LOCK_UN)
                except OSError:  # the build's UNO client holds it: LibreOffice is converting its document
                    converting = True
                else:
                    time.sleep(0.005)
        proc.kill()
    finally:
        proc.wait(timeout=WAIT)
    assert converting and proc.returncode == -signal.SIGKILL
    assert _convert(warm.docx, tmp_path / "next") == warm.reference
    assert _live(warm.folder) == [server]
    _until(lambda: not [p for p in processes("unoclient.py", server.pipe)], "the killed build's UNO client ended")


def test_concurrent_builds_start_one_server_that_the_next_build_shares_until_office_stop(
        content: Path, state: Path, tmp_path: Path, built: BuildResult) -> None:
    # From the sample's build cache: each build renders and converts only the delaftale the change touches.
    replace_line(content / DELAFTALE, r"^  Delaftalen skal hjælpe", "  Delaftalen skal nu hjælpe")
    outs = [copy_build(built.out_dir, tmp_path / f"out-{n}") for n in range(2)]
    exe = Path(sys.executable).with_name("agreement")
    procs = [subprocess.Popen([str(exe), "build", "--content", str(content), "--out", str(out), "-q"],
                              cwd=tmp_path, env=checkout_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for out in outs]
    results = [proc.communicate(timeout=600) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], results
    [server] = _live(state)
    office = processes(server.pipe, "soffice")
    assert office, "the builds left LibreOffice running for the next one"
    assert processes(str(state), "soffice") == office
    assert len(officeserver.servers(state)) == 1
    assert officeserver.pipe_file(server.pipe).exists()
    before = _pdfs(outs[0])
    assert before == _pdfs(outs[1])
    assert before["delaftale-beskaeftigelse.pdf"] != _pdfs(built.out_dir)["delaftale-beskaeftigelse.pdf"]
    assert len(before) == 8

    replace_line(content / DELAFTALE, r"^  Delaftalen skal nu hjælpe", "  Delaftalen skal nu også hjælpe")
    build(content, outs[0])  # in this process: a build that did not start the server finds it
    assert _live(state) == [server]  # the same server, and no other LibreOffice was started:
    assert processes(server.pipe, "soffice") == office
    assert processes(str(state), "soffice") == office
    after = _pdfs(outs[0])
    assert after["delaftale-beskaeftigelse.pdf"] != before["delaftale-beskaeftigelse.pdf"]

    status = _office("status")
    assert status.exit_code == 0 and f"process {server.pid}" in status.stdout and "stops after 120 s" in status.stdout
    stop = _office("stop")
    assert stop.exit_code == 0 and stop.stdout == "stopped 1 warm LibreOffice process(es)\n", stop.output
    assert not _live(state)  # its state file is gone at once; the killed process may take a moment to end:
    _until(lambda: not server.alive(), "the server stopped")
    _until(lambda: not processes(str(state), "soffice"), "LibreOffice stopped")
    assert not officeserver.pipe_file(server.pipe).exists()  # the socket a killed LibreOffice leaves is removed
    status = _office("status")
    assert status.stdout.startswith("no warm LibreOffice is running")
    assert _office("stop").stdout == "no warm LibreOffice was running\n"


def test_another_libreoffice_gets_a_server_of_its_own(warm: Shared, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    [server] = _live(warm.folder)
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Segmentation fault' >&2\nexit 139\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("AGREEMENT_SOFFICE", str(fake))
    with pytest.raises(ToolError, match=r"LibreOffice failed to convert .*Segmentation fault"):
        _convert(warm.docx, tmp_path / "fake")
    assert _live(warm.folder) == [server]  # the real one is neither used nor stopped
