"""`agreement textconv`: the words of built files, and `git diff` showing a changed sentence with it."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tracemalloc
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreement import i18n
from agreement.cli import main
from agreement.errors import AgreementError, ToolError
from agreement.pipeline import build
from agreement.review import textconv
from agreement.review.textconv import docx_text, file_text, pdf_text, xlsx_text
from tests.conftest import ROOT, SAMPLE, copy_build, replace_line
from tests.zipbomb import with_zeros

STRATEGIC = "strategisk-samarbejdsaftale.docx"
# Sentences of content/strategic.yaml, in the order the agreement has them.
SENTENCES = [
    "Helhedsplanen omfatter boligafdelingerne AKB Hedemarken, VA Blokland, VA Bæk-Fosgården og AB Nord.",
    "Derudover ligger bebyggelserne ikke samlet, men dog alle tæt på midtbyen.",
    "Tilsvarende har boligorganisationerne besluttet også at øge deres budget til en forankret boligsocial indsats i byen.",
]
FOOTNOTE = (
    "569.000 kr. for at opretholde det hidtidige kontante medfinansieringsniveau i årene 2021-24 "
    "samt 600.000 kr. i årene 2021-23."
)
CHANGED = ("og AB Nord.", "og AB Syd.")


@dataclass
class Builds:
    before: Path
    after: Path


@pytest.fixture(scope="module")
def builds(built_docx, tmp_path_factory: pytest.TempPathFactory) -> Builds:
    """The sample as a draft, built to DOCX; then built again with one sentence changed.

    Each build goes into a copy of the one before (the first into a copy of the shared Word build of the
    sample), so the documents a change does not touch come from the build cache."""
    root = tmp_path_factory.mktemp("textconv")
    content = root / "content"
    shutil.copytree(SAMPLE, content)
    replace_line(content / "strategic.yaml", r"^status: endelig$", "status: udkast")
    before = build(content, copy_build(built_docx.out_dir, root / "before"), ("docx",)).out_dir
    replace_line(content / "strategic.yaml", f"^  {SENTENCES[0]}$", "  " + SENTENCES[0].replace(*CHANGED))
    after = build(content, copy_build(before, root / "after"), ("docx",)).out_dir
    return Builds(before, after)


def test_sample_sentences_are_in_the_content() -> None:
    text = (SAMPLE / "strategic.yaml").read_text(encoding="utf-8")
    assert all(s in text for s in [*SENTENCES, FOOTNOTE])


def test_docx_text_has_the_paragraphs_in_order_and_no_header_or_footer(builds: Builds) -> None:
    lines = docx_text(builds.before / STRATEGIC).splitlines()
    # A single line break in content is a space, so a line is a paragraph of one or more sentences.
    where = [next(i for i, line in enumerate(lines) if s in line) for s in SENTENCES]
    assert where == sorted(where)
    assert SENTENCES[0] in lines
    text = "\n".join(lines)
    assert "UDKAST" not in text  # the draft mark is in the header only
    assert "Strategisk samarbejdsaftale · Albertslund" not in text  # the running header
    assert not any(line.startswith("Side ") for line in lines)  # the footer
    assert all(line.strip() for line in lines)


def test_docx_text_has_table_rows_and_footnotes(builds: Builds) -> None:
    lines = docx_text(builds.before / STRATEGIC).splitlines()
    assert "Dato | Borgmester, Steen Christiansen" in lines
    assert lines[-2:] == [
        "[^1]: " + FOOTNOTE,
        "[^2]: Hvor andet ikke er angivet, kommer data fra Landsbyggefondens boligsociale data og beboerdata.",
    ]
    body = "\n".join(lines[:-2])
    assert body.count("[^1]") == 1 and body.index("[^1]") < body.index("[^2]")


def test_docx_text_shows_each_chart_by_its_caption_and_alt_text(built) -> None:
    """A measurement that changes only a chart shows in `git diff`: the chart's text is its caption and alt text."""
    from agreement.documents.blocks import BudgetChart, TrendChart, blocks
    from agreement.pipeline import load

    _, specs = load(SAMPLE)
    spec = next(s for s in specs if s.stem == "opfoelgning-2022")
    lines = docx_text(built.out_dir / "opfoelgning-2022.docx").splitlines()
    charts = [b for b in blocks(spec.context) if isinstance(b, (TrendChart, BudgetChart))]
    assert len(charts) >= 9
    for chart in charts:
        assert " ".join(f"{chart.caption}: {chart.description}".split()) in lines  # spaces as in the text's words


