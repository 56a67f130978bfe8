"""The whole build, end to end with real LibreOffice: manifest, DOCX structure, PDF text against the seed."""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from lxml import etree
from pypdf import PdfReader

from agreement.files import sha256_file
from agreement.pipeline import build
from tests.conftest import SEED, copy_build, pdf_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _words(text: str) -> list[str]:
    text = re.sub(r"[*<>¹²\u00ad]", " ", text).replace("\u00a0", " ")
    return [t for t in (tok.strip(".,:;()'\"!?–-") for tok in text.split()) if t]


def _file(built, fmt: str, kind: str = "strategisk-samarbejdsaftale") -> Path:
    (doc,) = [d for d in built.documents if d.kind == kind][:1]
    return built.out_dir / doc.files[fmt]


def test_manifest_lists_the_agreement_with_hashes(built) -> None:
    import json

    data = json.loads(built.manifest.read_text(encoding="utf-8"))
    doc = data["documents"][0]
    assert doc["kind"] == "strategisk-samarbejdsaftale"
    assert doc["title"] == "Strategisk samarbejdsaftale om boligsocial indsats, Albertslund 2021-2025"
    assert set(doc["files"]) == {"docx", "pdf"}
    for entry in data["documents"]:
        for fmt, rel in entry["files"].items():
            assert entry["sha256"][fmt] == sha256_file(built.out_dir / rel)


def test_pdf_is_a4_and_reads_like_the_seed(built) -> None:
    pdf = _file(built, "pdf")
    reader = PdfReader(str(pdf))
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = pdf_text(pdf)
    seed = _words(SEED.read_text(encoding="utf-8"))
    got = _words(text)
    matcher = difflib.SequenceMatcher(None, seed, got, autojunk=False)
    found = sum(block.size for block in matcher.get_matching_blocks())
    assert found / len(seed) >= 0.97, f"only {found} of {len(seed)} seed words found in order"
    assert "Side 2 af" in text  # the cover page (page 1) carries no page number
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Carlito" in fonts  # the metric-compatible stand-in for the template's Calibri, embedded


