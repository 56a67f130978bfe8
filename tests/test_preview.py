"""`make preview`: a contact sheet of every page of every PDF in the build folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from tests.conftest import ROOT


def test_every_page_of_every_pdf_is_on_the_contact_sheet(built, tmp_path: Path) -> None:
    # Three of the sample's PDFs, with its manifest: the agreement (more pages than fit in a row) and two short ones.
    folder = tmp_path / "build"
    folder.mkdir()
    for name in ("strategisk-samarbejdsaftale.pdf", "budget.pdf", "kommissorium.pdf", "manifest.json"):
        shutil.copyfile(built.out_dir / name, folder / name)
    out = tmp_path / "preview"
    subprocess.run([sys.executable, str(ROOT / "tools" / "contact_sheet.py"), str(folder), str(out)],
                   check=True, capture_output=True, text=True)
    pdfs = sorted(folder.glob("*.pdf"))
    assert len(PdfReader(str(folder / "strategisk-samarbejdsaftale.pdf")).pages) > 12  # its sheet has two rows
    assert sorted(p.name for p in out.iterdir()) == sorted([*(f"{p.stem}.png" for p in pdfs), "contact-sheet.png"])
    heights = 0
    for pdf in pdfs:
        with Image.open(out / f"{pdf.stem}.png") as sheet:
            pages = len(PdfReader(str(pdf)).pages)
            # Thumbnails of about 100 pixels per page side, up to 12 pages to a row.
            assert sheet.width >= min(pages, 12) * 60, pdf.name
            heights += sheet.height
    with Image.open(out / "contact-sheet.png") as whole:
        assert whole.height == heights


def test_an_empty_build_folder_says_what_to_do(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "contact_sheet.py"), str(tmp_path), str(tmp_path / "p")],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "run 'make build' first" in result.stderr
