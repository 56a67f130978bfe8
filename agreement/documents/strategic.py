"""The strategic agreement: its template context, computed from strategic.yaml."""

from __future__ import annotations

from agreement import formatting as fmt
from agreement.documents.parties import (
    area_line,
    document_date,
    org_name,
    organisations,
    signature_rows,
    upload_name,
    years_label,
)
from agreement.documents.spec import DocumentSpec, single
from agreement.outputs.diagram import organisation_dot, render_png
from agreement.source.loader import Content
from agreement.word.renderer import DocxRenderer, Metadata

KIND = "strategisk-samarbejdsaftale"
TEMPLATE = "strategisk-samarbejdsaftale.docx"
TITLE = "Strategisk samarbejdsaftale om boligsocial indsats"


def specs(content: Content) -> list[DocumentSpec]:
    return single(KIND, TEMPLATE, content.strategic, lambda r: context(r, content), metadata(content),
                  upload_name(content, "Strategisk samarbejdsaftale"))


def context(r: DocxRenderer, content: Content) -> dict:
    data = content.strategic.data
    orgs = organisations(data)
    area = data["område"]
    period = data["periode"]
    org = data["organisering"]
    board = org["bestyrelse"]
    roles = org["team"]["roller"]
    meetings = board["møder_pr_år"]

    return {
        "area_name": area["navn"],
        "area_line": area_line(data),
        "parties": [orgs[p]["navn"] for p in data["parter"]],
        "period_from": fmt.date_long(period["fra"]),
        "period_to": fmt.date_long(period["til"]),
        "signatures": signature_rows(data, data["underskrifter"]),
        "section1": r.markdown(data["boligområdet"], 2),
        "section2": r.markdown(data["vision"], 2),
        "org_diagram_text": r.markdown(org["diagram"]["tekst"], 3),
        "org_diagram": r.picture(render_png(organisation_dot(data)), max_width_cm=16, max_height_cm=12,
                                 description=f"Organisationsdiagram for den boligsociale indsats i {area['navn']}"),
        "board_representation": board["repræsentation"],
        "board_members": fmt.join_and([org_name(orgs[i]) for i in board["organisationer"]]),
        "board_meetings": f"{fmt.count(meetings)} {'gang' if meetings == 1 else 'gange'}",
        "board_text": r.markdown(board.get("tekst"), 3),
        "groups_text": r.markdown(org["følgegrupper"].get("tekst"), 3),
        "groups": [{"name": g["navn"], "members": g["medlemmer"]} for g in org["følgegrupper"]["grupper"]],
        "steering": r.markdown(org.get("styring"), 2),
        "team_size": fmt.count(sum(role["årsværk"] for role in roles)),
        "team_roles": _capitalise(fmt.join_and([f"en {role['titel']}" for role in roles])),
        "team_text": r.markdown(org["team"].get("tekst"), 3),
        "section4": r.markdown(data["samspil"], 2),
        "goals": [
            {
                "text": goal["mål"],
                "indicators": [
                    {
                        "text": ind["indikator"],
                        "area": _baseline(ind["baseline_boligområde"], ind["enhed"]),
                        "municipality": _baseline(ind["baseline_kommune"], ind["enhed"]),
                        "year": str(ind["baseline_år"]),
                        "source": ind["datakilde"],
                    }
                    for ind in goal["indikatorer"]
                ],
            }
            for goal in data["mål"]
        ],
        "focus_footnote": r.footnote(data["indsatsområder"]["fodnote"]) if data["indsatsområder"].get("fodnote") else "",
        "focus_areas": [
            {"name": a["navn"], "chosen": a["valgt"], "problem": r.markdown(a["problemkompleks"], 4)}
            for a in data["indsatsområder"]["områder"]
        ],
        "section7": r.markdown(data["lokal_evaluering"], 2),
        "section8": r.markdown(data["revision"], 2),
    }


def metadata(content: Content) -> Metadata:
    data = content.strategic.data
    orgs = organisations(data)
    area = data["område"]["navn"]
    return Metadata(
        title=f"{TITLE}, {area} {years_label(data['periode'])}",
        author=", ".join(orgs[p]["navn"] for p in data["parter"]),
        subject=f"Strategisk samarbejdsaftale for {area} ({', '.join(data['område']['boligområder'])})",
        keywords="; ".join(["boligsocial indsats", "Landsbyggefonden", "strategisk samarbejdsaftale", area]),
        date=document_date(data["underskrifter"], data["periode"]["fra"]),
    )


def _baseline(value, unit: str) -> str:
    show = fmt.percent if unit == "procent" else fmt.number
    if isinstance(value, (int, float)):
        return show(value)
    parts = [show(v["værdi"]) + (f" ({v['note']})" if v.get("note") else "") for v in value["værdier"]]
    text = " / ".join(parts)
    return text + (f" ({value['note']})" if value.get("note") else "")


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
