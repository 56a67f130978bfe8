"""Reading YAML: every kind of unreadable input gets one message with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from agreement.errors import ContentErrors
from agreement.source.yamlload import load_yaml

CASES = [
    ("invalid-syntax", b"navn: Albertslund\nperiode: [2021\nstatus: endelig\n", 3, "invalid YAML"),
    ("bad-indent", b"a:\n  b: 1\n c: 2\n", 3, "invalid YAML"),
    ("tab-indent", b"a:\n\tb: 1\n", 2, "tabs"),
    ("unquoted-colon", b"navn: Albertslund: Nord\n", 1, "quotes"),
    ("not-utf8", "navn: Albertslund\nby: K\u00f8benhavn\n".encode("latin-1"), 2, "not UTF-8"),
    ("control-character", b"navn: Albertslund\ntekst: en \x07 klokke\n", 2, "U+0007"),
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
