"""The build cache in `out/.agreement_cache/`: each document's files under a hash of everything that makes them.

A document's key (see `document_key`) hashes the code of this package and the versions of the libraries that
write its files, the bytes of its Word template, its metadata, and a fingerprint of every value its template
receives: its template context computed with a `Fingerprinter` in place of the Word renderer, so Markdown,
tables and pictures count by their text and bytes. That entry holds the Word file and any workbooks. Its PDF
is an entry of its own, keyed by the Word file's bytes, the metadata and LibreOffice's version, so a Word-only
build and a build with PDFs share the Word files, and a Word file that comes out the same needs no new PDF. A
value that cannot be fingerprinted (an unknown kind of object) makes the document uncacheable: it is always built.

An entry is a folder `<key>/` with the files and `entry.json` (their SHA-256), made in a temporary folder
and renamed into place in one step, so an entry is complete or absent. An entry is used only if every file
still has the hash `entry.json` records; anything else is deleted. A build keeps only the entries it used
or made. The cache is never listed in manifest.json and publishing never touches it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import fractions
import functools
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from agreement.files import sha256_file as file_hash

CACHE_DIR = ".agreement_cache"
ENTRY = "entry.json"
TMP_PREFIX = "tmp-"
FORMAT_VERSION = 1
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts",
             Path.home() / ".fonts")
# Libraries whose version changes the bytes of a DOCX, PDF or XLSX.
LIBRARIES = ("docxtpl", "python-docx", "docxcompose", "lxml", "jinja2", "markupsafe", "pikepdf", "pypdf", "openpyxl",
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


class Fingerprinter:
    """Stands in for DocxRenderer when a context is computed for its key: each value becomes a description.

    Markdown may show figures from the content folder (`content_root`); a text with an image counts the
    bytes of every file in that folder that is not YAML, so a redrawn figure changes the key. Anything else a
    context asks of its renderer (the template's page size, say) comes from a real DocxRenderer of `template`,
    whose bytes are part of every key; a value it returns that cannot be fingerprinted makes the document
    uncacheable.
    """

    def __init__(self, content_root: Path | None = None, template: Path | None = None) -> None:
        self.content_root = content_root
        self.template = template
        self._figures: str | None = None
        self._renderer: Any = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or self.template is None:
            raise AttributeError(name)
        if self._renderer is None:
            from agreement.word.renderer import DocxRenderer

            self._renderer = DocxRenderer(self.template, self.content_root)
        return getattr(self._renderer, name)

    def markdown(self, text: str | None, heading_level: int = 2) -> tuple:
        text = text or ""
        return ("markdown", text, heading_level, self._figure_files() if "![" in text else "")

    def _figure_files(self) -> str:
        if self._figures is None:
            digest = hashlib.sha256()
            if self.content_root is not None and self.content_root.is_dir():
                for path in sorted(self.content_root.rglob("*")):
                    if path.is_file() and path.suffix not in (".yaml", ".yml") and CACHE_DIR not in path.parts:
                        digest.update(str(path.relative_to(self.content_root)).encode() + b"\0" + file_hash(path).encode())
            self._figures = digest.hexdigest()
        return self._figures

    def elements(self, elements: list) -> tuple:
        from lxml import etree

        return ("elements", *(etree.tostring(e, encoding="unicode") for e in elements))

    def footnote(self, markdown_text: str) -> tuple:
        return ("footnote", markdown_text)

    def text_width_cm(self) -> float:
        # Read from the template's XML (whose bytes are in the key) without loading python-docx, when it can be.
        from agreement.word.pagesize import text_width_cm

        width = text_width_cm(self.template) if self.template is not None else None
        return width if width is not None else self.__getattr__("text_width_cm")()

    def table(self, table: Any) -> tuple:
        # The table's data: its XML follows from it, the code (code_version) and the Carlito files it is measured in.
        from agreement.word.measure import font_file

        return ("table", canonical(table), *(file_identity(font_file(bold)) for bold in (False, True)))

    def diagram(self, dot_source: str, *, max_width_cm: float, max_height_cm: float, description: str) -> tuple:
        # The Graphviz source and the installed Graphviz, not the drawing: an unchanged build runs no Graphviz.
        return ("diagram", dot_source, graphviz_version(), max_width_cm, max_height_cm, description)

    def picture(self, png: bytes, *, max_width_cm: float, max_height_cm: float, description: str) -> tuple:
        return ("picture", hashlib.sha256(png).hexdigest(), max_width_cm, max_height_cm, description)


def graphviz_version() -> str:
    """What identifies the installed Graphviz `dot` (its path, size and time, which change with every upgrade)."""
    exe = shutil.which("dot")
    if exe is None:
        return ""
    # `dot` and its plugin list (rewritten when a Graphviz package is installed or upgraded).
    paths = (Path(exe).resolve(), *sorted(Path("/usr/lib").glob("*/graphviz/config*")))
    return "\n".join(file_identity(path) for path in paths if path.is_file())


def file_identity(path: Path) -> str:
    """A file by its path, size and time: what changes when a package installs a new version of it."""
    stat = path.stat()
    return f"{path} {stat.st_size} {stat.st_mtime_ns}"


def canonical(value: Any) -> Any:
    """`value` as JSON-able data that is equal exactly when the values are; Uncacheable for anything unknown."""
    # The plain types that make up nearly all of a document's values first, by exact type (what the general
    # branches below give for them, sooner: a build fingerprints tens of thousands of values).
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is list or kind is tuple:
        return [kind.__name__, [canonical(v) for v in value]]
    if kind is dict:
        return ["dict", [[canonical(k), canonical(v)] for k, v in value.items()]]
    names = _DATACLASS_FIELDS.get(kind)
    if names is not None:
        return ["dataclass", kind.__module__, kind.__qualname__, [[name, canonical(getattr(value, name))] for name in names]]
    return _canonical_other(value)


# The field names of each dataclass _canonical_other has fingerprinted as one (and as nothing else before).
_DATACLASS_FIELDS: dict[type, tuple[str, ...]] = {}


def _canonical_other(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value if not isinstance(value, str) or type(value) is str else ["str", type(value).__name__, str(value)]
    if isinstance(value, float):
        return ["float", value.hex()]
    if isinstance(value, (dt.date, dt.time, decimal.Decimal, fractions.Fraction)):
        return [type(value).__name__, str(value)]
    if isinstance(value, enum.Enum):
        return ["enum", type(value).__qualname__, canonical(value.value)]
    if isinstance(value, bytes):
        return ["bytes", hashlib.sha256(value).hexdigest()]
    if isinstance(value, Path):
        # A file a document reads (LBF's own workbook, say) counts by its bytes, not only by its name.
        return ["file", str(value), file_hash(value)] if value.is_file() else ["path", str(value)]
    if isinstance(value, (list, tuple)):
        return [type(value).__name__, [canonical(v) for v in value]]
    if isinstance(value, (set, frozenset)):
        return ["set", sorted(json.dumps(canonical(v), sort_keys=True) for v in value)]
    if isinstance(value, Mapping):
        return ["dict", [[canonical(k), canonical(v)] for k, v in value.items()]]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _DATACLASS_FIELDS[type(value)] = tuple(f.name for f in dataclasses.fields(value))
        return ["dataclass", type(value).__module__, type(value).__qualname__,
                [[name, canonical(getattr(value, name))] for name in names]]
    if isinstance(value, functools.partial):
        return ["partial", canonical(value.func), canonical(value.args), canonical(value.keywords)]
    if callable(value) and hasattr(value, "__code__"):
        # A function: its code is in code_version; what it closes over is its data.
        cells = [c.cell_contents for c in (value.__closure__ or ())]
        return ["function", value.__module__, value.__qualname__, canonical(cells)]
    raise Uncacheable(f"cannot fingerprint a {type(value).__name__}")


def document_key(parts: Mapping[str, Any]) -> str:
    """The hash of `parts` (already canonical or canonicalisable) with the code version."""
    text = json.dumps({"code": code_version(), **{k: canonical(v) for k, v in parts.items()}}, sort_keys=True,
                      ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Cache:
    """The entries under `out_dir/.agreement_cache`; `fresh=True` (--clean) uses none of the old ones."""

    def __init__(self, out_dir: Path, *, fresh: bool = False) -> None:
        self.root = out_dir / CACHE_DIR
        self.fresh = fresh
        self.used: set[str] = set()
        self.pending_marks: list[str] = []  # keys of checks that passed, stored with the build's entries

    def lookup(self, key: str, names: list[str]) -> dict[str, Path] | None:
        """The cached files `names` of entry `key`, if it has them all with the hashes it recorded."""
        if self.fresh:
            return None
        folder = self.root / key
        try:
            recorded = json.loads((folder / ENTRY).read_text(encoding="utf-8"))["files"]
            if not all(isinstance(recorded.get(n), str) for n in names):
                return None
            if any(file_hash(folder / n) != recorded[n] for n in names):
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
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=self.root))
        try:
            hashes = {}
            for name, path in files.items():
                shutil.copyfile(path, tmp / name)
                hashes[name] = file_hash(tmp / name)
                _fsync(tmp / name)
            (tmp / ENTRY).write_text(json.dumps({"version": FORMAT_VERSION, "files": hashes}, indent=1), encoding="utf-8")
            _fsync(tmp / ENTRY)
            _fsync(tmp)
            target = self.root / key
            if target.exists():
                shutil.rmtree(target, ignore_errors=True)
            tmp.replace(target)
            _fsync(self.root)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self.used.add(key)

    def keep(self, key: str) -> None:
        """Keep the entry `key`, if there is one, though this build does not use it (its files are checked when
        a build does)."""
        if not self.fresh and (self.root / key).is_dir():
            self.used.add(key)

    def prune(self) -> None:
        """Delete every entry this build neither used nor made, and temporary folders a killed build left."""
        if not self.root.is_dir():
            return
        for path in self.root.iterdir():
            if path.name not in self.used:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

