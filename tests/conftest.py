"""Shared fixtures: a private copy of the sample content, YAML mutation, folder snapshots, and one real build."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

from agreement.pipeline import BuildResult, build
from agreement.publish.cache import CACHE_DIR
from agreement.publish.manifest import MANIFEST, BuiltDocument

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content"
SOLHAVEN = ROOT / "tests" / "fixtures" / "areas" / "solhaven"  # the invented second area
RINGPARKEN = ROOT / "tests" / "fixtures" / "areas" / "ringparken"  # groups per housing area, a formandskab
SKOVPARKEN = ROOT / "tests" / "fixtures" / "areas" / "skovparken"  # what `agreement init` writes, filled in
LONG_AREA = ROOT / "tests" / "fixtures" / "areas" / "albertslund-udvidet"  # all four focus areas, long texts
# A copy of ../shared/seed/000_79d7aa746dae0730.txt, so the suite runs without the shared folder.
SEED = ROOT / "tests" / "fixtures" / "seed-albertslund-2021-2025.txt"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the sample content that a test may change."""
    target = tmp_path / "content"
    shutil.copytree(SAMPLE, target)
    return target


def make_final(folder: Path) -> Path:
    """Mark every content file under `folder` final (status: endelig), as an area's approved set would be: every
    signature of a party alone ('- part: ab') signed on the day the period starts, the kommissorium approved.
    The yearly follow-up files are the board's, not part of the approved set, and stay as they are."""
    for path in sorted(folder.rglob("*.yaml")):
        if path.parent.name == "opfoelgning":
            continue
        text = path.read_text(encoding="utf-8")
        final = re.sub(r"(?m)^status: udkast$", "status: endelig", text)
        final = re.sub(r"(?m)^(  - part: \S+)$(?!\n    )", r"\1\n    dato: 2021-03-01", final)
        if path.name == "kommissorium.yaml" and "\ngodkendt:" not in final:
            final = final.replace("\nstatus: endelig\n", "\nstatus: endelig\ngodkendt: 2021-03-18\n", 1)
        if final != text:
            path.write_text(final, encoding="utf-8")
    return folder


def png_bytes(width: int, height: int, rgb: tuple[int, int, int] = (31, 78, 90)) -> bytes:
    """A real, one-colour RGB PNG of `width` x `height` pixels (small on disk: it compresses to almost nothing)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def add_figure(content: Path, markdown: str, *, field: str = "vision: |") -> int:
    """Put `markdown` as a paragraph of its own at the start of a `|` Markdown field of strategic.yaml (the
    vision by default); return the line it stands on."""
    path = content / "strategic.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    at = lines.index(field) + 1
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines[at:at] = [indent + markdown, ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return at + 1


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


def check_lines(content: Path) -> tuple[int, list[str]]:
    """`agreement check` on `content`, in process: its exit code and the lines it printed."""
    from click.testing import CliRunner

    from agreement.cli import main

    result = CliRunner().invoke(main, ["check", "--content", str(content)])
    return result.exit_code, result.output.splitlines()


def expect_error(content: Path, file: str, line: int, *words: str) -> list[str]:
    """Assert that `check` refuses `content` with an error at `file`:`line` holding every one of `words`."""
    code, lines = check_lines(content)
    assert code == 1, lines
    hits = [m for m in lines if m.startswith(f"{content / file}:{line}:") and all(w in m for w in words)]
    assert hits, "\n".join(lines)
    return lines


def run_cli(args: list[str], cwd: Path, env: dict | None = None, prefix: tuple[str, ...] = (),
            timeout: float = 600) -> subprocess.CompletedProcess:
    """The real console script, as the secretariat runs it, importing this checkout's agreement."""
    exe = Path(sys.executable).with_name("agreement")
    return subprocess.run([*prefix, str(exe), *args], cwd=cwd, capture_output=True, text=True,
                          env=checkout_env(env), timeout=timeout)


def checkout_env(extra: dict | None = None) -> dict[str, str]:
    """The environment for a subprocess that must import this checkout's agreement, not an installed one."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **(extra or {})}


def processes(*texts: str) -> list[int]:
    """The live (not zombie) processes whose command line contains every one of `texts`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().decode("utf-8", "replace")
                state = (entry / "stat").read_text().rsplit(")", 1)[-1].split()[0]
            except (OSError, IndexError):
                continue
            if state != "Z" and all(text in cmdline for text in texts):
                found.append(int(entry.name))
    return found


