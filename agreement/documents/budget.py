"""The budget document: tables of expenses and financing per project or calendar year, and the xlsx workbook."""

from __future__ import annotations

from typing import Any

from agreement import formatting as fmt
from agreement.documents.blocks import Cell, Row, Table
from agreement.documents.parties import programme_context, programme_metadata, upload_name
from agreement.documents.registry import DocumentKind
from agreement.documents.spec import BudgetWorkbook, DocumentSpec, single
from agreement.kinds import BUDGET
from agreement.model.budget import Budget, compute, share_text, tenths_text
from agreement.model.content import BudgetPlan
from agreement.model.metadata import Metadata
from agreement.model.programme import Programme

TEMPLATE = "budget.docx"
LIGHT = "E6EFF1"


def specs(programme: Programme) -> list[DocumentSpec]:
    meta = metadata(programme)
    return single(BUDGET, TEMPLATE, programme.budget_plan.source, context(programme), meta,
                  upload_name(programme, "Budget"), {"xlsx": BudgetWorkbook(compute(programme), meta.title, meta.date)})


def context(programme: Programme) -> dict[str, Any]:
    budget = compute(programme)
    local = budget.expense_total - budget.grant_total
    return {
        **programme_context(programme),
        "year_kind": budget.year_kind,
        "years": fmt.join_and(budget.year_labels),
        "expenses": expense_table(budget),
        "financing": financing_table(budget),
        "total": fmt.amount(budget.expense_total),
        "grantor": budget.grantor,
        "grant_share": tenths_text(budget.grant_share()),
        "grant_max": share_text(budget.max_grant),
        "local_share": tenths_text(budget.local_share()),
        "local_min": share_text(budget.min_local),
        "local_total": fmt.amount(local),
    }


def _amount_columns(count: int) -> tuple[tuple[int, ...], ...]:
    """The year and total columns share one width, as wide as their widest amount."""
    return (tuple(range(1, count + 1)),)


def _amounts(values: list[int], bold: bool = False) -> list[Cell]:
    return [Cell(fmt.number(v), bold=bold, align="right") for v in values]


def expense_table(budget: Budget) -> Table:
    columns = len(budget.year_labels) + 1
    table = Table(uniform=_amount_columns(columns))
    table.rows.append(Row([Cell("Udgifter (kr.)")] + [Cell(y, align="right") for y in budget.year_labels]
                          + [Cell("I alt", align="right")], header=True))
    for group in budget.groups:
        table.rows.append(Row([Cell(group.name, bold=True, span=columns + 1)], fill=LIGHT, keep_with_next=True))
        for line in group.lines:
            table.rows.append(Row([Cell(line.label)] + _amounts(line.amounts + [line.total]), keep_with_next=True))
        table.rows.append(Row([Cell(f"I alt, {group.name[:1].lower()}{group.name[1:]}")] + _amounts(group.totals + [group.total]),
                              bold=True))
    table.rows.append(Row([Cell("Udgifter i alt")] + _amounts(budget.expense_totals + [budget.expense_total]),
                          bold=True, fill=LIGHT))
    return table


def financing_table(budget: Budget) -> Table:
    columns = len(budget.year_labels) + 2
    table = Table(uniform=_amount_columns(columns - 1))
    table.rows.append(Row([Cell("Finansiering (kr.)")] + [Cell(y, align="right") for y in budget.year_labels]
                          + [Cell("I alt", align="right"), Cell("Andel", align="right")], header=True))
    shares = budget.financing_shares()
    for line, share in zip(budget.financing, shares):
        table.rows.append(Row([Cell(line.label)] + _amounts(line.amounts + [line.total])
                              + [Cell(tenths_text(share), align="right")]))
    table.rows.append(Row([Cell("Finansiering i alt")] + _amounts(budget.financing_totals + [budget.financing_total])
                          + [Cell(tenths_text(sum(shares)), align="right")], bold=True, fill=LIGHT))
    return table


def metadata(programme: Programme) -> Metadata:
    return programme_metadata(programme.strategic, "Budget", "budget")


KIND = DocumentKind(name=BUDGET, label="Budget", source="budget.yaml", schema="budget", template=TEMPLATE,
                    model=BudgetPlan.from_doc, documents=specs)
