"""Kommissorium for bestyrelsen: the board's composition and meetings come from strategic.yaml."""

from __future__ import annotations

from agreement import formatting as fmt
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

KIND = "kommissorium"
TEMPLATE = "kommissorium.docx"


def specs(content: Content) -> list[DocumentSpec]:
    return single(KIND, TEMPLATE, content.kommissorium, lambda r: context(r, content), metadata(content),
                  upload_name(content, "Kommissorium for bestyrelsen"))


def context(r: DocxRenderer, content: Content) -> dict:
    strategic = content.strategic.data
    data = content.kommissorium.data
    orgs = organisations(strategic)
    board = strategic["organisering"]["bestyrelse"]
    meetings = board["møder_pr_år"]
    return {
        **programme_context(strategic),
        "purpose": r.markdown(data["formål"], 2),
        "representation": board["repræsentation"],
        "members": [org_name(orgs[i]) for i in board["organisationer"]],
        "composition": r.markdown(data.get("sammensætning"), 2),
        "meetings": f"{fmt.count(meetings)} {'gang' if meetings == 1 else 'gange'}",
        "meetings_text": r.markdown(data["møder"], 2),
        "responsibilities": r.markdown(data["opgaver"], 2),
        "secretariat": r.markdown(data["sekretariat"], 2),
        "decisions": r.markdown(data["beslutninger"], 2),
        "adopted": fmt.date_long(data["godkendt"]) if data.get("godkendt") else "",
    }


def metadata(content: Content) -> Metadata:
    return programme_metadata(content.strategic.data, "Kommissorium for bestyrelsen", "kommissorium", fmt.as_date(content.kommissorium.data.get("godkendt") or content.strategic.data["periode"]["fra"]))
