"""What the build needs to know about one document of the set."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .render import DocxRenderer, Metadata


@dataclass(frozen=True)
class DocumentSpec:
    """One document: its kind and title for the manifest, its file stem, template, context and metadata.

    `extras` writes further files of the same document (format -> writer of that file), e.g. the budget's xlsx.
    """

    kind: str
    title: str
    stem: str
    template: str
    context: Callable[[DocxRenderer], dict]
    metadata: Metadata
    extras: dict[str, Callable[[Path], None]] = field(default_factory=dict)


def single(kind: str, template: str, context: Callable[[DocxRenderer], dict], metadata: Metadata,
           extras: dict[str, Callable[[Path], None]] | None = None) -> list[DocumentSpec]:
    """The spec list of a document the set has exactly one of, named after its kind."""
    return [DocumentSpec(kind, metadata.title, kind, template, context, metadata, extras or {})]
