"""Word files that unpack to far more than they weigh or than they declare, made in little time and memory."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

ZEROS = bytes(1 << 20)


class _Zeros:
    """A deflate compressor for 1 MB blocks of zeros that compresses one block once: the block ends with a full
    flush, which makes it independent of what came before, so its bytes can simply repeat."""

    _packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    block = _packer.compress(ZEROS) + _packer.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(6, zlib.DEFLATED, -15).flush()

    def compress(self, data: bytes) -> bytes:
        assert data == ZEROS
        return self.block

    def flush(self) -> bytes:
        return self.end


def repack(source: Path, target: Path, changes: dict[str, bytes | Callable[[bytes], bytes]]) -> Path:
    """`source` with some parts replaced, changed (a function of the old bytes) or added, written to `target`."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            change = changes.get(info.filename)
            data = src.read(info)
            dst.writestr(info.filename, change(data) if callable(change) else data if change is None else change)
        for name, change in changes.items():
            if name not in src.namelist():
                assert isinstance(change, bytes)
                dst.writestr(name, change)
    return target


def with_zeros(source: Path, target: Path, part: str, megabytes: int, monkeypatch: pytest.MonkeyPatch, *,
               declared: int | None = None) -> Path:
    """`source` with one more part of `megabytes` MB of zeros (about 1 KB per MB in the zip); with `declared`,
    the zip's directory says the part unpacks to that many bytes instead, with a checksum to match them."""
    repack(source, target, {})
    with monkeypatch.context() as patched, zipfile.ZipFile(target, "a", zipfile.ZIP_DEFLATED) as dst:
        patched.setattr(zipfile, "_get_compressor", lambda *_: _Zeros())
        with dst.open(part, "w") as stream:
            for _ in range(megabytes):
                stream.write(ZEROS)
        if declared is not None:
            info = dst.getinfo(part)
            info.file_size, info.CRC = declared, zlib.crc32(bytes(declared))
    return target
