"""Safe YAML loading that keeps the line and column of every key and value."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from agreement.errors import ContentError, ContentErrors, Location, display_path

JsonPath = tuple[Any, ...]

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so the schema (not YAML) decides what a date is."""


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


def load_yaml(path: Path) -> YamlDocument:
    """Read one YAML content file; raise ContentErrors with every problem found."""
    shown = display_path(path)
    if not path.exists():
        raise ContentErrors([ContentError("file not found; create it or check the --content folder", Location(shown))])
    if path.is_dir():
        raise ContentErrors([ContentError("expected a YAML file but found a folder", Location(shown))])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ContentErrors([
            ContentError(
                f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be read); "
                "save it with UTF-8 encoding in your editor",
                Location(shown, line, column),
            )
        ]) from None

    loader: _Loader | None = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise ContentErrors([
            ContentError(
                f"forbidden control character U+{ord(char):04X} in the text; delete it "
                "(it is often pasted in invisibly from another program)",
                Location(shown, line, column),
            )
        ]) from None
    except yaml.MarkedYAMLError as exc:
        raise ContentErrors([_syntax_error(shown, exc)]) from None
    except yaml.YAMLError as exc:  # unmarked errors are rare; still no traceback
        raise ContentErrors([ContentError(f"the YAML cannot be read: {exc}", Location(shown))]) from None
    finally:
        if loader is not None:
            loader.dispose()

    doc = YamlDocument(shown, None)
    if node is None:
        raise ContentErrors([ContentError("the file is empty; it must hold the document's fields", Location(shown, 1, 1))])
    errors: list[ContentError] = []
    try:
        doc.data = _build(node, (), doc, errors, loader, set(), text.splitlines())
    except yaml.MarkedYAMLError as exc:
        errors.append(_syntax_error(shown, exc))
    if errors:
        raise ContentErrors(errors)
    return doc


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _build(node: Node, path: JsonPath, doc: YamlDocument, errors: list, loader: _Loader, active: set,
           lines: list[str]) -> Any:
    doc.values[path] = _mark(node)
    if id(node) in active:
        errors.append(ContentError("a YAML alias refers to itself", doc.locate(path)))
        return None
    if isinstance(node, MappingNode):
        active.add(id(node))
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                errors.append(ContentError("merge keys (<<) are not supported; write the fields out", Location(doc.path, *_mark(key_node))))
                continue
            key = loader.construct_object(key_node) if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str):
                errors.append(ContentError(
                    "a field name must be text; put it in quotes if it looks like a number, yes/no or a date",
                    Location(doc.path, *_mark(key_node)),
                ))
                continue
            if key in result or key in first_seen:
                errors.append(ContentError(
                    f"duplicate field '{key}' (first written on line {first_seen[key]}); "
                    "YAML would silently keep only the last one, so remove or merge one of them",
                    Location(doc.path, *_mark(key_node)),
                ))
                continue
            first_seen[key] = _mark(key_node)[0]
            doc.keys[path + (key,)] = _mark(key_node)
            result[key] = _build(value_node, path + (key,), doc, errors, loader, active, lines)
        active.discard(id(node))
        return result
    if isinstance(node, SequenceNode):
        active.add(id(node))
        items = [_build(item, path + (i,), doc, errors, loader, active, lines) for i, item in enumerate(node.value)]
        active.discard(id(node))
        return items
    value = loader.construct_object(node, deep=True)
    if isinstance(value, str) and isinstance(node, ScalarNode):
        start = _text_start(node, value, lines)
        if start is not None:
            doc.texts[path] = start
        elif node.style == '"' and node.start_mark.line == node.end_mark.line:
            columns = _escaped_columns(lines[node.start_mark.line][node.start_mark.column + 1:node.end_mark.column - 1],
                                       node.start_mark.column + 2)
            if len(columns) == len(value):
                doc.escaped[path] = (node.start_mark.line + 1, columns)
    return value


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


def _syntax_error(shown: str, exc: yaml.MarkedYAMLError) -> ContentError:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    context = f" ({exc.context})" if exc.context and exc.context != problem else ""
    hint = ""
    if "tab" in problem.lower() or "'\\t'" in problem:
        hint = "; indent with spaces, not tabs"
    elif "mapping values are not allowed" in problem:
        hint = "; a text that contains ': ' must be put in quotes or written as a block (|)"
    elif "could not determine a constructor" in problem:
        hint = "; tags like !!python/... are not allowed in content"
    location = Location(shown, mark.line + 1, mark.column + 1) if mark else Location(shown)
    return ContentError(f"invalid YAML: {problem}{context}{hint}", location)
