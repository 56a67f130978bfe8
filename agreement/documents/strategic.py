"""The strategic agreement: its template values and metadata, computed from strategic.yaml's model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agreement import formatting as fmt
from agreement.documents.blocks import Diagram, Footnote, Markdown
from agreement.documents.organisation import BODY_POINTS, NODE_POINTS, board_context, organisation_description, organisation_dot
from agreement.documents.parties import document_date, programme_context, signature_rows, upload_name, years_label
from agreement.documents.registry import DocumentKind
from agreement.documents.spec import DocumentSpec, single
from agreement.editions import FixedGoal, FixedIndicator
from agreement.kinds import STRATEGIC
from agreement.model.content import NOT_MEASURED, Baseline, FixedBaseline, Strategic
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
        "plan": s.area.plan or "",
        "parties": [s.organisations[p].name for p in s.parties],
        "signatures": signature_rows(s, s.signatures),
        "section1": Markdown(s.section1, 2),
        "section2": Markdown(s.vision, 2),
        "org_diagram_text": Markdown(org.diagram_text, 3),
        "org_diagram": Diagram(organisation_dot(s), max_width_cm=16, max_height_cm=12,
                               description=organisation_description(s), text_points=(NODE_POINTS, BODY_POINTS)),
        "board": board_context(s),
        "board_text": Markdown(org.board.text, 3),
        "groups_text": Markdown(org.groups_text, 3),
        "groups": [{"name": g.name, "members": list(g.members)} for g in org.groups],
        "steering": Markdown(org.steering, 2),
        "team_size": fmt.count(sum(role.full_time_equivalents for role in org.roles)),
        "team_roles": capitalise(fmt.join_and([f"en {role.title}" for role in org.roles])),
        "team_text": Markdown(org.team_text, 3),
        "section4": Markdown(s.interplay, 2),
        "goals": [
            {"text": goal.text, "indicators": [
                {"text": ind.text, "area": area, "municipality": municipality, "year": year, "source": source}
                for ind, area, municipality, year, source in indicators]}
            for goal, indicators in fixed_goals(programme)
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
        title=f"{TITLE}, {area} {years_label(s.period)}" + (f" – {s.area.plan}" if s.area.plan else ""),
        author=", ".join(s.organisations[p].name for p in s.parties),
        subject=f"Strategisk samarbejdsaftale for {area} ({', '.join(s.area.estates)})",
        keywords="; ".join(["boligsocial indsats", "Landsbyggefonden", "strategisk samarbejdsaftale", area]),
        date=document_date(s.signatures, s.period.start),
    )


# How a number of each unit is shown; a unit not listed is written after the number as it stands in edition.yaml.
UNITS: dict[str, Callable[[float | int], str]] = {
    "procent": fmt.percent,
    "karakter": fmt.number,
    "antal": fmt.number,
    "kroner": fmt.amount,
    "timer": lambda value: f"{fmt.number(value)} timer",
}



def unit_text(value: float | int, unit: str | None) -> str:
    """A number in its unit, as the tables show it: '88,9 %', '5,2', '12 deltagere' (no unit: the number alone)."""
    if not unit:
        return fmt.number(value)
    return UNITS[unit](value) if unit in UNITS else f"{fmt.number(value)} {unit}"


IndicatorRow = tuple[FixedIndicator, str, str, str, str]  # indicator, baselines (area, municipality), year, data source


def fixed_goals(programme: Programme) -> list[tuple[FixedGoal, list[IndicatorRow]]]:
    """The edition's fixed goals and indicators with the area's baselines; what is not given yet is blank."""
    baselines = programme.strategic.baselines
    out = []
    for goal in programme.edition.goals:
        rows = []
        for ind in goal.indicators:
            given = baselines.get(ind.id, FixedBaseline(None, None, None, None))
            rows.append((ind, baseline_text(given.area, ind.unit), baseline_text(given.municipality, ind.unit),
                         "" if given.year is None else str(given.year), given.source or ind.source))
        out.append((goal, rows))
    return out


def baseline_text(value: Baseline | None, unit: str) -> str:
    if value is None:
        return ""
    if not value.measured:
        return NOT_MEASURED + (f" ({value.note})" if value.note else "")
    show: Callable[[float | int], str] = UNITS.get(unit, lambda number: f"{fmt.number(number)} {unit}")
    if value.single:
        return show(value.values[0].value)
    text = " / ".join(show(v.value) + (f" ({v.note})" if v.note else "") for v in value.values)
    return text + (f" ({value.note})" if value.note else "")


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


KIND = DocumentKind(name=STRATEGIC, label="Strategisk samarbejdsaftale", source="strategic.yaml", schema="strategic",
                    template=TEMPLATE, model=Strategic.from_doc, documents=specs)
