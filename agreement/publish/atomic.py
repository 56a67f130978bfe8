"""All-or-nothing publishing into an output folder: lock, stage, journal, rename; recover after a crash.

A publication works in `out/.agreement-stage-<random>/`, on the same file system as `out`, so every file
moves into place with one atomic rename. The steps, each safe to be cut short by a crash or power loss:

1. Lock `out` (flock on the folder itself, so no lock file is left behind), then `recover` what an earlier,
   killed run left: a stage with a committed journal is rolled forward, any other stage is deleted.
2. The caller writes every file into `stage` (and scratch files into `scratch`). A failure here deletes
   the stage; `out` is byte-for-byte as it was.
3. `commit` fsyncs the staged files, then writes `journal.json` (what to remove, what to move, in order)
   and fsyncs it. From this instant the publication happens, now or at the next run.
4. The listed files are removed and the staged ones renamed into `out`, in order (manifest.json last).
   Every step is idempotent, so the same journal can be replayed after a crash at any point.
5. The stage, journal included, is deleted.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from agreement.errors import PublishError, display_path

STAGE_PREFIX = ".agreement-stage-"
# Left inside --out by agreement versions before this module; as ours as a stage.
LEGACY_PREFIXES = (".agreement-package-",)
FILES = "files"
SCRATCH = "scratch"
REPLACED = "replaced"
JOURNAL = "journal.json"
JOURNAL_VERSION = 1
LOCK_TIMEOUT = 600.0
# Tests only: the name of a step at which to kill this process, and the signal to kill it with.
CRASH_AT_ENV = "AGREEMENT_TEST_CRASH_AT"
CRASH_SIGNAL_ENV = "AGREEMENT_TEST_CRASH_SIGNAL"

Say = Callable[[str], None]


@dataclass
class Recovery:
    """What `recover` found: stages rolled forward (published) and stages deleted (abandoned)."""

    rolled_forward: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


class Publication:
    """`with Publication(out) as p:` write into `p.stage`, then `p.commit([...])`; nothing else reaches `out`.

    Leaving the block without `commit` (an exception, say) deletes the stage and any folders it created for
    `out`, so `out` is as it was. Leaving it after `commit` has started finishes the publication first.
    """

    def __init__(self, out_dir: Path, *, lock_timeout: float | None = None, progress: Say | None = None) -> None:
        self.out_dir = out_dir.resolve()
        self.lock_timeout = LOCK_TIMEOUT if lock_timeout is None else lock_timeout
        self.say: Say = progress or (lambda _msg: None)
        self._root: Path | None = None
        self._created: list[Path] = []
        self._lock: contextlib.ExitStack | None = None
        self._committed = False
        self._done = False

    @property
    def stage(self) -> Path:
        """Where to write the files to publish, under the names they will have in `out`."""
        return self._stage_root() / FILES

    @property
    def scratch(self) -> Path:
        """Where to put temporary files that are never published (a LibreOffice profile, a nested build)."""
        return self._stage_root() / SCRATCH

    def __enter__(self) -> Publication:
        if self.out_dir.exists() and not self.out_dir.is_dir():
            raise PublishError(f"{display_path(self.out_dir)} is a file, but the output must go into a folder; "
                               "choose another output folder")
        self._created = _missing_parents(self.out_dir)
        lock = contextlib.ExitStack()
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            lock.enter_context(locked(self.out_dir, self.lock_timeout, self.say))
            _report(_recover_locked(self.out_dir), self.out_dir, self.say)
            self._root = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=self.out_dir))
            (self._root / FILES).mkdir()
            (self._root / SCRATCH).mkdir()
        except BaseException as exc:
            lock.close()
            if self._root is not None:
                _abandon(self._root)
            self._remove_created()
            _name_out_dir(exc, self.out_dir)
            raise
        self._lock = lock
        return self

    def commit(self, publish: Sequence[str], remove: Iterable[str] = ()) -> list[str]:
        """Publish: delete the names in `remove` from `out`, then move every name in `publish` from the stage
        into `out`, in that order (put manifest.json last). Names are plain file or folder names.

        A file `out` holds already with the same bytes is left as it is (with its time), so a build that changed
        nothing writes nothing. Returns the names moved into `out`. Checks run before anything in `out`
        changes, and raise PublishError or OSError with `out` untouched.
        """
        root = self._stage_root()
        publish = list(publish)
        twice = sorted({name for name in publish if publish.count(name) > 1})
        if twice:
            raise PublishError(f"two files would both be published as {twice[0]} in {display_path(self.out_dir)}; "
                               "rename one of the content files or names they come from")
        for name in publish:
            _check_name(name)
            self._check_target(root / FILES / name, self.out_dir / name)
        removals = [name for name in dict.fromkeys(remove) if _is_plain(name) and name not in publish]
        publish = [name for name in publish if not _same_bytes(root / FILES / name, self.out_dir / name)]
        if not publish and not removals:
            self._committed = self._done = True
            _abandon(root)
            return []
        try:
            for name in publish:
                _fsync_tree(root / FILES / name)
            _fsync(root / FILES)
            _crash_point("staged")
            _write_journal(root, publish, removals)
        except BaseException as exc:
            _name_out_dir(exc, self.out_dir)
            raise
        self._committed = True
        _crash_point("journal")
        self._finish()
        return publish

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        try:
            if self._committed and not self._done:
                self._finish()
            elif not self._committed and self._root is not None:
                if exc is not None:
                    _name_out_dir(exc, self.out_dir)
                _abandon(self._root)
                self._remove_created()
        finally:
            if self._lock is not None:
                self._lock.close()

    def _finish(self) -> None:
        root = self._stage_root()
        try:
            _apply(self.out_dir, root, _read_journal(root))
        except OSError as exc:
            raise PublishError(f"could not finish publishing into {display_path(self.out_dir)} ({_reason(exc)}); "
                               "run the command again to finish it") from exc
        self._done = True

    def _check_target(self, src: Path, dst: Path) -> None:
        if not os.path.lexists(src):
            raise ValueError(f"{src.name} is to be published but was not written to the stage")
        if dst.is_symlink() or not dst.exists():
            return
        if src.is_dir() != dst.is_dir():
            kind = "folder" if dst.is_dir() else "file"
            raise PublishError(f"{display_path(dst)} is a {kind}, but the build makes a "
                               f"{'file' if kind == 'folder' else 'folder'} of that name; move it away and run again")

    def _stage_root(self) -> Path:
        if self._root is None:
            raise RuntimeError("use the Publication in a with statement")
        return self._root

    def _remove_created(self) -> None:
        """Remove the folders made for `out`, deepest first, if they are still empty."""
        for folder in reversed(self._created):
            try:
                folder.rmdir()
            except OSError:
                return


def recover(out_dir: Path, *, lock_timeout: float | None = None) -> Recovery:
    """Finish or undo whatever a killed run left in `out_dir`, under the lock; the manifest then matches the files."""
    out_dir = out_dir.resolve()
    if not out_dir.is_dir():
        return Recovery()
    with locked(out_dir, LOCK_TIMEOUT if lock_timeout is None else lock_timeout):
        return _recover_locked(out_dir)


@contextlib.contextmanager
def locked(out_dir: Path, timeout: float, say: Say | None = None) -> Iterator[None]:
    """Hold an exclusive lock on the folder `out_dir` (which must exist); wait up to `timeout` seconds for it."""
    deadline = time.monotonic() + timeout
    told = False
    while True:
        fd = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)  # not inherited by LibreOffice (PEP 446)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise PublishError(
                            f"another agreement command is writing to {display_path(out_dir)} and did not finish within "
                            f"{timeout:g} seconds; wait for it to finish and run again, or choose another output folder"
                        ) from None
                    if not told and say is not None:
                        say(f"waiting for another agreement command to finish writing to {display_path(out_dir)}")
                        told = True
                    time.sleep(0.05)
            # The folder we waited for may have been removed (and perhaps made again) meanwhile.
            if _same_file(fd, out_dir):
                yield
                return
        finally:
            os.close(fd)  # closing the descriptor releases the lock


def _recover_locked(out_dir: Path) -> Recovery:
    result = Recovery()
    stages = [p for p in out_dir.iterdir() if p.name.startswith((STAGE_PREFIX, *LEGACY_PREFIXES))]
    committed = []
    for stage in stages:
        journal = _read_journal(stage) if stage.is_dir() and not stage.is_symlink() else None
        if journal is not None:
            committed.append((journal.get("committed_ns", 0), stage, journal))
    for _, stage, journal in sorted(committed, key=lambda item: (item[0], item[1].name)):
        _apply(out_dir, stage, journal)
        result.rolled_forward.append(stage.name)
    for stage in stages:
        if stage.name in result.rolled_forward:
            continue
        if stage.is_dir() and not stage.is_symlink():
            _abandon(stage)  # ignores errors: a LibreOffice still running from a killed build may refill it
        else:
            stage.unlink(missing_ok=True)
        result.deleted.append(stage.name)
    return result


def _apply(out_dir: Path, root: Path, journal: dict | None) -> None:
    """Carry out `journal` (again): every step checks whether it is already done."""
    if journal is None:
        raise PublishError(f"the publishing journal in {display_path(root)} cannot be read; delete that folder and build again")
    files = root / FILES
    for name in journal["remove"]:
        path = out_dir / name
        if path.is_file() and not path.is_symlink():
            path.unlink()
    _crash_point("removed")
    publish = journal["publish"]
    for k, name in enumerate(publish, start=1):
        if k == len(publish):
            _crash_point("before-last-rename")
        src, dst = files / name, out_dir / name
        if os.path.lexists(src):
            if dst.is_dir() and not dst.is_symlink():
                # A folder cannot be replaced by a rename; move the old one aside, into the stage, first.
                aside = root / REPLACED / str(k)
                aside.parent.mkdir(exist_ok=True)
                shutil.rmtree(aside, ignore_errors=True)
                dst.replace(aside)
            src.replace(dst)
        _crash_point(f"rename-{k}")
    _fsync(out_dir)
    _crash_point("published")
    (root / JOURNAL).unlink(missing_ok=True)
    _fsync(root)
    shutil.rmtree(root, ignore_errors=True)


def _abandon(root: Path) -> None:
    """Delete a stage that is not to be published: its journal (if a failed commit left one) first, so a crash
    while deleting the rest can never leave a journal naming files that are gone."""
    with contextlib.suppress(OSError):
        (root / JOURNAL).unlink(missing_ok=True)
        _fsync(root)
    shutil.rmtree(root, ignore_errors=True)


def _write_journal(root: Path, publish: list[str], remove: list[str]) -> None:
    data = {"version": JOURNAL_VERSION, "committed_ns": time.time_ns(), "remove": remove, "publish": publish}
    tmp = root / (JOURNAL + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(root / JOURNAL)
    _fsync(root)


def _read_journal(root: Path) -> dict | None:
    """The committed journal in `root`, or None if there is none or it is not one of ours."""
    try:
        data = json.loads((root / JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != JOURNAL_VERSION:
        return None
    names = [*data.get("publish", ()), *data.get("remove", ())]
    if not isinstance(data.get("publish"), list) or not isinstance(data.get("remove"), list) \
            or not all(isinstance(n, str) and _is_plain(n) for n in names):
        return None  # never follow a journal that names anything outside the folder
    return data


def _check_name(name: str) -> None:
    if not _is_plain(name):
        raise ValueError(f"not a plain file name: {name!r}")


def _is_plain(name: str) -> bool:
    return (bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name and "\0" not in name
            and not name.startswith((STAGE_PREFIX, *LEGACY_PREFIXES)))


def _same_bytes(staged: Path, published: Path) -> bool:
    """Whether both are regular files (not links) with the same bytes."""
    try:
        if staged.is_symlink() or published.is_symlink() or not staged.is_file() or not published.is_file():
            return False
        if staged.stat().st_size != published.stat().st_size:
            return False
        with staged.open("rb") as a, published.open("rb") as b:
            while True:
                chunk = a.read(1 << 20)
                if chunk != b.read(1 << 20):
                    return False
                if not chunk:
                    return True
    except OSError:
        return False


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        for child in path.iterdir():
            _fsync_tree(child)
    if not path.is_symlink():
        _fsync(path)


def _missing_parents(folder: Path) -> list[Path]:
    """`folder` and those of its parents that do not exist yet, outermost first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return list(reversed(missing))