def test_docx_structure(built) -> None:
    path = _file(built, "docx")
    doc = Document(str(path))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    level1 = [t for s, t in headings if s == "Heading 1"]
    assert level1 == [
        "Aftaledokumenter", "1. Kort om boligområdet", "2. Vision for boligområdet", "3. Organisering",
        "4. Samspil med centrale tiltag og indsatser i boligområdet",
        "5. Overordnede mål og indikatorer for den boligsociale indsats", "6. Indsatsområder",
        "7. Lokal evaluering", "8. Revision af samarbejdsaftalen"]
    assert ("Heading 2", "Forankret fælles boligsocial indsats") in headings
    assert ("Heading 4", "Fravær") in headings
    assert doc.paragraphs[0].style.name == "Title"
    assert any(p.style.name == "List Bullet" and p.text == "Lederen af Jobhuset" for p in doc.paragraphs)
    assert any(p.text.startswith("Bestyrelsen for den boligsociale helhedsplan består af repræsentanter fra den øverste "
                                 "politiske og administrative ledelse i Albertslund Kommune, AKB Albertslund, "
                                 "Vridsløselille Andelsboligforening (VA), Albertslund Boligselskab (AB), KAB og BO-VEST. "
                                 "Bestyrelsen mødes to gange om året.") for p in doc.paragraphs)
    assert any(p.text == "Helhedsplanen rummer to årsværk/medarbejdere: En projektleder/sekretariatsleder og en "
                         "uddannelses- og beskæftigelsesmedarbejder." for p in doc.paragraphs)

    with zipfile.ZipFile(path) as z:
        body = etree.fromstring(z.read("word/document.xml"))
        notes = etree.fromstring(z.read("word/footnotes.xml"))
        rels = z.read("word/_rels/document.xml.rels").decode()
        media = [n for n in z.namelist() if n.startswith("word/media/")]

    refs = body.findall(f".//{W}footnoteReference")
    real = [n for n in notes.findall(f"{W}footnote") if n.get(f"{W}type") is None]
    assert len(refs) == 2 and len(real) == 2
    assert {r.get(f"{W}id") for r in refs} == {n.get(f"{W}id") for n in real}
    texts = ["".join(n.itertext()) for n in real]
    assert any("569.000 kr. for at opretholde" in t for t in texts)
    assert any("Hvor andet ikke er angivet" in t for t in texts)

    merges = [m.get(f"{W}val") for m in body.iter(f"{W}vMerge")]
    assert merges.count("restart") == 4 and merges.count("continue") == 5

    assert len(body.findall(f".//{W}hyperlink")) >= 2
    assert "http://driftsstoette.lbf.dk" in rels and "https://www.dst.dk/da/Statistik/nyt/NytHtml?cid=30304" in rels
    # The organisation diagram and the three stand-ins for the seed's lost maps and flower, all as PNG.
    assert len(media) == 4 and all(m.endswith(".png") for m in media)
    pictures = body.findall(".//{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")
    stand_ins = [p for p in pictures if p.get("name", "").startswith("eksempel-")]
    assert [p.get("name") for p in stand_ins] == ["eksempel-kort-jernbanen.png", "eksempel-kort-boligtyper.png",
                                                  "eksempel-blomsten.png"]
    assert all(p.get("descr").startswith("Eksempel, en skitse og ikke ") for p in stand_ins)
    (docpr,) = [p for p in pictures if p not in stand_ins]
    # The alt text describes the diagram's structure, not only its caption.
    assert docpr.get("descr").startswith("Organisationsdiagram for den boligsociale indsats i Albertslund. Øverst "
                                         "bestyrelsen (Albertslund Kommune, AKB Albertslund")
    captions = [p for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions and "SEQ Figur" in captions[0]._p.xml


def test_core_properties(built) -> None:
    props = Document(str(_file(built, "docx"))).core_properties
    assert props.title.startswith("Strategisk samarbejdsaftale")
    assert "Albertslund Kommune" in props.author
    assert props.language == "da-DK"
    assert props.created.year == 2021 and props.created == props.modified
    with zipfile.ZipFile(_file(built, "docx")) as z:
        core = z.read("docProps/core.xml").decode()
    assert "custom-properties" not in core and core.count("<cp:keywords") == 1


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is installed by 'make build'")
def test_pandoc_reads_the_docx(built) -> None:
    out = subprocess.run(["pandoc", str(_file(built, "docx")), "-t", "markdown"], capture_output=True, text=True, check=True).stdout
    assert "# 3. Organisering" in out
    assert "[^1]" in out and "[^2]" in out
    assert "Følgegruppen for Beskæftigelse omfatter" in out


def test_docx_is_reproducible(built, built_docx) -> None:
    # Two separate builds of the sample, each into a folder of its own with no cache, at different times: the
    # shared one with PDFs and the shared Word-only one. Every Word file is the same, byte for byte.
    again = {d.kind + d.title: built_docx.out_dir / d.files["docx"] for d in built_docx.documents}
    assert len(again) == len(built.documents) == len(built_docx.documents) > 1
    for document in built.documents:
        path = built.out_dir / document.files["docx"]
        assert again[document.kind + document.title].read_bytes() == path.read_bytes(), path.name


def test_diagram_follows_the_content(content: Path, tmp_path: Path, built, built_docx) -> None:
    from tests.conftest import replace_line

    replace_line(content / "strategic.yaml", r"^        navn: Følgegruppen for Beskæftigelse$", "        navn: Følgegruppen for Job")
    result = build(content, copy_build(built_docx.out_dir, tmp_path / "out"), ("docx",))  # the cache of the sample's
    with zipfile.ZipFile(result.out_dir / "strategisk-samarbejdsaftale.docx") as new, zipfile.ZipFile(_file(built, "docx")) as old:
        new_png = [new.read(n) for n in new.namelist() if n.startswith("word/media/")]
        old_png = [old.read(n) for n in old.namelist() if n.startswith("word/media/")]
    assert new_png and new_png != old_png


@pytest.mark.parametrize("language", ["da", "en"])
def test_an_area_without_follow_up_files_has_no_template_problems_in_either_language(language: str) -> None:
    """The yearly report's template is checked for the form of its tags only when the content has no follow-up file;
    that must not depend on the words the problems are told in (in Danish, every such area once failed to build)."""
    from agreement import i18n
    from agreement.pipeline import check_templates, load

    i18n.set_language(language)
    programme, specs = load(Path(__file__).parent / "fixtures" / "areas" / "ringparken")
    assert not programme.follow_ups
    assert check_templates(programme, specs) == []
