"""The ændringsbilag: what changed in the documents since the version LBF approved, as a document kind of its own."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from agreement import formatting as fmt
from agreement.documents.blocks import Block, Cell, Markdown, Marked, Row, Table
from agreement.documents.parties import programme_context, programme_metadata, upload_name
from agreement.documents.registry import DocumentKind
from agreement.documents.spec import DocumentSpec
from agreement.model.programme import Programme
from agreement.review.diff import ADDED, CHANGED, REMOVED, UNCHANGED, Change, Comparison, DocumentChange, FigureChange, word_diff
from agreement.review.text import FRONT_PAGE, FRONT_PAGE_TITLE

KIND = "aendringsbilag"
TEMPLATE = "aendringsbilag.docx"
NAME = "Ændringsbilag"
STATUS = {ADDED: "nyt", REMOVED: "udgår", CHANGED: "ændret", UNCHANGED: "uændret"}
NONE = "–"
_LABELS = {(CHANGED, False): "Ændret:", (ADDED, False): "Tilføjet:", (REMOVED, False): "Slettet:",
           (CHANGED, True): "Ændret række:", (ADDED, True): "Ny række:", (REMOVED, True): "Slettet række:"}
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def kind(comparison: Comparison, since_date: dt.date, redlines: Mapping[str, str]) -> DocumentKind:
    """The ændringsbilag of `comparison` (BASE: the approved version, dated `since_date`) as a kind that reads no
    content of its own; `redlines` names the Word file with tracked changes of each changed document, by file stem."""
    def documents(programme: Programme) -> list[DocumentSpec]:
        return [spec(programme, comparison, since_date, redlines)]

    return DocumentKind(name=KIND, label=NAME, source="", schema="", template=TEMPLATE, model=None,
                        documents=documents, reads_content=False)


def spec(programme: Programme, comparison: Comparison, since_date: dt.date, redlines: Mapping[str, str]) -> DocumentSpec:
    strategic = programme.strategic
    # Dated by the revised version (its commit's author), as its redlines are: the same versions, the same bytes.
    meta = programme_metadata(strategic, NAME, "ændringsbilag", comparison.author.date.date())
    return DocumentSpec(KIND, meta.title, KIND, TEMPLATE, context(programme, comparison, since_date, redlines), meta,
                        upload_name(programme, NAME), strategic.source.draft_at)


def context(programme: Programme, comparison: Comparison, since_date: dt.date,
            redlines: Mapping[str, str]) -> dict[str, Any]:
    documents = comparison.documents
    changed = sum(doc.status != UNCHANGED for doc in documents)
    head = comparison.head
    return {
        **programme_context(programme),
        "since": comparison.base.label,
        "since_date": fmt.date_long(since_date),
        "head": "indholdet, som det er nu" if head.commit is None else head.label,
        "summary": (f"{changed} af {len(documents)} dokumenter er ændret siden den "
                    "godkendte version." if changed else
                    "Ingen af dokumenterne er ændret siden den godkendte version."),
        "overview": Table([Row([Cell("Dokument"), Cell("Ændring"), Cell("Ændrede afsnit")], header=True)] + [
            Row([Cell(doc.title), Cell(STATUS[doc.status]), Cell(_sections(doc))]) for doc in documents
        ]),
        "changes": [block for doc in documents if doc.status != UNCHANGED for block in _document(doc, redlines)]
        or [Markdown("Ingen ændringer.")],
        "follow_up": _figures(comparison.follow_up, "Måling") if comparison.follow_up else "",
    }


def _sections(doc: DocumentChange) -> str:
    titles = [_title(section.title) for section in doc.sections]
    if doc.figures:
        titles.append("nøgletal")
    return "; ".join(titles)


def _document(doc: DocumentChange, redlines: Mapping[str, str]) -> list[Block]:
    """A Heading 2 with the document's title, then what happened to it: new, removed, or each change by section."""
    out: list[Block] = [_heading(doc.title, 1)]
    if doc.status == ADDED:
        return [*out, Markdown("Dokumentet er nyt i denne version.")]
    if doc.status == REMOVED:
        return [*out, Markdown("Dokumentet udgår i denne version.")]
    if doc.stem in redlines:
        out.append(Markdown(f"Ændringerne står også som registrerede ændringer i Word-filen »{_escape(redlines[doc.stem])}«."))
    if doc.old_title:
        out.append(Marked("Ny titel:", word_diff(doc.old_title, doc.title)))
    if doc.figures:
        out += [_heading("Nøgletal", 2), _figures(doc.figures, "Nøgletal")]
    for section in doc.sections:
        title = _title(section.title)
        if section.old_title:
            title += f" (tidligere {_title(section.old_title)})"
        if section.status != CHANGED:
            title += " (nyt afsnit)" if section.status == ADDED else " (afsnittet udgår)"
        out.append(_heading(title, 2))
        out.extend(_change(change) for change in section.changes)
    return out


def _change(change: Change) -> Marked:
    label = _LABELS[change.status, change.row]
    if change.status == ADDED:
        return Marked(label, (("+", change.new or ""),))
    if change.status == REMOVED:
        return Marked(label, (("-", change.old or ""),))
    return Marked(label, change.words)


def _figures(figures: tuple[FigureChange, ...], what: str) -> Table:
    rows = [Row([Cell(what), Cell("Før", align="right"), Cell("Nu", align="right")], header=True)]
    rows += [Row([Cell(f.name), Cell(f.old or NONE, align="right"), Cell(f.new or NONE, align="right")]) for f in figures]
    return Table(rows)


def _title(title: str) -> str:
    return FRONT_PAGE_TITLE if title == FRONT_PAGE else title


def _heading(text: str, level: int) -> Markdown:
    """`text` as Heading 2 (`level` 1) or 3 (2), below the template's Heading 1: Markdown escaped to the letter."""
    return Markdown(f"{'#' * level} {_escape(text)}", 2)


def _escape(text: str) -> str:
    """Text as Markdown that shows exactly these characters (CommonMark lets any ASCII punctuation be escaped)."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(text.split()))
