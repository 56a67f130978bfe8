"""What changed between the documents of two versions of the content: per document and section, in words."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from agreement.errors import ContentError, ContentErrors, Location, TemplateProblems
from agreement.review.revisions import Author, Revision, versions
from agreement.review.text import DocumentText, Item, Rendered, Section, rendered

ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"
SIMILAR = 0.5  # two paragraphs sharing at least this share of their words are one paragraph changed, not two
# '3. Organisering' is still the same section when a section before it is added and it becomes '4. Organisering'.
_NUMBERING = re.compile(r"^\d+(\.\d+)*\.?\s+")

Segment = tuple[str, str]  # ('=' | '-' | '+', words)


@dataclass(frozen=True)
class Change:
    """A paragraph or table row added, removed or changed; `words` says which words changed in a changed one."""

    status: str
    row: bool
    old: str | None
    new: str | None
    words: tuple[Segment, ...] = ()


@dataclass(frozen=True)
class SectionChange:
    title: str
    status: str
    changes: tuple[Change, ...]
    old_title: str | None = None  # set when the heading itself was reworded


@dataclass(frozen=True)
class FigureChange:
    name: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class DocumentChange:
    """One document in BASE, HEAD or both, and what changed in it."""

    kind: str
    title: str
    stem: str
    status: str
    old_title: str | None = None  # set when the title changed (a new period, say)
    sections: tuple[SectionChange, ...] = ()
    figures: tuple[FigureChange, ...] = ()
    base_docx: Path | None = None
    head_docx: Path | None = None


@dataclass(frozen=True)
class Comparison:
    base: Revision
    head: Revision
    author: Author
    documents: tuple[DocumentChange, ...]
    follow_up: tuple[FigureChange, ...] = ()  # measurements of the yearly follow-up files, old -> new

    @property
    def changed(self) -> bool:
        return bool(self.follow_up) or any(doc.status != UNCHANGED for doc in self.documents)

    def redline_pairs(self) -> list[tuple[str, Path, Path]]:
        """(file stem, BASE docx, HEAD docx) of every document changed in place, for Word redlines."""
        return [(doc.stem, doc.base_docx, doc.head_docx) for doc in self.documents
                if doc.status == CHANGED and doc.base_docx is not None and doc.head_docx is not None]


@contextmanager
def compare(content_dir: Path, base: str | None = None, head: str | None = None) -> Iterator[Comparison]:
    """Build both versions' DOCX files in a temporary folder and compare them; the files live until the block ends.

    `base` and `head` are git revisions; HEAD defaults to the working tree, BASE to the merge-base of HEAD and
    the default branch (see agreement.review.revisions). A version whose content does not pass `check` raises
    its ContentErrors, each located as git names the file ('main:content/budget.yaml:12:5').
    """
    with tempfile.TemporaryDirectory(prefix="agreement-diff-") as scratch:
        folder = Path(scratch)
        base_rev, head_rev, author = versions(content_dir, base, head, folder / "source")
        base_out, head_out = folder / "base", folder / "head"
        old = _documents(base_rev, folder / "source" / "base", base_out)
        # A document HEAD did not change is the same in both builds: HEAD is built into a copy of BASE's output,
        # whose build cache holds it.
        shutil.copytree(base_out, head_out)
        new = _documents(head_rev, folder / "source" / "head", head_out)
        yield Comparison(base_rev, head_rev, author, tuple(compare_documents(old.documents, new.documents)),
                         tuple(compare_figures(old.follow_up, new.follow_up)))


def compare_documents(old: Sequence[DocumentText], new: Sequence[DocumentText]) -> list[DocumentChange]:
    """Pair the documents by kind and title (else kind and file, so a retitled document is still one), and compare."""
    pairs: dict[int, int] = {}
    key: Callable[[DocumentText], tuple[str, str]]
    for key in (lambda d: (d.kind, d.title), lambda d: (d.kind, d.stem)):
        free = {key(d): i for i, d in enumerate(old) if i not in pairs}
        for j, doc in enumerate(new):
            if j not in pairs.values() and key(doc) in free:
                pairs[free.pop(key(doc))] = j
    by_new = {j: i for i, j in pairs.items()}
    out: list[tuple[float, DocumentChange]] = []
    for j, doc in enumerate(new):
        i = by_new.get(j)
        out.append((j, _added(doc) if i is None else compare_document(old[i], doc)))
    for i, doc in enumerate(old):
        if i not in pairs:  # a removed document goes just after the documents that came before it in BASE
            before = [pairs[k] for k in pairs if k < i]
            out.append(((max(before) if before else -1) + 0.5, _removed(doc)))
    return [change for _, change in sorted(out, key=lambda pair: pair[0])]


def compare_document(old: DocumentText, new: DocumentText) -> DocumentChange:
    sections = tuple(compare_sections(old.sections, new.sections))
    figures = tuple(compare_figures(old.figures, new.figures))
    renamed = old.title if old.title != new.title else None
    status = CHANGED if sections or figures or renamed else UNCHANGED
    return DocumentChange(new.kind, new.title, new.stem, status, renamed, sections, figures, old.docx, new.docx)


def compare_sections(old: Sequence[Section], new: Sequence[Section]) -> list[SectionChange]:
    """Sections are matched by heading (numbers aside); within each, the paragraphs and rows that changed."""
    matcher = SequenceMatcher(None, [_key(s.title) for s in old], [_key(s.title) for s in new], autojunk=False)
    out = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for a, b in zip(old[i1:i2], new[j1:j2]):
                changes = compare_items(a.items, b.items)
                renamed = a.title if a.title != b.title else None
                if changes or renamed:
                    out.append(SectionChange(b.title, CHANGED, tuple(changes), renamed))
        else:
            out.extend(SectionChange(s.title, REMOVED, tuple(_removed_item(i) for i in s.items)) for s in old[i1:i2])
            out.extend(SectionChange(s.title, ADDED, tuple(_added_item(i) for i in s.items)) for s in new[j1:j2])
    return out


def compare_items(old: Sequence[Item], new: Sequence[Item]) -> list[Change]:
    """Paragraphs and rows added, removed, or changed word by word, in document order."""
    matcher = SequenceMatcher(None, [(i.row, i.text) for i in old], [(i.row, i.text) for i in new], autojunk=False)
    out: list[Change] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "delete":
            out.extend(_removed_item(i) for i in old[i1:i2])
        elif tag == "insert":
            out.extend(_added_item(i) for i in new[j1:j2])
        elif tag == "replace":
            out.extend(_pair(old[i1:i2], new[j1:j2]))
    return out


def word_diff(old: str, new: str) -> tuple[Segment, ...]:
    """The words of `old` and `new` as runs kept ('='), removed ('-') and added ('+'), in reading order."""
    a, b = old.split(), new.split()
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            segments.append(("=", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(("-", " ".join(a[i1:i2])))
        if j2 > j1:
            segments.append(("+", " ".join(b[j1:j2])))
    return tuple(segments)


def row_diff(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[Segment, ...]:
    """A table row's changed words cell by cell, the cells joined by '|' (a changed amount stays in its column)."""
    segments: list[Segment] = []
    for n, (a, b) in enumerate(zip(old, new)):
        if n:
            segments.append(("=", "|"))
        segments.extend(word_diff(a, b) if a != b else [("=", a)] if a else [])
    merged: list[Segment] = []
    for op, words in segments:
        if merged and merged[-1][0] == op:
            merged[-1] = (op, f"{merged[-1][1]} {words}")
        else:
            merged.append((op, words))
    return tuple(merged)


