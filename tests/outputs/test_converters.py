"""A large build converts with a second LibreOffice of its own beside its first, and gets the same PDFs."""

from __future__ import annotations

import shutil
import threading
import zipfile
from pathlib import Path

import pytest

from agreement.errors import ToolError
from agreement.outputs import converters
from agreement.outputs.converters import Converters, text_size
from agreement.pipeline import BuildResult, build
from agreement.publish.cache import CACHE_DIR
from tests.conftest import SAMPLE, copy_build, processes


class _Office:
    """Stands in for an Office: records what it was given. `wait` raises `fails`, if set; with `blocks`, it
    first waits until the Office is closed (a LibreOffice still converting), then says so."""

    def __init__(self, fails: BaseException | None = None, *, blocks: bool = False) -> None:
        self.submitted: list[str] = []
        self.waited: list[float] = []
        self.started = self.closed = False
        self.fails = fails
        self.blocks = blocks
        self._closed = threading.Event()

    def start(self) -> _Office:
        self.started = True
        return self

    def submit(self, docx: Path, pdf: Path) -> None:
        self.submitted.append(docx.name)

    def wait(self, timeout: float) -> list[Path]:
        self.waited.append(timeout)
        if self.blocks and not self._closed.wait(WAIT):
            raise AssertionError("never closed")
        if self.blocks:
            raise ToolError("closed while converting")
        if self.fails is not None:
            raise self.fails
        return []

    def close(self) -> None:
        self.closed = True
        self._closed.set()


WAIT = 10.0  # seconds a blocked stand-in waits to be closed: a wait that never stops it fails the test


def _docx(folder: Path, name: str, size: int) -> Path:
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(converters.DOCUMENT, b"x" * size)  # compresses to almost nothing: the size that counts
    return path


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(converters, "cores", lambda: 2)


def test_the_text_size_is_the_main_parts_uncompressed_size(tmp_path: Path) -> None:
    assert text_size(_docx(tmp_path, "a.docx", 12345)) == 12345
    (tmp_path / "b.docx").write_bytes(b"not a zip")
    assert text_size(tmp_path / "b.docx") == 0 and text_size(tmp_path / "missing.docx") == 0


def test_a_second_libreoffice_starts_once_the_queued_text_is_large_and_takes_the_lesser_queue(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, two_cores: None) -> None:
    monkeypatch.setattr(converters, "SECOND_AT", 1000)
    first, second = _Office(), _Office()
    made: list[_Office] = []
    group = Converters(first, lambda: made.append(second) or second)  # type: ignore[arg-type, return-value]
    for name, size in (("a", 400), ("b", 500), ("c", 300), ("d", 100), ("e", 50)):
        group.submit(_docx(tmp_path, f"{name}.docx", size), tmp_path / f"{name}.pdf")
    # a (400) and b (500) go to the first; c brings the total to 1200, so the second starts and takes c (300),
    # then d (its queue 300 < 900) and e (400 < 900).
    assert first.submitted == ["a.docx", "b.docx"] and second.submitted == ["c.docx", "d.docx", "e.docx"]
    assert made == [second] and second.started and group.processes == 2
    assert group.wait(60) == [tmp_path / f"{name}.pdf" for name in "abcde"]
    assert first.waited == [60] and second.waited == [60]  # side by side, each within the whole timeout
    group.close()
    assert second.closed and not first.closed  # the first is its owner's to close


@pytest.mark.parametrize("cores, second", [(1, True), (2, False)], ids=["one core", "no second allowed"])
def test_no_second_libreoffice_on_one_core_or_when_none_may_be_started(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cores: int, second: bool) -> None:
    monkeypatch.setattr(converters, "SECOND_AT", 1)
    monkeypatch.setattr(converters, "cores", lambda: cores)
    first = _Office()
    group = Converters(first, (lambda: pytest.fail("a second LibreOffice was made")) if second else None)  # type: ignore[arg-type]
    for name in "abc":
        group.submit(_docx(tmp_path, f"{name}.docx", 5000), tmp_path / f"{name}.pdf")
    group.wait(60)
    assert first.submitted == ["a.docx", "b.docx", "c.docx"] and group.processes == 1


def test_one_large_document_gets_no_second_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       two_cores: None) -> None:
    monkeypatch.setattr(converters, "SECOND_AT", 1)
    first = _Office()
    group = Converters(first, lambda: pytest.fail("a second LibreOffice was made"))  # type: ignore[arg-type, return-value]
    group.submit(_docx(tmp_path, "a.docx", 5_000_000), tmp_path / "a.pdf")
    group.wait(60)
    assert first.submitted == ["a.docx"] and group.processes == 1


@pytest.mark.parametrize("failing", ["first", "second"])
def test_a_failure_of_either_ends_the_wait_at_once_and_stops_the_other(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                        two_cores: None, failing: str) -> None:
    # The other one is still converting (its wait returns only when it is closed): the failure does not wait for it.
    monkeypatch.setattr(converters, "SECOND_AT", 1)
    failure = ToolError(f"the {failing} failed")
    first = _Office(failure) if failing == "first" else _Office(blocks=True)
    second = _Office(failure) if failing == "second" else _Office(blocks=True)
    group = Converters(first, lambda: second)  # type: ignore[arg-type, return-value]
    for name in "ab":
        group.submit(_docx(tmp_path, f"{name}.docx", 10), tmp_path / f"{name}.pdf")
    with pytest.raises(ToolError, match=f"the {failing} failed"):
        group.wait(60)
    assert first.closed and second.closed


def test_ctrl_c_while_waiting_stops_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, two_cores: None) -> None:
    monkeypatch.setattr(converters, "SECOND_AT", 1)
    first, second = _Office(KeyboardInterrupt()), _Office(blocks=True)
    group = Converters(first, lambda: second)  # type: ignore[arg-type, return-value]
    for name in "ab":
        group.submit(_docx(tmp_path, f"{name}.docx", 10), tmp_path / f"{name}.pdf")
    with pytest.raises(KeyboardInterrupt):
        group.wait(60)
    assert first.closed and second.closed


def test_a_build_with_two_libreoffice_processes_makes_the_same_pdfs(built: BuildResult, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # From a copy of the sample's build whose cache lost three documents' PDFs: the build converts those three
    # and renders nothing. A low threshold starts the second LibreOffice with the second document; the message
    # names two processes only when both were given documents.
    out = copy_build(built.out_dir, tmp_path / "out")
    dropped = [entry for entry in (out / CACHE_DIR).iterdir()
               if any((entry / f"{stem}.pdf").is_file() for stem in ("kommissorium", "beredskabsplan", "budget"))]
    assert len(dropped) == 3
    for entry in dropped:
        shutil.rmtree(entry)
    monkeypatch.setattr(converters, "SECOND_AT", 1)
    monkeypatch.setattr(converters, "cores", lambda: 2)
    said: list[str] = []
    result = build(SAMPLE, out, progress=said.append)
    (converted,) = [line for line in said if line.startswith("converted ")]
    assert converted.startswith("converted 3 document(s) to PDF") and "by two LibreOffice processes" in converted
    pdfs = sorted(result.out_dir.glob("*.pdf"))
    assert len(pdfs) == 8
    assert all(pdf.read_bytes() == (built.out_dir / pdf.name).read_bytes() for pdf in pdfs)
    # The second LibreOffice, its profile in the build's scratch folder, was stopped, and the folder went.
    assert not processes(str(out), "soffice") and not list(out.glob(".agreement-*"))
