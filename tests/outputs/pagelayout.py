"""What the layout corpus checks in a built PDF against its Word file: where kept paragraphs and short tables land."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from agreement.word.ooxml import w
from tests.conftest import poppler

PAGE_HEIGHT = 842.0
BOTTOM = 1247 / 20  # the templates' bottom margin in points: lines below it are the footer
TOP = 1417 / 20
LONGEST_SHORT_TABLE = 15  # body rows; a table of at most this many moves as a whole
# pdftotext writes UTF-8 without saying so in its HTML head; read otherwise, æ, ø and å match nothing in the Word file.
_UTF8 = etree.HTMLParser(encoding="utf-8")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()


@dataclass(frozen=True)
class Line:
    page: int
    top: float
    text: str


def body_lines(pdf: Path) -> list[list[Line]]:
    """Each page's lines of text between the header and the footer, top to bottom (pdftotext -bbox-layout)."""
    root = etree.fromstring(poppler("pdftotext", pdf, "-bbox-layout"), _UTF8)
    pages = []
    for n, page in enumerate(root.iter("page")):
        found = []
        for line in page.iter("line"):
            top, bottom = float(line.get("ymin")), float(line.get("ymax"))
            text = _norm(" ".join(word.text or "" for word in line.iter("word")))
            if text and top > TOP - 2 and bottom < PAGE_HEIGHT - BOTTOM + 2:
                found.append(Line(n + 1, top, text))
        pages.append(sorted(found, key=lambda x: x.top))
    return pages


def _text(node: etree._Element) -> str:
    return _norm("".join(t.text or "" for t in node.iter(w("t"))))


def _styles_keeping(z: zipfile.ZipFile) -> set[str]:
    root = etree.fromstring(z.read("word/styles.xml"))
    raw = {s.get(w("styleId")): s for s in root.iter(w("style"))}
    kept = set()
    for ident, style in raw.items():
        seen, node = set(), style
        while node is not None and node.get(w("styleId")) not in seen:
            seen.add(node.get(w("styleId")))
            keep = node.find(f"{w('pPr')}/{w('keepNext')}")
            if keep is not None:
                if keep.get(w("val"), "true") not in ("0", "false"):
                    kept.add(ident)
                break
            based = node.find(w("basedOn"))
            node = raw.get(based.get(w("val"))) if based is not None else None
    return kept


# An activity's "Understøtter: delmål 2" line stays with the body below it, whatever the Word file says.
ALWAYS_KEPT = re.compile(r"^Understøtter: ")


def kept_paragraphs(docx: Path) -> list[str]:
    """The text of every paragraph outside tables that is to stay with the next one (keepNext, own or by style),
    and of every paragraph ALWAYS_KEPT matches."""
    with zipfile.ZipFile(docx) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(w("body"))
        styles = _styles_keeping(z)
    found = []
    for p in body.iter(w("p")):
        if any(a.tag == w("tc") for a in p.iterancestors()):
            continue
        ppr = p.find(w("pPr"))
        own = ppr.find(w("keepNext")) if ppr is not None else None
        style = ppr.find(w("pStyle")) if ppr is not None else None
        keep = (own.get(w("val"), "true") not in ("0", "false")) if own is not None else (
            style is not None and style.get(w("val")) in styles)
        if (keep or ALWAYS_KEPT.match(_text(p))) and _text(p):
            found.append(_text(p))
    return found


def short_tables(docx: Path) -> list[tuple[str, str]]:
    """(first row's text, last row's text) of every data table of at most LONGEST_SHORT_TABLE body rows that the
    layout moves as a whole."""
    with zipfile.ZipFile(docx) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(w("body"))
    found = []
    for tbl in body.iter(w("tbl")):
        if tbl.find(f"{w('tblPr')}/{w('tblStyle')}") is None:
            continue
        rows = [tr for tr in tbl.findall(w("tr")) if _text(tr)]
        body_rows = [tr for tr in rows if tr.find(f"{w('trPr')}/{w('tblHeader')}") is None]
        # A table the layout moves whole (tests/word/test_layout.py holds it to which ones: up to
        # LONGEST_SHORT_TABLE body rows and under two thirds of a page, so the page before it stays a third full).
        whole = all(p.find(f"{w('pPr')}/{w('keepNext')}") is not None for tr in rows[:-1] for p in tr.iter(w("p")))
        if len(rows) > 1 and len(body_rows) <= LONGEST_SHORT_TABLE and whole:
            found.append((_first_words(rows[0]), _first_words(rows[-1])))
    return found


def _first_words(tr: etree._Element) -> str:
    """The row's text without spaces (soft hyphens and breaks make no difference then)."""
    return re.sub(r"\s+", "", "".join(_text(tc) for tc in tr.findall(w("tc"))))


def stranded(pdf: Path, docx: Path) -> list[str]:
    """Kept paragraphs that end a page (not the last): a heading or activity title without its first lines."""
    pages = body_lines(pdf)
    kept = kept_paragraphs(docx)
    found = []
    for page in pages[:-1]:
        if not page:
            continue
        last = page[-1].text
        for text in kept:
            if text.endswith(last) and (len(last) > 12 or text == last):
                found.append(f"page {page[-1].page}: {text!r}")
                break
    return found


def split_tables(pdf: Path, docx: Path) -> list[str]:
    """Short tables whose first and last rows are printed on different pages.

    Rows are found in the text of the whole document read in pdftotext's order (a cell's lines together), without
    spaces, each after the one before, so a row text that occurs twice is taken where the table is."""
    root = etree.fromstring(poppler("pdftotext", pdf, "-bbox-layout"), _UTF8)
    text, page_of = "", []
    for n, page in enumerate(root.iter("page")):
        for word in page.iter("word"):
            piece = re.sub(r"\s+", "", (word.text or "").replace("\u00ad", ""))
            text += piece
            page_of.extend([n + 1] * len(piece))
    found = []
    at = 0
    for first, last in short_tables(docx):
        begin = text.find(first, at)
        if begin < 0:
            continue
        end = text.find(last, begin)
        if end >= 0 and page_of[end] != page_of[begin]:
            found.append(f"a table from {first!r} (page {page_of[begin]}) to {last!r} (page {page_of[end]})")
        at = begin + 1
    return found
