"""safe_name: any text becomes one plain file name that every common file system accepts, words kept."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agreement.publish.names import FALLBACK, MAX_BYTES, safe_name

WINDOWS_FORBIDDEN = set('<>:"/\\|?*')
RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{d}{n}" for d in ("COM", "LPT") for n in "0123456789¹²³"}


@pytest.mark.parametrize(("text", "name"), [
    ("Albertslund - Delaftale - Beskæftigelse", "Albertslund - Delaftale - Beskæftigelse"),
    ("Ørestad på Åen", "Ørestad på Åen"),
    ("../../x - Budget", "x - Budget"),
    ("/tmp/evil - Budget", "tmp-evil - Budget"),
    ("a/b\\c:d", "a-b-c-d"),
    ('What? "Yes" <no> | *', "What- -Yes- -no"),
    ("CON", "_CON"),
    ("con.txt", "_con.txt"),
    ("LPT9 . pdf", "_LPT9 . pdf"),
    ("Console", "Console"),
    ("tab\there\nnewline\x00nul", "tab here newline nul"),
    ("trailing dots...", "trailing dots"),
    ("  spaced   out  ", "spaced out"),
    (".hidden", "hidden"),
    ("..", FALLBACK),
    ("", FALLBACK),
    ("right\u202eto\u200bleft", "righttoleft"),
    ("Ae\u0308", "Aë"),  # decomposed letters are composed (NFC), as Windows and macOS users type them
])
def test_examples(text: str, name: str) -> None:
    assert safe_name(text) == name


def test_length_is_bounded_in_characters_and_bytes() -> None:
    assert len(safe_name("a" * 500)) == 120
    assert len(safe_name("a" * 500, max_length=10)) == 10
    assert len(safe_name("æ" * 500).encode()) <= MAX_BYTES
    assert safe_name("word " * 40, max_length=12) == "word word wo"
    assert safe_name("COM1xyz", max_length=4) == "_COM"  # truncation cannot produce a reserved name


@given(st.text(max_size=300), st.integers(min_value=1, max_value=200))
def test_any_text_is_one_plain_portable_name(text: str, max_length: int) -> None:
    name = safe_name(text, max_length=max_length)
    assert name and name not in (".", "..")
    assert not WINDOWS_FORBIDDEN & set(name)
    assert all(unicodedata.category(c)[0] != "C" for c in name)
    assert name == name.strip(" .") and not name.startswith("-")
    assert name.split(".")[0].rstrip(" ").upper() not in RESERVED
    assert len(name) <= max_length and len(name.encode()) <= MAX_BYTES
    assert Path("/base", name).parent == Path("/base") and not Path(name).is_absolute()
    assert safe_name(name, max_length=max_length) == name
