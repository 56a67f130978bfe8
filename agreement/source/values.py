"""Checks on content values that JSON Schema cannot express: numbers, dates, characters, personal data, Markdown
and the figures it embeds."""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from markdown_it.token import Token

from agreement.errors import ContentError, Location, unique
from agreement.i18n import _
from agreement.images import FigureProblem, figure_path, read_figure
from agreement.mdsyntax import PARSER
from agreement.source.schema import _field_name
from agreement.source.syntax import quoted
from agreement.source.yamlload import JsonPath, YamlDocument

# Beyond a thousand billion kroner a number is a typing slip, and Excel stops counting exactly at 10**15.
MAX_NUMBER = 10**12
FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)
LINK_SCHEMES = ("http", "https", "mailto")
# Word numbers list levels 0-8; markdown-it drops, without a word, text nested deeper than its limit.
MAX_LIST_DEPTH = 9
MAX_NESTING = int(PARSER.options.get("maxNesting") or 20)

# XML 1.0 has no place for these; lxml refuses them and Word calls the file damaged.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CHAR_REF = re.compile(r"&#(?:([0-9]{1,7})|[xX]([0-9a-fA-F]{1,6}));")
# DDMMYY-SSSS or DDMMYYSSSS standing alone: not inside a longer number, a decimal amount or a word.
_CPR = re.compile(r"(?<![\w+-])(?<![0-9][.,])([0-9]{2})([0-9]{2})([0-9]{2})-?([0-9]{4})(?!\w|[.,-][0-9])")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# Links markdown-it refuses to make (it keeps them as text), as inline links, definitions or autolinks.
_REFUSED_LINK = re.compile(r"(?:\]\(\s*<?|\]:\s*<?|<)\s*(javascript|vbscript|file|data):", re.IGNORECASE)
_FOOTNOTE_TEXT = re.compile(r"\[\^([^\]\s]+)\]")


def value_errors(doc: YamlDocument, schema: dict[str, Any], root: Path | None = None) -> list[ContentError]:
    """Every value in `doc` that would pass the schema but break the build or the documents, located.

    With the content folder `root`, every figure a Markdown text embeds is checked too.
    """
    errors: list[ContentError] = []
    for path, value, schemas in _walk(doc.data, schema, schema, ()):
        here = _field_name(path, doc.data) or _("the file")
        if isinstance(value, bool):
            continue
        if isinstance(value, (int, float)):
            errors.extend(_number_errors(doc, path, value, here))
        elif isinstance(value, str):
            errors.extend(_text_errors(doc, path, value, here))
            if path in doc.comments and any(_free_text(s) for s in schemas):
                errors.append(_comment_error(doc, path, value, here))
            if any(s.get("format") == "date" for s in schemas):
                errors.extend(_date_errors(doc, path, value, here))
            if any(_is_markdown(s) for s in schemas):
                one_line = any("#/$defs/tekst" in s.get("$refs", ()) for s in schemas)
                errors.extend(_markdown_errors(doc, path, value, here, root, one_line))
    return errors


# -- walking the document with its schema ------------------------------------------------------


def _walk(value: Any, schema: dict[str, Any], root: dict[str, Any], path: JsonPath) -> Iterator[tuple[JsonPath, Any, list[dict[str, Any]]]]:
    """Every value with the (resolved) schemas that describe it; unknown shapes get no schema, never a crash."""
    schemas = _branches(schema, value, root)
    yield path, value, schemas
    if isinstance(value, dict):
        for key, child in value.items():
            subs = [s["properties"][key] for s in schemas if isinstance(s.get("properties"), dict) and key in s["properties"]]
            yield from _walk(child, _first(subs), root, path + (key,))
    elif isinstance(value, list):
        subs = [s["items"] for s in schemas if isinstance(s.get("items"), dict)]
        for i, child in enumerate(value):
            yield from _walk(child, _first(subs), root, path + (i,))


def _first(schemas: list[dict[str, Any]]) -> dict[str, Any]:
    return schemas[0] if schemas else {}


