"""Reading YAML: every kind of unreadable input gets one message with file and line."""

from __future__ import annotations

import os
import stat
import threading
import time
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from agreement.cli import main
from agreement.errors import ContentErrors
from agreement.source import yamlload
from agreement.source.yamlload import load_yaml
from tests.conftest import ROOT, replace_line

CASES = [
    ("invalid-syntax", b"navn: Albertslund\nperiode: [2021\nstatus: endelig\n", 3, "invalid YAML"),
    ("bad-indent", b"a:\n  b: 1\n c: 2\n", 3, "indented 1 space, which lines up with no field above it"),
    ("tab-indent", b"a:\n\tb: 1\n", 2, "tabs"),
    ("unquoted-colon", b"navn: Albertslund: Nord\n", 1, "quotes"),
    ("not-utf8", "navn: Albertslund\nby: K\u00f8benhavn\n".encode("latin-1"), 2, "not UTF-8"),
    ("control-character", b"navn: Albertslund\ntekst: en \x07 klokke\n", 2, "U+0007"),
    ("right-to-left-override", "navn: A\nbeløb: \"\u202e000.001\"\n".encode(), 2, "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("isolate-in-a-comment", "navn: A  # \u2067ok\u2069\n".encode(), 1, "U+2067 RIGHT-TO-LEFT ISOLATE"),
    ("zero-width-in-an-amount", "navn: A\nbeløb: 1\u200b000\n".encode(), 2, "U+200B ZERO WIDTH SPACE"),
    ("byte-order-mark-inside", "navn: A\ntekst: a\ufeffb\n".encode(), 2, "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ("duplicate-key", b"navn: A\nstatus: udkast\nnavn: B\n", 3, "duplicate field 'navn' (first written on line 1)"),
    ("nested-duplicate", b"omr:\n  navn: A\n  navn: B\n", 3, "duplicate field 'navn'"),
    ("empty", b"", 1, "the file is empty"),
    ("comment-only", b"# nothing here\n", 1, "the file is empty"),
    ("python-tag", b"navn: !!python/object:os.system ls\n", 1, "not allowed"),
    ("non-text-key", b"navn: A\n2021: x\n", 2, "field name must be text"),
    ("two-documents", b"a: 1\n---\nb: 2\n", 2, "invalid YAML"),
    ("merge-key", b"base: &b {x: 1}\nother:\n  <<: *b\n", 3, "merge keys"),
]


@pytest.mark.parametrize(("name", "data", "line", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_yaml_is_one_located_message(tmp_path: Path, name: str, data: bytes, line: int, message: str) -> None:
    path = tmp_path / "strategic.yaml"
    path.write_bytes(data)
    with pytest.raises(ContentErrors) as caught:
        load_yaml(path)
    errors = caught.value.errors
    assert len(errors) == 1, [str(e) for e in errors]
    error = errors[0]
    assert error.location.path.endswith("strategic.yaml")
    assert error.location.line == line, str(error)
    assert message in error.message


@pytest.mark.parametrize("character", ["\u202a", "\u202e", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c",
                                       "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])
def test_hidden_characters_are_refused_at_their_column(tmp_path: Path, character: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(f"navn: A\ntekst: |\n  linje\n  123{character}456\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_yaml(path)
    (error,) = caught.value.errors
    assert (error.location.line, error.location.column) == (4, 6)
    assert error.message == (f"invisible character U+{ord(character):04X} {unicodedata.name(character)} in the text, "
                             "which can make the text show otherwise than it reads; delete it")


def test_a_hidden_character_written_as_an_escape_is_refused_at_the_escape(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text('navn: A\nbeløb: "kr. \\u202E000.001"\nandet: "a\\nb\\u200Bc"\n', encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_yaml(path)
    first, second = caught.value.errors
    assert (first.location.line, first.location.column) == (2, 13)
    assert first.message.startswith("the escape \\u202E is the invisible character U+202E RIGHT-TO-LEFT OVERRIDE in the "
                                    "text, which can make the text show otherwise than it reads; delete it")
    assert second.location.line == 3 and "U+200B ZERO WIDTH SPACE" in second.message  # at the text: two lines


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ContentErrors) as caught:
        load_yaml(tmp_path / "strategic.yaml")
    assert "file not found" in str(caught.value)


def test_positions_of_nested_values_and_keys(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a:\n  b:\n    - 1\n    - c: tekst\n", encoding="utf-8")
    doc = load_yaml(path)
    assert doc.data == {"a": {"b": [1, {"c": "tekst"}]}}
    assert doc.locate(("a", "b", 1, "c")).line == 4
    assert doc.locate(("a", "b", 1, "c")).column == 10
    assert doc.locate(("a", "b", 1, "c"), key=True).column == 7
    assert doc.locate(("a", "b", 0)).line == 3
    assert doc.locate(("a", "b", 5, "zz")).line == 3  # falls back to the nearest known ancestor (the list)


def test_dates_stay_text_and_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes("\ufefffra: 2021-03-01\nja: yes\n".encode("utf-8"))
    doc = load_yaml(path)
    assert doc.data == {"fra": "2021-03-01", "ja": True}


# Bounds: hostile or broken files are refused quickly, with a location, and never stop other files' checks.

BILLION_LAUGHS = "\n".join(
    ["status: endelig", 'lol0: &lol0 "lol"']
    + [f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * 10)}]" for i in range(1, 10)]
) + "\n"


def _where(path: Path, line: int, column: int) -> str:
    """How the CLI prints a location in `path` (the tests' tmp_path is outside the working folder)."""
    return f"{path.parent.resolve() / path.name}:{line}:{column}: "


def _snapshot(folder: Path) -> dict[str, object]:
    """Every entry under `folder` without following links or opening anything but ordinary files."""
    entries: dict[str, object] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                entries[str(path)] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                entries[str(path)] = ("file", path.read_bytes())
            else:
                entries[str(path)] = ("other", stat.S_IFMT(info.st_mode))
    return entries


def _break_other_file(content: Path) -> str:
    """Put a schema error in another file; return where the CLI must report it."""
    line = replace_line(content / "kommissorium.yaml", r"^status: \w+", "status: maaske")
    return _where(content / "kommissorium.yaml", line, 9)


def _check(content: Path) -> tuple[int, str, float]:
    """Run `agreement check` in-process; return exit code, output and seconds taken."""
    started = time.monotonic()
    result = CliRunner().invoke(main, ["check", "--content", str(content)])
    return result.exit_code, result.output, time.monotonic() - started


def _assert_refused(content: Path, expected: str, other: str, before: dict[str, object], seconds: float = 120) -> str:
    code, output, took = _check(content)
    assert code == 1, output
    assert expected in output, output
    assert other in output, output  # the other file's error is still reported in the same run
    assert "internal error" not in output
    # Only a guard against a reader that expands a bomb (minutes, or never): the location above shows where it
    # stopped; speed is measured side by side in benchmarks/bench.py, never asserted here.
    assert took < seconds, f"check took {took:.1f} s"
    assert _snapshot(content) == before
    return output


def test_alias_bomb_is_refused_at_the_alias(content: Path) -> None:
    (content / "budget.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    other = _break_other_file(content)
    before = _snapshot(content)
    # Values built from aliases: 10 in lol1, 110 in lol2, 1,110 in lol3, then 1,111 for each *lol3 in lol4,
    # so the 8th *lol3 (line 6) passes 10,000.
    line = 6
    column = len("lol4: &lol4 [") + 7 * len("*lol3, ") + 1
    output = _assert_refused(content, _where(content / "budget.yaml", line, column) + "this alias expands to too much data",
                             other, before)
    assert "write the values out instead of repeating them with aliases" in output


def test_aliases_within_limits_still_work_and_are_located_where_written(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("base: &b [1, 2]\nkopi: *b\nliste: [*b, *b]\n", encoding="utf-8")
    doc = load_yaml(path)
    assert doc.data == {"base": [1, 2], "kopi": [1, 2], "liste": [[1, 2], [1, 2]]}
    assert (doc.locate(("kopi",)).line, doc.locate(("kopi",)).column) == (2, 7)
    assert (doc.locate(("liste", 1)).line, doc.locate(("liste", 1)).column) == (3, 13)
    assert doc.locate(("liste", 1, 0)).line == 1  # inside the alias: where the anchored value was written


def test_alias_expansion_limit_counts_all_aliases_together(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlload, "MAX_ALIAS_VALUES", 10)
    path = tmp_path / "x.yaml"
    path.write_text("a: &a [1, 2]\nb: [*a, *a, *a]\nc: *a\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_yaml(path)
    [error] = caught.value.errors
    assert (error.location.line, error.location.column) == (3, 4)  # 3 x 3 values, then the 10th and 11th in c
    assert "more than 10 values in all" in error.message


def test_alias_inside_itself_is_still_reported(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: &a\n  - 1\n  - *a\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_yaml(path)
    [error] = caught.value.errors
    assert "a YAML alias refers to itself" in error.message
    assert (error.location.line, error.location.column) == (3, 5)


def test_aliases_that_nest_too_deep_are_refused(tmp_path: Path) -> None:
    # Each anchor is shallow, but every one holds the one before: expanded, the data is 100 levels deep.
    path = tmp_path / "x.yaml"
    path.write_text("a0: &a0 [1]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 100)), encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_yaml(path)
    [error] = caught.value.errors
    assert "this alias expands to data nested more than 64 levels deep" in error.message
    # a62 holds a61 ... a0 and a0's 1: that 1 is 64 steps below the root, level 65.
    assert error.location.line == 63
    assert error.location.column == len("a62: &a62 [") + 1


@pytest.mark.parametrize(("brackets", "line", "column"), [
    # The root mapping is level 1, so the 64th bracket opens level 65.
    ("[\n" * 10_000, 65, 1),  # the first bracket on line 2, the 64th on line 65
    # On one line libyaml reads ahead (up to 1,024 characters, for a possible key) and stops at its own limit,
    # 1,000 open brackets, before the composer sees the 65th level.
    ("[" * 10_000, 2, len("udgifter: ") + 1_000),
], ids=["one-bracket-a-line", "one-line"])
def test_deep_flow_nesting_is_refused_with_a_location(content: Path, brackets: str, line: int, column: int) -> None:
    (content / "budget.yaml").write_text("status: endelig\nudgifter: " + brackets + "]" * 10_000 + "\n", encoding="utf-8")
    other = _break_other_file(content)
    before = _snapshot(content)
    expected = _where(content / "budget.yaml", line, column) + "the data is nested more than 64 levels deep"
    _assert_refused(content, expected, other, before)


def test_deep_block_nesting_is_refused_with_a_location(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("".join(" " * i + f"n{i}:\n" for i in range(100)) + " " * 100 + "x\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_yaml(path)
    [error] = caught.value.errors
    assert "nested more than 64 levels deep" in error.message
    # The mapping begun on line L is level L; the key n63 on line 64 would be level 65.
    assert (error.location.line, error.location.column) == (64, 64)


def test_recursion_in_pyyaml_itself_is_a_located_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Should the depth limit ever be raised past what Python's stack allows, the result is still a message.
    monkeypatch.setattr(yamlload, "MAX_DEPTH", 1_000_000)
    # Nested block sequences ("- - - x"): as deep as brackets for the composer, which recurses, but PyYAML's
    # scanner reads brackets in a time that grows with the square of how many are open (0.6 s for these).
    path = tmp_path / "x.yaml"
    path.write_text("a:\n" + "- " * 5_000 + "x\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_yaml(path)
    [error] = caught.value.errors
    assert "nested too deeply to read" in error.message
    assert error.location.line == 2
    assert 1 < error.location.column <= 10_001


def test_too_many_values_are_refused_with_a_location(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A lower limit than the real 100,000, still far above the sample's largest file (about 550 values), so the
    # test composes a few thousand values instead of a hundred thousand.
    monkeypatch.setattr(yamlload, "MAX_VALUES", 2_000)
    count = yamlload.MAX_VALUES + 10
    (content / "budget.yaml").write_text("status: endelig\nudgifter: [" + "0, " * count + "0]\n", encoding="utf-8")
    other = _break_other_file(content)
    before = _snapshot(content)
    # Values so far: the root, two keys, 'endelig' and the list: the list's (MAX_VALUES - 4)th item is one too many.
    column = len("udgifter: [") + 3 * (yamlload.MAX_VALUES - 5) + 1
    expected = _where(content / "budget.yaml", 2, column) + f"the file holds more than {yamlload.MAX_VALUES:,} values"
    _assert_refused(content, expected, other, before)


def test_too_big_file_is_refused_without_being_read(content: Path) -> None:
    with (content / "budget.yaml").open("r+b") as file:
        file.truncate(3 * 1024 * 1024)  # a sparse file: three megabytes of NUL that cannot be UTF-8 YAML
    other = _break_other_file(content)
    before = _snapshot(content)
    output = _assert_refused(content, f"{content.resolve() / 'budget.yaml'}: the file is 3.0 MB; "
                             "content files must be under 2 MB", other, before)
    assert "U+0000" not in output  # refused for its size, before the text was looked at


def test_a_file_just_under_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    text = "tekst: |\n" + "  " + "x" * (yamlload.MAX_BYTES - 20) + "\n"
    path.write_text(text, encoding="utf-8")
    assert len(load_yaml(path).data["tekst"]) == yamlload.MAX_BYTES - 19


def test_a_named_pipe_is_refused_without_blocking(content: Path) -> None:
    fifo = content / "budget.yaml"
    fifo.unlink()
    os.mkfifo(fifo)
    other = _break_other_file(content)
    before = _snapshot(content)

    def unblock() -> None:  # should the check open the pipe and wait, give it an end so the test fails, not hangs
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass

    timer = threading.Timer(10, unblock)
    timer.start()
    try:
        _assert_refused(content, f"{content.resolve() / 'budget.yaml'}: this is a named pipe (FIFO), not an ordinary file",
                        other, before)
    finally:
        timer.cancel()


def test_a_link_to_dev_zero_is_refused(content: Path) -> None:
    (content / "budget.yaml").unlink()
    (content / "budget.yaml").symlink_to("/dev/zero")
    other = _break_other_file(content)
    before = _snapshot(content)
    _assert_refused(content, f"{content.resolve() / 'budget.yaml'}: this is a link to a place outside the content folder",
                    other, before)


def test_a_device_is_refused_even_without_a_content_folder(tmp_path: Path) -> None:
    link = tmp_path / "budget.yaml"
    link.symlink_to("/dev/zero")
    with pytest.raises(ContentErrors) as caught:
        load_yaml(link)
    [error] = caught.value.errors
    assert error.location.path.endswith("budget.yaml")  # the link's name, not /dev/zero
    assert "this is a device, not an ordinary file" in error.message


def test_a_link_out_of_the_content_folder_is_refused_without_showing_the_file(content: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("password: hunter2\n", encoding="utf-8")  # would fail the schema, echoing the field
    (content / "budget.yaml").unlink()
    (content / "budget.yaml").symlink_to(secret)
    other = _break_other_file(content)
    before = _snapshot(content)
    expected = f"{content.resolve() / 'budget.yaml'}: this is a link to a place outside the content folder"
    output = _assert_refused(content, expected, other, before)
    assert "password" not in output
    assert "hunter2" not in output


def test_a_link_inside_the_content_folder_is_followed(content: Path) -> None:
    (content / "arkiv").mkdir()
    (content / "budget.yaml").rename(content / "arkiv" / "budget.yaml")
    (content / "budget.yaml").symlink_to(Path("arkiv") / "budget.yaml")
    code, output, _ = _check(content)
    assert code == 0, output


def test_a_delaftaler_folder_linked_from_outside_is_not_read(content: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (content / "delaftaler").rename(outside)
    (outside / "secret.yaml").write_text("password: hunter2\n", encoding="utf-8")
    (content / "delaftaler").symlink_to(outside, target_is_directory=True)
    other = _break_other_file(content)
    before = _snapshot(content)
    expected = f"{content.resolve() / 'delaftaler'}: the delaftaler folder is a link that does not lead to a folder inside"
    output = _assert_refused(content, expected, other, before)
    assert "hunter2" not in output
    assert "secret.yaml" not in output


def test_a_dangling_link_and_a_loop_of_links(tmp_path: Path) -> None:
    (tmp_path / "missing.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    with pytest.raises(ContentErrors) as missing:
        load_yaml(tmp_path / "missing.yaml", root=tmp_path)
    assert "a link to a file that does not exist" in str(missing.value)
    with pytest.raises(ContentErrors) as loop:
        load_yaml(tmp_path / "a.yaml", root=tmp_path)
    assert "leads round in a circle" in str(loop.value)
    with pytest.raises(ContentErrors) as unrooted:
        load_yaml(tmp_path / "a.yaml")
    assert "the file cannot be read" in str(unrooted.value)


TAG_CASES = [
    ("custom-scalar", "navn: !custom x\n", (1, 7), "the tag !custom is not allowed"),
    ("custom-mapping", "navn: A\nomr: !custom {x: 1}\n", (2, 6), "the tag !custom is not allowed"),
    ("python-mapping", "omr: !!python/object:os.system {}\n", (1, 6), "the tag !!python/object:os.system is not allowed"),
    ("python-name", "f: !!python/name:os.system\n", (1, 4), "the tag !!python/name:os.system is not allowed"),
    ("set", "s: !!set {a, b}\n", (1, 4), "the tag !!set is not allowed"),
    ("omap", "s: !!omap [{a: 1}]\n", (1, 4), "the tag !!omap is not allowed"),
    ("binary", "b: !!binary aGVq\n", (1, 4), "the tag !!binary is not allowed"),
    ("timestamp", "fra: !!timestamp 2021-03-01\n", (1, 6), "the tag !!timestamp is not allowed"),
    ("tagged-key", "!custom navn: A\n", (1, 1), "the tag !custom is not allowed"),
    ("bad-int", "antal: !!int tre\n", (1, 8), "this value cannot be read as !!int"),
    ("bad-bool", "ja: !!bool maaske\n", (1, 5), "this value cannot be read as !!bool"),
    ("empty-float", "x: !!float ''\n", (1, 4), "this value cannot be read as !!float"),
    ("huge-int", "antal: " + "1" * 5_000 + "\n", (1, 8), "this value cannot be read as !!int"),
]


@pytest.mark.parametrize(("name", "text", "where", "message"), TAG_CASES, ids=[c[0] for c in TAG_CASES])
def test_tags_are_refused_with_a_location(tmp_path: Path, name: str, text: str, where: tuple[int, int], message: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_yaml(path)
    [error] = caught.value.errors
    assert (error.location.line, error.location.column) == where, str(error)
    assert message in error.message


def test_allowed_tags_still_work(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: !!str 2021\nb: !!int '7'\nc: !!float 1\nd: !!bool yes\ne: !!null ''\nf: !!map {x: !!seq [1]}\n",
                    encoding="utf-8")
    assert load_yaml(path).data == {"a": "2021", "b": 7, "c": 1.0, "d": True, "e": None, "f": {"x": [1]}}


def test_a_python_tag_in_content_is_refused_by_the_cli(content: Path) -> None:
    line = replace_line(content / "budget.yaml", r"^status: \w+", "status: !!python/object/apply:os.system ['touch pwned']")
    other = _break_other_file(content)
    before = _snapshot(content)
    _assert_refused(content, _where(content / "budget.yaml", line, 9) + "the tag !!python/object/apply:os.system is not allowed",
                    other, before)
    assert not Path("pwned").exists()


def test_characters_of_a_text_are_located_only_where_they_stand_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text('a: ét ord\nb: \'citat\'\nc: "x\\tab\\uFFFEc"\nd: |\n  første\n    anden\ne: >\n  foldet\n  tekst\n'
                    "f: flere\n  linjer\n", encoding="utf-8")
    doc = load_yaml(path)
    at = doc.locate_text
    assert (at(("a",), 0, 3).line, at(("a",), 0, 3).column) == (1, 7)
    assert (at(("b",), 0, 0).line, at(("b",), 0, 0).column) == (2, 5)
    assert (at(("c",), 0, 4).line, at(("c",), 0, 4).column) == (3, 10)  # the backslash of \uFFFE
    assert (at(("d",), 1, 2).line, at(("d",), 1, 2).column) == (6, 5)
    assert at(("e",), 1, 0) is None  # folded: the text's lines are not the file's
    assert at(("f",), 0, 6) is None  # a plain text over two lines is folded too


@pytest.mark.parametrize(("character", "name"), [
    ("\u2064", "U+2064 INVISIBLE PLUS"), ("\u2062", "U+2062 INVISIBLE TIMES"), ("\u00ad", "U+00AD SOFT HYPHEN"),
    ("\u034f", "U+034F COMBINING GRAPHEME JOINER"), ("\u180e", "U+180E MONGOLIAN VOWEL SEPARATOR"),
    ("\U000e0041", "U+E0041 TAG LATIN CAPITAL LETTER A"), ("\U000e0000", "U+E0000 UNASSIGNED TAG"),
    ("\ufe0f", "U+FE0F VARIATION SELECTOR-16"), ("\U000e0100", "U+E0100 VARIATION SELECTOR-17"),
    ("\u3164", "U+3164 HANGUL FILLER"), ("\u115f", "U+115F HANGUL CHOSEONG FILLER"),
    ("\u1160", "U+1160 HANGUL JUNGSEONG FILLER"), ("\uffa0", "U+FFA0 HALFWIDTH HANGUL FILLER"),
    ("\U0001d173", "U+1D173 MUSICAL SYMBOL BEGIN BEAM"), ("\u0605", "U+0605 ARABIC NUMBER MARK ABOVE"),
    ("\u17b4", "U+17B4 KHMER VOWEL INHERENT AQ"), ("\u180b", "U+180B MONGOLIAN FREE VARIATION SELECTOR ONE"),
])
def test_every_invisible_character_in_an_amount_is_refused_by_name(tmp_path: Path, character: str, name: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(f"navn: A\nbeløb: 1.6{character}54\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_yaml(path)
    (error,) = caught.value.errors
    assert (error.location.line, error.location.column) == (2, 11)
    assert error.message == (f"invisible character {name} in the text, which can make the text show otherwise than "
                             "it reads; delete it")


def test_a_soft_hyphen_between_letters_is_a_hyphenation_hint(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("navn: A\ntekst: besk\u00e6f\u00adtigelse\n", encoding="utf-8")
    assert load_yaml(path).data == {"navn": "A", "tekst": "besk\u00e6f\u00adtigelse"}
    for text in ("\u00adord", "ord\u00ad", "ord\u00ad ord", "a\u00ad1"):
        path.write_text(f"navn: A\ntekst: {text}\n", encoding="utf-8")
        with pytest.raises(ContentErrors, match="U\\+00AD SOFT HYPHEN"):
            load_yaml(path)


@pytest.mark.parametrize(("character", "name"), [("\u2028", "U+2028 LINE SEPARATOR"),
                                                 ("\u2029", "U+2029 PARAGRAPH SEPARATOR"), ("\x85", "U+0085 NEXT LINE")])
def test_a_line_separator_is_named_at_its_place(tmp_path: Path, character: str, name: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(f"navn: A\ntekst: en linje{character}og en til\nandet: b\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_yaml(path)
    (error,) = caught.value.errors
    assert (error.location.line, error.location.column) == (2, 16)
    assert error.message == (f"the line break character {name}, which not every program shows as a new line; "
                             "replace it with an ordinary line break")
    path.write_text('navn: A\ntekst: "en linje\\u2028og en til"\n', encoding="utf-8")
    with pytest.raises(ContentErrors, match="the escape \\\\u2028 is the line break character U\\+2028"):
        load_yaml(path)


# (name, text, line, column, message): libyaml's errors told in the user's terms, where the user must act.
SYNTAX = [
    ("colon-on-the-last-line", "a: 1\nstatus udkast\n", 2, 7, "'status' has no ':' after it, so YAML cannot tell "
     "the field name from its value; write 'status: udkast'"),
    ("colon-in-a-list-item", "a:\n  - navn: Per\n    rolle Formand\n    b: 1\n", 3, 10, "write 'rolle: Formand'"),
    ("colon-in-text", "navn: Albertslund: Nord\n", 1, 18, 'put the text in quotes: navn: "Albertslund: Nord"'),
    ("indented-more", "a:\n  b: 1\n    c: 2\n", 3, 5,
     "this line is indented more than 'b' on line 2, so YAML reads it as more of that field's value; indent it 2 spaces"),
    ("text-after-double-quotes", 'a: "Per" og Ole\n', 1, 10, "write a: '\"Per\" og Ole'"),
    ("apostrophe-in-single-quotes", "a: 'Ole's hus'\n", 1, 9, "write a: \"Ole's hus\""),
    ("less-indented-block-text", "x: 1\nvision: |\n    Tekst en.\n  Tekst to.\ny: 2\n", 4, 3,
     "indent every line of the text 4 spaces"),
]


@pytest.mark.parametrize(("name", "text", "line", "column", "message"), SYNTAX, ids=[c[0] for c in SYNTAX])
def test_yaml_syntax_errors_say_what_to_write(tmp_path: Path, name: str, text: str, line: int, column: int,
                                              message: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_yaml(path)
    [error] = caught.value.errors
    assert (error.location.line, error.location.column) == (line, column), str(error)
    assert message in error.message
    assert "invalid YAML" not in error.message


_SAMPLE_LINES = (ROOT / "content" / "strategic.yaml").read_text(encoding="utf-8").split("\n")[:200]
_EDITS = st.lists(st.tuples(st.integers(0, len(_SAMPLE_LINES) - 1), st.integers(0, 200),
                            st.sampled_from(["", ":", " ", "- ", "\"", "'", "|", "#", "[", "]", ": ", "\n", "\n  "]),
                            st.integers(-1, 6)), min_size=1, max_size=3)


@settings(max_examples=150, deadline=None)
@given(_EDITS)
@example([(4, 0, ": ", -1)])  # an error on the first line after the comments: no line above to line up with
def test_broken_yaml_is_always_a_located_message(edits: list[tuple[int, int, str, int]]) -> None:
    """Whatever a slip of the keyboard does to a content file, reading it ends in located messages, never a crash
    of the code that explains libyaml's errors."""
    lines = list(_SAMPLE_LINES)
    for line, column, insert, indent in edits:
        text = lines[line]
        text = text[:column] + insert + text[column + (insert == ""):]
        lines[line] = text if indent < 0 else " " * indent + text.lstrip(" ")
    try:
        yamlload._load("\n".join(lines).encode(), "strategic.yaml")
    except ContentErrors as caught:
        assert all(e.location is not None and e.location.line >= 1 for e in caught.errors)


FOLLOW_UP = "opfoelgning/2021.yaml"


def test_an_empty_follow_up_file_says_how_to_put_it_right(content: Path) -> None:
    from tests.conftest import expect_error

    (content / "opfoelgning" / "2023.yaml").write_text("# yaml-language-server: $schema=../.schemas/opfoelgning.schema.json\n",
                                                       encoding="utf-8")
    expect_error(content, "opfoelgning/2023.yaml", 1, ":1:1: the follow-up file is empty; copy last year's file here and "
                                                      "change its 'år' and values, or delete this file")
    danish = CliRunner().invoke(main, ["--sprog", "da", "check", "--content", str(content)]).output
    assert ("opfoelgning/2023.yaml:1:1: opfølgningsfilen er tom; kopiér sidste års fil hertil, og ret dens 'år' og tal, eller "
            "slet filen") in danish
    (content / "kommissorium.yaml").write_text("", encoding="utf-8")  # a document's file keeps the general message
    expect_error(content, "kommissorium.yaml", 1, ":1:1: the file is empty; it must hold the document's fields")


def test_a_tab_before_a_field_is_not_said_to_be_in_a_text(content: Path) -> None:
    # libyaml is still reading 'i gang' on the line above, which may go on over several lines.
    line = replace_line(content / FOLLOW_UP, r"^    deltagere: 34$", "\tdeltagere: 34")
    result = CliRunner().invoke(main, ["check", "--content", str(content)])
    assert (f"{FOLLOW_UP}:{line}:1: invalid YAML: found a tab character that violates indentation; indent with spaces, not "
            "tabs\n") in result.output
    danish = CliRunner().invoke(main, ["--sprog", "da", "check", "--content", str(content)]).output
    assert (f"{FOLLOW_UP}:{line}:1: filen kan ikke læses som YAML: et tabulatortegn bryder indrykningen; ryk ind med "
            "mellemrum, ikke tabulatorer\n") in danish


def test_a_tab_in_a_text_going_on_over_lines_is_said_to_be_in_a_text(content: Path) -> None:
    line = replace_line(content / FOLLOW_UP, r"^    status: i gang$", "    status: i gang\n\tog går godt")
    result = CliRunner().invoke(main, ["check", "--content", str(content)])
    assert f"{FOLLOW_UP}:{line + 1}:1: invalid YAML: found a tab character that violates indentation (while scanning a plain " \
           "scalar)" in result.output
