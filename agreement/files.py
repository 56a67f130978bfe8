"""Files written whole or not at all, flushed to the disk, and hashed: the one place for each."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A path beside `path` to write to; renamed onto `path` when the block ends, deleted if the block fails.

    So a reader, and a failed or interrupted write, never sees `path` half-written: it holds the old bytes or
    the new ones. (Durability across a power cut is the publication's job: see agreement.publish.atomic.)
    """
    tmp = path.with_name(path.name + ".tmp")
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
