"""Check a docxtpl Word template before use: unknown tags, tags Word split across runs, missing styles."""

from __future__ import annotations

import difflib
import functools
import html
import io
import re
import zipfile
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import meta, nodes
from lxml import etree

from agreement.documents.blocks import Table
from agreement.errors import AgreementError
from agreement.i18n import N_, _, language
from agreement.officezip import MB, TEMPLATE_MAX_BYTES, WORD, open_zip_bounded, package_problems
from agreement.word.markdown import Styles
from agreement.word.ooxml import w
from agreement.word.renderer import SAFE_FILTERS, environment


@dataclass(frozen=True)
class TemplateProblem:
    """One thing to put right in a template, in words a secretariat can act on."""

    template: str  # file name, e.g. "delaftale.docx"
    message: str  # in the language of the check, names the tag or style
    unknown_name: bool = False  # a tag reads a value the document kind does not provide (not a fault of its form)

    def __str__(self) -> str:
        return f"{self.template}: {self.message}"


def _style_uses() -> dict[str, str]:
    """What each style the rendered documents rely on is used for, keyed by style id (msgids, translated where shown)."""
    s = Styles()
    uses = {
        "Title": N_("the built-in templates use it for the document title"),
        s.body: N_("the renderer uses it for body text from the content's Markdown"),
    }
    uses[s.heading.format(1)] = N_("the built-in templates use it for the numbered section headings")
    for depth in (2, 3, 4):  # Markdown '#' is Heading 2, 3 or 4, by where the text sits
        uses[s.heading.format(depth)] = N_("the renderer uses it for headings in the content's Markdown")
    for style_ids, levels in (
        (s.bullet, (N_("the renderer uses it for bulleted lists (first level)"),
                    N_("the renderer uses it for bulleted lists (second level)"),
                    N_("the renderer uses it for bulleted lists (third level)"))),
        (s.number, (N_("the renderer uses it for numbered lists (first level)"),
                    N_("the renderer uses it for numbered lists (second level)"),
                    N_("the renderer uses it for numbered lists (third level)"))),
        (s.list_continue, (N_("the renderer uses it for further paragraphs in a list item (first level)"),
                           N_("the renderer uses it for further paragraphs in a list item (second level)"),
                           N_("the renderer uses it for further paragraphs in a list item (third level)"))),
    ):
        uses.update(zip(style_ids, levels))
    uses[s.quote] = N_("the renderer uses it for quotations ('>' in Markdown)")
    uses[s.footnote_text] = N_("the renderer uses it for footnote text")
    uses["FootnoteReference"] = N_("the renderer uses it for footnote numbers")
    uses[s.hyperlink] = N_("the renderer uses it for links")
    uses[Table.style] = N_("the renderer uses it for the tables it builds (budget, milestones)")
    uses["Caption"] = N_("the built-in templates use it for figure captions")
    return uses


_USES = _style_uses()
REQUIRED_STYLES: tuple[str, ...] = tuple(_USES)

_OPENERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_OPENER = re.compile(r"\{[{%#]")
_CLOSER = re.compile(r"[}%#]\}")
# docxtpl replaces the whole paragraph, table row or cell holding {%p ..%}, {%tr ..%}, {%tc ..%} (and
# the {{ }} and {# #} forms) with the bare tag, so any other text there disappears without a word.
_BLOCK_PREFIX = re.compile(r"^[{][{%#](p|tr|tc) ")
_BLOCK_MESSAGES = {
    "p": N_("tag {tag} replaces its whole paragraph, so the other text in it ('{rest}') will not appear ({found}); give the "
            "tag a paragraph of its own"),
    "tr": N_("tag {tag} replaces its whole table row, so the other text in it ('{rest}') will not appear ({found}); give the "
             "tag a table row of its own"),
    "tc": N_("tag {tag} replaces its whole table cell, so the other text in it ('{rest}') will not appear ({found}); give the "
             "tag a table cell of its own"),
}
# docxtpl renders these core properties as templates too (DocxTemplate.render_properties).
_RENDERED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_EXPORT_HINT = N_("restore it from the built-in edition with 'agreement templates export'")


