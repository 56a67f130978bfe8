"""Reporters for `agreement check`: the same errors as terminal text, GitHub annotations or JSON."""

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


# A reporter gets the content folder as the user should read it and every error found (none: valid).
Reporter = Callable[[str, Sequence[AgreementError]], Report]


def text_report(content: str, errors: Sequence[AgreementError]) -> Report:
    """`path:line:column: message` lines and a count on stderr; one line on stdout when valid."""
    if not errors:
        return Report(stdout=_valid(content))
    count = len(errors)
    lines = [str(error) for error in errors]
    lines.append(_found(count))
    return Report(stderr="".join(f"{line}\n" for line in lines))


def github_report(content: str, errors: Sequence[AgreementError]) -> Report:
    """One `::error` workflow command per error on stdout, so GitHub marks the line in the pull request."""
    if not errors:
        return Report(stdout=_valid(content))
    annotations = [_annotation(error) for error in errors]
    # The count also goes to the log as plain text: a reader of the log sees how many there are.
    count = len(errors)
    return Report(stdout="".join(annotations), stderr=_found(count) + "\n")


def json_report(content: str, errors: Sequence[AgreementError]) -> Report:
    """One JSON document on stdout: {"valid": bool, "errors": [{"file", "line", "column", "message"}]}.

    A line or column that is not known is null; so is the file of an error that belongs to no file.
    """
    items = []
    for error in errors:
        location = error.location
        items.append(
            {
                "file": location.path if location and location.path else None,
                "line": location.line if location and location.line else None,
                "column": (location.column or 1) if location and location.line else None,
                "message": error.message,
            }
        )
    return Report(stdout=json.dumps({"valid": not errors, "errors": items}, ensure_ascii=False, indent=2) + "\n")


def _valid(content: str) -> str:
    return _("{content}: the content is valid").format(content=content) + "\n"


def _found(count: int) -> str:
    return ngettext("{count} error found", "{count} errors found", count).format(count=count)


REPORTERS: dict[str, Reporter] = {
    "text": text_report,
    "github": github_report,
    "json": json_report,
}


def _annotation(error: AgreementError) -> str:
    location = error.location
    properties = []
    if location and location.path:
        properties.append(f"file={escape_property(location.path)}")
        if location.line:
            properties.append(f"line={location.line}")
            properties.append(f"col={location.column or 1}")
    properties.append(f"title={escape_property(ANNOTATION_TITLE)}")
    return f"::error {','.join(properties)}::{escape_data(error.message)}\n"


def escape_data(text: str) -> str:
    """Escape the message of a workflow command the way the GitHub runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value of a workflow command; ':' and ',' would end the value early."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
