"""What the build needs to know about one document of the set."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agreement.errors import Location
from agreement.model.content import Source
from agreement.model.metadata import Metadata

if TYPE_CHECKING:
    from agreement.word.renderer import DocxRenderer

Context = Callable[["DocxRenderer"], dict[str, Any]]


@dataclass(frozen=True)
class DocumentSpec:
    """One document: its kind and title for the manifest, its file stem, template, context and metadata.

    `context` computes the template's values with the renderer that is rendering it (Markdown, pictures).
    `extras` writes further files of the same document (format -> writer of that file), e.g. the budget's xlsx.
    `draft_at` is where content marks the document as a draft (status: udkast), None when it is final.
    `upload_name` is the file name, without extension, for the case portal.
    """

    kind: str
    title: str
    stem: str
    template: str
    context: Context
    metadata: Metadata
    upload_name: str
    draft_at: Location | None = None
    extras: dict[str, Callable[[Path], None]] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return "udkast" if self.draft_at else "endelig"


def single(kind: str, template: str, source: Source, context: Context, metadata: Metadata, upload_name: str,
           extras: dict[str, Callable[[Path], None]] | None = None) -> list[DocumentSpec]:
    """The spec list of a document the set has exactly one of, named after its kind."""
    return [DocumentSpec(kind, metadata.title, kind, template, context, metadata, upload_name, source.draft_at, extras or {})]