def test_xlsx_text_shows_each_row_with_its_formulas(builds: Builds) -> None:
    lines = xlsx_text(builds.before / "budget.xlsx").splitlines()
    assert lines[0] == "Sheet: Budget"
    row = next(line.split("\t") for line in lines if line.startswith("Projektleder"))
    assert row[1:5] == ["580000"] * 4
    assert row[5].startswith("=SUM(") and row[5].endswith(")")
    i18n.set_language("da")
    assert xlsx_text(builds.before / "budget.xlsx").splitlines()[0] == "Ark: Budget"


def test_pdf_text_has_the_sentences(built) -> None:
    pdf = built.out_dir / STRATEGIC.replace(".docx", ".pdf")
    words = " ".join(pdf_text(pdf).split())
    assert all(s in words for s in SENTENCES)
    # The sample's strategic agreement is final, so no page of it carries the draft mark (read here once for
    # tests/publish/test_package.py too, which checks that every draft's page carries it).
    assert "UDKAST" not in words


def test_pdf_text_is_pdftotexts_text_of_the_file_as_it_is(built) -> None:
    # Read from a copy without the PDF/A output intent (poppler is slow with one); the file itself is untouched.
    pdf = built.out_dir / "kommissorium.pdf"
    before = pdf.read_bytes()
    assert textconv.without_output_intent(pdf) is not None  # the copy is what pdftotext reads
    direct = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True,
                            text=True).stdout
    assert pdf_text(pdf).rstrip("\n").split("\n") == [line.rstrip() for line in direct.replace("\f", "\n").rstrip().split("\n")]
    assert pdf.read_bytes() == before


def test_a_damaged_pdf_is_pdftotexts_plain_error(tmp_path: Path) -> None:
    pdf = tmp_path / "damaged.pdf"
    pdf.write_bytes(b"%PDF-1.7\nnot a PDF after all\n")
    with pytest.raises(ToolError, match=r"pdftotext could not read .*damaged\.pdf"):
        pdf_text(pdf)


def test_missing_pdftotext_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    with pytest.raises(ToolError, match="poppler-utils"):
        file_text(pdf)
    result = CliRunner().invoke(main, ["textconv", str(pdf)])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: pdftotext is not installed")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", b"just text\n", "is not a .docx, .pdf or .xlsx file"),
        ("broken.docx", None, "may be damaged"),
    ],
)
def test_a_file_it_cannot_read_is_one_clear_message(tmp_path: Path, name: str, data: bytes | None, message: str) -> None:
    path = tmp_path / name
    if data is None:
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("_rels/.rels", PACKAGE_RELS)
            z.writestr("word/document.xml", "<not-closed>")
    else:
        path.write_bytes(data)
    with pytest.raises(AgreementError, match=message):
        file_text(path)
    result = CliRunner().invoke(main, ["textconv", str(path)])
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.stderr + result.stdout


def test_a_file_it_cannot_read_is_said_in_danish_by_default(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("just text\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["textconv", str(tmp_path / "notes.txt")], env={"LANGUAGE": "da"})
    assert result.exit_code == 1
    assert "notes.txt: dette er ikke en .docx-, .pdf- eller .xlsx-fil, så den kan ikke vises som tekst" in result.stderr


NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
)
PACKAGE_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
DOCUMENT_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="r2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" '
    'Target="footnotes.xml"/></Relationships>'
)


def _docx(path: Path, body: str, footnotes: str) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("_rels/.rels", PACKAGE_RELS)
        z.writestr("word/_rels/document.xml.rels", DOCUMENT_RELS)
        z.writestr("word/document.xml", f"<w:document {NS}><w:body>{body}<w:sectPr/></w:body></w:document>")
        z.writestr("word/footnotes.xml", f"<w:footnotes {NS}>{footnotes}</w:footnotes>")
    return path


def _p(*runs: str) -> str:
    return "<w:p><w:pPr><w:tabs><w:tab w:val='left' w:pos='100'/></w:tabs></w:pPr>" + "".join(runs) + "</w:p>"


def _r(inner: str) -> str:
    return f"<w:r>{inner}</w:r>"


