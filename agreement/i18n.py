"""Messages in Danish (the default) or English: gettext catalogues with English msgids, chosen per call."""

from __future__ import annotations

import gettext
import os
from functools import cache
from pathlib import Path

DOMAIN = "agreement"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("da", "en")
# The variables GNU gettext reads, in its order; the first one set decides.
_LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_chosen: str | None = None


def language_from_environment() -> str:
    """'en' when the first non-empty locale variable starts with 'en', else 'da'."""
    for variable in _LOCALE_VARIABLES:
        value = os.environ.get(variable)
        if value:
            return "en" if value.startswith("en") else "da"
    return "da"


def set_language(language: str | None) -> None:
    """Use `language` ('da' or 'en') from now on; None goes back to the locale variables."""
    global _chosen
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    _chosen = language


def language() -> str:
    return _chosen or language_from_environment()


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    # Read at the first message, not at import: a valid `agreement check` prints one line.
    with (LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as file:
        return gettext.GNUTranslations(file)


def _(message: str) -> str:
    """`message` (an English msgid) in the current language."""
    return _catalogue(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the current language."""
    return _catalogue(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for the catalogue without translating it: a constant translated where it is used."""
    return message


def join_or(words: list[str]) -> str:
    """'a', 'a or b', 'a, b or c' in the messages' language."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + _(" or ") + words[-1]


def decimal(value: float, places: int = 1) -> str:
    """`value` with `places` decimals, written the way the current language writes them: '2,5' in Danish, '2.5' in English."""
    text = f"{value:.{places}f}"
    return text.replace(".", ",") if language() == "da" else text


def number(value: float) -> str:
    """`value` as short as it goes, written the way the current language writes it: a timeout ('0,5' in Danish,
    '0.5' in English), a count ('1.000.000' in Danish, '1,000,000' in English)."""
    if isinstance(value, int):
        text = f"{value:,}"
        return text.replace(",", ".") if language() == "da" else text
    text = f"{value:g}"
    return text.replace(".", ",") if language() == "da" else text
