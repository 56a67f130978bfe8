"""Danish number, amount and date formats (Babel), and Danish list and count words."""

from __future__ import annotations

import datetime as dt

LOCALE = "da_DK"
NBSP = "\u00a0"

_COUNT_WORDS = {
    1: "én", 2: "to", 3: "tre", 4: "fire", 5: "fem", 6: "seks",
    7: "syv", 8: "otte", 9: "ni", 10: "ti", 11: "elleve", 12: "tolv",
}


def date_long(value: dt.date | str) -> str:
    """'1. marts 2021'."""
    from babel.dates import format_date  # not at the top: `agreement check` formats nothing on valid content

    return format_date(as_date(value), format="long", locale=LOCALE)


def number(value: float | int) -> str:
    """'1.654', '88,9', '29,02'; a float keeps at least one decimal as written in content."""
    if isinstance(value, bool):
        raise TypeError("not a number")
    if isinstance(value, int):
        return _decimal(value, format="#,##0", locale=LOCALE)
    return _decimal(value, format="#,##0.0##", locale=LOCALE)


def percent(value: float | int) -> str:
    """'88,9 %' with a no-break space, as in LBF's tables."""
    return f"{number(value)}{NBSP}%"


def amount(value: float | int) -> str:
    """'4.076.000 kr.'."""
    if isinstance(value, float) and not value.is_integer():
        text = _decimal(value, format="#,##0.00", locale=LOCALE)
    else:
        text = _decimal(int(value), format="#,##0", locale=LOCALE)
    return f"{text}{NBSP}kr."


def _decimal(value: float | int, format: str, locale: str) -> str:
    from babel.numbers import format_decimal  # imported when first needed, like format_date

    return format_decimal(value, format=format, locale=locale)


def phone(number: str) -> str:
    """A phone number whose groups of digits never part at a line end: '43 68 68 68' with no-break spaces."""
    return NBSP.join(number.split())


def count(value: float | int) -> str:
    """'to' for 2, 'én' for 1, digits (with a decimal comma) otherwise."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and value in _COUNT_WORDS:
        return _COUNT_WORDS[value]
    return number(value)


def join_and(items: list[str]) -> str:
    """'A, B og C'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} og {items[-1]}"


def as_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
