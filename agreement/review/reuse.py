"""Build-cache entries shared by a comparison's two builds, and kept between comparisons if AGREEMENT_DIFF_CACHE says where."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from agreement.publish.cache import CACHE_DIR

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
                if target.is_dir():
                    os.utime(target)
                    continue
                tmp = Path(tempfile.mkdtemp(prefix=_KEEP_TMP, dir=kept))
                try:
                    shutil.copytree(entry, tmp, dirs_exist_ok=True, copy_function=_link_or_copy)
                    tmp.rename(target)
                except (OSError, shutil.Error):  # another comparison kept the same entry first
                    shutil.rmtree(tmp, ignore_errors=True)
        cutoff = time.time() - KEEP_DAYS * 86400
        for path in kept.iterdir():
            # Only entries and their temporary folders: a folder named by mistake loses nothing else.
            ours = _KEY.fullmatch(path.name) or path.name.startswith(_KEEP_TMP)
            if ours and path.name not in used and path.is_dir() and not path.is_symlink() and path.stat().st_mtime < cutoff:
                shutil.rmtree(path, ignore_errors=True)
    except OSError:
        pass


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
