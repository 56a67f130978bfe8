"""The warm LibreOffice that builds share: reuse, idle timeout, recovery, concurrency, `office stop`, same bytes."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from agreement.errors import ToolError
from agreement.outputs import officeserver
from agreement.outputs import pdf as pdf_module
from agreement.outputs.pdf import Office
from agreement.pipeline import build
from tests.conftest import SAMPLE, SOLHAVEN, checkout_env, processes, replace_line, run_cli

DELAFTALE = "delaftaler/beskaeftigelse.yaml"
WAIT = 60.0  # seconds: bounded waits, generous for a loaded machine


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A state folder of this test's own (not the session's server), emptied of servers afterwards."""
    folder = tmp_path / "office"
    monkeypatch.setenv(officeserver.DIR_ENV, str(folder))
    monkeypatch.setenv(officeserver.IDLE_ENV, "120")
    yield folder
    officeserver.stop_all(folder)


def _live(folder: Path) -> list[officeserver.Server]:
    return [server for server in officeserver.servers(folder) if server.alive()] if folder.exists() else []


def _pdfs(out: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(out.glob("*.pdf"))}


def _until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {WAIT} s")
        time.sleep(0.1)


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


def test_two_builds_share_one_libreoffice_until_office_stop(content: Path, state: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run_cli(["build", "--content", str(content), "--out", str(out), "-q"], cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    [server] = _live(state)
    office = processes(server.pipe, "soffice")
    assert office, "the build left LibreOffice running for the next one"
    assert officeserver.pipe_file(server.pipe).exists()
    before = _pdfs(out)

    replace_line(content / DELAFTALE, r"^  Delaftalen skal hjælpe", "  Delaftalen skal nu hjælpe")
    second = run_cli(["build", "--content", str(content), "--out", str(out), "-q"], cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert _live(state) == [server]  # the same server, and no other LibreOffice was started:
    assert processes(server.pipe, "soffice") == office
    assert processes(str(state), "soffice") == office
    after = _pdfs(out)
    assert after["delaftale-beskaeftigelse.pdf"] != before["delaftale-beskaeftigelse.pdf"]

    status = run_cli(["office", "status"], cwd=tmp_path)
    assert status.returncode == 0 and f"process {server.pid}" in status.stdout and "stops after 120 s" in status.stdout
    stop = run_cli(["office", "stop"], cwd=tmp_path)
    assert stop.returncode == 0 and stop.stdout == "stopped 1 warm LibreOffice process(es)\n", stop
    assert not server.alive() and not _live(state)
    _until(lambda: not processes(str(state), "soffice"), "LibreOffice stopped")
    assert not officeserver.pipe_file(server.pipe).exists()  # the socket a killed LibreOffice leaves is removed
    status = run_cli(["office", "status"], cwd=tmp_path)
    assert status.stdout.startswith("no warm LibreOffice is running")
    assert run_cli(["office", "stop"], cwd=tmp_path).stdout == "no warm LibreOffice was running\n"


def test_an_idle_libreoffice_stops_by_itself(content: Path, state: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(officeserver.IDLE_ENV, "2")
    build(content, tmp_path / "out")
    [server] = _live(state)
    used = server.last_used()
    assert used is not None
    _until(lambda: not server.alive(), "the idle server stopped")
    assert time.time() - used >= 2
    _until(lambda: not processes(str(state), "soffice"), "LibreOffice stopped")
    assert not server.state.exists() and not officeserver.pipe_file(server.pipe).exists()


def test_while_a_build_holds_it_the_server_does_not_idle_out(state: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(officeserver.IDLE_ENV, "1")
    office = Office(tmp_path).start()
    try:
        [server] = _live(state)
        time.sleep(3)  # three idle timeouts: the lease keeps it
        assert server.alive()
    finally:
        office.close()
    _until(lambda: not server.alive(), "the server stopped once released")


def test_idle_zero_starts_and_stops_a_libreoffice_of_the_builds_own(content: Path, state: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(officeserver.IDLE_ENV, "0")
    docx_dir = build(content, tmp_path / "docx", ("docx",)).out_dir
    docx = docx_dir / "kommissorium.docx"
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with Office(scratch) as office:
        office.submit(docx, scratch / "kommissorium.pdf")
        assert office.wait(WAIT) == [scratch / "kommissorium.pdf"]
        assert processes(str(scratch), "soffice"), "its own LibreOffice, with its profile in the scratch folder"
    _until(lambda: not processes(str(scratch), "soffice"), "its LibreOffice stopped when the Office closed")
    assert not list(scratch.glob("agreement-lo-*")) and not state.exists()


def test_pdfs_from_a_warm_libreoffice_are_byte_identical_to_a_fresh_ones(state: Path, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(officeserver.IDLE_ENV, "0")
    fresh = _pdfs(build(SAMPLE, tmp_path / "fresh").out_dir)
    monkeypatch.setenv(officeserver.IDLE_ENV, "120")
    build(SOLHAVEN, tmp_path / "other")  # the server converts other documents first
    [server] = _live(state)
    assert _pdfs(build(SAMPLE, tmp_path / "warm").out_dir) == fresh
    assert _pdfs(build(SAMPLE, tmp_path / "again", clean=True).out_dir) == fresh  # converted again, same server
    assert _live(state) == [server]
    assert len(fresh) == 8


def test_a_killed_server_is_replaced_and_the_build_succeeds(content: Path, state: Path, tmp_path: Path) -> None:
    reference = _pdfs(build(content, tmp_path / "reference").out_dir)
    [server] = _live(state)
    os.killpg(server.pid, signal.SIGKILL)
    _until(lambda: not server.alive(), "the server killed")
    assert _pdfs(build(content, tmp_path / "after-crash", clean=True).out_dir) == reference
    [new] = _live(state)
    assert new.pid != server.pid


def test_a_server_killed_in_the_middle_of_a_conversion_is_replaced(content: Path, state: Path, tmp_path: Path) -> None:
    reference = _pdfs(build(content, tmp_path / "reference").out_dir)
    [server] = _live(state)
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
        result = build(content, tmp_path / "out", clean=True)
    finally:
        killer.join()
    assert killed.is_set()
    assert _pdfs(result.out_dir) == reference
    [new] = _live(state)
    assert new.pid != server.pid


def test_a_hanging_server_is_replaced(content: Path, state: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reference = _pdfs(build(content, tmp_path / "reference").out_dir)
    [server] = _live(state)
    office = processes(server.pipe, "soffice")
    monkeypatch.setattr(pdf_module, "CONNECT_GRACE", 3.0)
    for pid in office:
        os.kill(pid, signal.SIGSTOP)  # alive but answering nothing
    try:
        assert _pdfs(build(content, tmp_path / "out", clean=True).out_dir) == reference
    finally:
        for pid in office:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
    [new] = _live(state)
    assert new.pid != server.pid and not server.alive()
    _until(lambda: not any(pid in processes(str(state), "soffice") for pid in office), "the hanging LibreOffice stopped")


def test_a_build_killed_while_converting_leaves_the_server_usable(content: Path, state: Path, tmp_path: Path) -> None:
    build(content, tmp_path / "first")
    [server] = _live(state)
    exe = Path(sys.executable).with_name("agreement")
    proc = subprocess.Popen([str(exe), "build", "--content", str(content), "--out", str(tmp_path / "killed"), "--clean", "-q"],
                            cwd=tmp_path, env=checkout_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with server.convert_lock.open("a") as lock:
            deadline = time.monotonic() + WAIT
            while time.monotonic() < deadline:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    fcntl.flock(lock, fcntl.LOCK_UN)
                except OSError:
                    break
                time.sleep(0.005)
        proc.kill()
    finally:
        proc.wait(timeout=WAIT)
    assert proc.returncode == -signal.SIGKILL
    result = build(content, tmp_path / "next", clean=True)
    assert _live(state) == [server]
    assert _pdfs(result.out_dir) == _pdfs(tmp_path / "first")
    _until(lambda: not [p for p in processes("unoclient.py", server.pipe)], "the killed build's UNO client ended")


def test_concurrent_builds_start_one_server_and_both_succeed(state: Path, tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("agreement")
    procs = [subprocess.Popen([str(exe), "build", "--content", str(SAMPLE), "--out", str(tmp_path / f"out-{n}"), "-q"],
                              cwd=tmp_path, env=checkout_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in range(2)]
    results = [proc.communicate(timeout=600) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], results
    [server] = _live(state)
    assert processes(str(state), "soffice") == processes(server.pipe, "soffice")
    assert len(officeserver.servers(state)) == 1
    assert _pdfs(tmp_path / "out-0") == _pdfs(tmp_path / "out-1")
    assert len(_pdfs(tmp_path / "out-0")) == 8


def test_another_libreoffice_gets_a_server_of_its_own(content: Path, state: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    build(content, tmp_path / "out", ("docx", "pdf"))
    [server] = _live(state)
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Segmentation fault' >&2\nexit 139\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("AGREEMENT_SOFFICE", str(fake))
    with pytest.raises(ToolError, match=r"LibreOffice failed to convert .*Segmentation fault"):
        build(content, tmp_path / "fake", clean=True)
    assert _live(state) == [server]  # the real one is neither used nor stopped
