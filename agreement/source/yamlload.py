"""Safe, bounded YAML loading that keeps the line and column of every key and value."""

from __future__ import annotations

import math
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import Reader
from yaml.resolver import Resolver

from agreement.errors import ContentError, ContentErrors, Location, display_path
from agreement.i18n import N_, _, decimal
from agreement.source.syntax import syntax_error

JsonPath = tuple[Any, ...]

# Limits far above what real content needs (the largest sample file is 44 kB, 544 values, 9 levels deep),
# low enough that a hostile or broken file is refused in seconds. Measured: PyYAML needs ~23 s and
# ~600 MB to compose a million values, so the value limit is a tenth of that.
MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
MAX_VALUES = 100_000
MAX_ALIAS_VALUES = 10_000

_YAML = "tag:yaml.org,2002:"
_TIMESTAMP = _YAML + "timestamp"
_MERGE = _YAML + "merge"
_SCALAR_TAGS = {_YAML + name for name in ("str", "int", "float", "bool", "null")}
_ALIAS_HINT = N_("write the values out instead of repeating them with aliases")
# Characters that make text show otherwise than it reads: format characters (Unicode category Cf: bidirectional
# controls make "000.001" show as "100.000", zero-width ones and invisible operators hide inside an amount or a
# name), and the invisible characters of other categories: fillers, joiners, variation selectors. The soft
# hyphen only between letters, where it is a hyphenation hint. Line separators, which YAML reads as line ends.
# U+FEFF is a BOM only as the first character, which is not read as text.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0\u2028\u2029\x85")
_SOFT_HYPHEN = "\u00ad"
_NAMES = {"\x85": "NEXT LINE"}  # control characters have no name in unicodedata


def invisible(character: str) -> bool:
    """Whether `character` shows as nothing, or changes how the characters around it show."""
    return (character in _INVISIBLE or unicodedata.category(character) == "Cf" or "\ufe00" <= character <= "\ufe0f"
            or "\U000e0000" <= character <= "\U000e01ef")  # tags (some unassigned) and the supplementary selectors


def _first_hidden(text: str) -> int | None:
    """Where the first character of `text` stands that shows otherwise than it reads; None if there is none."""
    found = "".join(sorted(c for c in set(text) if c >= "\x80" and invisible(c)))  # set(): fast on 2 MB of text
    if not found:
        return None
    for match in re.finditer(f"[{re.escape(found)}]", text):
        at = match.start()
        if match.group() != _SOFT_HYPHEN or not (text[at - 1:at].isalpha() and text[at + 1:at + 2].isalpha()):
            return at
    return None