def check_template(
    path: Path, provided: Collection[str], *, required_styles: Collection[str] = REQUIRED_STYLES,
    kind_styles: Mapping[str, str] | None = None,
) -> list[TemplateProblem]:
    """Every problem found in the template at `path`, for a document kind that supplies `provided` and needs
    `kind_styles` (style id -> what it is used for) besides `required_styles`."""
    try:
        if path.stat().st_size > TEMPLATE_MAX_BYTES:
            return [TemplateProblem(path.name, _("is larger than {size} MB; a template is far smaller: remove what makes it so "
                                                 "large").format(size=TEMPLATE_MAX_BYTES // MB))]
        data = path.read_bytes()
    except OSError as exc:
        return [TemplateProblem(path.name, _("cannot be opened as a Word file: {reason}").format(reason=exc))]
    return list(_check(path.name, data, frozenset(provided), tuple(required_styles), tuple((kind_styles or {}).items()),
                       language()))


# What checking a template found, by the template's name and bytes and what was asked: `agreement watch` and
# `agreement diff` check the same templates again and again in one process. The answer depends on nothing else
# (the language only says it in other words).
@functools.lru_cache(maxsize=32)
def _check(name: str, data: bytes, provided: frozenset[str], required_styles: tuple[str, ...],
           kind_styles: tuple[tuple[str, str], ...], in_language: str) -> tuple[TemplateProblem, ...]:
    return tuple(_problems(name, data, provided, required_styles, dict(kind_styles)))


def _problems(name: str, data: bytes, provided: Collection[str], required_styles: Collection[str],
              kind_styles: Mapping[str, str]) -> list[TemplateProblem]:
    stream = io.BytesIO(data)
    try:
        with open_zip_bounded(data, max_bytes=TEMPLATE_MAX_BYTES) as package:  # before any library reads it whole
            refused = package_problems(package, WORD)
        if refused:
            return [TemplateProblem(name, m) for m in refused]
        tpl = DocxTemplate(stream)
        tpl.init_docx()
        parts = list(_parts(tpl))
    except AgreementError as exc:
        return [TemplateProblem(name, exc.message)]
    except Exception as exc:  # a broken zip, XML or package: one problem, never a traceback
        return [TemplateProblem(name, _("cannot be opened as a Word file: {reason}").format(
            reason=str(exc).replace(str(stream), name)))]
    checker = _Checker(tpl, set(provided))
    for part in parts:
        checker.check_part(part)
    problems = [TemplateProblem(name, m) for m in checker.problems]
    problems += [TemplateProblem(name, checker.unknown_message(v), unknown_name=True) for v in checker.unknown]
    problems += [TemplateProblem(name, m) for m in
                 _style_messages(tpl, [*required_styles, *kind_styles], {**_USES, **kind_styles})]
    return list(dict.fromkeys(problems))  # a text box's fallback copy repeats its tags


# -- parts -----------------------------------------------------------------


@dataclass
class _Part:
    where: str  # "" for the body, else " in the header" etc.
    root: etree._Element | None = None  # the XML docxtpl renders
    source: str | None = None  # or a plain text (a core property)
    error: str | None = None


def _parts(tpl: DocxTemplate) -> Iterator[_Part]:
    """The pieces docxtpl renders, in the order it renders them (DocxTemplate.render)."""
    doc = tpl.docx
    yield _Part("", root=doc.element.body)
    for reltype, label in ((RT.HEADER, _(" in the header")), (RT.FOOTER, _(" in the footer"))):
        for rel in doc.part.rels.values():
            if rel.reltype == reltype and not rel.is_external and rel.target_part.blob:
                yield _xml_part(label, rel.target_part.blob)
    for prop in _RENDERED_PROPERTIES:
        value = getattr(doc.core_properties, prop) or ""
        if _OPENER.search(value):
            yield _Part(_(" in the document's {property} property").format(property=prop), source=value)
    for part in doc.part.package.parts:
        if part.content_type == CT.WML_FOOTNOTES:
            yield _xml_part(_(" in the footnotes"), part.blob)


def _xml_part(where: str, blob: bytes) -> _Part:
    try:
        return _Part(where, root=parse_xml(blob))
    except etree.XMLSyntaxError as exc:
        return _Part(where, error=_("the XML{where} cannot be read: {reason}").format(where=where, reason=exc))


# -- tags ------------------------------------------------------------------


@dataclass
class _Checker:
    tpl: DocxTemplate
    provided: set[str]
    env: jinja2.Environment = field(default_factory=environment)
    problems: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # every tag's text, in document order
    unknown: dict[str, None] = field(default_factory=dict)  # ordered set of names nobody provides

    def check_part(self, part: _Part) -> None:
        if part.error is not None:
            self.problems.append(part.error)
            return
        unclosed = False
        first_tag = len(self.tags)
        if part.root is not None:
            for p in part.root.iter(w("p")):
                unclosed |= self._paragraph(p, part.where)
            source = self.tpl.patch_xml(self.tpl.xml_to_string(part.root))
            # docxtpl starts each paragraph on a new line before Jinja sees it, so an error's line is a paragraph
            source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
        else:
            assert part.source is not None
            source = part.source
            self.tags += [m.group(0) for m in re.finditer(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", source)]
        try:
            parsed = self.env.parse(source)
        except jinja2.TemplateSyntaxError as exc:
            if not unclosed:  # an unclosed tag already explains the error, in clearer words
                self.problems.append(_syntax_message(exc, source, part.where))
            return
        tags = self.tags[first_tag:]
        refused: dict[str, str] = {}  # one problem per tag, though `a.__class__.__mro__` has two hidden attributes
        for node, word, what in _programming(parsed):
            tag, message = _program_message(node, word, what, tags, source, part.where)
            refused.setdefault(tag or message, message)
        self.problems += refused.values()
        if refused:  # the names it reads matter no more (and a filter it may not use cannot be compiled)
            return
        for variable in sorted(meta.find_undeclared_variables(parsed), key=source.find):
            if variable not in self.provided:
                self.unknown[variable] = None

    def _paragraph(self, p: etree._Element, where: str) -> bool:
        """Report broken and split tags in one paragraph; True when a tag is left open."""
        texts = [t for t in p.iter(w("t")) if next(t.iterancestors(w("p")), None) is p]
        pieces = [t.text or "" for t in texts]
        text = "".join(pieces)
        if not _OPENER.search(text) and not _CLOSER.search(text):
            return False
        owner: list[int] = []  # the index in `texts` of each character of `text`
        for i, piece in enumerate(pieces):
            owner += [i] * len(piece)
        found = _("paragraph '{text}'").format(text=_excerpt(text))
        if where:
            found = f"{where.strip()}, {found}"
        pos = 0
        while True:
            opener = _OPENER.search(text, pos)
            self._stray_closers(text[pos : opener.start() if opener else len(text)], found)
            if opener is None:
                return False
            close = _OPENERS[opener.group(0)]
            end = text.find(close, opener.end())
            if end < 0:
                tag = text[opener.start() :]
                self.problems.append(_("tag {tag} has no closing '{close}' in the same paragraph ({found}); a tag must begin and end "
                                       "in one paragraph").format(tag=tag, close=close, found=found))
                return True
            end += len(close)
            tag = text[opener.start() : end]
            self.tags.append(tag)
            split = sorted(set(owner[opener.start() : end]))
            if len(split) > 1:
                self.problems.append(_split_message(tag, [texts[i] for i in split], found))
            self._block_tag(tag, texts[owner[opener.start()]], found)
            pos = end

    def _stray_closers(self, segment: str, found: str) -> None:
        for closer in _CLOSER.finditer(segment):
            opener = next(o for o, c in _OPENERS.items() if c == closer.group(0))
            self.problems.append(_("'{closer}' has no opening '{opener}' before it ({found}); look for a broken opening such as "
                                   "'{broken}' and retype the tag").format(
                closer=closer.group(0), opener=opener, found=found, broken=f"{opener[0]} {opener[1]}"))

    def _block_tag(self, tag: str, t: etree._Element, found: str) -> None:
        """Report other text that docxtpl drops with the paragraph, row or cell of a {%p %}, {%tr %} or {%tc %}."""
        prefix = _BLOCK_PREFIX.match(tag)
        if prefix is None:
            return
        container = next(t.iterancestors(w(prefix.group(1))), None)
        if container is None:
            return
        rest = "".join(x.text or "" for x in container.iter(w("t"))).replace(tag, "", 1).strip()
        if rest:
            self.problems.append(_(_BLOCK_MESSAGES[prefix.group(1)]).format(tag=tag, rest=_excerpt(rest), found=found))

    def unknown_message(self, variable: str) -> str:
        tag = next((t for t in self.tags if variable in _names(t, self.env)), None)
        if tag:
            message = _("unknown tag {tag}: the document kind provides no value '{variable}'").format(tag=tag, variable=variable)
        else:
            message = _("unknown value '{variable}': the document kind provides no value '{variable}'").format(variable=variable)
        close = difflib.get_close_matches(variable, sorted(self.provided), n=1)
        return message + (_(" (did you mean '{close}'?)").format(close=close[0]) if close else "")


# Statements that make a template more than data, with the word its tag holds.
_NOT_DATA: dict[type[nodes.Node], tuple[str, str]] = {
    nodes.Include: ("include", N_("includes another template")),
    nodes.Import: ("import", N_("imports another template")),
    nodes.FromImport: ("import", N_("imports from another template")),
    nodes.Extends: ("extends", N_("extends another template")),
    nodes.Macro: ("macro", N_("defines a macro")),
    nodes.CallBlock: ("call", N_("calls a macro")),
    nodes.Pow: ("**", N_("raises to a power ('**', which can run for ever)")),
}


def _programming(parsed: nodes.Template) -> Iterator[tuple[nodes.Node, str, str]]:
    """What makes a template more than data, with the word its tag holds: other templates, macros, powers, and
    hidden attributes (names starting with '_', the way from a value to Python's internals)."""
    for node in parsed.find_all(nodes.Node):
        name = None
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            name = node.arg.value
        elif isinstance(node, nodes.Filter) and node.name == "attr" and node.args and isinstance(node.args[0], nodes.Const):
            name = node.args[0].value
        if isinstance(name, str) and name.startswith("_"):
            yield node, name, _("reads the hidden attribute '{name}'").format(name=name)
        elif type(node) in _NOT_DATA:
            word, what = _NOT_DATA[type(node)]
            yield node, word, _(what)
    # After those, so that a tag that does both is named for the worse (one problem is said per tag).
    for node in parsed.find_all((nodes.Filter, nodes.Call)):
        if isinstance(node, nodes.Call):
            yield node, "(", _("calls a function or method")
        elif isinstance(node, nodes.Filter) and node.name not in SAFE_FILTERS:
            yield node, node.name, _("uses the filter '{name}' (a template may use only these: {filters})").format(
                name=node.name, filters=", ".join(sorted(SAFE_FILTERS)))


def _program_message(node: nodes.Node, word: str, what: str, tags: list[str], source: str, where: str) -> tuple[str | None, str]:
    lines = source.split("\n")
    text = html.unescape(re.sub(r"<[^>]+>", "", lines[node.lineno - 1])).strip() if node.lineno <= len(lines) else ""
    tag = next((t for t in tags if word in t and t in text), None) or next((t for t in tags if word in t), None)
    # A paragraph of the tag alone: the tag says which it is.
    found = _("paragraph '{text}'").format(text=_excerpt(text)) if text != tag else ""
    found = ", ".join(filter(None, (where.strip(), found)))
    subject = _("tag {tag}").format(tag=tag) if tag else _("a tag")
    return tag, _("{subject} {what}, which a template may not do{found}; a template shows the values its document kind provides "
                  "and nothing else: remove it").format(subject=subject, what=what, found=f" ({found})" if found else "")


def _names(tag: str, env: jinja2.Environment) -> set[str]:
    """The variable names a tag's text mentions, not counting attributes (x.name) or docxtpl's p/tr/tc/r."""
    try:
        tokens = [(kind, value) for _, kind, value in env.lex(tag) if kind != "whitespace"]
    except jinja2.TemplateSyntaxError:
        return set(re.findall(r"(?<![\w.])[A-Za-z_]\w*", tag))
    return {value for n, (kind, value) in enumerate(tokens) if kind == "name" and (n == 0 or tokens[n - 1] != ("operator", "."))}


def _split_message(tag: str, texts: list[etree._Element], found: str) -> str:
    runs = list(dict.fromkeys(r for t in texts if (r := t.getparent()) is not None))
    if len(runs) == 1:
        return _("tag {tag} is split into {count} pieces of text in one run ({found}); select the whole tag and retype it").format(
            tag=tag, count=len(texts), found=found)
    looks = {etree.tostring(rpr) if (rpr := r.find(w("rPr"))) is not None else b"" for r in runs}
    if len(looks) > 1:
        message = _("tag {tag} is split across {count} runs with different formatting ({found}); select the whole tag and "
                    "retype it, or clear its formatting")
    else:
        message = _("tag {tag} is split across {count} runs ({found}); select the whole tag and retype it, or clear its formatting")
    return message.format(tag=tag, count=len(runs), found=found)


def _syntax_message(exc: jinja2.TemplateSyntaxError, source: str, where: str) -> str:
    lines = source.split("\n")
    near = ""
    if exc.lineno and exc.lineno <= len(lines):
        text = html.unescape(re.sub(r"<[^>]+>", "", lines[exc.lineno - 1])).strip()
        near = _(" (near '{text}')").format(text=_excerpt(text)) if text else ""
    return _("the tags{where} do not fit together: {reason}{near}").format(where=where, reason=exc.message, near=near)


def _excerpt(text: str, width: int = 40) -> str:
    """The start of a paragraph, cut at a word, enough to find it in Word."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    return text[:width].rsplit(" ", 1)[0] + " …"


# -- styles ----------------------------------------------------------------


def _style_messages(tpl: DocxTemplate, required: Collection[str], uses: Mapping[str, str]) -> list[str]:
    styles: dict[str, str] = {}  # style id -> the name Word stores
    rel = next((r for r in tpl.docx.part.rels.values() if r.reltype == RT.STYLES and not r.is_external), None)
    if rel is not None:
        try:
            root = parse_xml(rel.target_part.blob)
        except etree.XMLSyntaxError as exc:
            return [_("the styles (word/styles.xml) cannot be read: {reason}; {hint}").format(reason=exc, hint=_(_EXPORT_HINT))]
        for style in root.iter(w("style")):
            stored = style.find(w("name"))
            styles[style.get(w("styleId"), "")] = stored.get(w("val"), "") if stored is not None else ""
    by_name = {stored.casefold(): style_id for style_id, stored in styles.items()}
    messages = []
    for style_id in required:
        if style_id in styles:
            continue
        name = _display_name(style_id)
        use = _(uses.get(style_id, N_("the renderer uses it")))
        message = _("style '{style}' ({name}) is missing; {use}; {hint}").format(style=style_id, name=name, use=use,
                                                                                 hint=_(_EXPORT_HINT))
        other = by_name.get(name.casefold())
        if other is not None:
            # Word in some languages saves built-in styles under translated ids (Danish 'Overskrift2')
            message += _(" (the template has a style named '{stored}' under the id '{other}', but the renderer looks styles "
                         "up by id)").format(stored=styles[other], other=other)
        messages.append(message)
    return messages


def _display_name(style_id: str) -> str:
    """The name Word shows for a style id: 'ListBullet2' -> 'List Bullet 2', 'LBFTabel' -> 'LBF Tabel'."""
    return re.sub(r"(?<=[a-z])(?=[A-Z0-9])|(?<=[A-Z])(?=[A-Z][a-z])", " ", style_id)


# -- fixed text ------------------------------------------------------------

_STORY = re.compile(r"word/(document|header[0-9]*|footer[0-9]*|footnotes)\.xml")
_STORIES = {
    "document": N_("{template}, the paragraph “{paragraph}”"),
    "header": N_("{template} in the header, the paragraph “{paragraph}”"),
    "footer": N_("{template} in the footer, the paragraph “{paragraph}”"),
    "footnotes": N_("{template} in the footnotes, the paragraph “{paragraph}”"),
}
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def fixed_text(path: Path) -> list[tuple[str, str]]:
    """The fixed text of the template at `path`, paragraph by paragraph without its tags: (where it stands, the
    text), for the spell-check. A template that cannot be read has none (check_template says why)."""
    try:
        with open_zip_bounded(path, max_bytes=TEMPLATE_MAX_BYTES) as package:
            stories = [(i.filename, package.read(i)) for i in package.infolist() if _STORY.fullmatch(i.filename)]
        found = []
        for name, blob in stories:
            story = _STORY.fullmatch(name).group(1).rstrip("0123456789")  # type: ignore[union-attr]
            root = etree.fromstring(blob, _SAFE_XML)
            for p in root.iter(w("p")):
                text = "".join(t.text or "" for t in p.iter(w("t")) if next(t.iterancestors(w("p")), None) is p)
                text = _TAG.sub(" ", text)
                if text.strip():
                    found.append((_(_STORIES[story]).format(template=path.name, paragraph=_excerpt(text)), text))
        return found
    except (AgreementError, OSError, zipfile.BadZipFile, etree.XMLSyntaxError, ValueError):
        return []
