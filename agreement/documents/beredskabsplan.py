"""Beredskabsplan: who is called, in which order, and what the team does in the first 24 hours."""

from __future__ import annotations

from agreement.documents.parties import (
    org_name,
    organisations,
    programme_context,
    programme_metadata,
    upload_name,
)
from agreement.documents.spec import DocumentSpec, single
from agreement.source.loader import Content
from agreement.word.renderer import DocxRenderer, Metadata

KIND = "beredskabsplan"
TEMPLATE = "beredskabsplan.docx"


def specs(content: Content) -> list[DocumentSpec]:
    return single(KIND, TEMPLATE, content.beredskabsplan, lambda r: context(r, content), metadata(content),
                  upload_name(content, "Beredskabsplan"))


def context(r: DocxRenderer, content: Content) -> dict:
    strategic = content.strategic.data
    data = content.beredskabsplan.data
    orgs = organisations(strategic)
    return {
        **programme_context(strategic),
        "purpose": r.markdown(data["formål"], 2),
        "incidents": r.markdown(data["akutte_hændelser"], 2),
        "calls": [
            {
                "number": str(n),
                "role": c["rolle"] + (f" ({c['navn']})" if c.get("navn") else ""),
                "organisation": org_name(orgs[c["organisation"]]),
                "phone": c.get("telefon", ""),
                "task": c["opgave"],
            }
            for n, c in enumerate(data["kaldeliste"], start=1)
        ],
        "first_day": [{"when": step["tid"], "action": step["handling"]} for step in data["første_døgn"]],
        "communication": r.markdown(data["kommunikation"], 2),
        "follow_up": r.markdown(data["opfølgning"], 2),
        "cooperation": r.markdown(data["samarbejde"], 2),
    }


def metadata(content: Content) -> Metadata:
    return programme_metadata(content.strategic.data, "Beredskabsplan", "beredskabsplan")
