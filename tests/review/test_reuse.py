"""Build-cache entries shared between a comparison's builds and kept between comparisons (AGREEMENT_DIFF_CACHE)."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest

from agreement.review import reuse
from tests.conftest import snapshot


def key(name: str) -> str:
    """An entry's name as the build cache makes it: a SHA-256 in hex."""
    return hashlib.sha256(name.encode()).hexdigest()


def entry(cache: Path, name: str, text: str = "docx bytes") -> Path:
    folder = cache / name
    folder.mkdir(parents=True)
    (folder / "budget.docx").write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()
    (folder / "entry.json").write_text(json.dumps({"version": 1, "files": {"budget.docx": digest}}), encoding="utf-8")
    return folder


def test_kept_folder_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(reuse.KEEP_ENV, raising=False)
    assert reuse.kept_folder() is None
    monkeypatch.setenv(reuse.KEEP_ENV, " ")
    assert reuse.kept_folder() is None
    monkeypatch.setenv(reuse.KEEP_ENV, "kept/diff")
    assert reuse.kept_folder() == Path("kept/diff")
    monkeypatch.setenv(reuse.KEEP_ENV, "~/kept")
    assert reuse.kept_folder() == Path.home() / "kept"


def test_share_gives_complete_entries_and_leaves_the_targets_own_alone(tmp_path: Path) -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    entry(source, key("a"))
    entry(source, key("b"), "new")
    entry(target, key("b"), "own")
    entry(source, "tmp-unfinished")  # a build's half-made entry
    (source / "stray.txt").write_text("not an entry", encoding="utf-8")
    reuse.share(source, target)
    assert sorted(p.name for p in target.iterdir()) == sorted([key("a"), key("b")])
    assert snapshot(target / key("a")) == snapshot(source / key("a"))
    assert (target / key("b") / "budget.docx").read_text(encoding="utf-8") == "own"
    reuse.share(tmp_path / "nothing", target)  # no cache yet: nothing to share
    assert sorted(p.name for p in target.iterdir()) == sorted([key("a"), key("b")])


def test_keep_adds_marks_and_forgets_what_no_comparison_used(tmp_path: Path) -> None:
    kept, base, head = tmp_path / "kept", tmp_path / "base", tmp_path / "head"
    long_ago = time.time() - (reuse.KEEP_DAYS + 1) * 86400
    for name in (key("used"), key("old"), ".agreement-diff-keeping-abc", "notes-of-the-user"):
        os.utime(entry(kept, name), (long_ago, long_ago))
    entry(kept, key("recent"))
    entry(base, key("used"), "the same entry, made again")
    entry(base, key("new in base"))
    entry(head, key("new in head"))
    reuse.keep([base, head], kept)
    # Entries unused for KEEP_DAYS go, and a temporary folder left behind; what is not the cache's stays.
    assert sorted(p.name for p in kept.iterdir()) == sorted([key("used"), key("recent"), key("new in base"),
                                                             key("new in head"), "notes-of-the-user"])
    assert (kept / key("used")).stat().st_mtime > long_ago  # used again: kept for another KEEP_DAYS
    assert (kept / key("used") / "budget.docx").read_text(encoding="utf-8") == "docx bytes"  # never rewritten
    assert snapshot(kept / key("new in head")) == snapshot(head / key("new in head"))


def test_a_damaged_kept_entry_is_swapped_for_the_builds_and_a_folder_that_only_looks_like_one_stays(tmp_path: Path) -> None:
    kept, base = tmp_path / "kept", tmp_path / "base"
    (entry(kept, key("damaged")) / "budget.docx").write_text("changed behind the cache's back", encoding="utf-8")
    entry(base, key("damaged"))
    long_ago = time.time() - (reuse.KEEP_DAYS + 1) * 86400
    lookalike = kept / key("thesis")  # a key's name, but holding a file no entry records
    lookalike.mkdir()
    (lookalike / "thesis.txt").write_text("mine", encoding="utf-8")
    os.utime(lookalike, (long_ago, long_ago))
    reuse.keep([base], kept)
    assert snapshot(kept / key("damaged")) == snapshot(base / key("damaged"))
    assert (lookalike / "thesis.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in kept.iterdir()) == sorted([key("damaged"), key("thesis")])  # no leftovers


def test_keep_never_fails_the_comparison(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the kept folder should be", encoding="utf-8")
    entry(tmp_path / "base", key("a"))
    reuse.keep([tmp_path / "base"], blocked / "kept")
    assert blocked.read_text(encoding="utf-8") == "a file where the kept folder should be"