def _same_file(fd: int, path: Path) -> bool:
    try:
        now = path.stat()
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino)


def _name_out_dir(exc: BaseException, out_dir: Path) -> None:
    """An OS error about a stage, or about no file at all, is for the user an error about `out`: say so."""
    if isinstance(exc, OSError) and (exc.filename is None or _in_stage(exc.filename, out_dir)):
        exc.filename = str(out_dir)
        exc.filename2 = None


def _in_stage(filename: object, out_dir: Path) -> bool:
    try:
        relative = Path(os.fsdecode(filename)).absolute().relative_to(out_dir)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return bool(relative.parts) and relative.parts[0].startswith(STAGE_PREFIX)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _report(recovery: Recovery, out_dir: Path, say: Say) -> None:
    if recovery.rolled_forward:
        say(f"finished publishing into {display_path(out_dir)}, which an interrupted run had begun")
    if recovery.deleted:
        say(f"removed {len(recovery.deleted)} unfinished build folder(s) an interrupted run left in {display_path(out_dir)}")


_crashed: list[str] = []


def _crash_point(step: str) -> None:
    """Tests only: die at `step`, as `kill -9` or a power cut would, when AGREEMENT_TEST_CRASH_AT names it.

    AGREEMENT_TEST_CRASH_SIGNAL=SIGINT sends Ctrl-C instead, once: the clean-up it triggers may pass here again.
    """
    if os.environ.get(CRASH_AT_ENV) == step and step not in _crashed:
        _crashed.append(step)
        os.kill(os.getpid(), getattr(signal, os.environ.get(CRASH_SIGNAL_ENV, "SIGKILL")))
