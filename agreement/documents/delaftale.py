"""Delaftaler: one per chosen focus area, all from one template."""

from __future__ import annotations

from pathlib import Path

from agreement import formatting as fmt
from agreement.documents.parties import (
    document_date,
    org_name,
    organisations,
    programme_context,
    signature_rows,
    years_label,
)
from agreement.documents.spec import DocumentSpec, draft_location
from agreement.source.loader import Content
from agreement.source.yamlload import YamlDocument
from agreement.word.renderer import DocxRenderer, Metadata

KIND = "delaftale"
TEMPLATE = "delaftale.docx"


def specs(content: Content) -> list[DocumentSpec]:
    """One document per chosen focus area, in the order strategic.yaml describes them."""
    chosen = [a["navn"] for a in content.strategic.data["indsatsområder"]["områder"] if a["valgt"]]
    out = []
    for area in chosen:
        doc = content.delaftale_for(area)
        meta = metadata(content, doc)
        upload = f"{content.strategic.data['område']['navn']} - Delaftale - {area}"
        out.append(DocumentSpec(KIND, meta.title, f"delaftale-{Path(doc.path).stem}", TEMPLATE,
                                lambda r, doc=doc: context(r, content, doc), meta, upload, draft_location(doc)))
    return out


def context(r: DocxRenderer, content: Content, doc: YamlDocument) -> dict:
    strategic = content.strategic.data
    data = doc.data
    orgs = organisations(strategic)
    groups = {g["id"]: g for g in strategic["organisering"]["følgegrupper"]["grupper"]}
    group = groups[data["følgegruppe"]]
    numbers = {goal["id"]: n for n, goal in enumerate(data["delmål"], start=1)}
    return {
        **programme_context(strategic),
        "focus_area": data["indsatsområde"],
        "parties": [org_name(orgs[p]) for p in data["parter"]],
        "period_from": fmt.date_long(data["periode"]["fra"]),
        "period_to": fmt.date_long(data["periode"]["til"]),
        "purpose": r.markdown(data["formål"], 2),
        "goals": [
            {
                "number": numbers[goal["id"]],
                "text": goal["delmål"],
                "indicators": [
                    {"text": i["indikator"], "baseline": i["baseline"], "target": i["mål"], "source": i["datakilde"]}
                    for i in goal["indikatorer"]
                ],
            }
            for goal in data["delmål"]
        ],
        "activities": [
            {
                "name": a["navn"],
                "goals": fmt.join_and([f"delmål {numbers[g]}" for g in a["delmål"]]),
                "purpose": r.markdown(a["formål"], 4),
                "target_group": r.markdown(a["målgruppe"], 4),
                "content": r.markdown(a["indhold"], 4),
                "responsible": org_name(orgs[a["ansvarlig"]]),
                "partners": [{"name": org_name(orgs[p["organisation"]]), "role": p["rolle"]} for p in a.get("partnere", [])],
            }
            for a in data["aktiviteter"]
        ],
        "group_name": group["navn"][:1].lower() + group["navn"][1:],
        "group_members": group["medlemmer"],
        "signatures": signature_rows(strategic, data["underskrifter"]),
    }


def metadata(content: Content, doc: YamlDocument) -> Metadata:
    strategic = content.strategic.data
    data = doc.data
    orgs = organisations(strategic)
    area = strategic["område"]["navn"]
    focus = data["indsatsområde"]
    return Metadata(
        title=f"Delaftale om {focus}, {area} {years_label(data['periode'])}",
        author=", ".join(orgs[p]["navn"] for p in data["parter"]),
        subject=f"Delaftale under den strategiske samarbejdsaftale for {area}: {focus}",
        keywords="; ".join(["boligsocial indsats", "Landsbyggefonden", "delaftale", focus, area]),
        date=document_date(data["underskrifter"], data["periode"]["fra"]),
    )
