"""libyaml's messages for unreadable YAML, told in the user's terms at the line and column where they must act."""

from __future__ import annotations

import re

import yaml

from agreement.errors import ContentError, Location
from agreement.i18n import N_, _, join_or, ngettext

# A field whose text follows on the next lines: 'vision: |', 'tekst: >-', with a comment after it or not.
_BLOCK = re.compile(r"^\s*(?:- )?([^\s#][^:#]*?):\s+[|>][-+0-9]*\s*(?:#.*)?$")
_KEY = re.compile(r"^([^\s#'\"\[{][^:#]*?):(?:\s|$)")

# libyaml's own words for what it could not read (and those of PyYAML's composer), translated where they are shown;
# a text not listed here is shown as libyaml wrote it.
_PHRASES = frozenset((
    N_("found character that cannot start any token"),
    N_("did not find expected node content"),
    N_("did not find expected key"),
    N_("did not find expected '-' indicator"),
    N_("did not find expected ',' or ']'"),
    N_("did not find expected ',' or '}'"),
    N_("did not find expected comment or line break"),
    N_("did not find expected whitespace or line break"),
    N_("did not find expected alphabetic or numeric character"),
    N_("did not find expected <document start>"),
    N_("could not find expected ':'"),
    N_("found unexpected end of stream"),
    N_("found unexpected ':'"),
    N_("found unexpected document indicator"),
    N_("found unknown escape character"),
    N_("found a tab character that violates indentation"),
    N_("found a tab character where an indentation space is expected"),
    N_("found undefined tag handle"),
    N_("found an indentation indicator equal to 0"),
    N_("block sequence entries are not allowed in this context"),
    N_("mapping keys are not allowed in this context"),
    N_("mapping values are not allowed in this context"),
    N_("control characters are not allowed"),
    N_("expected a single document in the stream"),
    N_("but found another document"),
    N_("second occurrence"),
    N_("while scanning a simple key"),
    N_("while scanning a quoted scalar"),
    N_("while scanning a plain scalar"),
    N_("while scanning a block scalar"),
    N_("while scanning an alias"),
    N_("while scanning an anchor"),
    N_("while scanning a tag"),
    N_("while scanning for the next token"),
    N_("while parsing a block mapping"),
    N_("while parsing a block collection"),
    N_("while parsing a block node"),
    N_("while parsing a flow mapping"),
    N_("while parsing a flow sequence"),
    N_("while parsing a flow node"),
    N_("while parsing a node"),
))
_PATTERNS = (
    (re.compile(r"found undefined alias (.+)"), N_("found undefined alias {name}")),
    (re.compile(r"found duplicate anchor (.+); first occurrence"), N_("found duplicate anchor {name}; first occurrence")),
)


def _words(text: str) -> str:
    """libyaml's `text` in the current language, where the catalogue has it."""
    if text in _PHRASES:
        return _(text)
    for pattern, message in _PATTERNS:
        match = pattern.fullmatch(text)
        if match is not None:
            return _(message).format(name=match.group(1))
    return text


def syntax_error(shown: str, exc: yaml.MarkedYAMLError, lines: list[str]) -> ContentError:
    """One located message for what stopped libyaml reading the file."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    # libyaml's message for a tab that starts a line does not say it is a tab.
    if "tab" in problem.lower() or (mark and mark.line < len(lines) and lines[mark.line][mark.column:mark.column + 1] == "\t"):
        # libyaml was still reading the text of the line above, but the line with the tab starts a field of its own.
        own_field = mark is not None and mark.line < len(lines) and _KEY.match(lines[mark.line].lstrip(" \t")) is not None
        return _generic(shown, exc, lines, _("; indent with spaces, not tabs"),
                        context=not (own_field and exc.context == "while scanning a plain scalar"))
    explained = _explain(exc, problem, lines)
    if explained is not None:
        message, line, column = explained
        return ContentError(message, Location(shown, line + 1, column + 1))
    hint = ""
    if "mapping values are not allowed" in problem:
        hint = _("; a text that contains ': ' must be put in quotes or written as a block (|)")
    return _generic(shown, exc, lines, hint)


def _generic(shown: str, exc: yaml.MarkedYAMLError, lines: list[str], hint: str, *, context: bool = True) -> ContentError:
    mark = exc.problem_mark or exc.context_mark
    problem = _words(exc.problem) if exc.problem else _("it is not YAML")
    said = f" ({_words(exc.context)})" if context and exc.context and exc.context != exc.problem else ""
    location = Location(shown, mark.line + 1, mark.column + 1) if mark else Location(shown)
    return ContentError(_("invalid YAML: {problem}").format(problem=problem) + said + hint, location)


def _explain(exc: yaml.MarkedYAMLError, problem: str, lines: list[str]) -> tuple[str, int, int] | None:
    """The message, 0-based line and column for a mistake recognised in the lines around libyaml's marks."""
    mark, context = exc.problem_mark, exc.context_mark
    if problem == "could not find expected ':'" and context is not None and context.line < len(lines):
        return _no_colon(lines, context.line, context.column)
    if mark is None or mark.line >= len(lines):
        return None
    if problem.startswith(("did not find expected key", "did not find expected '-' indicator", "expected <block end>")):
        return _misplaced(lines, mark.line, mark.column)
    if problem.startswith("mapping values are not allowed"):
        return _colon_in_text(lines, mark.line, mark.column)
    return None