def compare_figures(old: dict[str, str], new: dict[str, str]) -> list[FigureChange]:
    names = [*new, *(name for name in old if name not in new)]
    return [FigureChange(name, old.get(name), new.get(name)) for name in names if old.get(name) != new.get(name)]


def _pair(old: Sequence[Item], new: Sequence[Item]) -> Iterator[Change]:
    """Within a replaced run, each old item changed into the next similar new one; the rest removed or added."""
    j = 0
    for item in old:
        match = next((k for k in range(j, len(new)) if _similar(item, new[k])), None)
        if match is None:
            yield _removed_item(item)
            continue
        yield from (_added_item(n) for n in new[j:match])
        yield Change(CHANGED, item.row, item.text, new[match].text, _item_diff(item, new[match]))
        j = match + 1
    yield from (_added_item(n) for n in new[j:])


def _item_diff(old: Item, new: Item) -> tuple[Segment, ...]:
    if old.row and len(old.cells) == len(new.cells):
        return row_diff(old.cells, new.cells)
    return word_diff(old.text, new.text)


def _similar(a: Item, b: Item) -> bool:
    if a.row != b.row:
        return False
    if a.row and a.cells[0] and a.cells[0] == b.cells[0]:
        return True  # the same row label: its amounts or roles changed
    matcher = SequenceMatcher(None, a.text.split(), b.text.split(), autojunk=False)
    return matcher.real_quick_ratio() >= SIMILAR and matcher.quick_ratio() >= SIMILAR and matcher.ratio() >= SIMILAR


def _key(title: str) -> str:
    return _NUMBERING.sub("", title)


def _added_item(item: Item) -> Change:
    return Change(ADDED, item.row, None, item.text)


def _removed_item(item: Item) -> Change:
    return Change(REMOVED, item.row, item.text, None)


def _added(doc: DocumentText) -> DocumentChange:
    return DocumentChange(doc.kind, doc.title, doc.stem, ADDED, head_docx=doc.docx)


def _removed(doc: DocumentText) -> DocumentChange:
    return DocumentChange(doc.kind, doc.title, doc.stem, REMOVED, base_docx=doc.docx)


def _documents(revision: Revision, exported: Path, out_dir: Path) -> Rendered:
    """The documents of one version with their key figures, and its follow-up measurements; its content errors
    located as git names the files."""
    try:
        version = rendered(revision.content, out_dir)
    except ContentErrors as exc:
        raise ContentErrors([_located(error, revision, exported) for error in exc.errors]) from None
    except TemplateProblems as exc:
        prefix = f"{exported.resolve()}/"
        raise TemplateProblems([p.replace(prefix, revision.display("")) for p in exc.problems]) from None
    return version


def _located(error: ContentError, revision: Revision, exported: Path) -> ContentError:
    if error.location is None or revision.commit is None:
        return error
    try:
        relative = Path(error.location.path).resolve().relative_to(exported.resolve())
    except ValueError:
        return error
    return ContentError(error.message, Location(revision.display(relative.as_posix()), error.location.line,
                                                error.location.column))
