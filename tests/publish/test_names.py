"""safe_name: any text becomes one plain file name that every common file system accepts, words kept."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agreement.publish.names import FALLBACK, MAX_BYTES, safe_name, shortened

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


# --- shortened: upload names that survive Windows -----------------------------------------------------------------

FOLDER = "Boligsocial indsats 2021-2025 - UDKAST"
DOCUMENTS = ["Delaftale - Sammenhængskraft og medborgerskab", "Delaftale - Beskæftigelse", "Budget 2021-2025",
             "Kommissorium for bestyrelsen 2021-2025", "Strategisk samarbejdsaftale 2021-2025"]


def _area(length: int) -> str:
    return ("Ærøskøbing Østergård og Ålholm " * 10)[:length].rstrip() + "x"


@pytest.mark.parametrize("length", [10, 99, 130, 200])
def test_a_long_area_name_is_cut_and_the_rest_kept(length: int) -> None:
    area = _area(length)
    folder = shortened(f"{area} - {FOLDER}", shared=area, max_length=60)
    assert len(folder) <= 60 and folder.endswith(" - Boligsocial indsats 2021-2025 - UDKAST"), folder
    names = [shortened(f"{area} - {rest}", shared=area, max_length=80) for rest in DOCUMENTS]
    assert len(set(names)) == len(names)
    for name, rest in zip(names, DOCUMENTS):
        assert len(name) <= 80 and name.endswith(f" - {rest}"), name
        assert name.startswith(area[:16])
        assert ("…" in name) == (len(area) + 3 + len(rest) > 80)  # marked when, and only when, cut
        assert safe_name(name, max_length=80) == name


def test_a_name_that_fits_is_safe_name_unchanged() -> None:
    assert shortened("Albertslund - Budget 2021-2025", shared="Albertslund", max_length=80) == "Albertslund - Budget 2021-2025"
    assert shortened("../x - Budget", shared="../x", max_length=80) == safe_name("../x - Budget")


@pytest.mark.parametrize("shared", ["", "Ærøskøbing Østergård og Ålholm"])
def test_names_that_differ_only_at_the_end_stay_different(shared: str) -> None:
    rests = [" - Delaftale - " + "Fokusområde med et meget langt navn " * 5 + end for end in ("A", "B", "Å", "ÅB")]
    names = [shortened(shared + rest, shared=shared, max_length=80) for rest in rests]
    assert len(set(names)) == len(names), names
    assert all(len(name) <= 80 and len(name.encode()) <= MAX_BYTES for name in names)
    assert all(name == safe_name(name, max_length=80) for name in names)


def test_a_name_of_wide_characters_stays_within_the_bytes_too() -> None:
    area = "🏠" * 100
    name = shortened(f"{area} - Budget 2021-2025", shared=area, max_length=80)
    assert len(name.encode()) <= MAX_BYTES and name.endswith(" - Budget 2021-2025"), name


@given(st.text(max_size=300), st.text(max_size=300), st.integers(min_value=30, max_value=120))
def test_any_shortened_name_is_plain_bounded_and_tells_texts_apart(area: str, rest: str, max_length: int) -> None:
    a, b = shortened(area + rest, shared=area, max_length=max_length), shortened(area + rest + "x", shared=area,
                                                                              max_length=max_length)
    for name in (a, b):
        assert len(name) <= max_length and len(name.encode()) <= MAX_BYTES
        assert name == safe_name(name, max_length=max_length)
    if safe_name(area + rest, max_length=10_000) != safe_name(area + rest + "x", max_length=10_000):
        assert a != b
