"""Rewrite an OOXML zip with fixed entry times so equal content gives equal bytes."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

from agreement.files import replacing

_EPOCH = (1980, 1, 1, 0, 0, 0)


def normalise(path: Path) -> None:
    """Rewrite `path` in place: same entries in the same order, fixed times and attributes."""
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info)) for info in src.infolist()]
    write(path, entries)


def write(path: Path, entries: Iterable[tuple[str, bytes]]) -> None:
    """Write `entries` (name, bytes) in their order to `path` as normalise leaves a zip (through a file beside it)."""
    with replacing(path) as tmp, zipfile.ZipFile(tmp, "w") as dst:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            dst.writestr(info, data, compresslevel=6)
