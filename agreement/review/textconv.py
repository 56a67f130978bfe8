"""The words of a built DOCX, PDF or XLSX as plain text, so `git diff` can show what changed."""

from __future__ import annotations

import datetime
import io
import posixpath
import re
import resource
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from lxml import etree

from agreement.errors import AgreementError, Location, ToolError
from agreement.i18n import _
from agreement.interrupts import held
from agreement.namespaces import PKG_REL_NS
from agreement.officezip import MB, open_zip_bounded
from agreement.word.ooxml import block_elements, w
from agreement.word.reading import PARSER, TextWalker, footnotes, picture_texts

# For `git config diff.agreement.wordRegex`: what `git diff --word-diff` compares, as agreement.review.diff's word
# diff does: a word (an amount, a date span, a compound: '1.595.000', '2021-2025', 'Bæk-Fosgården') or one
# punctuation mark. Bytes outside ASCII are neither space nor punctuation to git, so they are part of words.
WORD_REGEX = "[^[:space:][:punct:]]+([.,:/'-][^[:space:][:punct:]]+)*|[^[:space:]]"
PDF_TIMEOUT = 120
# textconv reads any commit's files, made by anyone: bounds far above what a built agreement needs (its largest
# XML part is about 1 MB, its PDF's text 100 KB, pdftotext's memory 30 MB), far below what hurts a machine.
MAX_XML_PART = 20 * MB
PDFTOTEXT_MEMORY = 512 * MB
MAX_PDF_TEXT = 32 * MB


def file_text(path: Path) -> str:
    """The text of `path`, a .docx, .pdf or .xlsx (recognised by its content), ending in a newline."""
    readers = {"docx": docx_text, "pdf": pdf_text, "xlsx": xlsx_text}
    try:
        if path.stat().st_size == 0:
            return ""
        kind = _kind(path)
        if kind is None:
            raise AgreementError(_("this is not a .docx, .pdf or .xlsx file, so it cannot be shown as text"), Location(str(path)))
        return readers[kind](path)
    except AgreementError:
        raise
    except OSError as exc:
        raise AgreementError(_("cannot read the file: {reason}").format(reason=exc.strerror), Location(str(path))) from None
    except Exception as exc:  # a damaged file breaks the parsers in many ways; none of them is a bug here
        raise AgreementError(_("cannot read the file, it may be damaged: {reason}").format(reason=exc), Location(str(path))) from None


def docx_text(path: Path) -> str:
    """Paragraphs in order, each picture's alternative text after its paragraph (see picture_texts), table rows as
    cells joined by ' | ', footnotes at the end as '[^n]: text'.

    Headers and footers are left out: they repeat on every page and only say the area and page number.
    """
    with _open_office(path) as docx:
        main = _related(docx, "", "officeDocument")
        if main is None:
            raise AgreementError(_("this .docx has no main document part"), Location(str(path)))
        reader = _DocxReader()
        with docx.open(main) as stream:
            lines = list(_body_lines(stream, reader))
        notes = _related(docx, main, "footnotes")
        if notes is not None:
            lines.extend(reader.footnotes(etree.fromstring(docx.read(notes), PARSER)))
    return "".join(f"{line}\n" for line in lines)


