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
        if "python-brace-format" not in entry.flags and "python-format" not in entry.flags:
            continue  # never formatted, like libyaml's "did not find expected ',' or '}'"
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


# -- every bad-input example of the suite, in both languages -----------------------------------------------

def _replace_line_calls() -> list[tuple[str, str, str, str]]:
    """(test module, file, pattern, replacement) of every `replace_line(content / FILE, "pattern", "replacement")`
    in the test modules: the suite's own bad-input examples, collected rather than copied."""
    import ast

    cases = []
    for module in sorted((ROOT / "tests").rglob("test_*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        names = {n.targets[0].id: n.value.value for n in tree.body if isinstance(n, ast.Assign) and len(n.targets) == 1
                 and isinstance(n.targets[0], ast.Name) and isinstance(n.value, ast.Constant)}
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "replace_line"
                    and len(call.args) == 3 and all(isinstance(a, ast.Constant) for a in call.args[1:])):
                continue
            target = call.args[0]
            if not (isinstance(target, ast.BinOp) and isinstance(target.left, ast.Name) and target.left.id == "content"):
                continue
            right = target.right
            file = right.value if isinstance(right, ast.Constant) else names.get(right.id) if isinstance(right, ast.Name) else None
            if isinstance(file, str):
                cases.append((str(module.relative_to(ROOT)), file, call.args[1].value, call.args[2].value))
    return cases


def _example(values: tuple, name: str) -> object:
    return pytest.param(values, id=name)


def _examples() -> list[object]:
    from tests.source import test_schema, test_values, test_yamlload

    examples: list[object] = []
    for module, file, pattern, replacement in _replace_line_calls():
        examples.append(_example(("line", file, pattern, replacement), f"{Path(module).stem}:{replacement.strip()[:30]}"))
    for pattern, replacement, _message in test_schema.MUTATIONS:
        examples.append(_example(("line", "strategic.yaml", pattern, replacement), f"schema:{replacement.strip()[:30]}"))
    for name, file, pattern, replacement, *_rest in test_values.CASES:
        examples.append(_example(("line", file, pattern, replacement), f"values:{name}"))
    for name, data, *_rest in test_yamlload.CASES:
        examples.append(_example(("file", "strategic.yaml", data), f"yamlload:{name}"))
    for name, text, *_rest in test_yamlload.TAG_CASES:
        examples.append(_example(("file", "strategic.yaml", text.encode()), f"yamlload:{name}"))
    return examples


def _danish_data() -> list[str]:
    """Text the messages quote that is Danish in either language: the schemas' field descriptions and the
    edition's indicators (the secretariat's own documentation of its Danish fields)."""
    import json

    texts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            texts.extend(v for k, v in node.items() if k == "description" and isinstance(v, str))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for schema in (ROOT / "agreement" / "schemas").glob("*.schema.json"):
        walk(json.loads(schema.read_text(encoding="utf-8")))
    for edition in (ROOT / "agreement" / "editions").glob("*/edition.yaml"):
        texts.extend(re.findall(r"^\s*indikator: (.+)$", edition.read_text(encoding="utf-8"), flags=re.M))
    return sorted(texts, key=len, reverse=True)


def _messages(output: str, content: Path) -> str:
    """The words of `check`'s messages: without their locations and without what they quote from the content
    (names, values and keys the secretariat wrote, lists of them, and the schemas' descriptions, all Danish in
    either language)."""
    text = re.sub(r"\S+\.yaml\b", "", output.replace(str(content), ""))
    for danish in _danish_data():
        text = text.replace(danish, "")
    text = re.sub(r"^[^\s:]*:\d+:\d+:", "", text, flags=re.M)
    text = re.sub(r"(?<![A-Za-zÆØÅæøå])'[^'\n]*'|\"[^\"\n]*\"", "", text)
    text = re.sub(r"(choose one of|vælg en af|allowed fields are|de tilladte felter er): [^;\n]*", "", text)
    return text


