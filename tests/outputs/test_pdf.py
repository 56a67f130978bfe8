"""An Office converts batch after batch (as `agreement watch` uses it) and writes the same bytes as a fresh one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from agreement.model.metadata import Metadata
from agreement.outputs import pdfmeta
from agreement.outputs.pdf import Office
from agreement.pipeline import BuildResult
from tests.conftest import processes, still_running

SMALL = ("kommissorium.docx", "beredskabsplan.docx")  # two of the sample's smallest documents
META = Metadata("Kommissorium", "Boligselskabet", "Test", "test", dt.date(2025, 1, 31))


def _convert(office: Office, docx: list[Path], folder: Path) -> dict[str, bytes]:
    """Convert `docx` in one batch through `office` and finish each PDF as a build does (the same metadata for all:
    the bytes then depend only on LibreOffice's output)."""
    folder.mkdir(parents=True, exist_ok=True)
    pdfs = [folder / (path.stem + ".pdf") for path in docx]
    for source, target in zip(docx, pdfs):
        office.submit(source, target)
    assert office.wait(60) == pdfs
    for source, target in zip(docx, pdfs):
        pdfmeta.finish(target, META, source.read_bytes())
    return {path.name: path.read_bytes() for path in pdfs}


def test_an_office_that_converted_before_writes_the_same_bytes_as_a_fresh_one(built: BuildResult, tmp_path: Path) -> None:
    small = [built.out_dir / name for name in SMALL]
    with Office(tmp_path) as fresh:
        reference = _convert(fresh, small, tmp_path / "fresh")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with Office(scratch) as office:
        _convert(office, [built.out_dir / "budget.docx"], tmp_path / "first")  # another batch before
        assert _convert(office, small, tmp_path / "second") == reference
        assert processes(str(scratch), "soffice"), "its own LibreOffice, with its profile in the scratch folder"
    assert not still_running(str(scratch), "soffice") and not list(scratch.iterdir())
