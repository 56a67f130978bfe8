"""All-or-nothing publishing into an output folder: lock it, stage every file, commit by one rename, move into place.

A publication holds a flock on `out` itself (so no lock file is left behind) and writes into
`out/.agreement-stage-<random>/files/` (temporary files into `.../scratch/`), on the same file system as
`out`, so every file moves into place with one rename. `commit` fsyncs the staged files and renames `files/`
to `commit/`; that rename is the moment the publication happens. It then renames every file in `commit/`
into `out`, removes the files the old manifest.json listed and the new one does not, renames manifest.json
last, fsyncs `out` and deletes the stage. Files no manifest listed are never touched. Where a crash, a kill
or a power cut can stop it, and what the next publication (which starts by tidying up, under the lock) does:

- Before `commit/` exists: nothing in `out` has changed; the stage is deleted.
- After: `out` may hold some new files beside the old manifest.json, never a new manifest.json beside old
  files. The stage is finished the same way: a file already moved is no longer in `commit/`, and the files
  to remove are worked out again from the old manifest.json (still in `out`) and the new one (still in
  `commit/`, as it moves last). Ctrl-C here finishes the publication before the command ends.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType

from agreement.errors import PublishError, display_path
from agreement.files import fsync
from agreement.i18n import _, ngettext, number
from agreement.publish.manifest import MANIFEST, listed_files

STAGE_PREFIX = ".agreement-stage-"
# Left inside --out by agreement versions before this module; as ours as a stage.
LEGACY_PREFIXES = (".agreement-package-",)
FILES, SCRATCH, COMMIT, REPLACED = "files", "scratch", "commit", "replaced"
LOCK_TIMEOUT = 600.0

Say = Callable[[str], None]


class Publication:
    """`with Publication(out) as p:` write into `p.stage`, then `p.commit([...])`; nothing else reaches `out`.

    Leaving the block without `commit` (an exception, say) deletes the stage and any folders it created for
    `out`, so `out` is as it was. Leaving it after `commit` has renamed the stage finishes the publication first.
    """

    def __init__(self, out_dir: Path, *, lock_timeout: float | None = None, progress: Say | None = None) -> None:
        self.out_dir = out_dir.resolve()
        self.lock_timeout = LOCK_TIMEOUT if lock_timeout is None else lock_timeout
        self.say: Say = progress or (lambda _msg: None)
        self._root: Path | None = None
        self._created: list[Path] = []
        self._lock = contextlib.ExitStack()
        self._committed = False

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
            raise PublishError(_("{folder} is a file, but the output must go into a folder; choose another output folder")
                               .format(folder=display_path(self.out_dir)))
        self._created = _missing_parents(self.out_dir)
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            self._lock.enter_context(locked(self.out_dir, self.lock_timeout, self.say))
            self._tidy()
            self._root = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=self.out_dir))
            (self._root / FILES).mkdir()
            (self._root / SCRATCH).mkdir()
        except BaseException as exc:
            self.__exit__(type(exc), exc, exc.__traceback__)
            raise
        return self

    def commit(self, publish: Sequence[str]) -> list[str]:
        """Move the staged files (or folders) named in `publish` into `out`, manifest.json last; a manifest.json
        among them also removes from `out` the files the old one listed and it does not.

        A file `out` holds already with the same bytes is left as it is (with its time), so a build that changed
        nothing writes nothing. Returns the names moved into `out`. Checks run before anything in `out` changes,
        and raise PublishError or OSError with `out` untouched.
        """
        files = self.stage
        publish = list(publish)
        twice = sorted({name for name in publish if publish.count(name) > 1})
        if twice:
            raise PublishError(_("two files would both be published as {name} in {folder}; rename one of the content files "
                                 "or names they come from").format(name=twice[0], folder=display_path(self.out_dir)))
        for name in publish:
            if name in ("", "..") or Path(name).name != name or not os.path.lexists(files / name):
                raise ValueError(f"{name!r} is to be published but is not a file name written to the stage")
            self._check_target(files / name, self.out_dir / name)
        for entry in files.iterdir():
            if entry.name not in publish or _same_bytes(entry, self.out_dir / entry.name):
                _delete(entry)
        moved = [name for name in publish if os.path.lexists(files / name)]
        if not moved and not _removals(self.out_dir, files):
            return []
        for name in moved:
            path = files / name
            for part in (*path.iterdir(), path) if path.is_dir() else (path,):  # a published folder is flat
                fsync(part)
        fsync(files)
        files.replace(self._stage_root() / COMMIT)
        self._committed = True
        fsync(self._stage_root())
        _finish(self.out_dir, self._stage_root())
        return moved

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        try:
            if self._committed:
                _finish(self.out_dir, self._stage_root())  # nothing left to do unless commit was cut short
            else:
                if isinstance(exc, OSError):
                    _name_out_dir(exc, self.out_dir)
                if self._root is not None:
                    shutil.rmtree(self._root, ignore_errors=True)
                for folder in reversed(self._created):  # the folders made for `out`, deepest first, if still empty
                    try:
                        folder.rmdir()
                    except OSError:
                        break
        finally:
            self._lock.close()

    def _tidy(self) -> None:
        """Finish the stages a killed publication committed, and delete the others."""
        finished = deleted = 0
        for stage in sorted(self.out_dir.iterdir()):
            if not stage.name.startswith((STAGE_PREFIX, *LEGACY_PREFIXES)):
                continue
            if stage.is_symlink() or not stage.is_dir():
                stage.unlink(missing_ok=True)
                deleted += 1
            elif (stage / COMMIT).is_dir():
                _finish(self.out_dir, stage)
                finished += 1
            else:
                shutil.rmtree(stage, ignore_errors=True)  # a LibreOffice a killed build left may still write there
                deleted += 1
        if finished:
            self.say(_("finished publishing into {folder}, which an interrupted run had begun").format(
                folder=display_path(self.out_dir)))
        if deleted:
            self.say(ngettext("removed {count} unfinished build folder an interrupted run left in {folder}",
                              "removed {count} unfinished build folders an interrupted run left in {folder}", deleted)
                     .format(count=deleted, folder=display_path(self.out_dir)))

    def _check_target(self, src: Path, dst: Path) -> None:
        if dst.is_symlink() or not dst.exists() or src.is_dir() == dst.is_dir():
            return
        message = (_("{path} is a folder, but the build makes a file of that name; move it away and run again")
                   if dst.is_dir() else
                   _("{path} is a file, but the build makes a folder of that name; move it away and run again"))
        raise PublishError(message.format(path=display_path(dst)))

    def _stage_root(self) -> Path:
        if self._root is None:
            raise RuntimeError("use the Publication in a with statement")
        return self._root


@contextlib.contextmanager
def locked(out_dir: Path, timeout: float, say: Say | None = None) -> Iterator[None]:
    """Hold an exclusive lock on the folder `out_dir` (which must exist); wait up to `timeout` seconds for it.

    A folder deleted and made again while this waited is another folder: the lock is taken on the new one."""
    fd = os.open(out_dir, os.O_RDONLY)  # not inherited by LibreOffice (PEP 446); closing it releases the lock
    try:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                held, now = os.fstat(fd), out_dir.stat()
                if (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino):
                    break
                os.close(fd)  # locked a folder that is no longer `out_dir`: lock the one that is
                fd = os.open(out_dir, os.O_RDONLY)
                continue
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise PublishError(
                        _("another agreement command is writing to {folder} and did not finish within {seconds} seconds; "
                          "wait for it to finish and run again, or choose another output folder").format(
                            folder=display_path(out_dir), seconds=number(timeout))
                    ) from None
                if not told and say is not None:
                    say(_("waiting for another agreement command to finish writing to {folder}").format(
                        folder=display_path(out_dir)))
                    told = True
                time.sleep(0.05)
        yield
    finally:
        with contextlib.suppress(OSError):  # already closed, if opening the new folder failed
            os.close(fd)


def _finish(out_dir: Path, root: Path) -> None:
    """Move what is left in the committed stage `root` into `out_dir`, manifest.json last, then delete the stage.

    Every step can be repeated after a crash: what was moved is no longer in the stage, and the files to
    remove are found from the manifests again, since the new one moves last.
    """
    commit = root / COMMIT
    try:
        if commit.is_dir():
            for path in sorted(commit.iterdir()):
                if path.name != MANIFEST:
                    _move(path, out_dir / path.name, root)
            for name in _removals(out_dir, commit):
                if (out_dir / name).is_file() and not (out_dir / name).is_symlink():
                    (out_dir / name).unlink()
            if (commit / MANIFEST).exists():
                (commit / MANIFEST).replace(out_dir / MANIFEST)
            fsync(out_dir)
    except OSError as exc:
        raise PublishError(_("could not finish publishing into {folder} ({reason}); run the command again to finish it")
                           .format(folder=display_path(out_dir), reason=exc.strerror or exc)) from exc
    shutil.rmtree(root, ignore_errors=True)


def _move(src: Path, dst: Path, root: Path) -> None:
    if src.is_dir() and dst.is_dir() and not dst.is_symlink():
        # A rename cannot replace a folder: move the old one into the stage, which is deleted with it.
        aside = root / REPLACED / dst.name
        aside.parent.mkdir(exist_ok=True)
        shutil.rmtree(aside, ignore_errors=True)
        dst.replace(aside)
    src.replace(dst)


def _removals(out_dir: Path, staged: Path) -> set[str]:
    """The files the manifest in `out_dir` lists and the one in `staged` does not (none if `staged` has none)."""
    if not (staged / MANIFEST).is_file():
        return set()
    return listed_files(out_dir) - listed_files(staged) - {MANIFEST}


def _delete(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _same_bytes(staged: Path, published: Path) -> bool:
    """Whether both are regular files (not links) with the same bytes."""
    try:
        return (staged.is_file() and published.is_file() and not staged.is_symlink() and not published.is_symlink()
                and staged.stat().st_size == published.stat().st_size and staged.read_bytes() == published.read_bytes())
    except OSError:
        return False


def _missing_parents(folder: Path) -> list[Path]:
    """`folder` and those of its parents that do not exist yet, outermost first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return list(reversed(missing))


def _name_out_dir(exc: OSError, out_dir: Path) -> None:
    """An OS error about a stage, or about no file at all, is for the user an error about `out`: say so."""
    try:
        in_stage = Path(os.fsdecode(exc.filename)).absolute().relative_to(out_dir).parts[0].startswith(STAGE_PREFIX)
    except (TypeError, ValueError, IndexError):
        in_stage = False
    if exc.filename is None or in_stage:
        exc.filename = str(out_dir)
        exc.filename2 = None
