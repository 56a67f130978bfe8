"""The words a spell-check reads, the word list, and the cache that spares loading the dictionary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agreement.spelling import Speller, WordList, read_word_list, words

enchant = pytest.importorskip("enchant")
needs_danish = pytest.mark.skipif(not enchant.dict_exists("da_DK"), reason="no Danish dictionary (hunspell-da)")


def test_words_skip_what_is_not_prose() -> None:
    text = ("Se [LBF](https://lbf.dk/om) og <https://x.dk>, www.albertslund.dk, lbf.dk eller skriv til jobhus@ak.dk.\n"
            "Bl.a. nr. 3 i LBF-midlerne, `kode`, fodnote[^note], B2, 10x, iPad, 2021-25 og 9.-klasse.")
    found = [w for _, w in words(text)]
    assert found == ["Se", "og", "eller", "skriv", "til", "Bl.a.", "nr.", "midlerne", "fodnote", "og", "klasse."]


def test_words_give_their_offsets() -> None:
    text = "Første linje.\n  reovering af boligerne"
    assert [(text[i:i + len(w)], w) for i, w in words(text)][2] == ("reovering", "reovering")
    assert next(i for i, w in words(text) if w == "reovering") == text.index("reovering")


def test_word_list_lines_and_cases() -> None:
    accepted = WordList()
    problems = read_word_list("# kommentar\nreovering   # med vilje\n\nAlbertslund\nI det omgang\n", accepted)
    assert problems == [(5, "write one word per line; 'I det omgang' is 3 words")]
    assert accepted.accepts("reovering") and accepted.accepts("Reovering") and accepted.accepts("reovering.")
    assert accepted.accepts("Albertslund") and accepted.accepts("Albertslunds")  # a name's genitive
    assert not accepted.accepts("albertslund")  # a capitalised entry only as written
    assert not accepted.accepts("kommentar") and not accepted.accepts("vilje")


@needs_danish
def test_speller_knows_danish_and_abbreviations() -> None:
    speller = Speller()
    unknown = speller.unknown(["renovering", "Renovering.", "bl.a.", "nr.", "reovering"])
    assert list(unknown) == ["reovering"]
    assert "renovering" in unknown["reovering"]


@needs_danish
def test_cached_answers_need_no_dictionary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache" / "stavning.json"
    first = Speller(cache)
    assert list(first.unknown(["boligområde", "reovering"])) == ["reovering"]
    first.save()
    assert json.loads(cache.read_text(encoding="utf-8"))["good"] == ["boligområde"]

    def no_dictionary(self: Speller) -> None:
        raise AssertionError("the dictionary was loaded")

    monkeypatch.setattr(Speller, "_load", no_dictionary)
    again = Speller(cache)
    assert again.unknown(["boligområde", "reovering"]) == first.unknown(["reovering"])


def test_a_broken_cache_is_ignored(tmp_path: Path) -> None:
    cache = tmp_path / "stavning.json"
    cache.write_text("{not json", encoding="utf-8")
    speller = Speller(cache)
    assert speller.unknown([]) == {}


@needs_danish
def test_a_text_found_clean_is_not_read_again_until_it_or_the_word_list_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 21: check stays fast because a text read before, with the same accepted words, is not read again."""
    from agreement.source import spellcheck

    cache = tmp_path / "stavning.json"
    texts = [("skabelon.docx", "Boligområdet skal være trygt."), ("skabelon.docx", "Beboerne mødes i reoveringen.")]
    first = spellcheck.spelling_warnings([], tmp_path, Speller(cache), fixed=texts)
    assert [w.message.split("'")[1] for w in first] == ["reoveringen"]
    read: list[str] = []
    real_words = spellcheck.words
    monkeypatch.setattr(spellcheck, "words", lambda text: (read.append(text), real_words(text))[1])
    again = spellcheck.spelling_warnings([], tmp_path, Speller(cache), fixed=texts)
    assert [w.message for w in again] == [w.message for w in first]
    assert read == ["Beboerne mødes i reoveringen."]  # the clean text was not read again
    read.clear()
    (tmp_path / "ordliste.txt").write_text("reoveringen\n", encoding="utf-8")
    assert spellcheck.spelling_warnings([], tmp_path, Speller(cache), fixed=texts) == []
    assert sorted(read) == ["Beboerne mødes i reoveringen.", "Boligområdet skal være trygt."]  # read again: new words
