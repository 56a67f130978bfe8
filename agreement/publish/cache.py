"""The build cache in `out/.agreement_cache/`: each document's files under a hash of everything that makes them.

A document's key (see `document_key`) hashes the code of this package and the versions of the libraries that
write its files, the bytes of its Word template, its metadata, its template context and workbooks (plain data,
as canonical JSON) and what rendering them reads besides (see pipeline._reads). That entry holds the Word file
and any workbooks. Its PDF is an entry of its own, keyed by the Word file's bytes, the metadata and
LibreOffice's version, so a Word-only build and a build with PDFs share the Word files, and a Word file that
comes out the same needs no new PDF. A value that cannot be fingerprinted (an unknown kind of object) makes
the document uncacheable: it is always built.

An entry is a folder `<key>/` with the files and `entry.json` (their SHA-256), made in a temporary folder
and renamed into place in one step, so an entry is complete or absent. An entry is used only if every file
still has the hash `entry.json` records; anything else is deleted. A build keeps only the entries it used
or made. The cache is never listed in manifest.json and publishing never touches it.

The cache follows no links and deletes only what it wrote: a folder (not a link) named by a key with its own
`entry.json`, or a temporary folder a killed build left; anything else in it is left alone. A cache that
cannot be used (a link or a file in its place, a folder it cannot write to, a full disk) is only a lost
speed-up: the build goes on without it and says so in one line.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import decimal
import fractions
import functools
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from agreement.errors import display_path
from agreement.files import sha256_file
from agreement.i18n import _

CACHE_DIR = ".agreement_cache"
ENTRY = "entry.json"
TMP_PREFIX = "tmp-"
_KEY = re.compile(r"[0-9a-f]{64}")
_TMP = re.compile(re.escape(TMP_PREFIX) + r"[a-z0-9_]{8}")  # as tempfile.mkdtemp names them
FORMAT_VERSION = 1
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts",
             Path.home() / ".fonts")
# Libraries whose version changes the bytes of a DOCX, PDF or XLSX.
LIBRARIES = ("docxtpl", "python-docx", "lxml", "jinja2", "markupsafe", "pikepdf", "pypdf", "openpyxl",
             "markdown-it-py", "mdit-py-plugins", "babel", "fonttools", "pillow")


class Uncacheable(Exception):
    """A template value the cache cannot fingerprint; the document is built every time."""


@functools.cache
def code_version() -> str:
    """A hash of every source file of this package and the versions of the libraries that write the files."""
    from importlib import metadata

    import agreement

    root = Path(agreement.__file__).parent
    digest = hashlib.sha256(f"{FORMAT_VERSION} {agreement.__version__} {sys.version}".encode())
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".json", ".yaml", ".docx") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    for name in LIBRARIES:
        try:
            digest.update(f"{name} {metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} -\n".encode())
    digest.update(fonts_version().encode())
    return digest.hexdigest()


def fonts_version() -> str:
    """The installed fonts, by the times of their folders: installing, removing or upgrading a font (which
    LibreOffice draws with, and the table layout measures text in) changes the folder it is in."""
    parts = []
    for folder in FONT_DIRS:
        for root, _dirs, _files in os.walk(folder):
            try:
                parts.append(f"{root} {Path(root).stat().st_mtime_ns}")
            except OSError:
                continue
    return "\n".join(sorted(parts))


def canonical(value: Any) -> str:
    """`value` as JSON text that is equal exactly when the values are; Uncacheable for anything unknown."""
    try:
        return json.dumps(value, default=_plain, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError) as exc:  # a dict key json cannot write, a value that holds itself
        raise Uncacheable(str(exc)) from None


def _plain(value: Any) -> Any:
    """What json writes for a value it does not know: a data class as its type and fields, a file by its bytes."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"~": type(value).__qualname__, **{f.name: getattr(value, f.name) for f in dataclasses.fields(value)}}
    if isinstance(value, Path):
        # A file a document reads (LBF's own workbook, say) counts by its bytes, not only by its name.
        return {"~file": str(value), "sha256": sha256_file(value)} if value.is_file() else {"~path": str(value)}
    if isinstance(value, bytes):
        return {"~bytes": hashlib.sha256(value).hexdigest()}
    if isinstance(value, (dt.date, dt.time, decimal.Decimal, fractions.Fraction)):
        return {f"~{type(value).__name__}": str(value)}
    raise Uncacheable(f"cannot fingerprint a {type(value).__name__}")


