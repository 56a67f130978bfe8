"""Markdown (CommonMark with footnotes) to WordprocessingML paragraphs with real Word formatting."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.parts.document import DocumentPart
from lxml import etree
from markdown_it.token import Token

from agreement.mdsyntax import PARSER as _PARSER
from agreement.namespaces import R_NS
from agreement.word.figures import figure
from agreement.word.ooxml import el, paragraph, run, w


@dataclass
class Footnotes:
    """Footnote bodies collected while rendering; written into the footnotes part after rendering."""

    next_id: int = 1
    bodies: dict[int, list[etree._Element]] = field(default_factory=dict)

    def allocate(self) -> int:
        fid = self.next_id
        self.next_id += 1
        return fid

    def reference(self, fid: int) -> etree._Element:
        r = el("r", None, el("rPr", None, el("rStyle", {"val": "FootnoteReference"})))
        r.append(el("footnoteReference", {"id": str(fid)}))
        return r


class Numbering:
    """Creates a fresh numbering instance per ordered list so each list starts at its own number."""

    def __init__(self, numbering_element: etree._Element | None) -> None:
        self._root = numbering_element

    def restart(self, style_num_id: int, start: int) -> int:
        root = self._root
        if root is None:
            return style_num_id
        # An XPath ending in an attribute step (.../@w:val) gives lxml's list of attribute strings.
        abstract = cast("list[str]", root.xpath(f'w:num[@w:numId="{style_num_id}"]/w:abstractNumId/@w:val'))
        if not abstract:
            return style_num_id
        ids = [int(v) for v in cast("list[str]", root.xpath("w:num/@w:numId"))]
        new_id = max(ids, default=0) + 1
        num = el("num", {"numId": str(new_id)}, el("abstractNumId", {"val": abstract[0]}))
        override = el("lvlOverride", {"ilvl": "0"}, el("startOverride", {"val": str(start)}))
        num.append(override)
        root.append(num)
        return new_id


@dataclass
class Styles:
    """Style ids the renderer uses; and the numbering each list style carries."""

    body: str = "Normal"
    heading: str = "Heading{}"
    bullet: tuple[str, ...] = ("ListBullet", "ListBullet2", "ListBullet3")
    number: tuple[str, ...] = ("ListNumber", "ListNumber2", "ListNumber3")
    list_continue: tuple[str, ...] = ("ListContinue", "ListContinue2", "ListContinue3")
    quote: str = "Quote"
    footnote_text: str = "FootnoteText"
    hyperlink: str = "Hyperlink"
    caption: str = "Caption"
    number_num_ids: dict[str, int] = field(default_factory=dict)


class MarkdownRenderer:
    """Turns Markdown text into w:p elements tied to one document part.

    `figures` is the content folder that figure paths (![alt](figurer/kort.png "caption")) are relative to; without
    it a figure is shown as its alt text.
    """

    def __init__(self, part: DocumentPart, footnotes: Footnotes, styles: Styles | None = None, figures: Path | None = None) -> None:
        self.part = part
        self.figures = figures
        self.footnotes = footnotes
        self.styles = styles or styles_for(part)
        numbering = getattr(part, "numbering_part", None)
        self.numbering = Numbering(numbering.element if numbering is not None else None)

    # -- public API --------------------------------------------------------

    def blocks(self, text: str, heading_level: int = 2) -> list[etree._Element]:
        """Paragraphs for a Markdown text; `#` becomes Heading `heading_level`, `##` the next, and so on."""
        env: dict[str, Any] = {}
        tokens = _PARSER.parse(text or "", env)
        state = _BlockState(heading_level)
        out: list[etree._Element] = []
        fn_ids: dict[int, int] = {}
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok.type == "footnote_block_open":
                i = self._footnote_block(tokens, i + 1, fn_ids, env)
                continue
            self._block_token(tok, state, out, fn_ids)
            i += 1
        return out

    def inline(self, text: str) -> list[etree._Element]:
        """Runs for a one-paragraph Markdown text (list entries, table cells, names)."""
        env: dict[str, Any] = {}
        tokens = _PARSER.parse(text or "", env)
        runs: list[etree._Element] = []
        fn_ids: dict[int, int] = {}
        for tok in tokens:
            if tok.type == "inline":
                runs.extend(self._inline(tok.children or [], fn_ids))
        footnote_start = next((n for n, t in enumerate(tokens) if t.type == "footnote_block_open"), None)
        if footnote_start is not None:
            self._footnote_block(tokens, footnote_start + 1, fn_ids, env)
        return runs

    # -- blocks ------------------------------------------------------------

    def _block_token(self, tok: Token, state: _BlockState, out: list[etree._Element], fn_ids: dict[int, int]) -> None:
        s = self.styles
        if tok.type == "heading_open":
            state.pending_style = s.heading.format(min(9, state.heading_level + int(tok.tag[1]) - 1))
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            depth = len(state.lists)
            ordered = tok.type == "ordered_list_open"
            styles = s.number if ordered else s.bullet
            style = styles[min(depth, len(styles) - 1)]
            num_id = None
            if ordered:
                start = int(tok.attrGet("start") or 1)
                base = s.number_num_ids.get(style)
                num_id = self.numbering.restart(base, start) if base is not None else None
            state.lists.append(_ListState(style, num_id))
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            state.lists.pop()
        elif tok.type == "list_item_open":
            state.lists[-1].first_paragraph = True
        elif tok.type == "blockquote_open":
            state.quote_depth += 1
        elif tok.type == "blockquote_close":
            state.quote_depth -= 1
        elif tok.type == "paragraph_open":
            if state.pending_style is None:
                state.pending_style = self._paragraph_style(state)
        elif tok.type == "inline" and self._is_figure(tok, state):
            image = next(c for c in tok.children or [] if c.type == "image")
            assert self.figures is not None  # _is_figure says so
            if out and out[-1].tag == w("p") and _text(out[-1]).rstrip().endswith(":"):
                _keep_with_next(out[-1])  # "..., her markeret med orange:" never ends a page with its figure overleaf
            out.extend(figure(self.part, self.figures, unquote(str(image.attrGet("src") or "")), _plain(image),
                              " ".join(str(image.attrGet("title") or "").split()), body_style=s.body,
                              caption_style=s.caption))
            state.pending_style = None
        elif tok.type == "inline":
            style = state.pending_style or s.body
            num = None
            if state.lists and state.lists[-1].num_id is not None and style == state.lists[-1].style:
                num = (state.lists[-1].num_id, 0)
            out.append(paragraph(style, *self._inline(tok.children or [], fn_ids), num=num))
            state.pending_style = None
        elif tok.type in ("fence", "code_block"):
            for line in tok.content.rstrip("\n").split("\n"):
                out.append(paragraph(s.body, run(line, monospace=True)))
        elif tok.type == "hr":
            out.append(paragraph(s.body, el("r", None, el("br", {"type": "page"}))))

    def _is_figure(self, tok: Token, state: _BlockState) -> bool:
        """A paragraph of body text that holds one image and nothing else (the check allows figures only there)."""
        if self.figures is None or state.lists or state.quote_depth or state.pending_style not in (None, self.styles.body):
            return False
        rest = [c for c in tok.children or [] if not (c.type in ("softbreak", "hardbreak") or
                                                      (c.type == "text" and not c.content.strip()))]
        return len(rest) == 1 and rest[0].type == "image"

    def _paragraph_style(self, state: _BlockState) -> str:
        s = self.styles
        if state.lists:
            current = state.lists[-1]
            if current.first_paragraph:
                current.first_paragraph = False
                return current.style
            depth = len(state.lists) - 1
            return s.list_continue[min(depth, len(s.list_continue) - 1)]
        if state.quote_depth:
            return s.quote
        return s.body

    def _footnote_block(self, tokens: list[Token], i: int, fn_ids: dict[int, int], env: dict[str, Any]) -> int:
        """Render footnote definitions; return the index after footnote_block_close."""
        current: int | None = None
        body: list[etree._Element] = []
        while i < len(tokens) and tokens[i].type != "footnote_block_close":
            tok = tokens[i]
            if tok.type == "footnote_open":
                current = tok.meta["id"]
                body = []
            elif tok.type == "inline" and current is not None:
                runs = [r for r in self._inline(tok.children or [], fn_ids) if r is not None]
                body.append(paragraph(self.styles.footnote_text, *runs))
            elif tok.type == "footnote_close" and current is not None:
                fid = fn_ids.get(current)
                if fid is not None:
                    self.footnotes.bodies[fid] = body
                current = None
            i += 1
        return i + 1

    # -- inline ------------------------------------------------------------

    def _inline(self, children: list[Token], fn_ids: dict[int, int]) -> list[etree._Element]:
        runs: list[etree._Element] = []
        bold = italic = 0
        link: etree._Element | None = None

        def emit(node: etree._Element) -> None:
            (link if link is not None else runs).append(node)

        for tok in children:
            kind = tok.type
            if kind == "text" or kind == "html_inline":
                emit(run(tok.content, bold=bool(bold), italic=bool(italic), style=self.styles.hyperlink if link is not None else None))
            elif kind == "code_inline":
                emit(run(tok.content, bold=bool(bold), italic=bool(italic), monospace=True))
            elif kind == "softbreak":
                emit(run(" ", bold=bool(bold), italic=bool(italic)))
            elif kind == "hardbreak":
                emit(el("r", None, el("br")))
            elif kind == "strong_open":
                bold += 1
            elif kind == "strong_close":
                bold -= 1
            elif kind == "em_open":
                italic += 1
            elif kind == "em_close":
                italic -= 1
            elif kind == "link_open":
                link = self._hyperlink(str(tok.attrGet("href") or ""))  # markdown-it's href is always text
            elif kind == "link_close":
                if link is not None:
                    runs.append(link)
                link = None
            elif kind == "image":
                emit(run(tok.content or "", italic=True))
            elif kind == "footnote_ref":
                key = tok.meta["id"]
                if key not in fn_ids:
                    fn_ids[key] = self.footnotes.allocate()
                emit(self.footnotes.reference(fn_ids[key]))
        return runs

    def _hyperlink(self, href: str) -> etree._Element:
        if href.startswith("#"):
            return el("hyperlink", {"anchor": href[1:], "history": "1"})
        rid = self.part.relate_to(href, RT.HYPERLINK, is_external=True)
        node = el("hyperlink", {"history": "1"})
        node.set(f"{{{R_NS}}}id", rid)
        return node


@dataclass
class _ListState:
    style: str
    num_id: int | None
    first_paragraph: bool = True


@dataclass
class _BlockState:
    heading_level: int
    pending_style: str | None = None
    lists: list[_ListState] = field(default_factory=list)
    quote_depth: int = 0


def _plain(token: Token) -> str:
    """The words of an image's alt text, without Markdown marks, on one line."""
    words = "".join(c.content if c.type in ("text", "code_inline") else " " if c.type == "softbreak" else
                    _plain(c) if c.children else "" for c in token.children or [])
    return " ".join(words.split())


def styles_for(part: DocumentPart) -> Styles:
    """The renderer's styles, with the numbering instance each numbered-list style points at."""
    styles = Styles()
    root = part.styles.element if hasattr(part, "styles") else None
    if root is not None:
        for style_id in styles.number:
            num = root.xpath(f'w:style[@w:styleId="{style_id}"]/w:pPr/w:numPr/w:numId/@w:val')
            if num:
                styles.number_num_ids[style_id] = int(num[0])
    return styles


__all__ = ["Footnotes", "MarkdownRenderer", "Styles", "styles_for", "w"]


def _text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(w("t")))


def _keep_with_next(p: etree._Element) -> None:
    ppr = p.find(w("pPr"))
    if ppr is None:
        ppr = el("pPr")
        p.insert(0, ppr)
    # keepNext follows pStyle in the schema's sequence of pPr
    ppr.insert(1 if ppr.find(w("pStyle")) is not None else 0, el("keepNext"))