def test_docx_text_reads_what_a_reader_sees_and_nothing_else(tmp_path: Path) -> None:
    body = "".join(
        [
            _p(
                _r("<w:t>Kept</w:t>"),
                "<w:del><w:r><w:delText>gone</w:delText></w:r></w:del>",
                "<w:ins><w:r><w:t xml:space='preserve'> and added</w:t></w:r></w:ins>",
                _r("<w:fldChar w:fldCharType='begin'/>"),
                _r("<w:instrText>PAGE</w:instrText>"),
                _r("<w:t>.</w:t>"),
            ),
            _p(
                _r("<w:t>Second note</w:t><w:footnoteReference w:id='7'/>"),
                _r("<w:tab/><w:t>first note</w:t>"),
                _r("<w:footnoteReference w:id='3'/><w:br/><w:t>new line</w:t>"),
            ),
            _p(),
            _p(
                _r(
                    "<mc:AlternateContent><mc:Choice><w:drawing><w:txbxContent>"
                    + _p(_r("<w:t>In a box</w:t>"))
                    + "</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:txbxContent>"
                    + _p(_r("<w:t>In a box</w:t>"))
                    + "</w:txbxContent></mc:Fallback></mc:AlternateContent>"
                )
            ),
            "<w:tbl><w:tblPr/><w:tr><w:tc>"
            + _p(_r("<w:t>A</w:t>"))
            + _p(_r("<w:t>B</w:t>"))
            + "</w:tc><w:tc>"
            + "<w:tbl><w:tr><w:tc>"
            + _p(_r("<w:t>inner</w:t>"))
            + "</w:tc></w:tr></w:tbl>"
            + "</w:tc></w:tr>"
            + "<w:tr><w:tc>"
            + _p()
            + "</w:tc><w:tc>"
            + _p()
            + "</w:tc></w:tr></w:tbl>",
            "<w:sdt><w:sdtContent>" + _p(_r("<w:t>In a control</w:t>")) + "</w:sdtContent></w:sdt>",
        ]
    )
    notes = (
        "<w:footnote w:type='separator' w:id='-1'>" + _p(_r("<w:separator/>")) + "</w:footnote>"
        "<w:footnote w:id='3'>" + _p(_r("<w:footnoteRef/>"), _r("<w:t xml:space='preserve'> Three.</w:t>")) + "</w:footnote>"
        "<w:footnote w:id='7'>" + _p(_r("<w:footnoteRef/>"), _r("<w:t xml:space='preserve'> Seven.</w:t>")) + "</w:footnote>"
        "<w:footnote w:id='9'>" + _p(_r("<w:t>Never referred to.</w:t>")) + "</w:footnote>"
    )
    text = docx_text(_docx(tmp_path / "a.docx", body, notes))
    assert text.splitlines() == [
        "Kept and added.",
        "Second note[^1]\tfirst note[^2]",
        "new line",
        "In a box",
        "A B | inner",
        "In a control",
        "[^1]: Seven.",
        "[^2]: Three.",
        "[^3]: Never referred to.",
    ]


def _git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "PYTHONPATH": str(ROOT),
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
    }
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True, timeout=120).stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_diff_with_the_textconv_driver_shows_the_changed_sentence(builds: Builds, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    # The README's setup, with this checkout's agreement instead of the installed one.
    (repo / ".gitattributes").write_text("*.docx diff=agreement\n*.pdf diff=agreement\n*.xlsx diff=agreement\n", encoding="utf-8")
    _git(repo, "config", "diff.agreement.textconv", f"{shlex.quote(sys.executable)} -m agreement.cli textconv")
    shutil.copy(builds.before / STRATEGIC, repo / STRATEGIC)
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "before")
    shutil.copy(builds.after / STRATEGIC, repo / STRATEGIC)
    diff = _git(repo, "diff", "--", STRATEGIC)
    assert "Binary files" not in diff
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == ["-" + SENTENCES[0], "+" + SENTENCES[0].replace(*CHANGED)]
    words = _git(repo, "diff", "--word-diff=plain", "--", STRATEGIC)
    assert "[-Nord.-]{+Syd.+}" in words


