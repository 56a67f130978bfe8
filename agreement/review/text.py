"""The rendered words of every document of a content folder, by section, and its key figures, from a DOCX-only build
(no LibreOffice)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from agreement.documents.registry import Registry
from agreement.i18n import N_
from agreement.pipeline import build
from agreement.word.ooxml import block_elements, w
from agreement.word.reading import PARSER, TextWalker, footnotes, picture_texts

if TYPE_CHECKING:
    from agreement.documents.spec import DocumentSpec
    from agreement.model.programme import Programme

FRONT_PAGE = N_("(front page)")  # the name of what comes before the first Heading 1 (translated where shown)
FRONT_PAGE_TITLE = "Forsiden"  # its name in a document's Danish text (the ændringsbilag), whatever the messages' language
_NOTE_MARK = re.compile(r"\s*\[\^\d+\]")


@dataclass(frozen=True)
class Item:
    """A paragraph (one cell) or a table row (its cells), as the reader sees it."""

    cells: tuple[str, ...]
    row: bool = False

    @property
    def text(self) -> str:
        """The cells joined by ' | '; empty cells at the end (a timeline's unshaded quarters) left out."""
        cells = list(self.cells)
        while len(cells) > 1 and not cells[-1]:
            cells.pop()
        return " | ".join(cells)


@dataclass(frozen=True)
class Section:
    """A Heading 1 and everything up to the next one."""

    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class DocumentText:
    """One built document: its kind and title from the manifest, its file stem, the DOCX and its sections."""

    kind: str
    title: str
    stem: str
    docx: Path
    sections: tuple[Section, ...]
    figures: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Rendered:
    """One version's documents, and its follow-up measurements (which make no document) by name."""

    documents: list[DocumentText]
    follow_up: dict[str, str]


def rendered(content_dir: Path, out_dir: Path, *, uploaded_only: bool = False) -> Rendered:
    """Build the DOCX of every document of `content_dir` into `out_dir` (`uploaded_only`: of the kinds that go in
    the upload package, without the yearly reports); read each one's sections and key figures.

    The content is checked first: ContentErrors (or TemplateProblems) when it does not pass `check`.
    """
    from agreement.review.figures import follow_up_figures, key_figures

    registry = _Remembering(uploaded_only)
    result = build(content_dir, out_dir, ("docx",), progress=None, registry=registry)
    assert registry.programme is not None  # the build made its documents from it
    figures = key_figures(registry.programme)
    documents = []
    for doc in result.documents:
        path = result.out_dir / doc.files["docx"]
        documents.append(DocumentText(doc.kind, doc.title, path.stem, path, tuple(docx_sections(path)),
                                      figures.get(path.stem, {})))
    return Rendered(documents, follow_up_figures(registry.programme))


class _Remembering(Registry):
    """The built-in document kinds, remembering the programme the build made its documents from, so the key
    figures come from the content the build read (and the content is not read and checked twice)."""

    def __init__(self, uploaded_only: bool = False) -> None:
        from agreement.documents.builtin import KINDS

        super().__init__(tuple((KINDS.uploaded() if uploaded_only else KINDS).kinds()))
        self.programme: Programme | None = None

    def specs(self, programme: Programme) -> list[DocumentSpec]:
        self.programme = programme
        return super().specs(programme)


def docx_sections(path: Path) -> list[Section]:
    """The sections of a DOCX: paragraphs with their text, tables as rows of cells; empty paragraphs left out."""
    with zipfile.ZipFile(path) as docx:
        body = etree.fromstring(docx.read("word/document.xml"), PARSER).find(w("body"))
        headings = _heading_styles(docx)
        notes = _footnotes(docx)
    reader = _Reader(headings, notes)
    sections: list[Section] = []
    title, items = FRONT_PAGE, list[Item]()
    for item, heading in reader.blocks(body if body is not None else etree.Element(w("body"))):
        if heading:
            if items or title != FRONT_PAGE:
                sections.append(Section(title, tuple(items)))
            # A footnote mark in a heading is no part of its name: its number shifts when notes are added before it.
            title, items = _NOTE_MARK.sub("", item.text), []
        else:
            items.append(item)
    if items or title != FRONT_PAGE:
        sections.append(Section(title, tuple(items)))
    return sections


class _Reader(TextWalker):
    """Paragraphs with their words on one line, in document order; a footnote's text follows the paragraph that
    refers to it, a text box's words stand where the box is."""

    def __init__(self, headings: set[str], notes: dict[str, str]) -> None:
        super().__init__()
        self.headings = headings
        self.notes = notes

    def blocks(self, container: etree._Element) -> Iterator[tuple[Item, bool]]:
        """(item, is it a Heading 1) for every paragraph and table row with text."""
        for child in block_elements(container):
            if child.tag == w("p"):
                referred: list[str] = []
                text = " ".join(self.text(child, self._box, referred).split())
                if text:
                    yield Item((text,)), self._style(child) in self.headings
                yield from ((Item((picture,)), False) for picture in picture_texts(child))
                for ident in referred:
                    if self.notes.get(ident):
                        yield Item((f"[^{self.numbers[ident]}]: {self.notes[ident]}",)), False
            else:
                yield from ((row, False) for row in self._rows(child))

    def _rows(self, table: etree._Element) -> Iterator[Item]:
        for row in table.iterchildren(w("tr")):
            cells = tuple(" ".join(item.text for item, _ in self.blocks(cell)) for cell in row.iterchildren(w("tc")))
            if any(cells):
                yield Item(cells, row=True)

    def _box(self, box: etree._Element) -> str:
        return " " + " ".join(item.text for item, _ in self.blocks(box)) + " "

    @staticmethod
    def _style(paragraph: etree._Element) -> str:
        style = paragraph.find(f"{w('pPr')}/{w('pStyle')}")
        return style.get(w("val"), "") if style is not None else ""


def _heading_styles(docx: zipfile.ZipFile) -> set[str]:
    """The style ids of Heading 1: 'Heading1', and any style named 'heading 1' (a template saved by a Danish Word)."""
    ids = {"Heading1"}
    if "word/styles.xml" in docx.namelist():
        for style in etree.fromstring(docx.read("word/styles.xml"), PARSER).iterchildren(w("style")):
            name = style.find(w("name"))
            if name is not None and name.get(w("val"), "").lower() == "heading 1":
                ids.add(style.get(w("styleId"), ""))
    return ids


def _footnotes(docx: zipfile.ZipFile) -> dict[str, str]:
    if "word/footnotes.xml" not in docx.namelist():
        return {}
    reader = _Reader(set(), {})
    root = etree.fromstring(docx.read("word/footnotes.xml"), PARSER)
    return {ident: " ".join(item.text for item, _ in reader.blocks(note)) for ident, note in footnotes(root)}
