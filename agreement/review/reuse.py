"""Build-cache entries shared by a comparison's two builds, and kept between comparisons if AGREEMENT_DIFF_CACHE says where."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from agreement.publish.cache import CACHE_DIR, ENTRY, file_hash

KEEP_ENV = "AGREEMENT_DIFF_CACHE"
KEEP_DAYS = 14  # a kept entry no comparison used for this long is deleted
_KEEP_TMP = ".agreement-diff-keeping-"  # an entry being added to the kept folder
_KEY = re.compile(r"[0-9a-f]{64}")  # an entry's name: its key (see agreement.publish.cache.document_key)


def kept_folder() -> Path | None:
    """The folder AGREEMENT_DIFF_CACHE names ('~' is the home folder; relative to the working folder), or None
    when it is unset or empty."""
    value = os.environ.get(KEEP_ENV, "").strip()
    return Path(value).expanduser() if value else None


def cache_of(out_dir: Path) -> Path:
    return out_dir / CACHE_DIR


def share(source: Path, target: Path) -> None:
    """Give the build cache `target` every complete entry of the cache folder `source` (hard links where possible).

    An entry is never changed in place (agreement.publish.cache makes a new one and renames it), so a link is
    as good as a copy; the build still checks every file's hash before it uses an entry. An entry that cannot
    be copied (removed meanwhile by another comparison, say) is left out: it only costs a render.
    """
    for entry in _entries(source):
        if (target / entry.name).exists():
            continue
        try:
            shutil.copytree(entry, target / entry.name, copy_function=_link_or_copy)
        except (OSError, shutil.Error):
            shutil.rmtree(target / entry.name, ignore_errors=True)


def keep(caches: Iterable[Path], kept: Path) -> None:
    """Add the entries of `caches` (what the two builds used or made) to `kept`, mark them used, and delete
    the entries of `kept` no comparison used for KEEP_DAYS days.

    Each entry appears in `kept` all at once (made in a temporary folder, then renamed), so a comparison
    running at the same time never reads half an entry. The kept cache only saves time: if it cannot be
    written (a full disk, no permission), the comparison goes on without it.
    """
    try:
        kept.mkdir(parents=True, exist_ok=True)
        used: set[str] = set()
        for cache in caches:
            for entry in _entries(cache):
                used.add(entry.name)
                target = kept / entry.name
                if target.is_dir() and _sound(target):
                    os.utime(target)
                    continue
                tmp = Path(tempfile.mkdtemp(prefix=_KEEP_TMP, dir=kept))
                try:
                    shutil.copytree(entry, tmp, dirs_exist_ok=True, copy_function=_link_or_copy)
                    if target.is_dir():  # damaged: swapped for the build's entry, never changed in place
                        old = Path(tempfile.mkdtemp(prefix=_KEEP_TMP, dir=kept))
                        target.rename(old / entry.name)
                        shutil.rmtree(old, ignore_errors=True)
                    tmp.rename(target)
                except (OSError, shutil.Error):  # another comparison kept the same entry first
                    shutil.rmtree(tmp, ignore_errors=True)
        cutoff = time.time() - KEEP_DAYS * 86400
        for path in kept.iterdir():
            # Only entries (a key's name, an entry's files and nothing else) and our temporary folders: a folder
            # named by mistake loses nothing else.
            if path.name in used or not path.is_dir() or path.is_symlink() or path.stat().st_mtime >= cutoff:
                continue
            if path.name.startswith(_KEEP_TMP) or (_KEY.fullmatch(path.name) and _entry_files(path) is not None):
                shutil.rmtree(path, ignore_errors=True)
    except OSError:
        pass


def _entry_files(folder: Path) -> dict[str, str] | None:
    """The files (name -> SHA-256) the cache entry `folder` records, if it is one: an entry.json naming its
    files, and nothing else in the folder; None otherwise."""
    try:
        files = json.loads((folder / ENTRY).read_text(encoding="utf-8"))["files"]
        names = {path.name for path in folder.iterdir()}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(files, dict) or not names <= {*files, ENTRY}:
        return None
    return files


def _sound(folder: Path) -> bool:
    """Whether the kept entry `folder` still holds every file it records, with the hash it records."""
    files = _entry_files(folder)
    try:
        return files is not None and all(file_hash(folder / name) == digest for name, digest in files.items())
    except OSError:
        return False


def _entries(cache: Path) -> list[Path]:
    """The cache's entries: folders named by a key (a SHA-256 in hex), not the temporary folders of a build."""
    if not cache.is_dir():
        return []
    return [path for path in cache.iterdir() if _KEY.fullmatch(path.name) and path.is_dir() and not path.is_symlink()]


def _link_or_copy(src: str, dst: str) -> str:
    try:
        os.link(src, dst)
    except OSError:  # another file system, or one without hard links
        shutil.copy2(src, dst)
    return dst
