"""The strategic agreement: its template values and metadata, computed from strategic.yaml's model."""

from __future__ import annotations

from typing import Any

from agreement import formatting as fmt
from agreement.documents.blocks import Diagram, Footnote, Markdown
from agreement.documents.organisation import board_context, organisation_description, organisation_dot
from agreement.documents.parties import document_date, programme_context, signature_rows, upload_name, years_label
from agreement.documents.registry import DocumentKind
from agreement.documents.spec import DocumentSpec, single
from agreement.kinds import STRATEGIC
from agreement.model.content import Baseline, Strategic
from agreement.model.metadata import Metadata
from agreement.model.programme import Programme

TEMPLATE = "strategisk-samarbejdsaftale.docx"
TITLE = "Strategisk samarbejdsaftale om boligsocial indsats"


def specs(programme: Programme) -> list[DocumentSpec]:
    return single(STRATEGIC, TEMPLATE, programme.strategic.source, context(programme), metadata(programme),
                  upload_name(programme, "Strategisk samarbejdsaftale"))


def context(programme: Programme) -> dict[str, Any]:
    s = programme.strategic
    org = s.organisation
    return {
        **programme_context(programme),
        "parties": [s.organisations[p].name for p in s.parties],
        "signatures": signature_rows(s, s.signatures),
        "section1": Markdown(s.section1, 2),
        "section2": Markdown(s.vision, 2),
        "org_diagram_text": Markdown(org.diagram_text, 3),
        "org_diagram": Diagram(organisation_dot(s), max_width_cm=16, max_height_cm=12,
                               description=organisation_description(s)),
        "board": board_context(s),
        "board_text": Markdown(org.board.text, 3),
        "groups_text": Markdown(org.groups_text, 3),
        "groups": [{"name": g.name, "members": list(g.members)} for g in org.groups],
        "steering": Markdown(org.steering, 2),
        "team_size": fmt.count(sum(role.full_time_equivalents for role in org.roles)),
        "team_roles": _capitalise(fmt.join_and([f"en {role.title}" for role in org.roles])),
        "team_text": Markdown(org.team_text, 3),
        "section4": Markdown(s.interplay, 2),
        "goals": [
            {
                "text": goal.text,
                "indicators": [
                    {
                        "text": ind.text,
                        "area": _baseline(ind.baseline_area, ind.unit),
                        "municipality": _baseline(ind.baseline_municipality, ind.unit),
                        "year": str(ind.baseline_year),
                        "source": ind.source,
                    }
                    for ind in goal.indicators
                ],
            }
            for goal in s.goals
        ],
        "focus_footnote": Footnote(s.focus_footnote) if s.focus_footnote else "",
        "focus_areas": [{"name": a.name, "chosen": a.chosen, "problem": Markdown(a.problem, 4)} for a in s.focus_areas],
        "section7": Markdown(s.evaluation, 2),
        "section8": Markdown(s.revision, 2),
    }


def metadata(programme: Programme) -> Metadata:
    s = programme.strategic
    area = s.area.name
    return Metadata(
        title=f"{TITLE}, {area} {years_label(s.period)}",
        author=", ".join(s.organisations[p].name for p in s.parties),
        subject=f"Strategisk samarbejdsaftale for {area} ({', '.join(s.area.estates)})",
        keywords="; ".join(["boligsocial indsats", "Landsbyggefonden", "strategisk samarbejdsaftale", area]),
        date=document_date(s.signatures, s.period.start),
    )


def _baseline(value: Baseline, unit: str) -> str:
    show = fmt.percent if unit == "procent" else fmt.number
    if value.single:
        return show(value.values[0].value)
    text = " / ".join(show(v.value) + (f" ({v.note})" if v.note else "") for v in value.values)
    return text + (f" ({value.note})" if value.note else "")


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


KIND = DocumentKind(name=STRATEGIC, label="Strategisk samarbejdsaftale", source="strategic.yaml", schema="strategic",
                    template=TEMPLATE, model=Strategic.from_doc, documents=specs)
