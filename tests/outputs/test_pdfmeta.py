"""Every PDF is PDF/A-2b, tagged, A4, with metadata from content; builds are byte-for-byte reproducible."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from pathlib import Path

from pypdf import PdfReader

from agreement.files import sha256_file
from agreement.pipeline import build
from agreement.publish.cache import CACHE_DIR
from tests.conftest import SAMPLE, copy_build


def _pdfs(built) -> list[tuple[object, Path]]:
    return [(d, built.out_dir / d.files["pdf"]) for d in built.documents]


def test_every_pdf_is_pdfa_2b_tagged_a4_with_content_metadata(built) -> None:
    for doc, path in _pdfs(built):
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Tagged:\s+yes$", info, re.M), path.name
        reader = PdfReader(str(path))
        # A4, upright or landscape; the indberetningsskema, whose columns need the width, A3 landscape
        sizes = [[round(float(p.mediabox.width)), round(float(p.mediabox.height))] for p in reader.pages]
        if doc.kind == "indberetningsskema":
            assert all(size == [1191, 842] for size in sizes)
        else:
            assert all(sorted(size) == [595, 842] for size in sizes)
        meta = reader.metadata
        assert meta.title == doc.title
        assert "Albertslund Kommune" in meta.author
        assert meta.subject and "Albertslund" in meta.keywords and "Landsbyggefonden" in meta.keywords
        assert meta.creator == "agreement"
        assert meta.creation_date == meta.modification_date
        # a date from content, never the clock: a draft yearly report's is the last day of its year
        years = (int(path.stem[-4:]),) if doc.kind == "opfoelgningsrapport" else (2020, 2021)
        assert meta.creation_date.year in years
        assert reader.trailer["/Root"]["/Lang"] == "da-DK"
        assert reader.outline, f"{path.name} has no bookmarks"

        xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
        assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
        assert f'<rdf:li xml:lang="x-default">{doc.title}</rdf:li>' in xmp
        assert f"<pdf:Keywords>{meta.keywords}</pdf:Keywords>" in xmp
        assert f"<rdf:Seq><rdf:li>{meta.author}</rdf:li></rdf:Seq>" in xmp
        assert f'<rdf:li xml:lang="x-default">{meta.subject}</rdf:li>' in xmp
        stamp = meta.creation_date.strftime("%Y-%m-%dT%H:%M:%S")
        assert f"<xmp:CreateDate>{stamp}+00:00</xmp:CreateDate>" in xmp
        assert "<dc:language><rdf:Bag><rdf:li>da-DK</rdf:li></rdf:Bag></dc:language>" in xmp
        assert reader.pdf_header.startswith("%PDF-1.")


def test_two_builds_at_once_are_byte_identical_to_an_earlier_one(built, tmp_path: Path) -> None:
    """Two builds at the same time, each with its own LibreOffice, convert four documents again (their Word files
    from the cache); every file equals the earlier build's."""
    again = ("beredskabsplan.pdf", "budget.pdf", "delaftale-beskaeftigelse.pdf", "kommissorium.pdf")
    results: dict[str, object] = {}
    said: dict[str, list[str]] = {}
    errors: list[BaseException] = []
    for name in ("one", "two"):
        out = copy_build(built.out_dir, tmp_path / name)
        for entry in (out / CACHE_DIR).iterdir():
            if any((entry / pdf).exists() for pdf in again):
                shutil.rmtree(entry)

    def run(name: str) -> None:
        try:
            said[name] = []
            results[name] = build(SAMPLE, tmp_path / name, progress=said[name].append)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in ("one", "two")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not errors, errors
    reference = {p.name: sha256_file(p) for p in built.out_dir.iterdir() if p.is_file()}  # not the build cache
    assert len(reference) == 23  # 10 DOCX (two yearly follow-up reports), 10 PDF, the two workbooks and the manifest
    for name in ("one", "two"):
        converted = f"converted {len(again)} document{'' if len(again) == 1 else 's'} to PDF"
        assert any(line.startswith(converted) for line in said[name]), said[name]
        got = {p.name: sha256_file(p) for p in results[name].out_dir.iterdir() if p.is_file()}
        assert got == reference


def test_the_metadata_rewrite_keeps_xmp_plain_and_leaves_no_clock_or_random_value(built) -> None:
    """qpdf keeps the XMP unfiltered (PDF/A readers look for it), drops LibreOffice's /DocChecksum and random /ID."""
    import hashlib

    import pikepdf

    for doc, path in _pdfs(built):
        with pikepdf.open(path) as pdf:
            assert pdf.Root.Metadata.get("/Filter") is None, path.name
            assert set(pdf.trailer.keys()) <= {"/Root", "/Info", "/Size", "/ID"}, path.name
            docx = (built.out_dir / doc.files["docx"]).read_bytes()
            assert bytes(pdf.trailer.ID[0]) == hashlib.sha256(docx + doc.title.encode("utf-8")).digest()[:16]
