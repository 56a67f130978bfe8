"""`agreement check --format text|github|json`: the reporters and the command that picks one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreement.cli import main
from agreement.errors import AgreementError, ContentError, Location
from agreement.report import REPORTERS, escape_data, escape_property, github_report, json_report, text_report
from tests.conftest import replace_line

# A workflow command as the GitHub runner parses it: no raw ',' or ':' inside a property value,
# no raw newline anywhere, and '%' only as the start of an escape.
ESCAPED = r"(?:[^%\r\n]|%25|%0D|%0A)"
PROPERTY = r"(?:[^%\r\n,:]|%25|%0D|%0A|%3A|%2C)"
ANNOTATION = re.compile(
    rf"^::error file=(?P<file>{PROPERTY}+),line=(?P<line>[1-9]\d*),col=(?P<col>[1-9]\d*),"
    rf"title=(?P<title>{PROPERTY}+)::(?P<message>{ESCAPED}+)$"
)


def _unescape(text: str, *, is_property: bool) -> str:
    """The runner's unescaping, to prove the escaping round-trips."""
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if is_property else [])
    for escaped, raw in pairs:
        text = text.replace(escaped, raw)
    return text.replace("%25", "%")


def _check(content: Path, *args: str):
    """Run `agreement check` from the folder holding `content`, as CI runs it from the repository root."""
    return CliRunner().invoke(main, ["check", "--content", "content", *args])


@pytest.fixture
def broken(content: Path, monkeypatch: pytest.MonkeyPatch) -> set[int]:
    """Errors on two lines of strategic.yaml, run from the folder above; return those line numbers."""
    monkeypatch.chdir(content.parent)
    path = content / "strategic.yaml"
    return {replace_line(path, r"^  - akb$", "  - akbb"), replace_line(path, r"^  til: 2025-02-28$", "  til: 28-02-2025")}


def test_escaping_follows_the_runner() -> None:
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext%3A a%2C b"


def test_an_annotation_escapes_a_message_with_comma_colon_and_newline() -> None:
    message = "unknown id 'x, y': use one of\n- akb\n- kommune (100% sure)"
    error = ContentError(message, Location("content/odd, name: here.yaml", 7, 3))
    report = github_report("content", [error])
    (line,) = report.stdout.splitlines()
    match = ANNOTATION.match(line)
    assert match, line
    assert _unescape(match["message"], is_property=False) == message
    assert _unescape(match["file"], is_property=True) == "content/odd, name: here.yaml"
    assert _unescape(match["title"], is_property=True) == "agreement check"
    assert (match["line"], match["col"]) == ("7", "3")


def test_an_annotation_without_line_or_file_leaves_those_properties_out() -> None:
    report = github_report("content", [ContentError("no line", Location("content/budget.yaml")), AgreementError("nowhere")])
    assert report.stdout.splitlines() == [
        "::error file=content/budget.yaml,title=agreement check::no line",
        "::error title=agreement check::nowhere",
    ]


def test_text_is_the_path_line_column_format_with_a_count() -> None:
    errors = [ContentError("first", Location("content/a.yaml", 2, 4)), ContentError("second", Location("content/a.yaml", 9))]
    report = text_report("content", errors)
    assert report.stdout == ""
    assert report.stderr == "content/a.yaml:2:4: first\ncontent/a.yaml:9:1: second\n2 errors found\n"
    assert text_report("content", []).stdout == "content: the content is valid\n"


def test_json_uses_null_for_what_is_not_known() -> None:
    errors = [ContentError("here", Location("content/a.yaml", 2, 4)), ContentError("file only", Location("content/b.yaml"))]
    document = json.loads(json_report("content", errors).stdout)
    assert document == {
        "valid": False,
        "errors": [
            {"file": "content/a.yaml", "line": 2, "column": 4, "message": "here"},
            {"file": "content/b.yaml", "line": None, "column": None, "message": "file only"},
        ],
        "warnings": [],
    }
    assert json.loads(json_report("content", []).stdout) == {"valid": True, "errors": [], "warnings": []}


def test_every_format_is_a_choice_of_the_command() -> None:
    result = CliRunner().invoke(main, ["check", "--help"])
    for name in REPORTERS:
        assert name in result.output
    result = CliRunner().invoke(main, ["check", "--format", "xml"])
    assert result.exit_code == 2


def test_check_github_annotates_each_error_at_its_line(content: Path, broken: set[int]) -> None:
    result = _check(content, "--format", "github")
    assert result.exit_code == 1
    annotations = [ANNOTATION.match(line) for line in result.stdout.splitlines()]
    assert annotations and all(annotations), result.stdout
    assert {int(m["line"]) for m in annotations if m} >= broken
    assert {_unescape(m["file"], is_property=True) for m in annotations if m} == {"content/strategic.yaml"}
    assert result.stderr == f"{len(annotations)} errors found\n"


def test_check_json_parses_and_lists_each_error(content: Path, broken: set[int]) -> None:
    result = _check(content, "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["valid"] is False
    assert {e["line"] for e in document["errors"]} >= broken
    assert all(e["file"] == "content/strategic.yaml" and e["column"] >= 1 and e["message"] for e in document["errors"])
    text = _check(content)
    assert text.stderr.splitlines()[:-1] == [f"{e['file']}:{e['line']}:{e['column']}: {e['message']}" for e in document["errors"]]


def test_check_json_and_github_on_valid_content(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(content.parent)
    result = _check(content, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"valid": True, "errors": [], "warnings": []}
    result = _check(content, "--format", "github")
    assert result.exit_code == 0
    assert "::error" not in result.stdout
    assert "the content is valid" in result.stdout


def test_check_text_is_unchanged_by_default(content: Path, broken: set[int]) -> None:
    default, text = _check(content), _check(content, "--format", "text")
    assert default.exit_code == text.exit_code == 1
    assert default.stderr == text.stderr
    *messages, count = default.stderr.splitlines()
    assert count == f"{len(messages)} errors found"
    assert all(re.match(r"^content/strategic\.yaml:\d+:\d+: \S", m) for m in messages)
    assert {int(m.split(":")[1]) for m in messages} >= broken
    assert default.stdout == ""
