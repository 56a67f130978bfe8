"""The words of WordprocessingML as its reader sees them, for `agreement textconv` and `agreement diff`."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from lxml import etree

from agreement.namespaces import MC_NS, WP_NS
from agreement.word.ooxml import w

# Inside a paragraph: properties, deleted text and field codes are not words the reader sees; drawings carry a
# text box twice, the modern version and a fallback for old readers: one is read.
SKIPPED = frozenset({w("pPr"), w("rPr"), w("del"), w("moveFrom"), w("instrText"), w("delText"), f"{{{MC_NS}}}Fallback"})
# Files may come from any commit of any branch: never resolve entities or fetch anything.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)

_T, _TAB, _BREAKS, _HYPHEN = w("t"), w("tab"), (w("br"), w("cr")), w("noBreakHyphen")
_NOTE_REF, _BOX, _ID = w("footnoteReference"), w("txbxContent"), w("id")


class TextWalker:
    """Reads the words of paragraphs; numbers footnotes in the order the text refers to them."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}  # footnote id -> its number

    def text(self, element: etree._Element, box: Callable[[etree._Element], str], referred: list[str]) -> str:
        """The words of `element` (a paragraph, or a part of one): tabs as '\\t', line breaks as '\\n', a footnote
        reference as '[^n]' (its id added to `referred`), a text box as what `box` makes of its w:txbxContent."""
        parts = []
        for child in element:
            tag = child.tag
            if tag in SKIPPED:
                continue
            if tag == _T:
                parts.append(child.text or "")
            elif tag == _TAB:
                parts.append("\t")
            elif tag in _BREAKS:
                parts.append("\n")
            elif tag == _HYPHEN:
                parts.append("-")
            elif tag == _NOTE_REF:
                ident = child.get(_ID, "")
                referred.append(ident)
                parts.append(f"[^{self.number(ident)}]")
            elif tag == _BOX:
                parts.append(box(child))
            else:
                parts.append(self.text(child, box, referred))
        return "".join(parts)

    def number(self, ident: str) -> int:
        return self.numbers.setdefault(ident, len(self.numbers) + 1)


def footnotes(root: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    """(id, note) of the footnotes a footnotes part holds, without the separators Word keeps there too."""
    for note in root.iterchildren(w("footnote")):
        if note.get(w("type")) in (None, "normal"):
            yield note.get(_ID, ""), note


def picture_texts(paragraph: etree._Element) -> Iterator[str]:
    """The alternative text of each picture in the paragraph, after its name when that says more ('Andel 1-5-årige
    i dagtilbud, ...: Andelen steg fra ...'): a chart shows its numbers only in its picture and in this text."""
    # The paragraph's own drawings only: a text box's pictures are read with its paragraphs, and a drawing's
    # mc:Fallback repeats it.
    for doc_pr in paragraph.iterfind(f"{w('r')}/{w('drawing')}/*/{{{WP_NS}}}docPr"):
        description = " ".join(doc_pr.get("descr", "").split())
        if description:
            name = " ".join(doc_pr.get("name", "").split())
            yield f"{name}: {description}" if name and name != description else description