def still_running(*texts: str, grace: float = 10.0) -> list[int]:
    """The processes `processes(*texts)` finds once they had `grace` seconds to end (a killed process takes a
    moment to go); empty as soon as there are none."""
    deadline = time.monotonic() + grace
    while (found := processes(*texts)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def poppler(tool: str, pdf: Path, *options: str) -> bytes:
    """What poppler's `tool` (pdftotext, pdftoppm) writes for `pdf`, read from a copy without its PDF/A output intent.

    With an output intent, poppler works out that colour profile's transform again on every page: nine tenths of
    pdftotext's time on the sample's 17-page agreement (0.7 s against 0.05 s without it). Neither the text nor the
    grey pages the tests measure depend on it; the tests of the PDF/A parts read the files themselves."""
    import pikepdf

    with pikepdf.open(pdf) as source:
        # The file as written: qpdf would quietly repair damage that poppler, reading the file, would report.
        assert not source.get_warnings(), f"{pdf}: {source.get_warnings()}"
        if "/OutputIntents" in source.Root:
            del source.Root.OutputIntents
        copy = io.BytesIO()
        source.save(copy)
    target = ["-"] if tool == "pdftotext" else []  # pdftotext's text to stdout; pdftoppm writes there without a root
    return subprocess.run([tool, *options, "-", *target], input=copy.getvalue(), capture_output=True,
                          check=True).stdout


def pdf_text(pdf: Path, *options: str) -> str:
    """pdftotext's text of `pdf` (see poppler)."""
    return poppler("pdftotext", pdf, *options).decode("utf-8")


def snapshot(folder: Path) -> dict[str, str]:
    """Everything under `folder`: relative path -> SHA-256 of a file's bytes ('folder' for a folder, so an
    empty leftover folder shows too). Two equal snapshots mean byte-for-byte equal trees.

    The build cache (out/.agreement_cache) is left out: what it holds depends on the builds before, and
    tests/publish/test_cache.py checks it on its own."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): "folder" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if CACHE_DIR not in p.relative_to(folder).parts}


def manifest_mismatches(out: Path) -> list[str]:
    """Every file out/manifest.json lists that is missing or whose SHA-256 differs; empty when they match."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    wrong = []
    for doc in manifest["documents"]:
        for fmt, name in doc["files"].items():
            path = out / name
            if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != doc["sha256"][fmt]:
                wrong.append(name)
    return wrong


# --- Shared builds: made once per test session, shared by every pytest-xdist worker ------------------------------
# Tests only read these. A test that builds again into one starts from its own copy (`copy_build`), which
# brings the build cache along, so only the documents its change touches are made again.

# name -> how the shared build of that name is made, and the session fixture that gives it
_SHARED: dict[str, Callable[[Path], BuildResult]] = {
    "build": lambda out: build(SAMPLE, out),
    "solhaven": lambda out: build(SOLHAVEN, out),
    "ringparken": lambda out: build(RINGPARKEN, out),
    "skovparken": lambda out: build(SKOVPARKEN, out),
    "long-area": lambda out: build(LONG_AREA, out),
    "build-docx": lambda out: build(SAMPLE, out, ("docx",)),
}


def _shared_build(tmp_path_factory: pytest.TempPathFactory, worker_id: str, name: str) -> BuildResult:
    """The shared build `name`, made once for the whole test run: the first xdist worker to ask makes it under a
    file lock in the folder all workers share (the parent of their base temp folders), as pytest-xdist's
    documentation shows; the others read its manifest."""
    if worker_id == "master":  # not under xdist
        return _SHARED[name](tmp_path_factory.mktemp(name))
    out = tmp_path_factory.getbasetemp().parent / f"shared-{name}"
    with FileLock(f"{out}.lock"):
        if (out / MANIFEST).is_file():
            return _result(out)
        return _SHARED[name](out)


def _result(out: Path) -> BuildResult:
    """The result of a build into `out`, read back from its manifest."""
    data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    documents = [BuiltDocument(d["kind"], d["title"], d["status"], d["files"]) for d in data["documents"]]
    return BuildResult(out, documents, out / MANIFEST)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> BuildResult:
    """The sample content built once, DOCX and PDF, with real LibreOffice."""
    return _shared_build(tmp_path_factory, worker_id, "build")


@pytest.fixture(scope="session")
def built_solhaven(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> BuildResult:
    """The second test area built once, DOCX and PDF."""
    return _shared_build(tmp_path_factory, worker_id, "solhaven")


@pytest.fixture(scope="session")
def built_ringparken(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> BuildResult:
    """The third test area (Slagelse og Korsør) built once, DOCX and PDF."""
    return _shared_build(tmp_path_factory, worker_id, "ringparken")


@pytest.fixture(scope="session")
def built_skovparken(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> BuildResult:
    """The `init` area filled in as a secretariat would, built once, DOCX and PDF."""
    return _shared_build(tmp_path_factory, worker_id, "skovparken")


@pytest.fixture(scope="session")
def built_long_area(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> BuildResult:
    """The area with all four focus areas, many activities and long texts, built once, DOCX and PDF."""
    return _shared_build(tmp_path_factory, worker_id, "long-area")


# The layout corpus: every area whose pages the layout tests hold to the layout promises.
CORPUS = ["built", "built_solhaven", "built_ringparken", "built_skovparken", "built_long_area"]


@pytest.fixture(scope="session")
def built_docx(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> BuildResult:
    """The sample content built once as Word files only (`--format docx`)."""
    return _shared_build(tmp_path_factory, worker_id, "build-docx")


def copy_build(out: Path, target: Path) -> Path:
    """A private copy of the output folder `out` of a shared build, its build cache included, at `target`."""
    shutil.copytree(out, target)
    return target
