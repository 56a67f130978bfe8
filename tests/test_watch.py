"""`agreement watch`: rebuilds on a save, shows errors at once, stops its LibreOffice on Ctrl-C."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from docx import Document

from agreement import i18n
from agreement.errors import ContentError, ContentErrors
from agreement.pipeline import BuildResult
from tests.conftest import checkout_env, copy_build, processes, replace_line, still_running

DELAFTALE = "delaftaler/beskaeftigelse.yaml"
WAIT = 120.0  # seconds: bounded waits, generous for a loaded machine


def _lines(proc: subprocess.Popen) -> queue.Queue:
    lines: queue.Queue = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.rstrip("\n"))

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _wait_for(lines: queue.Queue, text: str, seen: list[str]) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        seen.append(line)
        if text in line:
            return
    raise AssertionError(f"no line with {text!r} within {WAIT} s; output so far: {seen}")


def _office_processes(watch_pid: int) -> list[int]:
    """LibreOffice processes started by this watch for itself: their pipe is named after its process id."""
    return processes(f"agreement-{watch_pid}-", "soffice")


@contextmanager
def _watch(content: Path, out: Path) -> Iterator[tuple[subprocess.Popen, queue.Queue, list[str]]]:
    """A running `agreement watch`: its process, its output lines, and the lines seen so far; killed if still
    running when the block ends (a failed assertion, say)."""
    exe = Path(sys.executable).with_name("agreement")
    proc = subprocess.Popen([str(exe), "watch", "--content", str(content), "--out", str(out)], cwd=out.parent,
                            env=checkout_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        yield proc, _lines(proc), []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def _stop(proc: subprocess.Popen, lines: queue.Queue, seen: list[str]) -> None:
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=WAIT)
    _wait_for(lines, "stopped watching", seen)


def test_watch_rebuilds_on_save_reports_errors_and_stops_cleanly(content: Path, tmp_path: Path, built: BuildResult) -> None:
    out = copy_build(built.out_dir, tmp_path / "out")  # its cache: the first round makes nothing, a save one document
    with _watch(content, out) as (proc, lines, seen):
        _wait_for(lines, "watching", seen)
        pdf = out / "delaftale-beskaeftigelse.pdf"
        first = pdf.read_bytes()
        assert _office_processes(proc.pid), "the watch keeps its LibreOffice running"
        assert processes("unoclient.py", f"agreement-{proc.pid}-"), "and its connection to it"

        replace_line(content / DELAFTALE, r"^  Delaftalen skal hjælpe", "  Delaftalen skal nu hjælpe")
        _wait_for(lines, "updated", seen)
        _wait_for(lines, "built in", seen)
        assert pdf.read_bytes() != first
        assert any(line.endswith("delaftale-beskaeftigelse.pdf") for line in seen)

        replace_line(content / DELAFTALE, r"^følgegruppe: ", "følgegruppe: [")
        _wait_for(lines, "error", seen)
        assert any(line.startswith(f"content/{DELAFTALE}:") for line in seen), seen  # path:line:column: message
        replace_line(content / DELAFTALE, r"^følgegruppe: \[", "følgegruppe: ")
        _wait_for(lines, "no changes in the documents", seen)
        _stop(proc, lines, seen)
    assert proc.returncode == 0, seen
    assert not any("Traceback" in line for line in seen), seen
    assert seen[-1] == "stopped watching; LibreOffice is stopped"
    leftovers = still_running(f"agreement-{proc.pid}-", "soffice") + still_running("unoclient.py", f"agreement-{proc.pid}-")
    for pid in leftovers:  # do not leave them running if the assertion below fails
        os.kill(pid, signal.SIGKILL)
    assert not leftovers, "Ctrl-C stopped the watch's LibreOffice and its UNO client"



@contextmanager
def _watch_in_thread(content: Path, out: Path) -> Iterator[queue.Queue]:
    """`watch` of Word files only (no LibreOffice) in a thread of this process; its messages, in order."""
    from agreement.watch import watch

    said: queue.Queue = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(content, out, ("docx",)), kwargs={"say": said.put, "stop": stop})
    thread.start()
    try:
        yield said
    finally:
        stop.set()
        thread.join(timeout=WAIT)
    assert not thread.is_alive()


def _failing_builds(monkeypatch, tmp_path: Path, failures: list[Exception]) -> tuple[Path, Path]:
    """A content folder and an out folder, with the watch's build raising each of `failures` in turn, then
    building nothing."""
    import agreement.watch

    content, out = tmp_path / "content", tmp_path / "out"
    content.mkdir()
    (content / "a.yaml").write_text("0", encoding="utf-8")

    def build(content_dir: Path, *args, **kwargs) -> None:
        if failures:
            raise failures.pop(0)

    monkeypatch.setattr(agreement.watch, "build", build)
    return content, out


def test_any_error_is_reported_and_the_watch_waits_for_the_next_save(monkeypatch, tmp_path: Path) -> None:
    """A bug (here, the error python-docx raised for an Adobe JPEG) and an OSError are reported; the next save builds."""
    content, out = _failing_builds(monkeypatch, tmp_path,
                                   [ValueError("UnrecognizedImageError"), PermissionError(13, "Permission denied")])
    with _watch_in_thread(content, out) as said:
        seen: list[str] = []
        _wait_for(said, "this is a bug in agreement (ValueError: UnrecognizedImageError); nothing was built", seen)
        _wait_for(said, "watching", seen)
        (content / "a.yaml").write_text("1", encoding="utf-8")
        _wait_for(said, "Permission denied; nothing was built", seen)
        (content / "a.yaml").write_text("2", encoding="utf-8")
        _wait_for(said, "no changes in the documents", seen)


def test_the_watch_speaks_danish_by_default(monkeypatch, tmp_path: Path) -> None:
    i18n.set_language("da")
    content, out = _failing_builds(monkeypatch, tmp_path, [ContentErrors([ContentError("a"), ContentError("b")])])
    with _watch_in_thread(content, out) as said:
        seen: list[str] = []
        _wait_for(said, "2 fejl fundet; intet blev bygget", seen)
        _wait_for(said, "holder øje med ændringer i ", seen)
        (content / "a.yaml").write_text("1", encoding="utf-8")
        _wait_for(said, "ingen ændringer i dokumenterne (", seen)
    assert re.fullmatch(r"ingen ændringer i dokumenterne \(\d+,\d s\)", seen[-1]), seen


def test_a_content_folder_deleted_and_made_again_is_still_watched(monkeypatch, tmp_path: Path) -> None:
    import agreement.watch

    content, out = tmp_path / "content", tmp_path / "out"
    content.mkdir()
    (content / "a.yaml").write_text("0", encoding="utf-8")
    built: queue.Queue = queue.Queue()
    monkeypatch.setattr(agreement.watch, "build", lambda content_dir, *args, **kwargs: built.put(
        (content_dir / "a.yaml").read_text(encoding="utf-8") if (content_dir / "a.yaml").exists() else None))
    with _watch_in_thread(content, out) as said:
        _wait_for(said, "watching", [])
        assert built.get(timeout=WAIT) == "0"
        shutil.rmtree(content)
        content.mkdir()
        (content / "a.yaml").write_text("1", encoding="utf-8")
        seen = [built.get(timeout=WAIT)]
        while seen[-1] != "1":
            seen.append(built.get(timeout=WAIT))
        (content / "a.yaml").write_text("2", encoding="utf-8")  # a save in the new folder
        while seen[-1] != "2":
            seen.append(built.get(timeout=WAIT))


def test_watch_rebuilds_the_yearly_report_when_its_follow_up_file_changes(content: Path, tmp_path: Path,
                                                                           built_docx: BuildResult) -> None:
    """A changed measurement in opfoelgning/2022.yaml makes the 2022 report anew; the 2021 report does not read it."""
    out = copy_build(built_docx.out_dir, tmp_path / "out")
    with _watch_in_thread(content, out) as said:
        seen: list[str] = []
        _wait_for(said, "no changes in the documents", seen)
        report = out / "opfoelgning-2022.docx"
        before = report.read_bytes()
        replace_line(content / "opfoelgning/2022.yaml", r"^    boligområde: 90.2$", "    boligområde: 90.8")
        _wait_for(said, "built in", seen)
    assert [line.rsplit("/", 1)[-1] for line in seen if line.startswith("updated ")] == ["opfoelgning-2022.docx"], seen
    assert report.read_bytes() != before
    assert "90,8" in " ".join(Document(str(report)).inline_shapes[0]._inline.docPr.get("descr").split())