class _Refused(Exception):
    """A limit was passed; building stops at once, because going on is what costs time and memory."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


class _AliasNode(Node):
    """Where an alias (*name) was written; `value` is the anchored node it stands for.

    PyYAML hands back the anchored node itself, which loses the alias's own position; keeping it
    lets an error point at the alias that expands to too much."""

    id = "alias"

    def __init__(self, target: Node, start_mark: Any, end_mark: Any) -> None:
        super().__init__(target.tag, target, start_mark, end_mark)


class _Loader(Composer, CParser, SafeConstructor, Resolver):
    """libyaml scans and parses (several times faster than PyYAML's Python scanner); the nodes are composed in
    Python, so every node keeps its marks, and data nested too deep or holding too many values is refused as
    each node is made."""

    def __init__(self, text: str) -> None:
        CParser.__init__(self, text)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.depth = 0
        self.composed = 0
        self.mark: Any = None  # where the node being composed starts

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        # The composer recurses, so the depth is checked here, before Python's own limit is reached.
        event = self.peek_event()
        assert event is not None  # the composer asks for a node only where an event follows
        self.mark = event.start_mark
        self.composed += 1
        if self.composed > MAX_VALUES:
            raise _Refused(_("the file holds more than {MAX_VALUES:,} values; content files need far fewer, so split it or remove "
                             "repeated data").format(
                MAX_VALUES=MAX_VALUES), event.start_mark)
        if self.check_event(AliasEvent):
            target = super().compose_node(parent, index)
            assert target is not None  # an alias always names a node (or PyYAML raises)
            return _AliasNode(target, event.start_mark, event.end_mark)
        if self.depth >= MAX_DEPTH:
            raise _Refused(_too_deep(), event.start_mark)
        self.depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        assert node is not None
        return node


# Dates stay text (YYYY-MM-DD), as the schemas expect.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class YamlDocument:
    """A loaded content file: its data and where each value and key stands."""

    path: str
    data: Any
    values: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    # For a text value whose lines stand unchanged in the file (a plain or quoted one-line value, a `|`
    # block), the line of its first text line and the column every text line starts at.
    texts: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    # For a one-line text in double quotes with escapes (\uFFFE), its line and the column of each character.
    escaped: dict[JsonPath, tuple[int, tuple[int, ...]]] = field(default_factory=dict)
    # For a value written without quotes that YAML reads as something other than text (00000013 as 11, yes as
    # true, 12:30 as 750, [Per] as a list), what was written, so a field that needs text can say to quote it.
    written: dict[JsonPath, str] = field(default_factory=dict)
    # For a text written without quotes and followed by a comment on its line ('Formand #2'), where the '#' is
    # and the comment from it to the line's end.
    comments: dict[JsonPath, tuple[Location, str]] = field(default_factory=dict)

    def locate(self, path: JsonPath, *, key: bool = False) -> Location:
        """The location of the value (or its key) at `path`, else of its nearest ancestor."""
        path = tuple(path)
        if key and path in self.keys:
            return Location(self.path, *self.keys[path])
        while path not in self.values and path:
            path = path[:-1]
        line, column = self.values.get(path, (1, 1))
        return Location(self.path, line, column)

    def locate_text(self, path: JsonPath, line: int, column: int = 0) -> Location | None:
        """The file location of a character of the text at `path` (0-based line and column inside the
        text), or None when the text's lines do not stand unchanged in the file (escapes, folding)."""
        path = tuple(path)
        if path in self.escaped:
            first, columns = self.escaped[path]
            return Location(self.path, first, columns[column]) if line == 0 and column < len(columns) else None
        start = self.texts.get(path)
        if start is None:
            return None
        return Location(self.path, start[0] + line, start[1] + column)

    def error(self, path: JsonPath, message: str, *, key: bool = False) -> ContentError:
        return ContentError(message, self.locate(path, key=key))


# Suffixes a person means as YAML, but that are not the '.yaml' every content file ends in.
_YAMLISH = re.compile(r"\.y(?:a?ml|am|mal|alm)", re.IGNORECASE)


def misnamed(path: Path) -> bool:
    """Whether a file is meant as a content file but not read, its suffix not being '.yaml' ('2026.yml', 'budget.YAML')."""
    return path.suffix != ".yaml" and _YAMLISH.fullmatch(path.suffix) is not None


def misnamed_error(path: Path) -> ContentError:
    """The error for a misnamed file (`misnamed`), saying what to rename it to."""
    return ContentError(_("this file is not read, as content files end in .yaml: rename it to {name}").format(
        name=path.stem + ".yaml"), Location(display_path(path)))


def load_yaml(path: Path, *, root: Path | None = None, empty: str | None = None) -> YamlDocument:
    """Read one YAML content file; raise ContentErrors with every problem found.

    With `root`, the file must lie inside that folder once links are followed. Only ordinary files are
    opened, so a named pipe or a device never blocks or floods the check. `empty` is the message for a file
    without any fields, when the file's kind has a better one than the general."""
    # The link's own name, not its target's, is what the user knows the file by.
    shown = str(Path(display_path(path.parent)) / path.name)
    return _load(read_checked(path, shown, root), shown, empty)


def _load(raw: bytes, shown: str, empty: str | None = None) -> YamlDocument:
    """The document `raw` holds, read as load_yaml promises; `shown` names the file in messages."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ContentErrors([
            ContentError(
                _("the file is not UTF-8 text (byte 0x{raw:02x} cannot be read); save it with UTF-8 encoding in your editor").format(
                    raw=raw[exc.start]),
                Location(shown, line, column),
            )
        ]) from None
    # The characters YAML forbids, found here because libyaml reports them at a byte offset, not a column,
    # and hidden ones anywhere in the file (in a comment too they can hide what the lines around say).
    control, hidden = Reader.NON_PRINTABLE.search(text), _first_hidden(text)
    if control or hidden is not None:
        at = min(hidden if hidden is not None else len(text), control.start() if control else len(text))
        raise ContentErrors([
            ContentError(
                _hidden(text[at]) if at == hidden else
                _("forbidden control character U+{ord:04X} in the text; delete it (it is often pasted in invisibly from another "
                  "program)").format(
                    ord=ord(text[at])),
                Location(shown, text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1),
            )
        ])

    lines = text.splitlines()
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except _Refused as exc:
        raise ContentErrors([ContentError(exc.message, _location(shown, exc.mark))]) from None
    except RecursionError:
        # Only when the caller already used most of Python's stack; report where reading had got to.
        raise ContentErrors([ContentError(_("the data is nested too deeply to read; content needs only a few levels, so look for "
                                            "brackets or indentation that never close"),
                                          _location(shown, loader.mark))]) from None
    except yaml.MarkedYAMLError as exc:
        if exc.problem and "maximum nesting depth" in exc.problem:
            # libyaml's own limit (1,000 levels), met before the composer's when it reads ahead along one line
            raise ContentErrors([ContentError(_too_deep(), _location(shown, exc.problem_mark))]) from None
        raise ContentErrors([syntax_error(shown, exc, lines)]) from None
    except yaml.YAMLError as exc:  # unmarked errors are rare; still no traceback
        raise ContentErrors([ContentError(_("the YAML cannot be read: {exc}").format(exc=exc), Location(shown))]) from None
    finally:
        loader.dispose()

    doc = YamlDocument(shown, None)
    if node is None:
        raise ContentErrors([ContentError(empty or _("the file is empty; it must hold the document's fields"), Location(shown, 1, 1))])
    builder = _Builder(doc, loader, lines)
    try:
        doc.data = builder.value(node, ())
    except _Refused as exc:
        builder.errors.append(ContentError(exc.message, _location(shown, exc.mark)))
    except yaml.MarkedYAMLError as exc:
        builder.errors.append(syntax_error(shown, exc, lines))
    if builder.errors:
        raise ContentErrors(builder.errors)
    return doc


def _hidden(character: str, *, escaped: bool = False) -> str:
    code = f"U+{ord(character):04X}"
    what = f"{code} {_NAMES.get(character) or unicodedata.name(character, 'UNASSIGNED TAG')}"
    if character in "\u2028\u2029\x85":
        if escaped:
            return _("the escape \\u{code} is the line break character {what}, which not every program shows as a new line; "
                     "replace it with an ordinary line break").format(code=code[2:], what=what)
        return _("the line break character {what}, which not every program shows as a new line; replace it with an "
                 "ordinary line break").format(what=what)
    if escaped:
        return _("the escape \\u{code} is the invisible character {what} in the text, which can make the text show "
                 "otherwise than it reads; delete it").format(code=code[2:], what=what)
    return _("invisible character {what} in the text, which can make the text show otherwise than it reads; "
             "delete it").format(what=what)


def _too_deep() -> str:
    return (_("the data is nested more than {MAX_DEPTH} levels deep; content needs only a few levels, so look for brackets or "
              "indentation that never close").format(
        MAX_DEPTH=MAX_DEPTH))


def _twin(path: Path) -> Path | None:
    """A misnamed file with the name `path` is missing under ('budget.yml' for 'budget.yaml')."""
    try:
        return next((p for p in sorted(path.parent.iterdir()) if p.stem == path.stem and misnamed(p)), None)
    except OSError:  # no such folder, or one that cannot be read: the file is simply missing
        return None


def read_checked(path: Path, shown: str, root: Path | None) -> bytes:
    """The bytes of an ordinary file of at most MAX_BYTES inside `root`, checked before anything is opened or read;
    ContentErrors, at the file, saying what it is instead."""

    def refuse(message: str) -> ContentErrors:
        return ContentErrors([ContentError(message, Location(shown))])

    if root is not None:
        try:
            inside = path.resolve().is_relative_to(root.resolve())
        except (OSError, RuntimeError):  # a loop of links
            raise refuse(_("this is a link that leads round in a circle; replace it with the file itself")) from None
        if not inside:
            raise refuse(_("this is a link to a place outside the content folder; copy the file into the content folder instead"))
    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise refuse(_("this is a link to a file that does not exist; replace it with the file itself")) from None
        twin = _twin(path)
        if twin is not None:
            raise refuse(_("file not found, but {twin} is there, which is not read as content files end in .yaml: rename it to "
                           "{name}").format(twin=twin.name, name=path.name)) from None
        raise refuse(_("file not found; create it or check the --content folder")) from None
    except OSError as exc:
        raise refuse(_("the file cannot be read ({strerror}); check that it exists and you may read it").format(
            strerror=exc.strerror)) from None
    _check_kind(info, refuse)

    try:
        # O_NONBLOCK: should the file be swapped for a named pipe after the check, opening it still returns.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise refuse(_("the file cannot be read ({strerror}); check that you may read it").format(strerror=exc.strerror)) from None
    with os.fdopen(fd, "rb") as file:
        _check_kind(os.fstat(file.fileno()), refuse)
        raw = file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:  # it grew after the check
        raise refuse(_too_big(len(raw)))
    return raw


def _check_kind(info: os.stat_result, refuse: Any) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise refuse(_("expected a YAML file but found a folder"))
    if not stat.S_ISREG(info.st_mode):
        kind = (_("a named pipe (FIFO)") if stat.S_ISFIFO(info.st_mode) else
                _("a socket") if stat.S_ISSOCK(info.st_mode) else
                _("a device") if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else _("not a file"))
        raise refuse(_("this is {kind}, not an ordinary file; content files must be ordinary text files").format(kind=kind))
    if info.st_size > MAX_BYTES:
        raise refuse(_too_big(info.st_size))


def _too_big(size: int) -> str:
    megabytes = math.ceil(size / (1024 * 1024) * 10) / 10
    return (_("the file is {megabytes} MB; content files must be under {value} MB, so split it or remove what is not needed").format(
        megabytes=decimal(megabytes), value=MAX_BYTES // (1024 * 1024)))


class _Builder:
    """Turns the composed node tree into plain data, counting what aliases expand to."""

    def __init__(self, doc: YamlDocument, loader: _Loader, lines: list[str]) -> None:
        self.doc = doc
        self.lines = lines
        self.loader = loader
        self.errors: list[ContentError] = []
        self.active: set[int] = set()  # collections being built, to catch an alias inside its own anchor
        self.alias: _AliasNode | None = None  # the outermost alias being expanded
        self.from_aliases = 0

    def value(self, node: Node, path: JsonPath) -> Any:
        self.doc.values[path] = _mark(node)
        if not isinstance(node, _AliasNode):
            return self._build(node, path)
        outer = self.alias
        self.alias = node if outer is None else outer
        try:
            return self._build(node.value, path)
        finally:
            self.alias = outer

    def _build(self, node: Node, path: JsonPath) -> Any:
        if self.alias is not None:
            # Each alias is cheap to write but can stand for a whole tree of aliases: count what is built.
            self.from_aliases += 1
            if self.from_aliases > MAX_ALIAS_VALUES:
                raise _Refused(_("this alias expands to too much data (more than {MAX_ALIAS_VALUES:,} values in all); ").format(
                    MAX_ALIAS_VALUES=MAX_ALIAS_VALUES)
                               + _(_ALIAS_HINT), self.alias.start_mark)
            if len(path) >= MAX_DEPTH:
                raise _Refused(_("this alias expands to data nested more than {MAX_DEPTH} levels deep; ").format(MAX_DEPTH=MAX_DEPTH)
                               + _(_ALIAS_HINT), self.alias.start_mark)
        if id(node) in self.active:
            self.errors.append(ContentError(_("a YAML alias refers to itself"), self.doc.locate(path)))
            return None
        if not self._tag_allowed(node):
            return None
        if isinstance(node, MappingNode):
            self._remember_written(node, path)
            self.active.add(id(node))
            result = self._mapping(node, path)
            self.active.discard(id(node))
            return result
        if isinstance(node, SequenceNode):
            self._remember_written(node, path)
            self.active.add(id(node))
            items = [self.value(item, path + (i,)) for i, item in enumerate(node.value)]
            self.active.discard(id(node))
            return items
        value = self._scalar(node)
        if not isinstance(value, str) and isinstance(node, ScalarNode) and not node.style and node.value:
            self.doc.written[path] = node.value
        if isinstance(value, str) and isinstance(node, ScalarNode):
            self._remember_text(node, value, path)
            if not node.style:
                self._remember_comment(node, path)
            at = _first_hidden(value)  # written as an escape (\u202E): the file's own text has none
            if at is not None:
                line, column = value.count("\n", 0, at), at - (value.rfind("\n", 0, at) + 1)
                self.errors.append(ContentError(_hidden(value[at], escaped=True),
                                                self.doc.locate_text(path, line, column) or self.doc.locate(path)))
        return value

    def _remember_written(self, node: Node, path: JsonPath) -> None:
        """A list or group written in brackets on one line, as it was written."""
        start, end = node.start_mark, node.end_mark
        if getattr(node, "flow_style", False) and start.line == end.line < len(self.lines):
            self.doc.written[path] = self.lines[start.line][start.column:end.column]

    def _remember_comment(self, node: ScalarNode, path: JsonPath) -> None:
        end = node.end_mark
        rest = self.lines[end.line][end.column:] if end.line < len(self.lines) else ""
        if rest.lstrip(" \t").startswith("#"):
            column = end.column + len(rest) - len(rest.lstrip(" \t")) + 1
            self.doc.comments[path] = (Location(self.doc.path, end.line + 1, column), rest.strip())

    def _remember_text(self, node: ScalarNode, value: str, path: JsonPath) -> None:
        """Where each character of a text stands in the file, so checks can point inside it."""
        start = _text_start(node, value, self.lines)
        if start is not None:
            self.doc.texts[path] = start
        elif node.style == '"' and node.start_mark.line == node.end_mark.line:
            line = self.lines[node.start_mark.line]
            columns = _escaped_columns(line[node.start_mark.column + 1:node.end_mark.column - 1], node.start_mark.column + 2)
            if len(columns) == len(value):
                self.doc.escaped[path] = (node.start_mark.line + 1, columns)

    def _mapping(self, node: MappingNode, path: JsonPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                self.errors.append(ContentError(_("merge keys (<<) are not supported; write the fields out"),
                                                _location(self.doc.path, key_node.start_mark)))
                continue
            target = key_node.value if isinstance(key_node, _AliasNode) else key_node
            known = len(self.errors)
            key = self._scalar(target) if isinstance(target, ScalarNode) and self._tag_allowed(target) else None
            if len(self.errors) > known:  # a refused tag or unreadable value, already reported
                continue
            if not isinstance(key, str):
                self.errors.append(ContentError(
                    _("a field name must be text; put it in quotes if it looks like a number, yes/no or a date"),
                    _location(self.doc.path, key_node.start_mark),
                ))
                continue
            if key in result or key in first_seen:
                self.errors.append(ContentError(
                    _("duplicate field '{key}' (first written on line {first_seen}); YAML would silently keep only the last one, so "
                      "remove or merge one of them").format(
                        key=key, first_seen=first_seen[key]),
                    _location(self.doc.path, key_node.start_mark),
                ))
                continue
            first_seen[key] = _mark(key_node)[0]
            self.doc.keys[path + (key,)] = _mark(key_node)
            result[key] = self.value(value_node, path + (key,))
        return result

    def _scalar(self, node: Node) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, KeyError, IndexError):
            # An explicit tag on a value that does not fit it (`!!int abc`), or an integer too long for Python.
            self.errors.append(ContentError(
                _("this value cannot be read as {_tag_name}; remove the tag or put the value in quotes").format(
                    _tag_name=_tag_name(node.tag)),
                _location(self.doc.path, node.start_mark),
            ))
            return None

    def _tag_allowed(self, node: Node) -> bool:
        """Only plain text, numbers, yes/no, nothing, lists and fields; any other tag is refused here."""
        if self._tag_refused(node):
            self.errors.append(ContentError(
                _("the tag {_tag_name} is not allowed in content; remove it and write the value plainly").format(
                    _tag_name=_tag_name(node.tag)),
                _location(self.doc.path, node.start_mark),
            ))
            return False
        return True

    @staticmethod
    def _tag_refused(node: Node) -> bool:
        if isinstance(node, MappingNode):
            return node.tag != _YAML + "map"
        if isinstance(node, SequenceNode):
            return node.tag != _YAML + "seq"
        return node.tag not in _SCALAR_TAGS


def _tag_name(tag: str) -> str:
    name = "!!" + tag.removeprefix(_YAML) if tag.startswith(_YAML) else tag
    return name if len(name) <= 40 else name[:37] + "..."


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _location(shown: str, mark: Any) -> Location:
    return Location(shown, mark.line + 1, mark.column + 1) if mark is not None else Location(shown)


def _text_start(node: ScalarNode, value: str, lines: list[str]) -> tuple[int, int] | None:
    """Where the text of a scalar starts (1-based line and column), if every line of it stands unchanged
    in the file at that column on consecutive lines; else None. Checked, not assumed, so an escape or a
    folded line never yields a wrong position."""
    text_lines = value.split("\n")
    first = node.start_mark.line
    if node.style in ("|", ">"):
        first += 1  # a block's text starts on the line after its indicator
        k = next((i for i, t in enumerate(text_lines) if t.strip()), None)
        if k is None or first + k >= len(lines):
            return None
        column = len(lines[first + k]) - len(text_lines[k])
    elif node.style in ("'", '"'):
        column = node.start_mark.column + 1
    else:
        column = node.start_mark.column
    if column < 0:
        return None
    for i, text in enumerate(text_lines):
        if not text:
            continue
        if first + i >= len(lines) or lines[first + i][column:column + len(text)] != text:
            return None
    return first + 1, column + 1


_ESCAPE_DIGITS = {"x": 2, "u": 4, "U": 8}


def _escaped_columns(raw: str, first_column: int) -> tuple[int, ...]:
    """The 1-based column of each character a one-line double-quoted text stands for; an escape (\\t,
    \\x0c, \\uFFFE) is one character, at the column of its backslash."""
    columns = []
    i = 0
    while i < len(raw):
        columns.append(first_column + i)
        i += 2 + _ESCAPE_DIGITS.get(raw[i + 1], 0) if raw[i] == "\\" and i + 1 < len(raw) else 1
    return tuple(columns)
