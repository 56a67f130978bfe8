"""All-or-nothing publishing: a build killed at any step leaves --out as it was or fully published, never between."""

from __future__ import annotations

import errno
import gc
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner

from agreement.cli import main
from agreement.errors import PublishError
from agreement.pipeline import build
from agreement.publish import atomic
from agreement.publish.atomic import CRASH_AT_ENV, CRASH_SIGNAL_ENV, STAGE_PREFIX, Publication, locked, recover
from agreement.publish.cache import CACHE_DIR
from agreement.publish.manifest import sha256
from tests.conftest import SAMPLE, checkout_env, copy_build, manifest_mismatches, processes, replace_line, run_cli, snapshot

MINE = "noter.txt"


def _stages(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".agreement-")]


def _without_stages(snap: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in snap.items() if not k.startswith(STAGE_PREFIX)}


# --- The publication on its own, with small files ---------------------------------------------------------------

# A tiny publication run in a subprocess, so that it can be killed: argv = out folder, then a JSON plan.
PUBLISH_SCRIPT = """
import json, sys
from pathlib import Path
from agreement.publish.atomic import Publication
out, plan = Path(sys.argv[1]), json.loads(sys.argv[2])
with Publication(out) as p:
    for name, text in plan["files"].items():
        path = p.stage / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    p.commit(plan["publish"], remove=plan["remove"])
"""

PLAN: dict[str, Any] = {
    "files": {"a.txt": "new a", "pkg/inside.txt": "new inside", "manifest.json": "new manifest"},
    "publish": ["a.txt", "pkg", "manifest.json"],
    "remove": ["old.txt", "pkg-gone.txt", "../outside.txt"],
}
STEPS_BEFORE_COMMIT = ["staged"]
STEPS_AFTER_COMMIT = ["journal", "removed", "rename-1", "rename-2", "before-last-rename", "rename-3", "published"]


def _old_tree(tmp_path: Path) -> Path:
    """An output folder as an earlier publication left it, a file of the user's, and a file beside it."""
    out = tmp_path / "out"
    (out / "pkg").mkdir(parents=True)
    (out / "pkg" / "inside.txt").write_text("old inside", encoding="utf-8")
    (out / "pkg" / "only-old.txt").write_text("old only", encoding="utf-8")
    (out / "a.txt").write_text("old a", encoding="utf-8")
    (out / "old.txt").write_text("old", encoding="utf-8")
    (out / "manifest.json").write_text("old manifest", encoding="utf-8")
    (out / MINE).write_text("mine", encoding="utf-8")
    (tmp_path / "outside.txt").write_text("not ours", encoding="utf-8")
    return out


def _new_tree(old: dict[str, str]) -> dict[str, str]:
    new = {k: v for k, v in old.items() if k not in ("old.txt", "pkg/only-old.txt")}
    for name, text in PLAN["files"].items():
        new[name] = hashlib.sha256(text.encode()).hexdigest()
    return new


def _publish_in_subprocess(out: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PUBLISH_SCRIPT, str(out), json.dumps(PLAN)], capture_output=True,
                          text=True, env=checkout_env(env), timeout=60)


def test_a_publication_replaces_removes_and_leaves_the_rest(tmp_path: Path) -> None:
    out = _old_tree(tmp_path)
    before, outside = snapshot(out), snapshot(tmp_path)["outside.txt"]
    result = _publish_in_subprocess(out)
    assert result.returncode == 0, result.stderr
    assert snapshot(out) == _new_tree(before)
    assert (out / MINE).read_text(encoding="utf-8") == "mine"
    assert snapshot(tmp_path)["outside.txt"] == outside
    assert not _stages(out)


def test_files_out_holds_already_are_left_alone_and_an_unchanged_publication_writes_nothing(tmp_path: Path) -> None:
    out = _old_tree(tmp_path)
    same = (out / "a.txt").stat()
    with Publication(out) as p:
        (p.stage / "a.txt").write_text("old a", encoding="utf-8")  # the bytes out holds
        (p.stage / "b.txt").write_text("new b", encoding="utf-8")
        (p.stage / "manifest.json").write_text("new manifest", encoding="utf-8")
        moved = p.commit(["a.txt", "b.txt", "manifest.json"])
    assert moved == ["b.txt", "manifest.json"]
    assert (out / "a.txt").stat().st_ino == same.st_ino and (out / "a.txt").stat().st_mtime_ns == same.st_mtime_ns
    assert (out / "b.txt").read_text(encoding="utf-8") == "new b"

    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.iterdir()}
    with Publication(out) as p:
        for name in ("a.txt", "b.txt", "manifest.json"):
            shutil.copyfile(out / name, p.stage / name)
        assert p.commit(["a.txt", "b.txt", "manifest.json"]) == []
    assert {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.iterdir()} == before
    assert not _stages(out)

    with Publication(out) as p:  # the same bytes, but a removal: that is still published
        shutil.copyfile(out / "a.txt", p.stage / "a.txt")
        assert p.commit(["a.txt"], remove=["b.txt"]) == []
    assert not (out / "b.txt").exists() and (out / "a.txt").stat().st_ino == same.st_ino


