"""Word documents with real tracked changes from one version of a document to the next, and their PDFs."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, cast

from lxml import etree

from agreement.errors import ToolError
from agreement.files import write_atomic
from agreement.i18n import N_, _
from agreement.officezip import open_zip_bounded
from agreement.source.yamlload import invisible
from agreement.word.layout import Styles, fit_table
from agreement.word.measure import BREAKS
from agreement.word.ooxml import XML_SPACE, w

if TYPE_CHECKING:
    from python_redlines import DocxodusEngine

    from agreement.model.metadata import Metadata
    from agreement.outputs.pdf import Office

# The engine: Docxodus (MIT; a maintained fork of Microsoft's Open-XML-PowerTools comparer) through
# python-redlines (MIT), whose wheel carries the self-contained .NET program; nothing is downloaded.
ENGINE = "Docxodus (python-redlines)"
INSTALL_HINT = N_("install it with: pip install 'python-redlines[docxodus]' (or run 'make build')")
MAX_ENGINES = 4  # engines compared side by side at most: each is a .NET process of its own (memory)
RECORD = ".agreement-redlines.json"  # the files the last comparison wrote into its folder: the next one replaces them
WORK_PREFIX = ".agreement-redline-"

# Every WordprocessingML revision element; each carries w:author and w:date.
REVISIONS = frozenset(w(tag) for tag in (
    "ins", "del", "moveFrom", "moveTo", "moveFromRangeStart", "moveToRangeStart",
    "rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "tblPrExChange", "tblGridChange",
    "trPrChange", "tcPrChange", "numberingChange", "cellIns", "cellDel", "cellMerge",
))
# Parts of a document that hold text, and so revisions.
_TEXT_PART = re.compile(r"word/(document|footnotes|endnotes|comments|header\d*|footer\d*)\.xml")
# Inline containers where a w:ins and a w:del are runs side by side; elsewhere (w:rPr, w:trPr) their order is fixed.
_INLINE_PARENTS = frozenset(w(tag) for tag in ("p", "hyperlink", "sdtContent", "smartTag", "customXml", "fldSimple"))
# The PDF shows deleted words red and struck through, inserted words green and underlined (not blue: links are),
# whoever made them (LibreOffice's default colours all of one author's changes alike): Tools > Options >
# LibreOffice Writer > Changes.
COLOURS = (("/org.openoffice.Office.Writer/Revision/TextDisplay/Delete", "Color", str(0xC00000)),
           ("/org.openoffice.Office.Writer/Revision/TextDisplay/Insert", "Color", str(0x00703C)))  # as the ændringsbilag marks them
_NOT_XML = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffe\uffff]+")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def write_redlines(pairs: list[tuple[str, Path, Path]], out_dir: Path, *, author: str, date: dt.datetime,
                   pdf: bool = True, timeout: float = 300.0) -> list[Path]:
    """For each (stem, base DOCX, head DOCX), write `out_dir/<stem>.docx` showing BASE to HEAD as tracked changes.

    Every revision carries `author` and `date`, so the same inputs give the same bytes. With `pdf`, all
    redlines then go through one LibreOffice (started before the comparing, so it boots meanwhile, and stopped at
    the end) into `out_dir/<stem>.pdf`, where the changes show (deleted words struck through in red, inserted
    words underlined in green; see stamp_revisions for how old and new stay readable side by side). Returns the
    files written, DOCX first.
    """
    stems = [stem for stem, _, _ in pairs]
    for stem in stems:
        if not stem or stem in (".", "..") or Path(stem).name != stem:
            raise ValueError(f"redline name {stem!r} is not a plain file name")
    if len(set(stems)) != len(stems):
        raise ValueError("two redlines have the same name")
    for _stem, base, head in pairs:
        for path in (base, head):
            if not path.is_file():
                raise ToolError(_("cannot make a redline: {path} does not exist").format(path=path))
            with contextlib.suppress(zipfile.BadZipFile):  # not a zip at all: the engine says it cannot read it
                open_zip_bounded(path).close()  # the engine unpacks whatever a zip holds
    if not pairs:
        if out_dir.is_dir():
            _publish(out_dir, out_dir, [])  # nothing changed: the earlier comparison's redlines are out of date
        return []
    stamp = word_date(date)
    # A commit's author may hold control characters, which XML cannot carry (nor the engine take), and
    # invisible ones (U+202E), which would make Word show another name.
    author = "".join(c for c in _NOT_XML.sub(" ", author) if not invisible(c))
    engine = _engine()
    office = _office() if pdf else None
    work: Path | None = None
    try:
        # Compare everything before writing anything, so a document the engine cannot read leaves out_dir alone.
        # Each comparison is a process of its own: they run side by side, one per processor.
        with ThreadPoolExecutor(max_workers=min(len(pairs), os.cpu_count() or 1, MAX_ENGINES)) as pool:
            compared = list(pool.map(lambda pair: _compare(engine, pair[1], pair[2], author, stamp), pairs))
        out_dir.mkdir(parents=True, exist_ok=True)
        # Written in a folder of our own beside the targets and renamed into place: never through a link in out_dir.
        work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=out_dir))
        docx_paths = []
        for (stem, _base, _head), data in zip(pairs, compared):
            target = work / f"{stem}.docx"
            target.write_bytes(data)
            stamp_revisions(target, author, stamp)
            docx_paths.append(target)
        pdf_paths: list[Path] = []
        if office is not None:
            pdf_paths = [docx_path.with_suffix(".pdf").absolute() for docx_path in docx_paths]
            for docx_path, pdf_path in zip(docx_paths, pdf_paths):
                office.submit(docx_path.absolute(), pdf_path)
            office.wait(timeout)
            office.close()
            office = None
            from agreement.outputs import pdfmeta

            for docx_path, pdf_path in zip(docx_paths, pdf_paths):
                # The PDF's dates and identifier come from the redline itself, so it is reproducible too.
                pdfmeta.finish(pdf_path, _metadata(docx_path, date.date()), docx_path.read_bytes())
        names = [path.name for path in docx_paths + pdf_paths]
        _publish(work, out_dir, names)
    finally:
        if office is not None:
            office.close()
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    return [out_dir / name for name in names]


def _publish(work: Path, out_dir: Path, names: list[str]) -> None:
    """Rename the redlines `names` from `work` into `out_dir` (a link there is replaced, not written through),
    delete the files the earlier comparison wrote there and this one did not, and record these.

    Only files the record names are ever deleted, and only plain files (not links): the rest of out_dir is the user's.
    """
    earlier: set[str] = set()
    if not (out_dir / RECORD).is_symlink():
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):  # no record, or not one we wrote
            recorded = json.loads((out_dir / RECORD).read_text(encoding="utf-8"))["files"]
            earlier = {name for name in recorded if isinstance(name, str) and name == Path(name).name
                       and name not in ("", "..", RECORD)}
    for name in names:
        (work / name).replace(out_dir / name)
    for name in sorted(earlier - set(names)):
        if (out_dir / name).is_file() and not (out_dir / name).is_symlink():
            (out_dir / name).unlink()
    write_atomic(out_dir / RECORD, json.dumps({"files": names}, indent=1).encode("utf-8"))


def word_date(date: dt.datetime) -> str:
    """`date` as Word writes w:date: ISO 8601 to the second, in UTC ('Z') when the time zone is known."""
    if date.tzinfo is not None:
        return date.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return date.strftime("%Y-%m-%dT%H:%M:%S")


def stamp_revisions(path: Path, author: str, stamp: str) -> None:
    """Give every revision in `path` this author and date, put each deletion before its insertion and keep old and
    new words apart, widen table columns for the deleted words, normalise the zip.

    The engine stamps its own revisions already; doing it here as well keeps the result the same whatever
    the engine's version does with dates, and covers revision kinds it may leave unstamped.
    A deletion right before its insertion ('580.000' then '600.000') would read as one word ('580.000600.000'),
    which a narrow table cell breaks anywhere: it ends in a deleted space, so old and new are two words that go on
    two lines where they do not fit on one (and accepting every change still gives exactly the new document).
    """
    from agreement.files import normalise_zip as normalise

    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info)) for info in src.infolist()]
    styles_xml = dict(entries).get("word/styles.xml")
    styles = Styles.from_xml(etree.fromstring(styles_xml, _PARSER) if styles_xml else None)
    rewritten = []
    for name, data in entries:
        if _TEXT_PART.fullmatch(name):
            data = _stamp_part(data, author, stamp, styles)
        rewritten.append((name, data))
    with zipfile.ZipFile(path, "w") as dst:
        for name, data in rewritten:
            dst.writestr(name, data)
    normalise(path)


def _stamp_part(data: bytes, author: str, stamp: str, styles: Styles) -> bytes:
    root = etree.fromstring(data, _PARSER)
    changed = False
    for node in root.iter(*REVISIONS):
        node.set(w("author"), author)
        node.set(w("date"), stamp)
        changed = True
    if not changed:
        return data
    # The engine writes an insertion before the deletion it replaces; readers expect "old, then new".
    for ins in list(root.iter(w("ins"))):
        parent = ins.getparent()
        following = ins.getnext()
        if parent is not None and parent.tag in _INLINE_PARENTS and following is not None and following.tag == w("del"):
            ins.addprevious(following)
    for deleted in root.iter(w("del")):
        _apart(deleted)
    for table in root.iter(w("tbl")):
        fit_table(table, styles)  # only where a word, old or new, is wider than its column
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _apart(deleted: etree._Element) -> None:
    """End a deletion that runs straight into its insertion with a deleted space (see stamp_revisions)."""
    inserted = deleted.getnext()
    parent = deleted.getparent()
    if inserted is None or inserted.tag != w("ins") or parent is None or parent.tag not in _INLINE_PARENTS:
        return
    texts = list(deleted.iter(w("delText")))
    new = "".join(t.text or "" for t in inserted.iter(w("t")))
    if not texts or not new or new[0] in BREAKS or (texts[-1].text or " ")[-1:] in BREAKS:
        return
    texts[-1].text = f"{texts[-1].text} "
    texts[-1].set(XML_SPACE, "preserve")


def _office() -> Office:
    """LibreOffice for the PDFs, started now so it boots while the engine compares; see agreement.outputs.pdf.Office."""
    from agreement.outputs.pdf import Office

    return Office(settings=COLOURS).start()


def _engine() -> DocxodusEngine:
    try:
        from python_redlines import DocxodusEngine, EngineNotInstalledError
    except ImportError:
        raise ToolError(_("the redline engine {engine} is not installed; {hint}").format(engine=ENGINE, hint=_(INSTALL_HINT))) from None
    try:
        return DocxodusEngine()
    except EngineNotInstalledError:
        raise ToolError(_("the redline engine {engine} is not installed; {hint}").format(engine=ENGINE, hint=_(INSTALL_HINT))) from None
    except OSError as exc:  # an unsupported platform, or a cache folder it cannot unpack into
        raise ToolError(_("the redline engine {engine} cannot run here ({reason})").format(engine=ENGINE, reason=exc)) from None


def _compare(engine: DocxodusEngine, base: Path, head: Path, author: str, stamp: str) -> bytes:
    from python_redlines import EngineExecutionError

    try:
        redline, _stdout, _stderr = engine.run_redline(author, original=base, modified=head, date_time=stamp)
    except EngineExecutionError as exc:
        lines = (exc.stderr or exc.stdout or "").strip().splitlines()
        reason = lines[-1].strip() if lines else _("exit code {code}").format(code=exc.returncode)
        raise ToolError(_("the redline engine could not compare {base} with {head} ({reason}); check that both open in Word or "
                          "LibreOffice").format(base=base.name, head=head.name, reason=reason)) from None
    except OSError as exc:
        raise ToolError(_("the redline engine {engine} could not be started ({reason})").format(
            engine=ENGINE, reason=exc.strerror or exc)) from None
    if not redline:
        raise ToolError(_("the redline engine wrote nothing for {base} and {head}").format(base=base.name, head=head.name))
    return cast(bytes, redline)  # python-redlines has no type information


def _metadata(docx_path: Path, date: dt.date) -> Metadata:
    """The redline's own core properties (title, parties, ...) as PDF metadata, dated by the change."""
    from docx import Document

    from agreement.model.metadata import Metadata

    core = Document(str(docx_path)).core_properties
    return Metadata(title=core.title or docx_path.stem, author=core.author or "", subject=core.subject or "",
                    keywords=core.keywords or "", date=date, language=core.language or "da-DK")