def _branches(schema: dict[str, Any], value: Any, root: dict[str, Any], depth: int = 0) -> list[dict[str, Any]]:
    """`schema` with its $ref resolved, and the oneOf/anyOf/allOf branches whose type fits `value`."""
    if depth > 20 or not isinstance(schema, dict):
        return []
    resolved = _resolve(schema, root)
    out = [resolved] if _type_fits(resolved, value) else []
    for keyword in ("oneOf", "anyOf", "allOf"):
        for option in resolved.get(keyword, []):
            out.extend(_branches(option, value, root, depth + 1))
    return out


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    """`schema` merged over the definition its local $ref points at; it remembers the reference."""
    ref = schema.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return schema
    node: Any = root
    for part in ref[2:].split("/"):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    target = _resolve(node, root) if isinstance(node, dict) and node.get("$ref") != ref else node
    return {**target, **{k: v for k, v in schema.items() if k != "$ref"}, "$refs": (*target.get("$refs", ()), ref)}


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "null": (type(None),), "boolean": (bool,), "integer": (int,), "number": (int, float), "string": (str,),
    "array": (list,), "object": (dict,),
}


def _type_fits(schema: dict[str, Any], value: Any) -> bool:
    types = schema.get("type")
    if types is None:
        return True
    for t in [types] if isinstance(types, str) else types:
        kinds = _JSON_TYPES.get(t, ())
        if isinstance(value, kinds) and not (isinstance(value, bool) and t in ("integer", "number")):
            return True
    return False


def _is_markdown(schema: dict[str, Any]) -> bool:
    """A field the renderer reads as Markdown: it uses the markdown definition or its description says so."""
    return "#/$defs/markdown" in schema.get("$refs", ()) or "Markdown" in str(schema.get("description", ""))


# -- numbers and dates -------------------------------------------------------------------------


def _number_errors(doc: YamlDocument, path: JsonPath, value: float, here: str) -> list[ContentError]:
    if isinstance(value, float) and not math.isfinite(value):
        return [doc.error(path, _("{here} is '{value}', which is not a number (YAML reads .nan and .inf as 'not a number' and "
                                  "'infinity'); write the number itself, e.g. 88.9").format(
            here=here, value=value))]
    if abs(value) > MAX_NUMBER:
        shown = _thousands(value) if isinstance(value, int) else str(value)
        return [doc.error(path, _("{here} is {shown}, which is too large to be a real amount or number (more than {_thousands}); check "
                                  "for extra digits").format(
            here=here, shown=shown, _thousands=_thousands(MAX_NUMBER)))]
    return []


def _thousands(value: int) -> str:
    """1.000.000, with Danish thousands dots."""
    return f"{value:,}".replace(",", ".")


def _date_errors(doc: YamlDocument, path: JsonPath, value: str, here: str) -> list[ContentError]:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return []  # the schema already says it is not a date
    if FIRST_DATE <= day <= LAST_DATE:
        return []
    return [doc.error(path, _("{here} is {value}, outside the years 1900-2100 that the documents can hold; check the year").format(
        here=here, value=value))]


# -- characters and personal data ----------------------------------------------------------------


def _text_errors(doc: YamlDocument, path: JsonPath, value: str, here: str) -> list[ContentError]:
    errors = []
    bad = _NOT_XML.search(value)
    if bad is not None:
        where, location = _where(doc, path, value, bad.start())
        count = len(_NOT_XML.findall(value))
        more = _(" (and {value} more like it)").format(value=count - 1) if count > 1 else ""
        code = ord(bad.group())
        errors.append(ContentError(
            _("{here} contains the invisible character U+{code:04X} {where}{more}, which Word cannot store; delete it (between double "
              "quotes it is written as an escape such as \\u{code:04X})").format(
                here=here, code=code, where=where, more=more), location))
    for match in _CPR.finditer(value):
        if _cpr_date(*match.groups()) is None:
            continue
        where, location = _where(doc, path, value, match.start())
        shown = match.group()[:6] + ("-" if "-" in match.group() else "") + "XXXX"
        errors.append(ContentError(
            _("{here} has '{shown}' {where}, which looks like a CPR number (personal data); personal data must not be in documents sent "
              "to Landsbyggefonden — remove it").format(
                here=here, shown=shown, where=where), location))
    return errors


def _free_text(schema: dict[str, Any]) -> bool:
    """A text field of the documents, not an id, a date or a choice from a list."""
    return (schema.get("type") == "string" and not {"enum", "const", "format"} & schema.keys()
            and "\\n" in schema.get("pattern", "\\n"))