@pytest.mark.parametrize("step", STEPS_BEFORE_COMMIT + STEPS_AFTER_COMMIT)
def test_killed_at_any_step_recovery_gives_all_or_nothing(tmp_path: Path, step: str) -> None:
    out = _old_tree(tmp_path)
    before = snapshot(out)
    result = _publish_in_subprocess(out, {CRASH_AT_ENV: step})
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert _stages(out)  # the kill left its stage behind
    if step in STEPS_BEFORE_COMMIT:
        assert _without_stages(snapshot(out)) == before  # nothing had reached --out
    recovery = recover(out, lock_timeout=5)
    assert not _stages(out)
    expected = before if step in STEPS_BEFORE_COMMIT else _new_tree(before)
    assert snapshot(out) == expected
    assert bool(recovery.rolled_forward) == (step not in STEPS_BEFORE_COMMIT)
    assert (tmp_path / "outside.txt").read_text(encoding="utf-8") == "not ours"


def test_recovery_killed_halfway_is_recovered_again(tmp_path: Path) -> None:
    out = _old_tree(tmp_path)
    before = snapshot(out)
    assert _publish_in_subprocess(out, {CRASH_AT_ENV: "rename-1"}).returncode == -signal.SIGKILL
    script = "import sys; from pathlib import Path; from agreement.publish.atomic import recover; recover(Path(sys.argv[1]))"
    killed = subprocess.run([sys.executable, "-c", script, str(out)], env=checkout_env({CRASH_AT_ENV: "rename-2"}),
                            capture_output=True, text=True, timeout=60)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    recover(out, lock_timeout=5)
    assert snapshot(out) == _new_tree(before) and not _stages(out)


def test_an_exception_before_commit_leaves_out_and_its_parents_as_they_were(tmp_path: Path) -> None:
    out = _old_tree(tmp_path)
    before = snapshot(tmp_path)
    with pytest.raises(RuntimeError), Publication(out) as p:
        (p.stage / "a.txt").write_text("new", encoding="utf-8")
        raise RuntimeError("the build failed")
    assert snapshot(tmp_path) == before
    with pytest.raises(RuntimeError), Publication(tmp_path / "new" / "deeper" / "out") as p:
        raise RuntimeError("the build failed")
    assert snapshot(tmp_path) == before  # the folders made for --out are gone again


def test_a_full_disk_while_committing_leaves_out_unchanged(tmp_path: Path, monkeypatch) -> None:
    out = _old_tree(tmp_path)
    before = snapshot(out)

    def full(root: Path, publish: list[str], remove: list[str]) -> None:
        (root / "journal.json.tmp").write_text('{"vers', encoding="utf-8")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic, "_write_journal", full)
    with pytest.raises(OSError) as caught, Publication(out) as p:
        (p.stage / "a.txt").write_text("new", encoding="utf-8")
        p.commit(["a.txt"])
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(out)
    assert snapshot(out) == before


def test_a_file_where_the_build_makes_a_folder_is_refused_before_anything_changes(tmp_path: Path) -> None:
    out = _old_tree(tmp_path)
    (out / "pkg.zip").mkdir()
    before = snapshot(out)
    with pytest.raises(PublishError, match=r"pkg\.zip is a folder, but the build makes a file"), Publication(out) as p:
        (p.stage / "a.txt").write_text("new", encoding="utf-8")
        (p.stage / "pkg.zip").write_text("zip", encoding="utf-8")
        p.commit(["a.txt", "pkg.zip"])
    assert snapshot(out) == before


