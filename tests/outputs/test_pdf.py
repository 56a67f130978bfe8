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


def test_without_the_uno_client_a_build_converts_with_one_soffice_run(content: Path, built: BuildResult, tmp_path: Path,
                                                                     monkeypatch) -> None:
    """Without Debian's python3-uno the build converts what it must with one `soffice --convert-to` run, into PDFs
    as the UNO client makes them (PDF/A-2b, the changed text in them)."""
    from agreement.outputs import pdf
    from agreement.pipeline import build
    from tests.conftest import copy_build, pdf_text, replace_line

    out = copy_build(built.out_dir, tmp_path / "out")
    replace_line(content / "kommissorium.yaml", r"senest en uge før mødet", "senest to uger før mødet")
    runs: list[list[str]] = []
    real = pdf.to_pdf

    def counted(documents: list[Path], out_dir: Path, **options: object) -> list[Path]:
        runs.append([path.name for path in documents])
        return real(documents, out_dir, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf, "uno_python", lambda: None)
    monkeypatch.setattr(pdf, "to_pdf", counted)
    build(content, out)
    assert runs == [["kommissorium.docx"]]
    assert "senest to uger før mødet" in " ".join(pdf_text(out / "kommissorium.pdf").split())
    assert b"pdfaid" in (out / "kommissorium.pdf").read_bytes()  # PDF/A identification in the XMP metadata
