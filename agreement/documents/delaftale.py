"""Delaftaler: one per chosen focus area, all from one template."""

from __future__ import annotations

from typing import Any

from agreement import formatting as fmt
from agreement.documents.blocks import Markdown
from agreement.documents.parties import document_date, period_to, programme_context, signature_rows, years_label
from agreement.documents.registry import DocumentKind
from agreement.documents.spec import DocumentSpec
from agreement.documents.strategic import unit_text
from agreement.kinds import DELAFTALE
from agreement.model.content import Delaftale, SubIndicator
from agreement.model.metadata import Metadata
from agreement.model.programme import Programme

TEMPLATE = "delaftale.docx"


def specs(programme: Programme) -> list[DocumentSpec]:
    """One document per chosen focus area, in the order strategic.yaml describes them."""
    out = []
    for area in programme.strategic.chosen_areas:
        deal = programme.delaftale_for(area)
        meta = metadata(programme, deal)
        upload = f"{programme.strategic.area.name} - Delaftale - {area}"
        out.append(DocumentSpec(DELAFTALE, meta.title, f"delaftale-{deal.stem}", TEMPLATE,
                                context(programme, deal), meta, upload, deal.source.draft_at))
    return out


def context(programme: Programme, deal: Delaftale) -> dict[str, Any]:
    strategic = programme.strategic
    orgs = strategic.organisations
    groups = [next(g for g in strategic.organisation.groups if g.id == ident) for ident in deal.groups]
    numbers = {goal.id: n for n, goal in enumerate(deal.goals, start=1)}
    return {
        **programme_context(programme),
        "focus_area": deal.focus_area,
        "parties": [orgs[p].display_name for p in deal.parties],
        "period_from": fmt.date_long(deal.period.start),
        "period_to": period_to(deal.period),
        "purpose": Markdown(deal.purpose, 2),
        "goals": [
            {
                "number": numbers[goal.id],
                "text": goal.heading,
                "more": Markdown(goal.text.partition("\n\n")[2].strip() or None, 4),
                "indicators": [
                    {"text": i.text, "baseline": baseline_text(i), "target": i.target, "source": i.source} for i in goal.indicators
                ],
            }
            for goal in deal.goals
        ],
        "activities": [
            {
                "name": a.name,
                "goals": fmt.join_and([f"delmål {numbers[g]}" for g in a.goals]),
                "purpose": Markdown(a.purpose, 4),
                "target_group": Markdown(a.target_group, 4),
                "content": Markdown(a.content, 4),
                "responsible": fmt.join_and([orgs[o].display_name for o in a.responsible]),
                "partners": [{"name": orgs[p.organisation].display_name, "role": p.role} for p in a.partners],
            }
            for a in deal.activities
        ],
        "group_names": fmt.join_and([g.name[:1].lower() + g.name[1:] for g in groups]),
        "groups": [{"name": g.name, "members": list(g.members)} for g in groups],
        "signatures": signature_rows(strategic, deal.signatures),
    }


def metadata(programme: Programme, deal: Delaftale) -> Metadata:
    strategic = programme.strategic
    area = strategic.area.name
    focus = deal.focus_area
    return Metadata(
        title=f"Delaftale om {focus}, {area} {years_label(deal.period)}",
        author=", ".join(strategic.organisations[p].name for p in deal.parties),
        subject=f"Delaftale under den strategiske samarbejdsaftale for {area}: {focus}",
        keywords="; ".join(["boligsocial indsats", "Landsbyggefonden", "delaftale", focus, area]),
        date=document_date(deal.signatures, deal.period.start),
    )


def baseline_text(indicator: SubIndicator) -> str:
    """A delmål indicator's baseline: its words, or its number in its unit with the year it describes."""
    if isinstance(indicator.baseline, str):
        return indicator.baseline
    year = f" ({indicator.baseline_year})" if indicator.baseline_year else ""
    return unit_text(indicator.baseline, indicator.unit) + year


KIND = DocumentKind(name=DELAFTALE, label="Delaftale", source="delaftaler/*.yaml", schema="delaftale", template=TEMPLATE,
                    model=Delaftale.from_doc, documents=specs)