@pytest.mark.parametrize("example", _examples())
def test_every_bad_input_example_speaks_both_languages(content: Path, example: tuple) -> None:
    from tests.conftest import replace_line

    if example[0] == "line":
        _kind, file, pattern, replacement = example
        try:
            replace_line(content / file, pattern, replacement)
        except AssertionError:
            pytest.skip("the example changes a line its own test wrote first")
    else:
        (content / example[1]).write_bytes(example[2])
    english = CliRunner().invoke(main, ["--sprog", "en", "check", "--content", str(content)])
    if english.exit_code == 0:
        pytest.skip("the example is bad input only together with its test's other changes")
    danish = CliRunner().invoke(main, ["--sprog", "da", "check", "--content", str(content)])
    assert danish.exit_code == english.exit_code == 1, (english.output, danish.output)
    assert len(danish.output.splitlines()) == len(english.output.splitlines())
    assert not english_in(_messages(danish.output, content)), danish.output
    assert not danish_in(_messages(english.output, content)), english.output


# -- the messages of the last sweep, in Danish -------------------------------------------------------------

def test_a_spelling_warning_is_danish(content: Path) -> None:
    from tests.conftest import replace_line
    from tests.source.test_spellcheck import COLUMN, MISSPELT

    line = replace_line(content / "strategic.yaml", r"^  Indsatsen taler ind i", MISSPELT)
    output = cli(["check", "--content", str(content)], DANISH_LOCALE)
    assert (f"strategic.yaml:{line}:{COLUMN}: advarsel: 'boligselskabrnes' står ikke i den danske ordbog "
            "(mente du 'boligselskabernes'") in output, output
    assert "; er det stavet rigtigt, så skriv det i ordliste.txt i indholdsmappen" in output
    assert not english_in(_messages(output, content)), output


@pytest.mark.parametrize(("data", "danish"), [
    (b"a:\n\tb: 1\n", "filen kan ikke læses som YAML: her står et tegn (f.eks. @, ` eller et tabulatortegn), som ikke kan stå "
                       "først i en værdi (ved læsning af næste del); ryk ind med mellemrum, ikke tabulatorer"),
    (b"a: 1\n---\nb: 2\n", "filen kan ikke læses som YAML: men her begynder et nyt ('---') (filen må kun indeholde ét YAML-dokument)"),
    (b"a: \"tekst\n", "filen kan ikke læses som YAML: filen slutter, før værdien er afsluttet"),
])
def test_libyamls_own_words_are_translated(content: Path, data: bytes, danish: str) -> None:
    (content / "strategic.yaml").write_bytes(data)
    output = cli(["check", "--content", str(content)], DANISH_LOCALE)
    assert danish in output, output
    english = cli(["--sprog", "en", "check", "--content", str(content)], DANISH_LOCALE)
    assert "invalid YAML: " in english and not danish_in(_messages(english, content)), english


def test_a_refused_office_file_is_told_in_danish() -> None:
    import zipfile

    from agreement.officezip import WORD, package_problems

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("word/vbaProject.bin", b"macros")
    i18n.set_language("da")
    with zipfile.ZipFile(data) as archive:
        assert package_problems(archive, WORD) == [
            "delen word/vbaProject.bin indeholder makroer; gem filen uden makroer (som .docx eller .xlsx)"]


def test_build_says_its_files_in_danish_plurals_and_nothing_with_quiet(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    quiet = CliRunner().invoke(main, ["--sprog", "da", "build", "--content", str(content), "--out", str(out),
                                      "--format", "docx", "-q"])
    assert quiet.exit_code == 0 and quiet.stdout == "" and quiet.stderr == "", quiet.output
    said = CliRunner().invoke(main, ["--sprog", "da", "build", "--content", str(content), "--out", str(out),
                                     "--format", "docx"])
    assert re.search(r"^skrev \d+ filer til \d+ dokumenter i .*out; se .*manifest\.json$", said.stdout, flags=re.M), said.stdout
    assert "(er)" not in said.output
