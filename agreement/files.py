"""Files written whole or not at all, flushed to the disk, hashed and identified, and reproducible zips: one place for each."""

from __future__ import annotations

import contextlib
import hashlib
import os
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path


def name_key(name: str) -> str:
    """`name` as Windows and macOS compare file names: in any case, and in any Unicode normal form ('å' as one
    character or as 'a' and a ring), so two names with the same key are one file there."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A path beside `path` to write to; renamed onto `path` when the block ends, deleted if the block fails.

    So a reader, and a failed or interrupted write, never sees `path` half-written: it holds the old bytes or
    the new ones. (Durability across a power cut is the publication's job: see agreement.publish.atomic.)
    """
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)  # a link left there is removed, never written through
    try:
        yield tmp
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all."""
    with replacing(path) as tmp:
        tmp.write_bytes(data)


def fsync(path: Path) -> None:
    """Flush `path` to the disk: a file's bytes, or a folder's entries (the renames into it)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_file(path: Path) -> str:
    """The SHA-256 of the bytes of `path`, in hex."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def file_identity(path: Path) -> str:
    """A file by its path, size and time: what changes when a package installs a new version of it."""
    stat = path.stat()
    return f"{path} {stat.st_size} {stat.st_mtime_ns}"


_EPOCH = (1980, 1, 1, 0, 0, 0)


def normalise_zip(path: Path) -> None:
    """Rewrite `path` in place: same entries in the same order, fixed times and attributes."""
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info)) for info in src.infolist()]
    write_zip(path, entries)


def write_zip(path: Path, entries: Iterable[tuple[str, bytes]]) -> None:
    """Write `entries` (name, bytes) in their order to `path` as normalise_zip leaves a zip (through a file beside it)."""
    with replacing(path) as tmp, zipfile.ZipFile(tmp, "w") as dst:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            dst.writestr(info, data, compresslevel=6)
