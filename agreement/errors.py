"""The one exception hierarchy: every error carries the file and, where known, line and column."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agreement.i18n import ngettext


@dataclass(frozen=True, order=True)
class Location:
    """A place in a content file; line and column are 1-based, 0 when unknown."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column or 1}"
        return self.path


class AgreementError(Exception):
    """Base of every error the CLI reports without a traceback."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: {self.message}"


class ContentError(AgreementError):
    """Something is wrong in a content file (YAML, schema or cross-reference)."""


class TemplateError(AgreementError):
    """A Word template is missing or broken."""


class ToolError(AgreementError):
    """An external program (LibreOffice, Graphviz) is missing or failed."""


class TemplateProblems(AgreementError):
    """Every problem found in the templates of an edition, one line each ('template.docx: message')."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(ngettext("{count} problem in the templates", "{count} problems in the templates",
                                  len(problems)).format(count=len(problems)))

    def __str__(self) -> str:
        return "\n".join(self.problems)


class UsageError(AgreementError):
    """A command-line value cannot be used (an output folder that would overwrite the content, say); exit code 2."""


class PublishError(AgreementError):
    """The output folder could not be locked or written as a whole."""


class ContentErrors(AgreementError):
    """Every error found in one check, reported together."""

    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = sorted(errors, key=_sort_key)
        super().__init__(ngettext("{count} error in the content", "{count} errors in the content",
                                  len(self.errors)).format(count=len(self.errors)))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def unique(errors: list[ContentError]) -> list[ContentError]:
    """The errors without repeats: one per message and place, in their order."""
    seen: set[str] = set()
    out = []
    for error in errors:
        if str(error) not in seen:
            seen.add(str(error))
            out.append(error)
    return out


def _sort_key(error: AgreementError) -> tuple[str, int, int, str]:
    loc = error.location or Location("")
    return (loc.path, loc.line, loc.column, error.message)


def display_path(path: Path) -> str:
    """A path as the user should read it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