def _open_office(path: Path) -> zipfile.ZipFile:
    """`path` opened by open_zip_bounded, once no XML part in it is larger than MAX_XML_PART."""
    archive = open_zip_bounded(path)
    large = [part for part in archive.infolist()
             if part.filename.endswith((".xml", ".rels")) and part.file_size > MAX_XML_PART]
    if large:
        archive.close()
        raise AgreementError(_("the part {filename} unpacks to {size} MB of XML, more than the {limit} MB shown as text, so it is not "
                               "shown").format(
            filename=large[0].filename, size=large[0].file_size // MB, limit=MAX_XML_PART // MB), Location(str(path)))
    return archive


def _body_lines(stream: IO[bytes], reader: _DocxReader) -> Iterator[str]:
    """The lines of the document part in `stream`, read one block of the body at a time and then dropped, so
    that the whole tree is never in memory."""
    depth = 0
    for event, element in etree.iterparse(stream, events=("start", "end"), resolve_entities=False, no_network=True):
        if event == "start":
            depth += 1
            continue
        depth -= 1
        parent = element.getparent()
        if depth == 2 and parent is not None and parent.tag == w("body"):
            alone = etree.Element(parent.tag)  # out of the tree: the parser has read ahead into the blocks after it
            alone.append(element)
            yield from reader.blocks(alone)


def pdf_text(path: Path) -> str:
    """The PDF's text laid out as on the page, by pdftotext (poppler-utils)."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise ToolError(
            _("pdftotext is not installed, so PDF files cannot be shown as text; install poppler-utils (sudo apt-get install "
              "poppler-utils) and try again")
        )
    plain = without_output_intent(path)
    source = "-" if plain is not None else str(path)  # "-": the copy, on pdftotext's standard input
    # The text goes to a file, so that the size limit below stops pdftotext when it writes too much.
    with tempfile.TemporaryFile() as output:
        try:
            proc = subprocess.run([exe, "-layout", "-enc", "UTF-8", source, "-"], input=plain, stdout=output,
                                  stderr=subprocess.PIPE, timeout=PDF_TIMEOUT, preexec_fn=_pdftotext_limits)
        except subprocess.TimeoutExpired:
            raise ToolError(_("pdftotext did not finish reading {path} within {seconds} seconds").format(
                path=path, seconds=PDF_TIMEOUT)) from None
        if proc.returncode < 0:  # killed: by the memory limit (an abort) or the size limit (SIGXFSZ)
            raise AgreementError(_("pdftotext needed more than {memory} MB of memory or wrote more than {text} MB of text to read the "
                                   "file, so it is not shown as text").format(
                memory=PDFTOTEXT_MEMORY // MB, text=MAX_PDF_TEXT // MB), Location(str(path)))
        if proc.returncode != 0:
            reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise ToolError(_("pdftotext could not read {path}").format(path=path) + (f": {reason[-1]}" if reason else ""))
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    # Trailing spaces from the layout and page feeds would only add noise to a diff.
    lines = [line.rstrip() for line in text.replace("\f", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return "".join(f"{line}\n" for line in lines)


def _pdftotext_limits() -> None:
    """Run in pdftotext's process before it starts: a PDF's streams can unpack to gigabytes."""
    resource.setrlimit(resource.RLIMIT_AS, (PDFTOTEXT_MEMORY, PDFTOTEXT_MEMORY))
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_PDF_TEXT, MAX_PDF_TEXT))


def without_output_intent(path: Path) -> bytes | None:
    """The PDF's bytes without its PDF/A output intent; None when it has none or pikepdf cannot read it (pdftotext
    then reads the file itself, and says what is wrong with it).

    With an output intent, poppler works out that colour profile's transform again on every page: nine tenths of
    pdftotext's time on the sample's agreement (0.7 s against 0.05 s). The text does not depend on it."""
    with held():  # Ctrl-C during pikepdf's import would abort Python (see agreement.interrupts)
        import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            if "/OutputIntents" not in pdf.Root:
                return None
            del pdf.Root.OutputIntents
            copy = io.BytesIO()
            pdf.save(copy, stream_decode_level=pikepdf.StreamDecodeLevel.none)  # streams as they are: never unpacked
            return copy.getvalue()
    except Exception:  # any reason at all: the file is read as it is
        return None


def xlsx_text(path: Path) -> str:
    """Each sheet under a 'Sheet: name' line, its rows as tab-separated values, formulas as written."""
    from openpyxl import load_workbook  # slow to import; only this reader needs it

    _open_office(path).close()  # openpyxl trusts the sizes the zip declares
    workbook = load_workbook(path, read_only=True, data_only=False)
    try:
        out: list[str] = []
        for sheet in workbook.worksheets:
            if out:
                out.append("")
            out.append(_("Sheet: {title}").format(title=sheet.title))
            for row in sheet.iter_rows(values_only=True):
                cells = [_cell_text(value) for value in row]
                while cells and not cells[-1]:
                    cells.pop()
                if cells:
                    out.append("\t".join(cells))
    finally:
        workbook.close()
    return "".join(f"{line}\n" for line in out)


class _DocxReader(TextWalker):
    """Paragraphs as lines, in document order; a text box's paragraphs after the paragraph that holds it."""

    def blocks(self, container: etree._Element) -> Iterator[str]:
        for child in block_elements(container):
            yield from (self.paragraph(child) if child.tag == w("p") else self.table(child))

    def paragraph(self, paragraph: etree._Element) -> Iterator[str]:
        boxes: list[etree._Element] = []

        def after(box: etree._Element) -> str:
            boxes.append(box)
            return ""

        for line in self.text(paragraph, after, []).split("\n"):
            if line.strip():
                yield line.rstrip()
        yield from picture_texts(paragraph)  # a chart's numbers are in its alternative text
        for box in boxes:
            yield from self.blocks(box)

    def table(self, table: etree._Element) -> Iterator[str]:
        for row in table.iterchildren(w("tr")):  # a nested table's rows are read with the cell that holds it
            cells = [" ".join(line.strip() for line in self.blocks(cell)) for cell in row.iterchildren(w("tc"))]
            if any(cells):
                yield " | ".join(cells)

    def footnotes(self, root: etree._Element) -> Iterator[str]:
        texts = {ident: " ".join(line.strip() for line in self.blocks(note)) for ident, note in footnotes(root)}
        for ident in texts:
            self.number(ident)  # a note the text never refers to still gets a number after the others
        for ident, number in self.numbers.items():
            if ident in texts:
                yield f"[^{number}]: {texts[ident]}"


def _related(docx: zipfile.ZipFile, source: str, kind: str) -> str | None:
    """The part that `source` (a part name, '' for the package) refers to with a relationship of `kind`."""
    folder, name = posixpath.split(source)
    rels_name = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels_name not in docx.namelist():
        return None
    for rel in etree.fromstring(docx.read(rels_name), PARSER).iter(f"{{{PKG_REL_NS}}}Relationship"):
        if rel.get("Type", "").endswith(f"/{kind}") and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
    return None


def _kind(path: Path) -> str | None:
    with path.open("rb") as stream:
        if stream.read(5) == b"%PDF-":
            return "pdf"
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    text = getattr(value, "text", value)  # an array formula keeps its formula in .text
    # One row is one line: a line break or tab inside a cell would split it.
    return re.sub(r"[\t\r\n]+", " ", str(text))