@pytest.mark.parametrize("declared", [None, 1000], ids=["declared", "lying"])
@pytest.mark.parametrize("name", ["document.docx", "budget.xlsx"])
def test_a_file_that_unpacks_to_too_much_is_refused_in_little_memory(
        builds: Builds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, declared: int | None) -> None:
    source = next(builds.before.glob(f"*.{name.split('.')[1]}"))
    part = "word/document.xml" if name.endswith("docx") else "xl/sharedStrings.xml"
    with zipfile.ZipFile(source) as original:  # the part that the reader reads, replaced by zeros
        keep = [info for info in original.infolist() if info.filename != part]
        with zipfile.ZipFile(tmp_path / "base.zip", "w") as base:
            for info in keep:
                base.writestr(info, original.read(info))
    path = with_zeros(tmp_path / "base.zip", tmp_path / name, part, 1500 if declared is None else 300, monkeypatch,
                      declared=declared)
    tracemalloc.start()
    try:
        with pytest.raises(AgreementError) as caught:
            file_text(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    expected = (f"unpacks to more than 200 MB (the part {part} alone to 1500 MB)" if declared is None
                else f"the part {part} does not unpack to the 1000 bytes the file's directory declares")
    assert str(caught.value).startswith(f"{path}: {expected}")
    assert peak < 20 * 1024 * 1024


_MEASURED = """
import resource, sys
from pathlib import Path
from agreement.errors import AgreementError
from agreement.review.textconv import file_text
try:
    file_text(Path(sys.argv[1]))
except AgreementError as exc:
    print(exc)
# VmHWM, not RUSAGE_SELF: that one keeps the memory of the process it was forked from (pytest)
own = next(line.split()[1] for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM:"))
print(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _textconv_in_child(path: Path) -> tuple[str, int]:
    """What file_text says about `path`, in a fresh process, and the most memory (KB) that process or a child of
    it held: lxml's and pdftotext's memory is not Python's, so tracemalloc would not see it."""
    proc = subprocess.run([sys.executable, "-c", _MEASURED, str(path)], capture_output=True, text=True, timeout=120,
                          check=True)
    *message, usage = proc.stdout.strip().splitlines()
    return "\n".join(message), max(int(kb) for kb in usage.split())


@pytest.mark.parametrize("part", ["word/document.xml", "word/footnotes.xml"])
def test_a_docx_with_a_huge_xml_part_is_refused_in_little_memory(tmp_path: Path, part: str) -> None:
    paragraphs = _p(_r("<w:t>Mange ord</w:t>")) * 600_000  # 61 MB of ordinary XML, about 150 KB zipped
    path = _docx(tmp_path / "big.docx", paragraphs if part.endswith("document.xml") else "",
                 f"<w:footnote w:id='1'>{paragraphs}</w:footnote>" if part.endswith("footnotes.xml") else "")
    message, peak_kb = _textconv_in_child(path)
    assert message == (f"{path}: the part {part} unpacks to 61 MB of XML, more than the 20 MB shown as text, "
                       "so it is not shown")
    assert peak_kb < 150 * 1024  # parsed whole, the part takes about a gigabyte


def test_a_large_docx_under_the_bound_is_read_a_block_at_a_time(tmp_path: Path) -> None:
    path = _docx(tmp_path / "long.docx", _p(_r("<w:t>Mange ord</w:t>")) * 180_000, "")  # 18 MB of XML
    message, peak_kb = _textconv_in_child(path)
    assert message == ""
    assert peak_kb < 150 * 1024  # parsed whole, it took 290 MB


def test_a_pdf_whose_text_unpacks_to_too_much_is_refused_in_little_memory(tmp_path: Path) -> None:
    # One string of 1.2 GB of "A" in a 1.2 MB file: a flushed block of the compressed stream repeated.
    packer = zlib.compressobj(6)
    block = b"A" * (1 << 20)
    head = packer.compress(b"BT /F1 12 Tf 72 712 Td (" + block) + packer.flush(zlib.Z_FULL_FLUSH)
    repeat = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    data = head + repeat * 1200 + packer.compress(b") Tj ET") + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path = tmp_path / "bomb.pdf"
    path.write_bytes(bytes(pdf))
    message, peak_kb = _textconv_in_child(path)
    assert message == (f"{path}: pdftotext needed more than 512 MB of memory or wrote more than 32 MB of text to read "
                       "the file, so it is not shown as text")
    assert peak_kb < 600 * 1024  # without the limit, pdftotext took 2 GB


def _word_file(path: Path, *paragraphs: str) -> None:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(str(path))


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_word_diff_with_the_manuals_word_regex_aligns_words_and_punctuation(tmp_path: Path) -> None:
    """Issue 22: git's word diff with the manual's setup (docs/reference.md) keeps the unchanged words unchanged, like agreement diff."""
    manual = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert f'git config diff.agreement.wordRegex "{textconv.WORD_REGEX}"' in manual
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / ".gitattributes").write_text("*.docx diff=agreement\n", encoding="utf-8")
    _git(repo, "config", "diff.agreement.textconv", f"{shlex.quote(sys.executable)} -m agreement.cli textconv")
    _git(repo, "config", "diff.agreement.wordRegex", textconv.WORD_REGEX)
    _word_file(repo / "a.docx", "Området skal være attraktivt og trygt for alle.",
               "VA Bæk-Fosgården får 580.000 kr. i 2021-2025, højst 75,0 %.")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "before")
    _word_file(repo / "a.docx", "Området skal være attraktivt, trygt og grønt for alle.",
               "VA Bæk-Fosgården får 600.000 kr. i 2021-2026, højst 74,8 %.")
    words = _git(repo, "diff", "--word-diff=plain", "--", "a.docx").splitlines()
    assert "Området skal være attraktivt[-og-]{+,+} trygt {+og grønt+} for alle." in words
    assert "VA Bæk-Fosgården får [-580.000-]{+600.000+} kr. i [-2021-2025-]{+2021-2026+}, højst [-75,0-]{+74,8+} %." in words
