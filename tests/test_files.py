"""A file is written whole or not at all: a failed write leaves the old bytes and no temporary file."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest

from agreement.files import replacing, sha256_file, write_atomic


def test_write_atomic_writes_and_replaces(tmp_path: Path) -> None:
    path = tmp_path / "a.bin"
    write_atomic(path, b"first")
    write_atomic(path, b"second")
    assert path.read_bytes() == b"second"
    assert os.listdir(tmp_path) == ["a.bin"]


def test_a_full_disk_halfway_leaves_the_old_file_and_no_temporary_file(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(b"old")

    def half_then_full(self: Path, data: bytes) -> int:
        with self.open("wb") as fh:
            fh.write(data[:2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Path, "write_bytes", half_then_full)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(path, b"new bytes")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["a.bin"]


def test_a_failed_rename_leaves_the_old_file_and_no_temporary_file(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(b"old")

    def refuse(self: Path, target: Path) -> Path:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(Path, "replace", refuse)
    with pytest.raises(PermissionError):
        write_atomic(path, b"new")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["a.bin"]


def test_an_error_in_the_block_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    path.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt), replacing(path) as tmp:
        tmp.write_bytes(b"half a zip")
        raise KeyboardInterrupt
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["a.zip"]
    with replacing(path) as tmp:  # and a block that ends well replaces the file
        tmp.write_bytes(b"a whole zip")
    assert path.read_bytes() == b"a whole zip"
    assert os.listdir(tmp_path) == ["a.zip"]


def test_sha256_file_is_the_sha256_of_the_bytes(tmp_path: Path) -> None:
    data = os.urandom(300_000)  # more than one read
    (tmp_path / "a.bin").write_bytes(data)
    (tmp_path / "empty").write_bytes(b"")
    assert sha256_file(tmp_path / "a.bin") == hashlib.sha256(data).hexdigest()
    assert sha256_file(tmp_path / "empty") == hashlib.sha256(b"").hexdigest()


def test_a_link_at_the_target_or_the_temporary_name_is_replaced_never_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"someone's")
    path = tmp_path / "out" / "a.bin"
    path.parent.mkdir()
    path.symlink_to(outside)
    path.with_name("a.bin.tmp").symlink_to(outside)
    write_atomic(path, b"ours")
    assert outside.read_bytes() == b"someone's"
    assert not path.is_symlink() and path.read_bytes() == b"ours"
    assert os.listdir(path.parent) == ["a.bin"]
