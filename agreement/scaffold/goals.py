"""Section 5 as strategic.yaml writes it: a `baseline:` block with every fixed indicator of an edition."""

from __future__ import annotations

from agreement.editions import Edition

PLACEHOLDER = "ikke opgjort"


def baseline_block(edition: Edition, given: dict[str, list[str]] | None = None) -> str:
    """The `baseline:` block for `edition`'s fixed indicators, each under a comment with its goal and text.

    `given` holds the lines already written for an indicator (without indentation); the others get placeholders
    that pass `check` in a draft and fail it in a final agreement.
    """
    lines = ["# Afsnit 5. Baselines for LBF's faste indikatorer, ved indikatorens id; målene og indikatorerne står i",
             f"# skabelonudgaven ({edition.name}). Tal skrives med punktum som decimaltegn. Et tal, der endnu ikke er",
             "# opgjort, skrives 'ikke opgjort'; i en endelig aftale med begrundelsen: {ikke_opgjort: Måles første gang ...}.",
             "baseline:"]
    for goal in edition.goals:
        lines.append(f"  # {goal.text}")
        for ind in goal.indicators:
            lines.append(f"  {ind.id}:  # {ind.text} ({ind.unit}; {ind.source})")
            own = (given or {}).get(ind.id) or [f"boligområde: {PLACEHOLDER}", f"kommune: {PLACEHOLDER}"]
            lines.extend(f"    {line}" if line else "" for line in own)
    return "\n".join(lines) + "\n"