def _comment_error(doc: YamlDocument, path: JsonPath, value: str, here: str) -> ContentError:
    """An unquoted text followed by ' #...': YAML drops the rest of the line as a comment. Refused rather than
    warned about: the text the documents would print is silently shorter than the line reads, and a comment
    after a text is as easily written on a line of its own."""
    location, comment = doc.comments[path]
    return ContentError(
        _("{here}: YAML reads ' {comment}' as a comment, so the text would be only '{value}'; if it belongs to the "
          "text, put the whole text in quotes: {quoted}; if it is a comment, put it on a line of its own").format(
            here=here, comment=comment, value=value, quoted=quoted(value + " " + comment)), location)


def _cpr_date(day: str, month: str, year: str, serial: str) -> dt.date | None:
    """The birth date a CPR number encodes (its century follows from the first serial digit), or None."""
    yy, seventh = int(year), int(serial[0])
    if seventh <= 3:
        century = 1900
    elif seventh in (4, 9):
        century = 2000 if yy <= 36 else 1900
    else:
        century = 2000 if yy <= 57 else 1800
    try:
        return dt.date(century + yy, int(month), int(day))
    except ValueError:
        return None


def _where(doc: YamlDocument, path: JsonPath, value: str, offset: int) -> tuple[str, Location]:
    """Words for where character `offset` of the text stands, and the location to report it at."""
    line = value.count("\n", 0, offset)
    column = offset - (value.rfind("\n", 0, offset) + 1)
    location = doc.locate_text(path, line, column)
    if location is not None:
        return _("at column {column}").format(column=location.column), location
    return _("at character {value} of the text").format(value=offset + 1), doc.locate(path)


# -- Markdown ----------------------------------------------------------------------------------


def _markdown_errors(doc: YamlDocument, path: JsonPath, text: str, here: str, root: Path | None = None,
                     one_line: bool = False) -> list[ContentError]:
    spot = _Spotter(doc, path, text, here)
    tokens, blocks = _parsed(text)
    definitions: dict[str, list[int]] = {}
    for tok in blocks:
        if tok.type == "footnote_reference_open":
            definitions.setdefault(tok.meta["label"], []).append(tok.map[0] if tok.map else 0)
    _footnote_problems(spot, tokens, definitions)
    _inline_problems(spot, tokens)
    _nesting_problems(spot, tokens)
    _figure_problems(spot, tokens, root, one_line)
    return unique(spot.errors)


@functools.lru_cache(maxsize=2048)
def _parsed(text: str) -> tuple[list[Token], list[Token]]:
    """The tokens of `text`, and its block tokens before the footnote rule drops repeated and unused notes.

    Remembered: parsing is most of checking, and `agreement watch` and `agreement diff` check the same texts
    again and again. The checks here only read the tokens."""
    blocks: list[Token] = []
    PARSER.block.parse(text, PARSER, {}, blocks)
    return PARSER.parse(text, {}), blocks


class _Spotter:
    """Collects the errors of one Markdown text, each at its place in the file when that can be told."""

    def __init__(self, doc: YamlDocument, path: JsonPath, text: str, here: str) -> None:
        self.doc, self.path, self.text, self.here = doc, path, text, here
        self.lines = text.split("\n")
        self.errors: list[ContentError] = []

    def error(self, message: str, line: int | None, column: int | None = None) -> None:
        """Report at a place in the text (0-based); with no column, at the line's first written character."""
        location = None
        if line is not None:
            if column is None:
                here = self.lines[line] if line < len(self.lines) else ""
                column = len(here) - len(here.lstrip())
            location = self.doc.locate_text(self.path, line, column)
        self.errors.append(ContentError(f"{self.here}: {message}", location or self.doc.locate(self.path)))

    def find(self, pattern: str, start: int = 0, nth: int = 0) -> tuple[int | None, int | None]:
        """The line and column of the nth match of `pattern` from line `start` on, else (start, None)."""
        seen = 0
        for n in range(start, len(self.lines)):
            for match in re.finditer(pattern, self.lines[n]):
                if seen == nth:
                    return n, match.start()
                seen += 1
        return start, None

    def file_line(self, line: int) -> int:
        return (self.doc.locate_text(self.path, line) or self.doc.locate(self.path)).line