def _no_colon(lines: list[str], line: int, column: int) -> tuple[str, int, int] | None:
    """A line read as the start of a field whose ':' never came: a forgotten colon, or a block's text not indented."""
    block = _block_above(lines, line)
    if block is not None and _previous(lines, line) == block:
        name = _field(lines[block])
        return (_("the text of '{name}' (line {line}) must be indented more than '{name}'; indent each of its lines {spaces}"
                  ).format(name=name, line=block + 1, spaces=_spaces(_indent(lines[block]) + 2)), line, column)
    text = lines[line][column:].split(" #")[0].rstrip()
    key, __, rest = text.partition(" ")
    rest = rest.strip()
    if not key:
        return None
    if key[:1] in "'\"" or len(rest.split()) >= 4:
        # A sentence, most likely a note whose '# ' was taken away (the files init writes explain in notes).
        return (_("'{key}' has no ':' after it, so YAML cannot tell a field name from its value; if the line is a "
                  "note, start it with '# '; if it is a field, write '{key}: {rest}'").format(
                    key=key.strip("'\""), rest=rest), line, column)
    return (_("'{key}' has no ':' after it, so YAML cannot tell the field name from its value; write '{key}: {rest}'"
              ).format(key=key, rest=rest) if rest
            else _("'{key}' has no ':' after it; write '{key}:' and then its value").format(key=key),
            line, column + len(key))


def _misplaced(lines: list[str], line: int, column: int) -> tuple[str, int, int] | None:
    """Something found where a field or a list item should start: wrong indentation, mostly."""
    here = lines[line]
    key = _KEY.match(here.lstrip(" ").removeprefix("- "))
    if key is not None and here[:column].rstrip().endswith(("\"", "'")) and column > _indent(here):
        value = here[here.index(":", _indent(here)) + 1:].strip()
        if value[:1] == "'" and value.endswith("'") and len(value) > 1:  # an apostrophe inside single quotes: 'Ole's hus'
            value = value[1:-1]
        return (_("the text goes on after its closing quote, and YAML allows quotes only around a whole text; "
                  "write {key}: {quoted}").format(key=key.group(1), quoted=quoted(value)), line, column)
    if column != _indent(here):
        return None
    block = _block_above(lines, line)
    first = next((i for i in range(block + 1, line) if lines[i].strip()), None) if block is not None else None
    if block is not None and first is not None:
        return (_("this line is indented less than the first line of the text of '{name}' (line {line}), which ends "
                  "the text there; indent every line of the text {spaces}, as the first one is").format(
                    name=_field(lines[block]), line=first + 1, spaces=_spaces(_indent(lines[first]))), line, column)
    return _indentation(lines, line)


