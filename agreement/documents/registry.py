"""The registry of document kinds: each kind declared once, and every command loops over the registry."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agreement.source.checked import Rule
from agreement.source.yamlload import YamlDocument

if TYPE_CHECKING:
    from agreement.documents.spec import DocumentSpec
    from agreement.model.programme import Programme


@dataclass(frozen=True)
class DocumentKind:
    """A kind of document: where its content is, how it is checked and modelled, and which documents it makes.

    `name` is the manifest kind; `source` a file in the content folder or a pattern ("delaftaler/*.yaml");
    `schema` a schema name in agreement/schemas or a path; `template` the Word template's file name in the
    edition; `model` turns one checked file into a typed record; `documents` makes the specs (context,
    metadata, upload name, file stem) of the documents the programme has of this kind.

    `styles` names the styles its template needs besides the ones every template has (templatecheck's
    REQUIRED_STYLES), each with what it is used for.

    A kind made wholly from other kinds' content (the indberetningsskema) declares `reads_content=False` and
    has no source, schema or model of its own: the loader reads no file for it.
    """

    name: str
    label: str
    source: str
    schema: str | Path
    template: str
    model: Callable[[YamlDocument], Any] | None
    documents: Callable[[Programme], list[DocumentSpec]]
    rules: tuple[Rule, ...] = ()
    reads_content: bool = True
    styles: Mapping[str, str] = field(default_factory=dict)


class Registry:
    """Document kinds in the order their documents are built and listed."""

    def __init__(self, kinds: tuple[DocumentKind, ...] = ()) -> None:
        self._kinds: dict[str, DocumentKind] = {}
        for kind in kinds:
            self.add(kind)

    def add(self, kind: DocumentKind) -> None:
        """Register `kind`; a kind needs a name and a template, a source, schema and model unless it reads no
        content (and then none of them), and a name is taken once."""
        if not kind.name or not kind.template:
            raise ValueError("a document kind needs a name, a content source and a template")
        if kind.reads_content and not (kind.source and kind.schema and kind.model):
            raise ValueError(f"the document kind '{kind.name}' needs a content source, a schema and a model, "
                             "or reads_content=False")
        if not kind.reads_content and (kind.source or kind.schema or kind.model or kind.rules):
            raise ValueError(f"the document kind '{kind.name}' reads no content, so it has no source, schema, model "
                             "or rules")
        if kind.name in self._kinds:
            raise ValueError(f"the document kind '{kind.name}' is already registered")
        self._kinds[kind.name] = kind

    def remove(self, name: str) -> None:
        del self._kinds[name]

    def get(self, name: str) -> DocumentKind:
        return self._kinds[name]

    def kinds(self) -> list[DocumentKind]:
        return list(self._kinds.values())

    def __iter__(self) -> Iterator[DocumentKind]:
        return iter(self.kinds())

    def specs(self, programme: Programme) -> list[DocumentSpec]:
        """Every document of the programme, kind by kind, in the order of the manifest."""
        return [spec for kind in self._kinds.values() for spec in kind.documents(programme)]
