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
# What word_diff compares: a word (an amount, a date or a compound held together by its dots, commas, slashes and
# hyphens: '1.595.000', '88,9', '2021-2025', 'Bæk-Fosgården'; a name with its '@') or one punctuation mark, each with
# the space before it.
_TOKEN = re.compile(r"\s*(@?\w+(?:[.,:/'’-]\w+)*|\S)")
# Beyond this many word pairs in the changed middle of two texts, the alignment is difflib's, not the best one.
_MOST_PAIRS = 250_000

Segment = tuple[str, str]  # ('=' | '-' | '+', text): see word_diff


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
def compare(content_dir: Path, base: str | None = None, head: str | None = None, *,
            uploaded_only: bool = False) -> Iterator[Comparison]:
    """Build both versions' DOCX files in a temporary folder and compare them; the files live until the block ends.
    `uploaded_only`: only the documents of the upload package (no yearly reports).

    `base` and `head` are git revisions; HEAD defaults to the working tree, BASE to the merge-base of HEAD and
    the default branch (see agreement.review.revisions). A version whose content does not pass `check` raises
    its ContentErrors, each located as git names the file ('main:content/budget.yaml:12:5').
    """
    with tempfile.TemporaryDirectory(prefix="agreement-diff-") as scratch:
        folder = Path(scratch)
        base_rev, head_rev, author = versions(content_dir, base, head, folder / "source")
        base_out, head_out = folder / "base", folder / "head"
        old = _documents(base_rev, folder / "source" / "base", base_out, uploaded_only)
        # A document HEAD did not change is the same in both builds: HEAD is built into a copy of BASE's output,
        # whose build cache holds it.
        shutil.copytree(base_out, head_out)
        new = _documents(head_rev, folder / "source" / "head", head_out, uploaded_only)
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
    """`old` and `new` as runs of words and punctuation kept ('='), removed ('-') and added ('+'), in reading order.

    Each run's text is exactly as written, spaces included: the kept and added runs together are `new`, the kept
    (as `new` spaces them) and removed ones `old`. The space before added words is the kept run's (where they
    replace removed words, the space both start with); a change's run starts with a space only otherwise
    ('attraktivt', '-' ' og', '+' ',', '=' ' trygt ', '+' 'og grønt').
    The words kept are the most text the two have in common, in whole words ('trygt' rather than 'og' in
    'attraktivt og trygt' -> 'attraktivt, trygt og grønt'), and a short kept run between two longer changes
    becomes part of them (see _cleaned), so a rewritten sentence reads as old and new, not as scattered words.
    """
    a, b = list(_TOKEN.finditer(old)), list(_TOKEN.finditer(new))
    runs = _cleaned(_runs([m.group(1) for m in a], [m.group(1) for m in b]), a, b)
    segments: list[Segment] = []
    for kept, i1, i2, j1, j2 in runs:
        if kept:
            segments.append(("=", _text(new, b, j1, j2)))
            continue
        removed, added = _text(old, a, i1, i2), _text(new, b, j1, j2)
        space = added[:len(added) - len(added.lstrip())]
        if removed:  # only the space both start with
            space = space[:next((n for n, (x, y) in enumerate(zip(space, removed)) if x != y), min(len(space), len(removed)))]
        if space and segments:
            segments[-1] = ("=", segments[-1][1] + space)  # the space both sides have stays outside the change
            removed, added = removed[len(space):], added[len(space):]
        segments.extend((op, text) for op, text in (("-", removed), ("+", added)) if text)
    return tuple(segments)


Run = tuple[bool, int, int, int, int]  # kept?, old tokens [i1, i2), new tokens [j1, j2)


def _runs(a: list[str], b: list[str]) -> list[Run]:
    """Alternating kept and changed runs of the token lists `a` and `b`, keeping the common tokens longest in
    characters (a longest common subsequence weighted by length)."""
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[len(a) - 1 - end] == b[len(b) - 1 - end]:
        end += 1
    middle_a, middle_b = a[start:len(a) - end], b[start:len(b) - end]
    pairs = [(i, i) for i in range(start)]
    if len(middle_a) * len(middle_b) > _MOST_PAIRS:
        matcher = SequenceMatcher(None, middle_a, middle_b, autojunk=False)
        pairs += [(start + i + k, start + j + k) for i, j, size in matcher.get_matching_blocks() for k in range(size)]
    else:
        pairs += [(start + i, start + j) for i, j in _heaviest_common(middle_a, middle_b)]
    pairs += [(len(a) - end + k, len(b) - end + k) for k in range(end)]
    runs: list[Run] = []
    i = j = 0
    for x, y in [*pairs, (len(a), len(b))]:
        if x > i or y > j:
            runs.append((False, i, x, j, y))
        if x < len(a):
            if runs and runs[-1][0]:
                runs[-1] = (True, runs[-1][1], x + 1, runs[-1][3], y + 1)
            else:
                runs.append((True, x, x + 1, y, y + 1))
        i, j = x + 1, y + 1
    return runs


def _heaviest_common(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """The index pairs of the common subsequence of `a` and `b` with the most characters; deletions first on a tie."""
    best = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]  # best[i][j]: of a[i:] and b[j:]
    for i in range(len(a) - 1, -1, -1):
        row, below, token = best[i], best[i + 1], a[i]
        for j in range(len(b) - 1, -1, -1):
            row[j] = below[j + 1] + len(token) if token == b[j] else max(below[j], row[j + 1])
    pairs = []
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j] and best[i][j] == best[i + 1][j + 1] + len(a[i]):
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def _cleaned(runs: list[Run], a: list[re.Match[str]], b: list[re.Match[str]]) -> list[Run]:
    """A kept run between two changes, under half as long as what either of them removes or adds, joins them
    (so a rewritten sentence's 'og' joins its changes, while ' kr., ' between two changed amounts stays)."""
    def size(tokens: list[re.Match[str]], start: int, stop: int) -> int:
        return sum(len(m.group(1)) for m in tokens[start:stop])

    def change(run: Run) -> int:
        return max(size(a, run[1], run[2]), size(b, run[3], run[4]))

    merged = True
    while merged:
        merged = False
        for n in range(1, len(runs) - 1):
            kept = runs[n]
            if kept[0] and 2 * size(b, kept[3], kept[4]) < min(change(runs[n - 1]), change(runs[n + 1])):
                before, after = runs[n - 1], runs[n + 1]
                runs[n - 1:n + 2] = [(False, before[1], after[2], before[3], after[4])]
                merged = True
                break
    return runs


def _text(source: str, tokens: list[re.Match[str]], start: int, stop: int) -> str:
    """The text of tokens [start, stop) as written, with the space before it (none before the first token)."""
    if start >= stop:
        return ""
    return source[tokens[start].start(0 if start else 1):tokens[stop - 1].end()]


def row_diff(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[Segment, ...]:
    """A table row's changed words cell by cell, the cells joined by ' | ' (a changed amount stays in its column)."""
    segments: list[Segment] = []
    for n, (a, b) in enumerate(zip(old, new)):
        if n:
            segments.append(("=", " | "))
        segments.extend(word_diff(a, b) if a != b else [("=", a)] if a else [])
    merged: list[Segment] = []
    for op, words in segments:
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + words)
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


def _documents(revision: Revision, exported: Path, out_dir: Path, uploaded_only: bool) -> Rendered:
    """The documents of one version with their key figures, and its follow-up measurements; its content errors
    located as git names the files."""
    try:
        version = rendered(revision.content, out_dir, uploaded_only=uploaded_only)
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