def _footnote_problems(spot: _Spotter, tokens: list[Token], definitions: dict[str, list[int]]) -> None:
    """Every footnote defined once and referenced once, and every reference defined."""
    for label, starts in definitions.items():
        if len(starts) > 1:
            spot.error(_("footnote [^{label}] is defined {starts_count} times (first on line {file_line}); only the last text would be "
                         "used, so keep one definition or give the others their own labels").format(
                label=label, starts_count=len(starts), file_line=spot.file_line(starts[0])),
                       starts[1])
    references: dict[str, int] = {}
    undefined: set[str] = set()
    for tok, line in _inline_children(tokens):
        if tok.type == "footnote_ref" and tok.meta.get("label") is not None:
            label = tok.meta["label"]
            references[label] = references.get(label, 0) + 1
            if references[label] == 2:
                spot.error(_("footnote [^{label}] is referenced more than once; a Word footnote has one reference, so use [^{label}] "
                             "once and give another place its own footnote").format(
                    label=label), *spot.find(_ref_pattern(label), nth=1))
        elif tok.type == "text":
            for match in _FOOTNOTE_TEXT.finditer(tok.content):
                label = match.group(1)
                if label in definitions or label in undefined or not re.search(_ref_pattern(label), spot.text):
                    continue  # defined, reported already, or written escaped (\[^x]) to be shown as it is
                undefined.add(label)
                spot.error(_("footnote [^{label}] has no definition, so it would be printed as '[^{label}]'; add a line '[^{label}]: "
                             "text of the note' after the paragraph, or remove the reference").format(
                    label=label),
                           *spot.find(_ref_pattern(label), line or 0))
    for label in definitions:
        if label not in references:
            spot.error(_("footnote [^{label}] is defined but never referenced, so its text would not appear; put [^{label}] where the "
                         "note belongs or delete the definition").format(
                label=label), *spot.find(re.escape(f"[^{label}]:")))


def _inline_problems(spot: _Spotter, tokens: list[Token]) -> None:
    """Links Word should not follow, and character references that make characters Word cannot store."""
    for tok, line in _inline_children(tokens):
        if tok.type == "link_open":
            href = str(tok.attrGet("href") or "")
            problem = _link_problem(href)
            if problem:
                spot.error(problem, *spot.find(re.escape(unquote(href)), line or 0))
        if tok.type == "text":
            for match in _REFUSED_LINK.finditer(tok.content):
                spot.error(_("a link to '{lower}:' is not allowed; only http, https and mailto links are, so write the address as "
                             "https://… or remove the link").format(
                    lower=match.group(1).lower()),
                           *spot.find(re.escape(match.group(1)) + ":", line or 0))
        if tok.type in ("text", "image"):
            # The text's own characters were checked already; a reference (&#12;) can make one it may not hold.
            made = _unstorable_reference(spot.text, tok.content)
            if made is not None:
                spot.error(_("the character reference {group} makes the invisible character U+{ord:04X}, which Word cannot store; "
                             "delete it").format(
                    group=made.group(), ord=ord(_ref_char(made))),
                           *_line_column(spot.text, made.start()))


def _nesting_problems(spot: _Spotter, tokens: list[Token]) -> None:
    """Word has nine list levels, and markdown-it drops, without a word, text nested deeper than its limit."""
    depth = 0
    for tok in tokens:
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
            if depth > MAX_LIST_DEPTH:
                spot.error(_("lists are nested {depth} levels deep; Word has at most {MAX_LIST_DEPTH} levels, so indent less").format(
                    depth=depth, MAX_LIST_DEPTH=MAX_LIST_DEPTH), tok.map[0] if tok.map else None)
                return
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
    deep = next((t for t in tokens if t.level >= MAX_NESTING - 1), None)
    if deep is not None:
        spot.error(_("lists or quotes (>) are nested so deeply that the innermost text would be lost; indent less"),
                   deep.map[0] if deep.map else None)


