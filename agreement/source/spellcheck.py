"""Spell-check the content's text fields in Danish: every unknown word located at its file, line and column."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from agreement.errors import ContentError, ContentErrors, Location, display_path
from agreement.i18n import _, join_or
from agreement.source.values import _free_text, _is_markdown, _walk
from agreement.source.yamlload import JsonPath, YamlDocument, read_checked
from agreement.spelling import WORD_LIST, Speller, WordList, read_word_list, shown, words

# Fields that hold names: not checked, and their words are accepted in every text of the content.
NAME_FIELDS = frozenset({"navn", "forkortelse"})
# Fields that hold no prose at all.
NOT_PROSE_FIELDS = frozenset({"adresse", "email", "e-mail", "mail", "telefon", "web", "url", "link", "hjemmeside"})


def spelling_warnings(documents: Iterable[tuple[YamlDocument, dict[str, Any]]], root: Path, speller: Speller, *,
                      fixed: Iterable[tuple[str, str]] = (), edition: Path | None = None) -> list[ContentError]:
    """A warning for every word of the documents' text fields that neither the dictionary, the content's
    ordliste.txt nor the content's names know, with the dictionary's suggestions; also for every word of the
    `fixed` texts (a template's paragraphs: where each stands, and its text). The `edition` folder's own
    ordliste.txt, if it has one, is accepted too."""
    documents = list(documents)
    accepted = WordList()
    warnings = _word_list(root, accepted)
    if edition is not None:
        warnings += _word_list(edition, accepted)
    spots: list[tuple[YamlDocument | str, JsonPath, str, int, str]] = []
    for doc, _schema in documents:
        for name in _names(doc.data):
            for __, word in words(name):
                accepted.add(word)
    # A text read before with the same accepted words and found clean is not read again: most texts of a check
    # are the ones the last check read.
    digest = hashlib.sha256("\n".join(sorted(accepted.exact)).encode()).hexdigest()
    read: list[tuple[str, set[str]]] = []  # each text's key and the words the dictionary must answer for
    sources: list[tuple[YamlDocument | str, JsonPath, str]] = [
        (doc, path, text) for doc, schema in documents for path, text in _texts(doc, schema)]
    sources += [(where, (), text) for where, text in fixed]
    for source, path, text in sources:
        key = hashlib.sha256(f"{digest}\n{text}".encode()).hexdigest()[:32]
        if speller.is_clean(key):
            continue
        found = [(source, path, text, offset, word) for offset, word in words(text) if not accepted.accepts(word)]
        spots.extend(found)
        read.append((key, {spot[-1] for spot in found}))
    if not spots:
        for key, _candidates in read:
            speller.mark_clean(key)
        speller.save()
        return warnings
    unknown = speller.unknown(word for *_, word in spots)
    if speller.unavailable is not None:
        return [*warnings, ContentError(_("spelling was not checked: {reason}").format(reason=speller.unavailable),
                                         Location(display_path(root)))]
    for key, candidates in read:
        if not candidates & unknown.keys():
            speller.mark_clean(key)
    speller.save()
    for source, path, text, offset, word in spots:
        if word in unknown:
            place = Location(source) if isinstance(source, str) else _locate(source, path, text, offset)
            warnings.append(ContentError(_message(word, unknown[word]), place))
    return warnings


def _message(word: str, suggestions: list[str]) -> str:
    quoted = [f"'{s}'" for s in suggestions]
    choices = join_or(quoted) if quoted else ""
    hint = _(" (did you mean {choices}?)").format(choices=choices) if quoted else ""
    return _("'{word}' is not in the Danish dictionary{hint}; if it is spelt right, add it to {word_list} in the content "
             "folder").format(word=shown(word), hint=hint, word_list=WORD_LIST)


def _locate(doc: YamlDocument, path: JsonPath, text: str, offset: int) -> Location:
    line = text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1)
    return doc.locate_text(path, line, column) or doc.locate(path)


def _texts(doc: YamlDocument, schema: dict[str, Any]) -> Iterator[tuple[JsonPath, str]]:
    """The free-text and Markdown values of `doc`, without names, addresses and other fields that are not prose."""
    for path, value, schemas in _walk(doc.data, schema, schema, ()):
        if not isinstance(value, str) or not schemas:
            continue
        key = next((p for p in reversed(path) if isinstance(p, str)), "")
        if key in NAME_FIELDS or key in NOT_PROSE_FIELDS:
            continue
        if any(_free_text(s) or _is_markdown(s) for s in schemas):
            yield path, value


def _names(data: Any) -> Iterator[str]:
    """Every value of a name field, anywhere in the data."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in NAME_FIELDS and isinstance(value, str):
                yield value
            else:
                yield from _names(value)
    elif isinstance(data, list):
        for item in data:
            yield from _names(item)


def _word_list(root: Path, accepted: WordList) -> list[ContentError]:
    """Read the content's ordliste.txt into `accepted`, if there is one; the problems with it as warnings."""
    path = root / WORD_LIST
    shown = display_path(path)
    if not path.exists() and not path.is_symlink():
        return []
    try:  # the same checks as every content file: inside the folder, an ordinary file, not too large
        text = read_checked(path, shown, root).decode("utf-8-sig")
    except ContentErrors as exc:
        return exc.errors
    except UnicodeDecodeError:
        return [ContentError(_("the word list is not UTF-8 text; save it with UTF-8 encoding in your editor"),
                             Location(shown))]
    return [ContentError(message, Location(shown, line, 1)) for line, message in read_word_list(text, accepted)]