def _colon_in_text(lines: list[str], line: int, column: int) -> tuple[str, int, int] | None:
    """': ' where YAML does not allow a new field: inside a text, or on a line indented too far."""
    here = lines[line]
    start = _indent(here) + (2 if here.lstrip(" ").startswith("- ") else 0)
    key = _KEY.match(here[start:])
    if key is not None and start + len(key.group(1)) < column:
        value = here[start + len(key.group(1)) + 1:].strip()
        return (_("the text contains ': ', which YAML reads as the start of another field; put the text in quotes: "
                  "{key}: {quoted}").format(key=key.group(1), quoted=quoted(value)), line, column)
    above = _previous(lines, line)
    if above is not None and _indent(here) > _indent(lines[above]) and column > _indent(here):
        name = _name(lines[above])
        return (_("this line is indented more than '{name}' on line {line}, so YAML reads it as more of that field's "
                  "value; indent it {spaces}, like '{name}'").format(
                    name=name, line=above + 1, spaces=_spaces(_indent(lines[above]))), line, _indent(here))
    return None


def _indentation(lines: list[str], line: int) -> tuple[str, int, int] | None:
    here = lines[line]
    indent = _indent(here)
    levels = _levels(lines, line)
    dash = next(((n, name) for col, n, name, is_dash in levels if is_dash and col == indent), None)
    fields = [(col, n, name) for col, n, name, is_dash in levels if not is_dash]
    if dash is not None and not here.lstrip().startswith("-"):
        others = [f for f in fields if f[0] != indent]
        return (_("this line is indented like the list items above it ('{item}' on line {line}) but does not start "
                  "with '- '; start it with '- ' to make it an item of the list").format(item=dash[1], line=dash[0] + 1)
                + (_(", or indent it like the field it belongs with: {choices}").format(choices=_choices(others))
                   if others else ""),
                line, indent)
    if not levels or any(level[0] == indent for level in levels):
        return None  # it lines up, so something else is wrong; libyaml's own words are all there is to say
    choices = _choices(fields or [(c, n, name) for c, n, name, is_dash in levels])
    return (_("this line is indented {spaces}, which lines up with no field above it; indent it like the field it "
              "belongs with: {choices}").format(spaces=_spaces(indent), choices=choices), line, indent)


def _levels(lines: list[str], line: int) -> list[tuple[int, int, str, bool]]:
    """The indentations a line after `line - 1` may have: those of the line above and of the groups it is in,
    each as (column, line, name, whether it is a list item's dash), nearest first."""
    found: list[tuple[int, int, str, bool]] = []
    limit = len(lines[line]) + 10_000
    for n in range(line - 1, -1, -1):
        text = lines[n]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        indent = _indent(text)
        if indent >= limit:
            continue
        stripped = text.lstrip(" ")
        if stripped.startswith("- "):
            inner = stripped[2:]
            key = _KEY.match(inner.lstrip(" "))
            if key is not None:
                found.append((indent + 2 + _indent(inner), n, key.group(1), False))
            found.append((indent, n, "- " + (key.group(1) if key else inner.strip()[:20]), True))
        else:
            found.append((indent, n, _name(text), False))
        limit = indent
        if indent == 0:
            break
    return found


def _choices(levels: list[tuple[int, int, str]]) -> str:
    seen: set[int] = set()
    words = []
    for column, n, name in levels:
        if column not in seen:
            seen.add(column)
            words.append(_("{spaces}, like '{name}' on line {line}").format(spaces=_spaces(column), name=name, line=n + 1))
    words = words[:3]
    return join_or(words)


def _block_above(lines: list[str], line: int) -> int | None:
    """The line of the field ('vision: |') whose indented text `line` seems meant to belong to: the first line
    above it indented no more than it, past the text lines indented more."""
    indent = _indent(lines[line])
    n = next((n for n in range(line - 1, -1, -1) if lines[n].strip() and _indent(lines[n]) <= indent), None)
    return n if n is not None and _BLOCK.match(lines[n]) else None


def _previous(lines: list[str], line: int) -> int | None:
    return next((n for n in range(line - 1, -1, -1) if lines[n].strip() and not lines[n].lstrip().startswith("#")), None)


def _field(text: str) -> str:
    match = _BLOCK.match(text)
    return match.group(1) if match else _name(text)


def _name(text: str) -> str:
    stripped = text.strip()
    key = _KEY.match(stripped.removeprefix("- "))
    return key.group(1) if key else stripped[:20]


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _spaces(n: int) -> str:
    return ngettext("{n} space", "{n} spaces", n).format(n=n)


def quoted(text: str) -> str:
    """`text` in the quotes YAML reads back as exactly `text`."""
    if "\"" not in text and "\\" not in text:
        return f"\"{text}\""
    return "'" + text.replace("'", "''") + "'"