def test_a_journal_naming_anything_outside_out_is_never_followed(tmp_path: Path) -> None:
    out = _old_tree(tmp_path)
    stage = out / f"{STAGE_PREFIX}forged"
    (stage / "files").mkdir(parents=True)
    (stage / "files" / "a.txt").write_text("forged", encoding="utf-8")
    (stage / "journal.json").write_text(json.dumps({"version": 1, "committed_ns": 1, "remove": ["../outside.txt"],
                                                    "publish": ["a.txt"]}), encoding="utf-8")
    before = snapshot(tmp_path)
    recovery = recover(out, lock_timeout=5)
    assert recovery.deleted == [stage.name] and not recovery.rolled_forward
    assert {k: v for k, v in snapshot(tmp_path).items() if STAGE_PREFIX not in k} == \
        {k: v for k, v in before.items() if STAGE_PREFIX not in k}


# --- The lock: one publication into a folder at a time ----------------------------------------------------------

HOLD_SCRIPT = """
import sys, time
from pathlib import Path
from agreement.publish.atomic import locked
with locked(Path(sys.argv[1]), 5):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _hold(out: Path, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD_SCRIPT, str(out), str(seconds)], stdout=subprocess.PIPE,
                              text=True, env=checkout_env())
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    return holder


def test_a_second_publication_gives_up_with_a_clear_message_and_a_killed_holder_leaves_no_lock(tmp_path: Path) -> None:
    out = _old_tree(tmp_path)
    before = snapshot(out)
    holder = _hold(out, 60)
    try:
        started = time.monotonic()
        with pytest.raises(PublishError, match=r"another agreement command is writing to .* within 0.2 seconds"):
            Publication(out, lock_timeout=0.2).__enter__()
        assert 0.2 <= time.monotonic() - started < 5
        assert snapshot(out) == before
    finally:
        holder.kill()
        holder.wait()
    with Publication(out, lock_timeout=5) as p:
        (p.stage / "a.txt").write_text("after", encoding="utf-8")
        p.commit(["a.txt"])
    assert (out / "a.txt").read_text(encoding="utf-8") == "after"


def test_a_second_publication_waits_for_the_first(tmp_path: Path) -> None:
    out = _old_tree(tmp_path)
    holder = _hold(out, 0.4)
    said: list[str] = []
    started = time.monotonic()
    with Publication(out, lock_timeout=30, progress=said.append) as p:
        waited = time.monotonic() - started
        (p.stage / "a.txt").write_text("second", encoding="utf-8")
        p.commit(["a.txt"])
    holder.wait(timeout=30)
    assert 0.2 < waited < 30
    assert said[0].startswith("waiting for another agreement command to finish writing to")


def test_locked_refuses_nothing_when_free(tmp_path: Path) -> None:
    started = time.monotonic()
    with locked(tmp_path, 0):
        pass
    assert time.monotonic() - started < 1


def test_two_builds_into_one_folder_at_once(versions: SimpleNamespace, tmp_path: Path) -> None:
    """Two builds, each a process of its own, find --out locked, both wait, and are then let go at the same moment."""
    out = tmp_path / "out"
    earlier = _earlier(versions, out)
    args = ["build", "--content", str(versions.new), "--out", str(out), "--format", "docx"]
    logs = [tmp_path / f"build-{i}.txt" for i in range(2)]
    builds: list[int] = []
    ended: set[int] = set()
    try:
        with locked(out, 5):
            builds = [_fork_cli(args, log=log) for log in logs]
            deadline = time.monotonic() + 60
            while not all(log.exists() and "waiting for another agreement command" in log.read_text(encoding="utf-8")
                          for log in logs):
                assert time.monotonic() < deadline, [log.read_text(encoding="utf-8") for log in logs if log.exists()]
                time.sleep(0.02)
        codes = []
        for pid in builds:
            codes.append(_exit_status(pid))
            ended.add(pid)
    finally:
        for pid in set(builds) - ended:  # only if the test failed first; not yet waited for, so still ours
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    assert codes == [0, 0], [log.read_text(encoding="utf-8") for log in logs]
    assert manifest_mismatches(out) == [] and not _stages(out)
    assert snapshot(out) == _published(versions, earlier)


# --- Real builds, killed on purpose -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def versions(built_docx, tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """Two versions of the content, --out as a build of the first left it, and what a build of the second publishes.

    The earlier build also made a delaftale the second does not (so one file must go) and the user added a file.
    Its build cache also holds the second version's documents, so the builds below copy them from the cache
    instead of rendering them again: what they test is how the files are published, which is the same either way.
    """
    base = tmp_path_factory.mktemp("versions")
    old, new, earlier = base / "v1", base / "v2", base / "earlier"
    shutil.copytree(SAMPLE, old)
    shutil.copytree(SAMPLE, new)
    replace_line(new / "strategic.yaml", r"^  navn: Albertslund$", "  navn: Albertslund Syd")
    build(new, base / "expected", ("docx",))
    copy_build(built_docx.out_dir, earlier)  # the sample's Word files, as a build of v1 makes them
    for entry in (base / "expected" / CACHE_DIR).iterdir():
        if not (earlier / CACHE_DIR / entry.name).exists():  # a document the change does not touch has one entry
            shutil.copytree(entry, earlier / CACHE_DIR / entry.name)
    stale = earlier / "delaftale-gammel.docx"
    stale.write_bytes(b"an earlier delaftale")
    manifest = json.loads((earlier / "manifest.json").read_text(encoding="utf-8"))
    manifest["documents"].append({"kind": "delaftale", "title": "Gammel", "status": "endelig",
                                  "files": {"docx": stale.name}, "sha256": {"docx": sha256(stale)}})
    (earlier / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (earlier / MINE).write_text("mine", encoding="utf-8")
    assert manifest_mismatches(earlier) == []
    return SimpleNamespace(old=old, new=new, earlier=earlier, expected=snapshot(base / "expected"))


def _earlier(versions: SimpleNamespace, out: Path) -> dict[str, str]:
    shutil.copytree(versions.earlier, out)
    return snapshot(out)


def _published(versions: SimpleNamespace, earlier: dict[str, str]) -> dict[str, str]:
    return {**versions.expected, MINE: earlier[MINE]}


def _build_new(versions: SimpleNamespace, out: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return run_cli(["build", "--content", str(versions.new), "--out", str(out), "--format", "docx", "-q"],
                   cwd=out.parent, env=env, timeout=120)


def _fork_cli(args: list[str], env: dict[str, str] | None = None, log: Path | None = None) -> int:
    """Start `agreement <args>`, with `env` added and its output in `log` (or nowhere), in a child forked from this
    process; its process id, for `_exit_status`.

    The same command the console script runs, in a process of its own that dies as the real one would, without
    starting Python and importing everything again. Used where the test is about what builds leave in --out;
    what the console script itself does on a signal is tested with run_cli."""
    pid = os.fork()
    if pid != 0:
        return pid
    code = 70  # the child: whatever happens, it ends here, never back in pytest's code
    try:
        # No garbage collection: collecting a file object the parent left would close a descriptor number the
        # child may have reused after the closerange below.
        gc.disable()
        # Nothing of this process's open files but the standard ones: a lock the test holds on an inherited
        # descriptor would otherwise be held by the child too, and the child would wait for itself.
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        os.environ.update(env or {})
        output = open(log or os.devnull, "w", encoding="utf-8", buffering=1)  # noqa: SIM115 (ends with the child)
        os.dup2(output.fileno(), 1)
        os.dup2(output.fileno(), 2)
        sys.stdout = sys.stderr = output  # pytest's capture replaced them in this process
        main.main(args, prog_name="agreement")
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()  # into the log: why the child ended with 70
    finally:
        try:
            sys.stdout.flush()
        finally:
            os._exit(code)


def _exit_status(pid: int, timeout: float = 120) -> int:
    """The exit status of the forked child `pid` as subprocess gives it (-9: killed by SIGKILL)."""
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise AssertionError(f"the forked agreement command did not end within {timeout} seconds")
        time.sleep(0.01)


def _build_new_forked(versions: SimpleNamespace, out: Path, env: dict[str, str]) -> int:
    """The exit status of a forked `agreement build` of the new version into `out` with `env` added."""
    args = ["build", "--content", str(versions.new), "--out", str(out), "--format", "docx", "-q"]
    return _exit_status(_fork_cli(args, env))


# 7 documents + the budget workbook + manifest.json = 9 renames
BUILD_STEPS = ["staged", "journal", "removed", "rename-1", "rename-5", "before-last-rename", "published"]


@pytest.mark.parametrize("step", BUILD_STEPS)
def test_a_build_killed_at_any_step_is_recovered(versions: SimpleNamespace, tmp_path: Path, step: str) -> None:
    out = tmp_path / "out"
    earlier = _earlier(versions, out)
    assert _build_new_forked(versions, out, {CRASH_AT_ENV: step}) == -signal.SIGKILL
    if step == "staged":
        assert _without_stages(snapshot(out)) == earlier
    recover(out, lock_timeout=5)
    assert not _stages(out)
    assert manifest_mismatches(out) == []
    assert snapshot(out) == (earlier if step == "staged" else _published(versions, earlier))


@pytest.mark.parametrize("step", ["staged", "rename-5"])
def test_the_next_build_repairs_a_killed_one(versions: SimpleNamespace, tmp_path: Path, monkeypatch, step: str) -> None:
    out = tmp_path / "out"
    earlier = _earlier(versions, out)
    assert _build_new_forked(versions, out, {CRASH_AT_ENV: step}) == -signal.SIGKILL
    started = time.monotonic()
    monkeypatch.chdir(tmp_path)  # the messages name --out as given, relative to here
    result = CliRunner().invoke(main, ["build", "--content", str(versions.new), "--out", "out", "--format", "docx"])
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 60
    said = "finished publishing into out" if step != "staged" else "removed 1 unfinished build folder(s)"
    assert said in result.stderr
    assert snapshot(out) == _published(versions, earlier) and manifest_mismatches(out) == []


@pytest.mark.parametrize(("step", "published"), [("staged", False), ("rename-5", True)])
def test_ctrl_c_ends_cleanly_at_any_step(versions: SimpleNamespace, tmp_path: Path, step: str, published: bool) -> None:
    """SIGINT: before the journal nothing is published; after it, the publication is finished before exiting."""
    out = tmp_path / "out"
    earlier = _earlier(versions, out)
    result = _build_new(versions, out, {CRASH_AT_ENV: step, CRASH_SIGNAL_ENV: "SIGINT"})
    assert result.returncode == 1 and result.stderr == "interrupted\n"
    assert not _stages(out) and manifest_mismatches(out) == []
    assert snapshot(out) == (_published(versions, earlier) if published else earlier)


def test_sigterm_after_the_journal_is_recovered(versions: SimpleNamespace, tmp_path: Path) -> None:
    out = tmp_path / "out"
    earlier = _earlier(versions, out)
    assert _build_new(versions, out, {CRASH_AT_ENV: "journal", CRASH_SIGNAL_ENV: "SIGTERM"}).returncode == -signal.SIGTERM
    recover(out, lock_timeout=5)
    assert snapshot(out) == _published(versions, earlier) and not _stages(out)


def _build_with_a_hanging_libreoffice(versions: SimpleNamespace, out: Path, tmp_path: Path) -> tuple[subprocess.Popen, int]:
    """A CLI build of the new version whose own (fake) LibreOffice never answers; the build and that LibreOffice's pid,
    once it runs."""
    pid_file = tmp_path / "soffice.pid"
    fake = tmp_path / "soffice"
    fake.write_text('#!/bin/sh\necho $$ > "$FAKE_SOFFICE_PID"\nexec sleep 120\n', encoding="utf-8")
    fake.chmod(0o755)
    exe = str(Path(sys.executable).with_name("agreement"))
    proc = subprocess.Popen([exe, "build", "--content", str(versions.new), "--out", str(out), "-q"], cwd=tmp_path,
                            env=checkout_env({"AGREEMENT_SOFFICE": str(fake), "FAKE_SOFFICE_PID": str(pid_file)}),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (pid_file.exists() and pid_file.read_text().strip()) and time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    return proc, int(pid_file.read_text())


def test_a_build_killed_while_libreoffice_runs_leaves_nothing_after_recovery(versions: SimpleNamespace,
                                                                              tmp_path: Path) -> None:
    """The LibreOffice profile lives in the stage, so the stale profile goes with the stale stage."""
    out = tmp_path / "out"
    earlier = _earlier(versions, out)
    proc, soffice_pid = _build_with_a_hanging_libreoffice(versions, out, tmp_path)
    try:
        assert list(out.glob(f"{STAGE_PREFIX}*/scratch/agreement-lo-profile-*"))
        proc.kill()
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.kill(soffice_pid, signal.SIGKILL)  # the fake LibreOffice this test started, in its own session
    recover(out, lock_timeout=5)
    assert snapshot(out) == earlier and not _stages(out)
    deadline = time.monotonic() + 30  # the build's UNO client, waiting for a LibreOffice that never listens, gives up
    while processes("unoclient.py", f"agreement-{proc.pid}-") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not processes("unoclient.py", f"agreement-{proc.pid}-")


def test_ctrl_c_while_libreoffice_runs_stops_it_and_changes_nothing(versions: SimpleNamespace, tmp_path: Path) -> None:
    out = tmp_path / "out"
    earlier = _earlier(versions, out)
    proc, soffice_pid = _build_with_a_hanging_libreoffice(versions, out, tmp_path)
    try:
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert time.monotonic() - started < 10
    assert (proc.returncode, stderr) == (1, "interrupted\n")
    deadline = time.monotonic() + 10
    while _alive(soffice_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(soffice_pid)
    assert snapshot(out) == earlier


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
