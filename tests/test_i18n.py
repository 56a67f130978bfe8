"""Danish by default, English on request: the catalogue covers every message, and both languages render."""

from __future__ import annotations

import io
import re
import string
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from agreement import i18n
from agreement.cli import CLICK_MESSAGES, click_plurals, main
from tests.conftest import ROOT

PO = ROOT / "agreement" / "locale" / "da" / "LC_MESSAGES" / "agreement.po"
MO = PO.with_suffix(".mo")
# Words that show an English sentence in a Danish message (none of them is Danish), and the reverse.
ENGLISH = {"the", "must", "should", "write", "found", "error", "errors", "missing", "cannot", "which", "is", "not",
           "with", "but", "file", "line", "wrote", "valid", "usage", "options", "show", "this", "and", "or"}
DANISH = {"skal", "fejl", "filerne", "linje", "skriv", "skrev", "ikke", "og", "eller", "brug", "tilvalg", "vis",
          "denne", "er", "i", "orden", "fundet"}


def words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-zÆØÅæøå]+", text)}


def english_in(text: str) -> set[str]:
    return words(text) & ENGLISH


def danish_in(text: str) -> set[str]:
    return words(text) & DANISH


def catalogue():  # type: ignore[no-untyped-def]
    with PO.open("rb") as file:
        return read_po(file)


def fields(message: str) -> set[str]:
    """The names of a message's {placeholders} (and %(name)s ones), which a translation must keep."""
    names = {name for _, name, _, _ in string.Formatter().parse(message) if name and name.isidentifier()}
    return names | set(re.findall(r"%\((\w+)\)s", message))


def test_every_message_in_the_code_is_translated() -> None:
    extracted = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "agreement"), method_map=[("**.py", "python")]):
        extracted[message[0] if isinstance(message, tuple) else message] = message
    po = catalogue()
    entries = {m.id[0] if isinstance(m.id, tuple) else m.id: m for m in po if m.id}
    assert sorted(set(extracted) - set(entries)) == [], "run make messages and translate the new entries"
    assert sorted(set(entries) - set(extracted)) == [], "run make messages: the catalogue has messages the code lost"
    assert not po.obsolete, "run make messages: obsolete entries"
    for key, entry in entries.items():
        assert not entry.fuzzy, key
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        assert all(strings), f"not translated: {key!r}"
        for msgid, msgstr in zip(ids, strings, strict=False):
            # A translation may leave out a field (Click's 'path' in '{name} {filename!r} ...') but never invent one.
            assert fields(msgstr) <= fields(msgid), (msgid, msgstr)


def test_the_compiled_catalogue_is_the_po_compiled() -> None:
    compiled = io.BytesIO()
    write_mo(compiled, catalogue())
    assert MO.read_bytes() == compiled.getvalue(), "run make messages"


def test_clicks_messages_are_clicks_own() -> None:
    source = "".join(p.read_text(encoding="utf-8") for p in Path(click.__file__).parent.glob("*.py"))
    for message in CLICK_MESSAGES:
        assert repr(message)[1:-1] in source or message in source, message


@pytest.mark.parametrize(("environment", "language"), [
    ({}, "da"),
    ({"LANG": "C.UTF-8"}, "da"),
    ({"LANG": "da_DK.UTF-8"}, "da"),
    ({"LANG": "en_GB.UTF-8"}, "en"),
    ({"LC_ALL": "en_US.UTF-8", "LANG": "da_DK.UTF-8"}, "en"),
    ({"LANGUAGE": "da", "LC_ALL": "en_US.UTF-8"}, "da"),
    ({"LANGUAGE": "", "LC_MESSAGES": "en_US.UTF-8"}, "en"),
])
def test_the_language_comes_from_the_first_locale_variable_set(monkeypatch: pytest.MonkeyPatch,
                                                              environment: dict[str, str], language: str) -> None:
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    assert i18n.language_from_environment() == language


def cli(args: list[str], env: dict[str, str]) -> str:
    result = CliRunner().invoke(main, args, env=env, prog_name="agreement")
    return result.output


DANISH_LOCALE = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}


@pytest.mark.parametrize("command", [[], ["check"], ["build"], ["diff"], ["templates"], ["templates", "check"],
                                     ["init"], ["upgrade"], ["package"], ["watch"]])
def test_help_is_danish_by_default_and_english_on_request(command: list[str]) -> None:
    danish = cli([*command, "--help"], DANISH_LOCALE)
    assert danish.startswith("Brug: agreement"), danish
    assert "Tilvalg:" in danish
    assert not english_in(danish.split("Tilvalg:")[0].split("\n", 1)[1]), danish
    english = cli(["--sprog", "en", *command, "--help"], DANISH_LOCALE)
    assert english.startswith("Usage: agreement"), english
    assert "Options:" in english
    assert not danish_in(english), english
    assert cli([*command, "--help"], {"LANG": "en_DK.UTF-8", "LANGUAGE": ""}) == english


def test_clicks_own_errors_are_danish() -> None:
    output = cli(["build", "--format", "x"], DANISH_LOCALE)
    assert "Fejl: Ugyldig værdi for '--format': 'x' er ikke en af 'docx', 'pdf', 'all'." in output
    assert "Prøv 'agreement build --help' for at få hjælp." in output
    assert "Uventet ekstra argument (x)" in cli(["check", "x"], DANISH_LOCALE)
    i18n.set_language("da")
    assert click_plurals(2)[1] == "(Mente du en af: {possibilities}?)"


def test_check_on_valid_content_is_danish_by_default(tmp_path: Path) -> None:
    assert cli(["check"], DANISH_LOCALE) == "content: filerne er i orden\n"
    assert cli(["--sprog", "en", "check"], DANISH_LOCALE) == "content: the content is valid\n"


def test_decimals_are_written_the_languages_way() -> None:
    i18n.set_language("da")
    assert i18n.decimal(2.345) == "2,3"
    assert i18n._("rendered {name} ({seconds} s)").format(name="x.docx", seconds=i18n.decimal(1.25, 2)) == "lavede x.docx (1,25 s)"
    i18n.set_language("en")
    assert i18n.decimal(2.345) == "2.3"
