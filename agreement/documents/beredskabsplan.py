"""Beredskabsplan: who is called, in which order, and what the team does in the first 24 hours."""

from __future__ import annotations

from typing import Any

from agreement import formatting as fmt
from agreement.documents.blocks import Markdown
from agreement.documents.parties import programme_context, programme_metadata, upload_name
from agreement.documents.registry import DocumentKind
from agreement.documents.spec import DocumentSpec, single
from agreement.kinds import BEREDSKABSPLAN
from agreement.model.content import Contingency
from agreement.model.metadata import Metadata
from agreement.model.programme import Programme

TEMPLATE = "beredskabsplan.docx"


def specs(programme: Programme) -> list[DocumentSpec]:
    return single(BEREDSKABSPLAN, TEMPLATE, programme.contingency.source, context(programme),
                  metadata(programme), upload_name(programme, "Beredskabsplan"))


def context(programme: Programme) -> dict[str, Any]:
    plan = programme.contingency
    orgs = programme.strategic.organisations
    return {
        **programme_context(programme),
        "purpose": Markdown(plan.purpose, 2),
        "incidents": Markdown(plan.incidents, 2),
        "calls": [
            {
                "number": str(n),
                "role": c.role + (f" ({c.name})" if c.name else ""),
                "organisation": orgs[c.organisation].display_name,
                "phone": fmt.phone(c.phone) if c.phone else "",
                "task": c.task,
            }
            for n, c in enumerate(plan.calls, start=1)
        ],
        "first_day": [{"when": step.when, "action": step.action} for step in plan.first_day],
        "communication": Markdown(plan.communication, 2),
        "follow_up": Markdown(plan.follow_up, 2),
        "cooperation": Markdown(plan.cooperation, 2),
    }


def metadata(programme: Programme) -> Metadata:
    return programme_metadata(programme.strategic, "Beredskabsplan", "beredskabsplan")


KIND = DocumentKind(name=BEREDSKABSPLAN, label="Beredskabsplan", source="beredskabsplan.yaml", schema="beredskabsplan",
                    template=TEMPLATE, model=Contingency.from_doc, documents=specs)
