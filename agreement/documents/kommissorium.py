"""Kommissorium for bestyrelsen: the board's seats, chair and meetings come from strategic.yaml, as in section 3."""

from __future__ import annotations

from typing import Any

from agreement import formatting as fmt
from agreement.documents.blocks import Markdown
from agreement.documents.organisation import board_context
from agreement.documents.parties import programme_context, programme_metadata, upload_name
from agreement.documents.registry import DocumentKind
from agreement.documents.spec import DocumentSpec, single
from agreement.kinds import KOMMISSORIUM
from agreement.model.content import TermsOfReference
from agreement.model.metadata import Metadata
from agreement.model.programme import Programme

TEMPLATE = "kommissorium.docx"


def specs(programme: Programme) -> list[DocumentSpec]:
    return single(KOMMISSORIUM, TEMPLATE, programme.terms.source, context(programme), metadata(programme),
                  upload_name(programme, "Kommissorium for bestyrelsen"))


def context(programme: Programme) -> dict[str, Any]:
    terms = programme.terms
    return {
        **programme_context(programme),
        "background": Markdown(terms.background, 2) if terms.background else "",
        "purpose": Markdown(terms.purpose, 2),
        "board": board_context(programme.strategic),
        "composition": Markdown(terms.composition, 2),
        "meetings_text": Markdown(terms.meetings, 2),
        "responsibilities": Markdown(terms.responsibilities, 2),
        "secretariat": Markdown(terms.secretariat, 2),
        "decisions": Markdown(terms.decisions, 2),
        "adopted": fmt.date_long(terms.adopted) if terms.adopted else "",
    }


def metadata(programme: Programme) -> Metadata:
    return programme_metadata(programme.strategic, "Kommissorium for bestyrelsen", "kommissorium",
                              programme.terms.adopted or programme.strategic.period.start)


KIND = DocumentKind(name=KOMMISSORIUM, label="Kommissorium for bestyrelsen", source="kommissorium.yaml", schema="kommissorium",
                    template=TEMPLATE, model=TermsOfReference.from_doc, documents=specs)
