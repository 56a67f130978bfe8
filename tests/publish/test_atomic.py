"""All-or-nothing publishing: a build killed at any step leaves --out as it was or fully published, never between.

Each kill happens in a child forked from the test, where os.replace and shutil.rmtree are wrapped to die (or raise
KeyboardInterrupt) at a chosen step of publishing; the test then lets the next publication tidy up.
"""

from __future__ import annotations

import errno
import fcntl
import gc
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from agreement.cli import main
from agreement.errors import PublishError
from agreement.files import sha256_file
from agreement.pipeline import build
from agreement.publish import atomic
from agreement.publish.atomic import STAGE_PREFIX, Publication, locked
from agreement.publish.cache import CACHE_DIR
from agreement.publish.manifest import MANIFEST
from tests.conftest import SAMPLE, checkout_env, copy_build, manifest_mismatches, processes, replace_line, snapshot

MINE = "noter.txt"
Step = int | str


def _stages(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".agreement-")]


def _without_stages(snap: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in snap.items() if not k.startswith(STAGE_PREFIX)}


def _tidy(out: Path) -> list[str]:
    """What the next publication into `out` does first (finish or delete what a killed one left); what it said."""
    said: list[str] = []
    with Publication(out, lock_timeout=5, progress=said.append):
        pass
    return said


# --- Dying at a chosen step, in a forked child ------------------------------------------------------------------

def _kill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # as kill -9 or a power cut: no clean-up runs


def _interrupt() -> None:
    raise KeyboardInterrupt  # as Ctrl-C


def _die_at(step: Step, how: Callable[[], None] = _kill, *, in_commit: bool = False) -> None:
    """For the rest of this (forked) process: `how` happens once, at `step` of publishing.

    An int k: instead of the k-th rename (counting from 0; in a commit, 0 is the rename of the stage that commits
    it, then come the renames into --out); "manifest": instead of renaming manifest.json into --out; "cleanup":
    instead of deleting a stage. With `in_commit`, steps count only from the moment Publication.commit starts.
    """
    real_replace, real_rmtree, real_commit = os.replace, shutil.rmtree, Publication.commit
    state = {"armed": not in_commit, "renames": 0, "done": False}

    def due(now: bool) -> None:
        if state["armed"] and now and not state["done"]:
            state["done"] = True
            how()

    def replace(src: os.PathLike[str], dst: os.PathLike[str]) -> None:
        due(step == state["renames"] or (step == "manifest" and Path(dst).name == MANIFEST))
        state["renames"] += state["armed"]
        real_replace(src, dst)

    def rmtree(path: os.PathLike[str], *args: object, **kwargs: object) -> None:
        due(step == "cleanup" and Path(path).name.startswith(STAGE_PREFIX))
        real_rmtree(path, *args, **kwargs)  # type: ignore[arg-type]

    def commit(self: Publication, publish: Sequence[str]) -> list[str]:
        state["armed"] = True
        return real_commit(self, publish)

    os.replace, shutil.rmtree = replace, rmtree  # type: ignore[assignment]
    Publication.commit = commit  # type: ignore[method-assign]


def _fork(work: Callable[[], object], log: Path | None = None) -> int:
    """Run `work` in a child forked from this process, with its output in `log` (or nowhere); the child's pid.

    A process of its own that dies as the real command would, without starting Python and importing everything
    again."""
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
        output = open(log or os.devnull, "w", encoding="utf-8", buffering=1)  # noqa: SIM115 (ends with the child)
        os.dup2(output.fileno(), 1)
        os.dup2(output.fileno(), 2)
        sys.stdout = sys.stderr = output  # pytest's capture replaced them in this process
        work()
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
            raise AssertionError(f"the forked child did not end within {timeout} seconds")
        time.sleep(0.01)


def _fork_cli(args: list[str], log: Path | None = None, step: Step | None = None,
              how: Callable[[], None] = _kill) -> int:
    """Start `agreement <args>` in a forked child (see _fork), dying at `step` of its commit if one is given."""
    def work() -> None:
        if step is not None:
            _die_at(step, how, in_commit=True)
        main.main(args, prog_name="agreement")

    return _fork(work, log)


# --- The publication on its own, with small files ---------------------------------------------------------------

def _manifest(*names: str) -> str:
    return json.dumps({"documents": [{"kind": "k", "files": {"docx": name}} for name in names]})


NEW = {"a.txt": "new a", "pkg/inside.txt": "new inside", MANIFEST: _manifest("a.txt")}
PUBLISH = ["a.txt", "pkg", MANIFEST]
# The renames of a commit: 0 the stage (the commit), 1 a.txt, 2 the old pkg aside, 3 the new pkg, 4 manifest.json.
STEPS: list[Step] = [0, 1, 2, 3, 4, "cleanup"]


