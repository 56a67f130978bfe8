"""Reporters for `agreement check`: the same errors and warnings as terminal text, GitHub annotations or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from agreement.errors import AgreementError
from agreement.i18n import _, ngettext

# The title GitHub shows above each annotation in a pull request's "Files changed" tab.
ANNOTATION_TITLE = "agreement check"


@dataclass(frozen=True)
class Report:
    """What a reporter prints: `stdout` and `stderr`, each empty or ending in a newline."""

    stdout: str = ""
    stderr: str = ""


# A reporter gets the content folder as the user should read it, every error found (none: valid) and every
# warning (unknown words, a baseline without its year: the content is still valid).
Reporter = Callable[[str, Sequence[AgreementError], Sequence[AgreementError]], Report]


def text_report(content: str, errors: Sequence[AgreementError], warnings: Sequence[AgreementError] = ()) -> Report:
    """`path:line:column: message` lines (`path:line:column: warning: message` for a warning), in the order of
    the files, and a count on stderr; one line on stdout when valid."""
    valid = "" if errors else _valid(content)
    if not errors and not warnings:
        return Report(stdout=valid)
    marked = [(error, "") for error in errors] + [(warning, _("warning: ")) for warning in warnings]
    lines = [_prefixed(error, mark) for error, mark in sorted(marked, key=lambda em: _place(em[0]))]
    lines.append(_count(errors, warnings))
    return Report(stdout=valid, stderr="".join(f"{line}\n" for line in lines))


def github_report(content: str, errors: Sequence[AgreementError], warnings: Sequence[AgreementError] = ()) -> Report:
    """One `::error` (or `::warning`) workflow command per error on stdout, so GitHub marks the line in the pull request."""
    valid = "" if errors else _valid(content)
    if not errors and not warnings:
        return Report(stdout=valid)
    annotations = [_annotation(error) for error in errors] + [_annotation(w, "warning") for w in warnings]
    # The count also goes to the log as plain text: a reader of the log sees how many there are.
    return Report(stdout=valid + "".join(annotations), stderr=_count(errors, warnings) + "\n")


def json_report(content: str, errors: Sequence[AgreementError], warnings: Sequence[AgreementError] = ()) -> Report:
    """One JSON document on stdout: {"valid": bool, "errors": [...], "warnings": [...]}, each problem
    {"file", "line", "column", "message"}.

    A line or column that is not known is null; so is the file of an error that belongs to no file.
    """
    document = {"valid": not errors, "errors": [_item(e) for e in errors], "warnings": [_item(w) for w in warnings]}
    return Report(stdout=json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def _item(error: AgreementError) -> dict[str, object]:
    location = error.location
    return {
        "file": location.path if location and location.path else None,
        "line": location.line if location and location.line else None,
        "column": (location.column or 1) if location and location.line else None,
        "message": error.message,
    }


def _prefixed(error: AgreementError, mark: str) -> str:
    return f"{error.location}: {mark}{error.message}" if error.location is not None else f"{mark}{error.message}"


def _place(error: AgreementError) -> tuple[str, int, int]:
    location = error.location
    return (location.path, location.line, location.column) if location is not None else ("", 0, 0)


def _count(errors: Sequence[AgreementError], warnings: Sequence[AgreementError]) -> str:
    if not warnings:
        return _found(len(errors))
    found_warnings = ngettext("{count} warning", "{count} warnings", len(warnings)).format(count=len(warnings))
    if not errors:
        return _("{warnings} found").format(warnings=found_warnings)
    found_errors = ngettext("{count} error", "{count} errors", len(errors)).format(count=len(errors))
    return _("{errors} and {warnings} found").format(errors=found_errors, warnings=found_warnings)


def _valid(content: str) -> str:
    return _("{content}: the content is valid").format(content=content) + "\n"


def _found(count: int) -> str:
    return ngettext("{count} error found", "{count} errors found", count).format(count=count)


REPORTERS: dict[str, Reporter] = {
    "text": text_report,
    "github": github_report,
    "json": json_report,
}


def _annotation(error: AgreementError, command: str = "error") -> str:
    location = error.location
    properties = []
    if location and location.path:
        properties.append(f"file={escape_property(location.path)}")
        if location.line:
            properties.append(f"line={location.line}")
            properties.append(f"col={location.column or 1}")
    properties.append(f"title={escape_property(ANNOTATION_TITLE)}")
    return f"::{command} {','.join(properties)}::{escape_data(error.message)}\n"


def escape_data(text: str) -> str:
    """Escape the message of a workflow command the way the GitHub runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value of a workflow command; ':' and ',' would end the value early."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
