"""What the build needs to know about one document of the set."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agreement.errors import Location
from agreement.model.budget import Budget
from agreement.model.content import Source
from agreement.model.metadata import Metadata


@dataclass(frozen=True)
class BudgetWorkbook:
    """The budget as a workbook (outputs.xlsx.write_budget)."""

    budget: Budget
    title: str
    date: dt.date


@dataclass(frozen=True)
class Quantity:
    """A measured number in an indicator's unit (procent, karakter, antal, ...; None: a plain number)."""

    value: float | int
    unit: str | None


@dataclass(frozen=True)
class Measured(Quantity):
    """A status cell's value: a final follow-up's measurement of the area, a number in its unit, with `details`,
    the Danish texts shown with it (the year its data describe, the municipality's value where there is one)."""

    details: tuple[str, ...] = ()


ReportValue = str | int | Quantity | None  # text, a year, a number in its unit (a Measured in a status cell), or nothing


@dataclass(frozen=True)
class ReportWorkbook:
    """The indberetningsskema as a workbook (outputs.xlsx.write_report); `lbf_workbook` is LBF's own form to fill,
    when the edition carries one."""

    headings: list[str]
    rows: list[list[ReportValue]]
    title: str
    intro: str
    date: dt.date
    lbf_workbook: Path | None


Workbook = BudgetWorkbook | ReportWorkbook


@dataclass(frozen=True)
class DocumentSpec:
    """One document: its kind and title for the manifest, its file stem, template, context and metadata.

    `context` is the template's values: plain data and the blocks of agreement.documents.blocks (Markdown,
    tables, the diagram), which the Word renderer turns into WordprocessingML.
    `extras` are further files of the same document (format -> what it shows), e.g. the budget's xlsx.
    `draft_at` is where content marks the document as a draft (status: udkast), None when it is final.
    `upload_name` is the file name, without extension, for the case portal.
    """

    kind: str
    title: str
    stem: str
    template: str
    context: dict[str, Any]
    metadata: Metadata
    upload_name: str
    draft_at: Location | None = None
    extras: dict[str, Workbook] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return "udkast" if self.draft_at else "endelig"


def single(kind: str, template: str, source: Source, context: dict[str, Any], metadata: Metadata, upload_name: str,
           extras: dict[str, Workbook] | None = None) -> list[DocumentSpec]:
    """The spec list of a document the set has exactly one of, named after its kind."""
    return [DocumentSpec(kind, metadata.title, kind, template, context, metadata, upload_name, source.draft_at, extras or {})]
