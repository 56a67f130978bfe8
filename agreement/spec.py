"""What the build needs to know about one document of the set."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .render import DocxRenderer, Metadata


@dataclass(frozen=True)
class DocumentSpec:
    """One document: its kind and title for the manifest, its file stem, template, context and metadata."""

    kind: str
    title: str
    stem: str
    template: str
    context: Callable[[DocxRenderer], dict]
    metadata: Metadata
