"""Organisations and signatures as the documents show them, shared by every document."""

from __future__ import annotations

import datetime as dt

from agreement import formatting as fmt
from agreement.word.renderer import Metadata


def org_name(org: dict) -> str:
    """'Albertslund Boligselskab (AB)'; the name alone when there is no abbreviation."""
    return f"{org['navn']} ({org['forkortelse']})" if org.get("forkortelse") else org["navn"]


def organisations(strategic: dict) -> dict[str, dict]:
    return {o["id"]: o for o in strategic["organisationer"]}


def signature_rows(strategic: dict, signatures: list[dict]) -> list[dict]:
    """Signature blocks; a signature without name and title takes them from strategic.yaml's signature of that party."""
    orgs = organisations(strategic)
    main = {s["part"]: s for s in strategic["underskrifter"]}
    rows = []
    for s in signatures:
        fallback = main.get(s["part"], {})
        rows.append({
            "party": org_name(orgs[s["part"]]),
            "date": fmt.date_short(s["dato"]) if s.get("dato") else "",
            "name": s.get("navn") or fallback["navn"],
            "title": s.get("titel") or fallback["titel"],
        })
    return rows


def document_date(signatures: list[dict], period_start: str) -> dt.date:
    """A document's own date: its last signature, or the period start when nobody has signed."""
    dates = [dt.date.fromisoformat(s["dato"]) for s in signatures if s.get("dato")]
    return max(dates) if dates else dt.date.fromisoformat(period_start)


def area_line(strategic: dict) -> str:
    area = strategic["område"]
    return f"{area['navn']} ({', '.join(area['boligområder'])})"


def years_label(period: dict) -> str:
    return f"{period['fra'][:4]}-{period['til'][:4]}"


def programme_metadata(strategic: dict, name: str, keyword: str, date: dt.date | None = None) -> Metadata:
    """Metadata of an attachment that covers the whole programme: '<name>, <area> <years>', by the parties."""
    area = strategic["område"]["navn"]
    orgs = organisations(strategic)
    return Metadata(
        title=f"{name}, {area} {years_label(strategic['periode'])}",
        author=", ".join(orgs[p]["navn"] for p in strategic["parter"]),
        subject=f"{name} for den boligsociale indsats i {area}",
        keywords="; ".join(["boligsocial indsats", "Landsbyggefonden", keyword, area]),
        date=date or fmt.as_date(strategic["periode"]["fra"]),
    )


def upload_name(content, name: str) -> str:
    """'Albertslund - Budget 2021-2025': how a file of the whole programme is named for the case portal."""
    strategic = content.strategic.data
    return f"{strategic['område']['navn']} - {name} {years_label(strategic['periode'])}"


def programme_context(strategic: dict) -> dict:
    """The template values every document shares: the area and the agreement period."""
    return {
        "area_name": strategic["område"]["navn"],
        "area_line": area_line(strategic),
        "period_from": fmt.date_long(strategic["periode"]["fra"]),
        "period_to": fmt.date_long(strategic["periode"]["til"]),
    }
