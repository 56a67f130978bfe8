"""Danish spelling: the words of a text, the content's word list, and Hunspell's answers through pyenchant, cached."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from agreement.files import write_atomic
from agreement.i18n import N_, _

LANGUAGE = "da_DK"
WORD_LIST = "ordliste.txt"
MAX_SUGGESTIONS = 3
INSTALL = N_("install the Debian packages hunspell-da and libenchant-2-2 (make build does) to check it")
# Bumped when what the cache holds changes meaning.
CACHE_FORMAT = 1
# Texts found free of unknown words, kept by digest (see Speller.is_clean); the most recent ones.
MAX_CLEAN_TEXTS = 5000

# What is not prose: inline code, link targets, footnote labels, autolinks and tags, URLs, e-mail addresses and
# domain names. Masked out with spaces, so the offsets of the words around them stay.
_NOT_PROSE = re.compile(
    r"`[^`\n]*`"
    r"|\]\([^)\n]*\)"
    r"|^[ \t]*\[[^\]\n]+\]:[ \t]*\S+"
    r"|\[\^[^\]\s]*\]"
    r"|<[^<>\s]+>"
    r"|\b(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)\S+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:dk|com|org|net|eu|info|nu|se|no|de)\b",
    re.MULTILINE | re.IGNORECASE,
)
# A word: letters, maybe joined by hyphens, apostrophes or the dots of an abbreviation (bl.a.), with the period
# after it, standing alone (not part of a number, a code or a path). The dictionary knows abbreviations with
# their period (nr., evt.), so the period is kept and tried with the word.
_WORD = re.compile(r"(?<![\w/\\])[^\W\d_]+(?:[-'’.][^\W\d_]+)*\.?(?![\w/\\]|-\d)")
_PART = re.compile(r"[^\W\d_]+(?:\.[^\W\d_]+)*\.?")


def words(text: str) -> Iterator[tuple[int, str]]:
    """The words of `text` a spell-check reads, each with its offset and the period after it, if any: a
    hyphenated word as its parts, without single letters, abbreviations in capitals (LBF, SSP) and words with
    capitals inside (iPad, McKinsey)."""
    prose = _NOT_PROSE.sub(lambda m: " " * len(m.group()), text)
    for match in _WORD.finditer(prose):
        for part in _PART.finditer(match.group()):
            word = part.group()
            letters = word.replace(".", "")
            if len(letters) > 1 and not any(c.isupper() for c in letters[1:]):
                yield match.start() + part.start(), word


@dataclass
class WordList:
    """Words the spell-check accepts besides the dictionary's: a lower-case word in any case, others as written."""

    exact: set[str] = field(default_factory=set)

    def add(self, word: str) -> None:
        self.exact.add(word)

    def accepts(self, word: str) -> bool:
        return any(self._accepts(w) for w in _forms(word))

    def _accepts(self, word: str) -> bool:
        if word in self.exact or word.lower() in self.exact:
            return True
        # A name's genitive: "Albertslunds" for "Albertslund".
        return word.endswith("s") and word[:-1] in self.exact


def read_word_list(text: str, words_into: WordList) -> list[tuple[int, str]]:
    """Add the words of an ordliste.txt (one a line, # starts a comment) to `words_into`; the problems, by line."""
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        if len(entry.split()) > 1:
            problems.append((number, _("write one word per line; '{entry}' is {count} words").format(
                entry=entry, count=len(entry.split()))))
            continue
        for __, word in words(entry):
            words_into.add(word)
        if not any(True for __ in words(entry)):
            words_into.add(entry)
    return problems


class Speller:
    """Hunspell's Danish dictionary, loaded only when a word is not in the cache of earlier answers.

    `unavailable` says why nothing could be checked (no pyenchant, no enchant library or no Danish dictionary).
    """

    def __init__(self, cache_file: Path | None = None) -> None:
        self.cache_file = cache_file
        self.unavailable: str | None = None
        self._good: set[str] = set()
        self._bad: dict[str, list[str]] = {}
        self._clean: dict[str, None] = {}  # an ordered set: the oldest go first when it is full
        self._new = False
        self._dictionary: object | None = None
        self._read_cache()

    def unknown(self, candidates: Iterable[str]) -> dict[str, list[str]]:
        """The words among `candidates` that the dictionary does not know, each with its suggestions."""
        found: dict[str, list[str]] = {}
        for word in sorted(set(candidates)):
            if word in self._good:
                continue
            if word in self._bad:
                found[word] = self._bad[word]
                continue
            dictionary = self._load()
            if dictionary is None:
                return {}
            if any(dictionary.check(w) for w in _forms(word)):  # type: ignore[attr-defined]
                self._good.add(word)
            else:
                self._bad[word] = found[word] = list(dictionary.suggest(shown(word))[:MAX_SUGGESTIONS])  # type: ignore[attr-defined]
            self._new = True
        return found

    def is_clean(self, key: str) -> bool:
        """Whether the text of digest `key` (its words and the accepted words) had no unknown word before."""
        return key in self._clean

    def mark_clean(self, key: str) -> None:
        """Remember a text with no unknown word, so the next check need not read its words again."""
        if key not in self._clean:
            self._clean[key] = None
            self._new = True

    def save(self) -> None:
        """Keep the answers for the next check; a cache that cannot be written is only slower, never an error."""
        if not self._new or self.cache_file is None:
            return
        clean = list(self._clean)[-MAX_CLEAN_TEXTS:]
        data = {"format": CACHE_FORMAT, "language": LANGUAGE, "good": sorted(self._good), "bad": self._bad, "clean": clean}
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.cache_file, json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        except OSError:
            pass
        self._new = False

    def _read_cache(self) -> None:
        if self.cache_file is None:
            return
        try:
            data = json.loads(self.cache_file.read_bytes())
        except (OSError, ValueError):
            return
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT or data.get("language") != LANGUAGE:
            return
        good, bad = data.get("good"), data.get("bad")
        if isinstance(good, list) and isinstance(bad, dict):
            self._good = {w for w in good if isinstance(w, str)}
            self._bad = {w: [s for s in v if isinstance(s, str)] for w, v in bad.items() if isinstance(v, list)}
        clean = data.get("clean")
        if isinstance(clean, list):
            self._clean = dict.fromkeys(k for k in clean if isinstance(k, str))

    def _load(self) -> object | None:
        if self._dictionary is not None or self.unavailable is not None:
            return self._dictionary
        try:
            import enchant
        except ImportError as exc:  # pyenchant is missing, or cannot find the enchant library
            self.unavailable = f"{_first_line(exc)}; {_(INSTALL)}"
            return None
        try:
            self._dictionary = enchant.Dict(LANGUAGE)
        except enchant.errors.Error:
            self.unavailable = _("there is no Danish dictionary ({language}); {install}").format(
                language=LANGUAGE, install=_(INSTALL))
        return self._dictionary


def _forms(word: str) -> tuple[str, ...]:
    """A word as written, and without the period after it when that may end the sentence (not in bl.a.)."""
    return (word[:-1], word) if word.endswith(".") and "." not in word[:-1] else (word,)


def shown(word: str) -> str:
    """A word as a message names it: without the period after it, unless it is an abbreviation's own."""
    return _forms(word)[0]


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0].rstrip(".")


def cache_file() -> Path:
    """Where the answers are kept between checks: the user's cache folder, as the XDG convention has it."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "agreement" / "stavning.json"