def _old_tree(tmp_path: Path) -> Path:
    """An output folder as an earlier publication left it, a file of the user's, and a file beside it that a
    damaged manifest names."""
    out = tmp_path / "out"
    (out / "pkg").mkdir(parents=True)
    (out / "pkg" / "inside.txt").write_text("old inside", encoding="utf-8")
    (out / "pkg" / "only-old.txt").write_text("old only", encoding="utf-8")
    (out / "a.txt").write_text("old a", encoding="utf-8")
    (out / "old.txt").write_text("old", encoding="utf-8")
    (out / MANIFEST).write_text(_manifest("a.txt", "old.txt", "gone.txt", "../outside.txt"), encoding="utf-8")
    (out / MINE).write_text("mine", encoding="utf-8")
    (tmp_path / "outside.txt").write_text("not ours", encoding="utf-8")
    return out


def _new_tree(old: dict[str, str]) -> dict[str, str]:
    new = {k: v for k, v in old.items() if k not in ("old.txt", "pkg/only-old.txt")}
    for name, text in NEW.items():
        new[name] = hashlib.sha256(text.encode()).hexdigest()
    return new


def _publish(out: Path, die_at: Step | None = None) -> None:
    if die_at is not None:
        _die_at(die_at)
    with Publication(out) as p:
        for name, text in NEW.items():
            path = p.stage / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        p.commit(PUBLISH)


def test_a_publication_replaces_removes_and_leaves_the_rest(tmp_path: Path) -> None:
    out = _old_tree(tmp_path)
    before, outside = snapshot(out), snapshot(tmp_path)["outside.txt"]
    _publish(out)
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
        (p.stage / "unpublished.txt").write_text("scratch", encoding="utf-8")
        (p.stage / MANIFEST).write_text(_manifest("a.txt", "b.txt"), encoding="utf-8")
        moved = p.commit(["a.txt", "b.txt", MANIFEST])
    assert moved == ["b.txt", MANIFEST]
    assert (out / "a.txt").stat().st_ino == same.st_ino and (out / "a.txt").stat().st_mtime_ns == same.st_mtime_ns
    assert (out / "b.txt").read_text(encoding="utf-8") == "new b"
    assert not (out / "unpublished.txt").exists() and not (out / "old.txt").exists()

    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.iterdir()}
    with Publication(out) as p:
        for name in ("a.txt", "b.txt", MANIFEST):
            shutil.copyfile(out / name, p.stage / name)
        assert p.commit(["a.txt", "b.txt", MANIFEST]) == []
    assert {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.iterdir()} == before
    assert not _stages(out)

    with Publication(out) as p:  # the same a.txt, but a manifest without b.txt: b.txt goes, a.txt stays as it was
        shutil.copyfile(out / "a.txt", p.stage / "a.txt")
        (p.stage / MANIFEST).write_text(_manifest("a.txt"), encoding="utf-8")
        assert p.commit(["a.txt", MANIFEST]) == [MANIFEST]
    assert not (out / "b.txt").exists() and (out / "a.txt").stat().st_ino == same.st_ino
    assert (out / MINE).read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("step", STEPS)
def test_killed_at_any_step_the_next_publication_gives_all_or_nothing(tmp_path: Path, step: Step) -> None:
    out = _old_tree(tmp_path)
    before = snapshot(out)
    assert _exit_status(_fork(lambda: _publish(out, step))) == -signal.SIGKILL
    assert _stages(out)  # the kill left its stage behind
    if step == 0:
        assert _without_stages(snapshot(out)) == before  # nothing had reached --out
    said = _tidy(out)
    assert not _stages(out)
    assert snapshot(out) == (before if step == 0 else _new_tree(before))
    assert said == [f"finished publishing into {out}, which an interrupted run had begun" if step != 0
                    else f"removed 1 unfinished build folder an interrupted run left in {out}"]
    assert (tmp_path / "outside.txt").read_text(encoding="utf-8") == "not ours"


def test_a_tidy_up_killed_halfway_is_finished_by_the_next(tmp_path: Path) -> None:
    out = _old_tree(tmp_path)
    before = snapshot(out)
    assert _exit_status(_fork(lambda: _publish(out, 2))) == -signal.SIGKILL  # a.txt is in place
    # The tidy-up renames the old pkg aside (0) and is killed before the new one moves in (1).

    def tidy_killed() -> None:
        _die_at(1)
        _tidy(out)

    assert _exit_status(_fork(tidy_killed)) == -signal.SIGKILL
    assert not (out / "pkg").exists()
    _tidy(out)
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

    def full(path: Path) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic, "fsync", full)
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


def test_two_files_of_one_name_are_refused_before_anything_changes(tmp_path: Path) -> None:
    out = _old_tree(tmp_path)
    before = snapshot(out)
    with pytest.raises(PublishError, match=r"two files would both be published as a\.txt"), Publication(out) as p:
        (p.stage / "a.txt").write_text("new", encoding="utf-8")
        p.commit(["a.txt", "a.txt"])
    assert snapshot(out) == before


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
        assert time.monotonic() - started >= 0.2  # it waited as long as it was told
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
    assert waited > 0.2
    assert said[0].startswith("waiting for another agreement command to finish writing to")


