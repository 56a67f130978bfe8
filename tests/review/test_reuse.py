"""Build-cache entries shared between a comparison's builds and kept between comparisons (AGREEMENT_DIFF_CACHE)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from agreement.review import reuse
from tests.conftest import snapshot


def entry(cache: Path, key: str, text: str = "docx bytes") -> Path:
    folder = cache / key
    folder.mkdir(parents=True)
    (folder / "budget.docx").write_text(text, encoding="utf-8")
    (folder / "entry.json").write_text('{"files": {}}', encoding="utf-8")
    return folder


def test_kept_folder_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(reuse.KEEP_ENV, raising=False)
    assert reuse.kept_folder() is None
    monkeypatch.setenv(reuse.KEEP_ENV, " ")
    assert reuse.kept_folder() is None
    monkeypatch.setenv(reuse.KEEP_ENV, "kept/diff")
    assert reuse.kept_folder() == Path("kept/diff")


def test_share_gives_complete_entries_and_leaves_the_targets_own_alone(tmp_path: Path) -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    entry(source, "a")
    entry(source, "b", "new")
    entry(target, "b", "own")
    entry(source, "tmp-unfinished")  # a build's half-made entry
    (source / "stray.txt").write_text("not an entry", encoding="utf-8")
    reuse.share(source, target)
    assert sorted(p.name for p in target.iterdir()) == ["a", "b"]
    assert snapshot(target / "a") == snapshot(source / "a")
    assert (target / "b" / "budget.docx").read_text(encoding="utf-8") == "own"
    reuse.share(tmp_path / "nothing", target)  # no cache yet: nothing to share
    assert sorted(p.name for p in target.iterdir()) == ["a", "b"]


def test_keep_adds_marks_and_forgets_what_no_comparison_used(tmp_path: Path) -> None:
    kept, base, head = tmp_path / "kept", tmp_path / "base", tmp_path / "head"
    long_ago = time.time() - (reuse.KEEP_DAYS + 1) * 86400
    for key in ("used", "old", "tmp-left-behind"):
        os.utime(entry(kept, key), (long_ago, long_ago))
    entry(kept, "recent")
    entry(base, "used", "the same entry, made again")
    entry(base, "new-in-base")
    entry(head, "new-in-head")
    reuse.keep([base, head], kept)
    assert sorted(p.name for p in kept.iterdir()) == ["new-in-base", "new-in-head", "recent", "used"]
    assert (kept / "used").stat().st_mtime > long_ago  # used again: kept for another KEEP_DAYS
    assert (kept / "used" / "budget.docx").read_text(encoding="utf-8") == "docx bytes"  # an entry is never rewritten
    assert snapshot(kept / "new-in-head") == snapshot(head / "new-in-head")


def test_keep_never_fails_the_comparison(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the kept folder should be", encoding="utf-8")
    entry(tmp_path / "base", "a")
    reuse.keep([tmp_path / "base"], blocked / "kept")
    assert blocked.read_text(encoding="utf-8") == "a file where the kept folder should be"
