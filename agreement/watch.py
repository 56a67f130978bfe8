"""`agreement watch`: check on every save, rebuild what changed through the cache, one LibreOffice for the whole watch."""

from __future__ import annotations

import json
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from agreement.errors import AgreementError, ContentErrors, TemplateProblems, display_path
from agreement.i18n import _, decimal, ngettext
from agreement.options import DEFAULT_TIMEOUT, FORMATS
from agreement.outputs.pdf import Office
from agreement.pipeline import build
from agreement.publish.manifest import MANIFEST
from agreement.publish.outdir import check_out_dir

Say = Callable[[str], None]
DEBOUNCE_MS = 50  # editors write a file in several steps; wait this long for quiet before building
WAIT_FOR_FOLDER = 0.2  # seconds between looks for a content folder that was deleted


def watch(content_dir: Path, out_dir: Path, formats: tuple[str, ...] = FORMATS, *, say: Say, timeout: float = DEFAULT_TIMEOUT,
          stop: threading.Event | None = None) -> None:
    """Build once, then again after every change in `content_dir`, until Ctrl-C (KeyboardInterrupt) or `stop`.

    Each round prints the content's errors, or any other error (and builds nothing), or the files that changed in
    `out_dir`; only Ctrl-C or `stop` ends the watch (a LibreOffice that cannot start is reported by every round).
    One LibreOffice of this watch's own serves every round; it is stopped however this ends.
    """
    from watchfiles import watch as changes_in

    check_out_dir(out_dir, content_dir)
    stop = stop or threading.Event()
    with tempfile.TemporaryDirectory(prefix="agreement-watch-") as scratch:
        office = Office(Path(scratch)) if "pdf" in formats else None
        try:
            if office is not None:  # assigned before it starts, so a Ctrl-C while LibreOffice starts still stops it
                office.start()
            first = True
            root = content_dir.absolute()
            while not stop.is_set():
                if not content_dir.is_dir():  # deleted: wait for it to come back
                    stop.wait(WAIT_FOR_FOLDER)
                    continue
                # The watcher yields an empty set when nothing changed for a while: the first one says it is running,
                # so a build starts only then and a save during it is not missed. A folder deleted and made again is
                # another folder to the watcher (it would go on watching the deleted one), so it is watched afresh
                # and built at once.
                armed = True
                for changes in changes_in(content_dir, debounce=DEBOUNCE_MS, step=20, stop_event=stop, rust_timeout=200,
                                          yield_on_timeout=True):
                    if changes or armed:
                        office = _round(content_dir, out_dir, formats, office, Path(scratch), say, timeout)
                        armed = False
                    if first:
                        say(_("watching {folder} for changes; press Ctrl-C to stop").format(folder=display_path(content_dir)))
                        first = False
                    if any(Path(path).absolute() == root for _, path in changes):
                        break
        finally:
            if office is not None:
                office.close()


def _round(content_dir: Path, out_dir: Path, formats: tuple[str, ...], office: Office | None, scratch: Path, say: Say,
           timeout: float) -> Office | None:
    """One check and build; the Office to use next time (a fresh one if this one failed)."""
    started = time.perf_counter()
    before = _hashes(out_dir)
    try:
        build(content_dir, out_dir, formats, timeout=timeout, office=office)
    except ContentErrors as exc:
        for error in exc.errors:
            say(str(error))
        count = len(exc.errors)
        say(ngettext("{count} error found", "{count} errors found", count).format(count=count) + _("; nothing was built"))
        return office
    except TemplateProblems as exc:
        for problem in exc.problems:
            say(problem)
        count = len(exc.problems)
        say(ngettext("{count} problem found in the templates", "{count} problems found in the templates", count).format(
            count=count) + _("; nothing was built"))
        return office
    except Exception as exc:  # whatever it is, the watch reports it and waits for the next save
        if isinstance(exc, AgreementError | OSError):
            say(_("error: {message}").format(message=exc) + _("; nothing was built"))
        else:
            bug = f"{type(exc).__name__}: {exc}"
            say(_("error: this is a bug in agreement ({error})").format(error=bug) + _("; nothing was built"))
        if office is not None:  # LibreOffice may be what failed: start afresh for the next round
            office.close()
            office = Office(scratch)
            try:
                office.start()
            except (AgreementError, OSError) as failed:  # then each build starts its own, or says why it cannot
                say(_("error: {message}").format(message=failed))
                office = None
        return office
    after = _hashes(out_dir)
    changed = sorted(name for name, digest in after.items() if before.get(name) != digest)
    removed = sorted(set(before) - set(after))
    seconds = time.perf_counter() - started
    if changed or removed:
        for name in changed:
            say(_("updated {path}").format(path=display_path(out_dir / name)))
        for name in removed:
            say(_("removed {path}").format(path=display_path(out_dir / name)))
        say(_("built in {seconds} s").format(seconds=decimal(seconds)))
    else:
        say(_("no changes in the documents ({seconds} s)").format(seconds=decimal(seconds)))
    return office


def _hashes(out_dir: Path) -> dict[str, str]:
    """File name -> SHA-256 of every file manifest.json lists (the hashes the build recorded)."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return {name: doc["sha256"][fmt] for doc in manifest["documents"] for fmt, name in doc["files"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
