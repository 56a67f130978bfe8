"""Shared fixtures: a private copy of the sample content, YAML mutation, and one real build."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from agreement.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content"
# A copy of ../shared/seed/000_79d7aa746dae0730.txt, so the suite runs without the shared folder.
SEED = ROOT / "tests" / "fixtures" / "seed-albertslund-2021-2025.txt"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the sample content that a test may change."""
    target = tmp_path / "content"
    shutil.copytree(SAMPLE, target)
    return target


def replace_line(path: Path, pattern: str, replacement: str, *, count: int = 1) -> int:
    """Replace the first line matching `pattern` (a regex) with `replacement`; return its 1-based number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for i, line in enumerate(lines):
        if re.search(pattern, line):
            lines[i] = re.sub(pattern, replacement, line, count=count)
            path.write_text("\n".join(lines), encoding="utf-8")
            return i + 1
    raise AssertionError(f"no line matches {pattern!r} in {path}")


def line_of(path: Path, pattern: str, start: int = 1) -> int:
    """The 1-based number of the first line at or after `start` matching `pattern`."""
    for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if i >= start and re.search(pattern, line):
            return i
    raise AssertionError(f"no line matches {pattern!r}")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory):
    """The sample content built once, DOCX and PDF, with real LibreOffice."""
    out = tmp_path_factory.mktemp("build")
    return build(SAMPLE, out)