def test_a_folder_made_anew_while_a_publication_waited_is_the_one_locked(tmp_path: Path) -> None:
    """Two builds into one --out are serialised even if the folder is deleted and made again meanwhile: the waiting
    one locks the folder that is there when it gets its turn, not the deleted one it first opened."""
    out = tmp_path / "out"
    out.mkdir()
    got_it = threading.Event()
    release = threading.Event()

    def second() -> None:
        with locked(out, timeout=30):
            got_it.set()
            release.wait(30)

    with locked(out, timeout=1):
        waiter = threading.Thread(target=second)
        waiter.start()
        time.sleep(0.3)  # the second is waiting on the old folder
        out.rename(tmp_path / "old")
        out.mkdir()
    assert got_it.wait(10)
    fd = os.open(out, os.O_RDONLY)
    try:
        with pytest.raises(BlockingIOError):  # the new folder is the one held
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)
        release.set()
        waiter.join(10)


@pytest.mark.timeout(5)
def test_locked_refuses_nothing_when_free(tmp_path: Path) -> None:
    with locked(tmp_path, 0):
        pass


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
                                  "files": {"docx": stale.name}, "sha256": {"docx": sha256_file(stale)}})
    (earlier / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (earlier / MINE).write_text("mine", encoding="utf-8")
    assert manifest_mismatches(earlier) == []
    return SimpleNamespace(old=old, new=new, earlier=earlier, expected=snapshot(base / "expected"))


def _earlier(versions: SimpleNamespace, out: Path) -> dict[str, str]:
    shutil.copytree(versions.earlier, out)
    return snapshot(out)


def _published(versions: SimpleNamespace, earlier: dict[str, str]) -> dict[str, str]:
    return {**versions.expected, MINE: earlier[MINE]}


def _build_new_forked(versions: SimpleNamespace, out: Path, step: Step, how: Callable[[], None] = _kill,
                      log: Path | None = None) -> int:
    """The exit status of a forked `agreement build` of the new version into `out` that dies at `step`."""
    args = ["build", "--content", str(versions.new), "--out", str(out), "--format", "docx", "-q"]
    return _exit_status(_fork_cli(args, log, step, how))


# 0 commits the stage; then the documents' files, manifest.json, and deleting the stage.
BUILD_STEPS: list[Step] = [0, 1, 4, "manifest", "cleanup"]


@pytest.mark.parametrize("step", BUILD_STEPS)
def test_a_build_killed_at_any_step_is_recovered(versions: SimpleNamespace, tmp_path: Path, step: Step) -> None:
    out = tmp_path / "out"
    earlier = _earlier(versions, out)
    assert _build_new_forked(versions, out, step) == -signal.SIGKILL
    assert _stages(out)
    if step == 0:
        assert _without_stages(snapshot(out)) == earlier
    elif step != "cleanup":
        assert snapshot(out)[MANIFEST] == earlier[MANIFEST]  # never a new manifest beside old files
    _tidy(out)
    assert not _stages(out)
    assert manifest_mismatches(out) == []
    assert snapshot(out) == (earlier if step == 0 else _published(versions, earlier))


@pytest.mark.parametrize("step", [0, 4])
def test_the_next_build_repairs_a_killed_one(versions: SimpleNamespace, tmp_path: Path, monkeypatch, step: Step) -> None:
    out = tmp_path / "out"
    earlier = _earlier(versions, out)
    assert _build_new_forked(versions, out, step) == -signal.SIGKILL
    monkeypatch.chdir(tmp_path)  # the messages name --out as given, relative to here
    result = CliRunner().invoke(main, ["build", "--content", str(versions.new), "--out", "out", "--format", "docx"])
    assert result.exit_code == 0, result.output
    said = "finished publishing into out" if step != 0 else "removed 1 unfinished build folder"
    assert said in result.stderr
    assert snapshot(out) == _published(versions, earlier) and manifest_mismatches(out) == []


@pytest.mark.parametrize(("step", "published"), [(0, False), (4, True)])
def test_ctrl_c_ends_cleanly_at_any_step(versions: SimpleNamespace, tmp_path: Path, step: Step, published: bool) -> None:
    """Ctrl-C before the stage is committed publishes nothing; after, the publication is finished before exiting."""
    out = tmp_path / "out"
    earlier = _earlier(versions, out)
    log = tmp_path / "build.txt"
    assert _build_new_forked(versions, out, step, _interrupt, log) == 1
    assert log.read_text(encoding="utf-8") == "interrupted\n"
    assert not _stages(out) and manifest_mismatches(out) == []
    assert snapshot(out) == (_published(versions, earlier) if published else earlier)



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
    _tidy(out)
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
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)  # not the fake LibreOffice's 120 s, nor the build's --timeout
    finally:
        if proc.poll() is None:
            proc.kill()
    assert (proc.returncode, stderr) == (1, "interrupted\n")
    deadline = time.monotonic() + 30  # a wait, not a measure: a loaded machine reaps slowly
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