def _figure_problems(spot: _Spotter, tokens: list[Token], root: Path | None, one_line: bool) -> None:
    """Each figure ![alt](file "caption"): alone in its paragraph, described, and a usable file in the content folder."""
    in_footnote = False
    for i, tok in enumerate(tokens):
        if tok.type in ("footnote_block_open", "footnote_block_close"):
            in_footnote = tok.type == "footnote_block_open"
        if tok.type != "inline":
            continue
        images = [c for c in tok.children or [] if c.type == "image"]
        start = tok.map[0] if tok.map else 0
        for n, image in enumerate(images):
            line, column = spot.find(r"!\[", start, nth=n)
            if one_line:
                spot.error(_("this one-line text cannot hold a figure; put the figure in one of the longer texts (a section or a "
                             "description)"), line, column)
            elif in_footnote or not _stands_alone(tokens, i):
                spot.error(_("a figure must stand alone in a paragraph of its own, outside lists, quotes, headings, links and "
                             "footnotes: put a blank line before and after the ![...](...) line"), line, column)
            if not _alt_text(image).strip():
                spot.error(_("the figure has no alternative text; describe what the picture shows between the brackets, e.g. ![Kort "
                             "over boligområdet med de tre afdelinger](figurer/kort.png), for readers who cannot see it (screen readers "
                             "read it aloud)"), line, column)
            if root is not None:
                src = str(image.attrGet("src") or "")
                try:
                    read_figure(figure_path(root, src), unquote(src))
                except FigureProblem as exc:
                    spot.error(str(exc), line, column)


def _stands_alone(tokens: list[Token], i: int) -> bool:
    """Whether the inline token at `i` is a top-level paragraph holding one image and nothing else but spaces."""
    opener = tokens[i - 1] if i else None
    if opener is None or opener.type != "paragraph_open" or opener.level != 0:
        return False
    rest = [c for c in tokens[i].children or [] if not (c.type in ("softbreak", "hardbreak") or
                                                          (c.type == "text" and not c.content.strip()))]
    return len(rest) == 1 and rest[0].type == "image"


def _alt_text(image: Token) -> str:
    """The text an image's alt text shows: its words without Markdown marks."""
    return "".join(c.content if c.type in ("text", "code_inline") else " " if c.type == "softbreak" else
                   _alt_text(c) if c.children else "" for c in image.children or [])


def _inline_children(tokens: list[Token]) -> Iterator[tuple[Token, int | None]]:
    """Every inline token (images' alt text included) with the first text line of its block."""
    for tok in tokens:
        if tok.type == "inline":
            yield from _nested(tok.children or [], tok.map[0] if tok.map else None)


def _nested(children: list[Token], line: int | None) -> Iterator[tuple[Token, int | None]]:
    for child in children:
        yield child, line
        if child.children:
            yield from _nested(child.children, line)


def _ref_pattern(label: str) -> str:
    """A footnote reference [^label] as written, not escaped and not the start of a definition."""
    return r"(?<!\\)\[\^" + re.escape(label) + r"\](?!:)"


def _link_problem(href: str) -> str | None:
    if href.startswith("#"):
        return None  # a place in the same document
    scheme = _SCHEME.match(href)
    if scheme is None:
        example = f"https://{href}" if href.lower().startswith("www.") else "https://lbf.dk/…"
        return (_("the link '{href}' is not a full address, and a relative link leads nowhere in a Word file; write it with https://, "
                  "e.g. {example}").format(
            href=href, example=example))
    if scheme.group(1).lower() not in LINK_SCHEMES:
        return (_("the link '{href}' uses '{group}:'; only http, https and mailto links are allowed, so write the address as https://… "
                  "or remove the link").format(
            href=href, group=scheme.group(1)))
    return None


def _unstorable_reference(text: str, shown: str) -> re.Match[str] | None:
    """The first character reference in `text` that makes a character XML cannot hold and that is in `shown`."""
    for match in _CHAR_REF.finditer(text):
        char = _ref_char(match)
        if _NOT_XML.fullmatch(char) and char in shown:
            return match
    return None


def _ref_char(match: re.Match[str]) -> str:
    """The character a reference like &#12; or &#x1F; stands for ('' beyond Unicode)."""
    code = int(match.group(1)) if match.group(1) else int(match.group(2), 16)
    return chr(code) if code <= 0x10FFFF else ""


def _line_column(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset), offset - (text.rfind("\n", 0, offset) + 1)