def document_key(parts: Mapping[str, Any]) -> str:
    """The hash of `parts` (plain data, as in a template context) with the code version."""
    return hashlib.sha256(canonical({"code": code_version(), **parts}).encode("utf-8")).hexdigest()


class Cache:
    """The entries under `out_dir/.agreement_cache`; `fresh=True` (--clean) uses none of the old ones.

    `say` gets the one line of warning when the cache cannot be used.
    """

    def __init__(self, out_dir: Path, *, fresh: bool = False, say: Callable[[str], None] | None = None) -> None:
        self.root = out_dir / CACHE_DIR
        self.fresh = fresh
        self.say = say or (lambda _msg: None)
        self.usable = True
        self.used: set[str] = set()
        self.pending_marks: list[str] = []  # keys of checks that passed, stored with the build's entries
        if self.root.is_symlink() or (self.root.exists() and not self.root.is_dir()):
            self._bypass(_("it is a link or a file, not a folder"))

    def lookup(self, key: str, names: list[str]) -> dict[str, Path] | None:
        """The cached files `names` of entry `key`, if it has them all with the hashes it recorded."""
        folder = self.root / key
        if self.fresh or not self.usable or not _is_entry(folder):
            return None
        try:
            recorded = json.loads((folder / ENTRY).read_text(encoding="utf-8"))["files"]
            if not all(isinstance(recorded.get(n), str) for n in names):
                return None
            if any((folder / n).is_symlink() or sha256_file(folder / n) != recorded[n] for n in names):
                raise ValueError("changed since it was cached")
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            shutil.rmtree(folder, ignore_errors=True)  # damaged or changed: never trusted again
            return None
        self.used.add(key)
        return {n: folder / n for n in names}

    def store(self, key: str, files: Mapping[str, Path]) -> None:
        """Copy `files` (name -> path) into the entry `key`, all at once; an existing entry is replaced."""
        if not self.usable:
            return
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=self.root))
            try:
                hashes = {}
                for name, path in files.items():
                    shutil.copyfile(path, tmp / name)
                    hashes[name] = sha256_file(tmp / name)
                record = json.dumps({"version": FORMAT_VERSION, "files": hashes}, indent=1)
                (tmp / ENTRY).write_text(record, encoding="utf-8")
                target = self.root / key
                if target.is_symlink():  # in the way, under an entry's name; unlinking it touches only the link
                    target.unlink()
                elif _is_entry(target):
                    shutil.rmtree(target)
                tmp.replace(target)  # fails, touching nothing, if something not ours is in the way
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        except OSError as exc:
            self._bypass(exc.strerror or str(exc))
            return
        self.used.add(key)

    def keep(self, key: str) -> None:
        """Keep the entry `key`, if there is one, though this build does not use it (its files are checked when
        a build does)."""
        if not self.fresh and self.usable and _is_entry(self.root / key):
            self.used.add(key)

    def prune(self) -> None:
        """Delete every entry this build neither used nor made, and temporary folders a killed build left."""
        if not self.usable:
            return
        with contextlib.suppress(OSError):  # a cache that cannot be listed is kept as it is
            for path in list(self.root.iterdir()) if self.root.is_dir() else []:
                ours = _is_entry(path) or (_TMP.fullmatch(path.name) and path.is_dir() and not path.is_symlink())
                if ours and path.name not in self.used:
                    shutil.rmtree(path, ignore_errors=True)

    def _bypass(self, reason: str) -> None:
        if self.usable:
            shown = str(Path(display_path(self.root.parent)) / self.root.name)  # a link's own name, not its target's
            what = _("the link {link} (not the folder it points to)").format(link=shown) if self.root.is_symlink() else shown
            self.say(_("warning: cannot use the build cache {cache} ({reason}), so every document is made anew; "
                       "delete {what} and the next build makes a new one").format(cache=shown, reason=reason, what=what))
        self.usable = False


def _is_entry(path: Path) -> bool:
    """Whether `path` is an entry the cache wrote: a folder, not a link, named by its key, with its record."""
    record = path / ENTRY
    return (_KEY.fullmatch(path.name) is not None and path.is_dir() and not path.is_symlink()
            and record.is_file() and not record.is_symlink())
