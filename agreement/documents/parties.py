"""Organisations, signatures and programme-wide values as the documents show them, shared by every kind."""

from __future__ import annotations

from typing import Any

from agreement import formatting as fmt
from agreement.model.content import Signature, Strategic, signed_on
from agreement.model.metadata import Metadata
from agreement.model.period import Period
from agreement.model.programme import Programme


def signature_rows(strategic: Strategic, signatures: tuple[Signature, ...]) -> list[dict[str, str]]:
    """Signature blocks; a signature without name and title takes them from strategic.yaml's signature of that party.

    A signed signature (a date, or underskrevet: true) has its name on the line, and its date when there is one;
    an unsigned one leaves the line empty for the pen. Under the line stand 'Dato' and who signs ('signer':
    'Formand, Kirsten Mogensen'), or 'Navn' when a draft does not know yet."""
    rows = []
    for s in signatures:
        fallback = strategic.signature_of(s.party)
        name = s.name or (fallback.name if fallback and fallback.name else "")
        title = s.title or (fallback.title if fallback and fallback.title else "")
        rows.append({
            "party": strategic.organisations[s.party].display_name,
            "date": fmt.date_long(s.date) if s.date else "",
            "signed_name": name if s.signed else "",
            "signer": ", ".join(part for part in (title, name) if part) or "Navn",
        })
    return rows


def years_label(period: Period) -> str:
    """'2021-2025', or 'fra 2021' while the period's end is open (a file name may not end in a dash)."""
    return f"{period.start.year}-{period.end.year}" if period.end else f"fra {period.start.year}"


# How an open period's end is printed: a blank line to write on, as LBF's own front page leaves it.
OPEN_END = "__________"


def period_to(period: Period) -> str:
    return fmt.date_long(period.end) if period.end else OPEN_END


def programme_metadata(strategic: Strategic, name: str, keyword: str, date: Any = None) -> Metadata:
    """Metadata of an attachment that covers the whole programme: '<name>, <area> <years>', by the parties."""
    area = strategic.area.name
    return Metadata(
        title=f"{name}, {area} {years_label(strategic.period)}",
        author=", ".join(strategic.organisations[p].name for p in strategic.parties),
        subject=f"{name} for den boligsociale indsats i {area}",
        keywords="; ".join(["boligsocial indsats", "Landsbyggefonden", keyword, area]),
        date=date or strategic.period.start,
    )


def upload_name(programme: Programme, name: str) -> str:
    """'Albertslund - Budget 2021-2025': how a file of the whole programme is named for the case portal."""
    strategic = programme.strategic
    return f"{strategic.area.name} - {name} {years_label(strategic.period)}"


def programme_context(programme: Programme) -> dict[str, Any]:
    """The template values every document shares: the area, the agreement period and the edition."""
    strategic = programme.strategic
    return {
        "area_name": strategic.area.name,
        "area_line": strategic.area.line,
        "period_from": fmt.date_long(strategic.period.start),
        "period_to": period_to(strategic.period),
        "edition": programme.edition.context(),
    }


def document_date(signatures: tuple[Signature, ...], fallback: Any) -> Any:
    return signed_on(signatures, fallback)
