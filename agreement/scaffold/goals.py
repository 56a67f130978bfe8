"""The fixed indicators of an edition as content writes them: strategic.yaml's `baseline:` block, a first follow-up."""

from __future__ import annotations

from agreement.editions import Edition

PLACEHOLDER = "ikke opgjort"


def baseline_block(edition: Edition, given: dict[str, list[str]] | None = None, year: int | None = None) -> str:
    """The `baseline:` block for `edition`'s fixed indicators, each under a comment with its goal and text.

    `given` holds the lines already written for an indicator (without indentation); the others get placeholders
    that pass `check` in a draft and fail it in a final agreement, measured in `year` when it is given.
    """
    lines = ["# Afsnit 5. Baselines for LBF's faste indikatorer, ved indikatorens id; målene og indikatorerne står i",
             f"# skabelonudgaven ({edition.name}). Tal skrives med punktum som decimaltegn. Et tal, der endnu ikke er",
             "# opgjort, skrives 'ikke opgjort'; i en endelig aftale med begrundelsen: {ikke_opgjort: Måles første gang ...}."]
    if year is not None:
        lines += ["# 'år' er det år, baseline blev målt (det år, tallene beskriver); ret det, når I skriver tallene ind.",
                  "# Den årlige opfølgnings grafer viser baseline i det år; uden 'år' har graferne intet baselinepunkt."]
    lines.append("baseline:")
    placeholder = [f"boligområde: {PLACEHOLDER}", f"kommune: {PLACEHOLDER}", *([f"år: {year}"] if year is not None else [])]
    for goal in edition.goals:
        lines.append(f"  # {goal.text}")
        for ind in goal.indicators:
            lines.append(f"  {ind.id}:  # {ind.text} ({ind.unit}; {ind.source})")
            own = (given or {}).get(ind.id) or placeholder
            lines.extend(f"    {line}" if line else "" for line in own)
    return "\n".join(lines) + "\n"


def follow_up_file(edition: Edition, year: int, milestone: str | None = None) -> str:
    """A first follow-up file (opfoelgning/<year>.yaml) to copy: a draft with the fixed indicators commented out,
    its example of a milestone's status naming `milestone` (an id in milepaelsplan.yaml) when given."""
    # The first line holds no year: it is copied into every later year's file.
    lines = ["# Årets opfølgning (én fil pr. år): målinger, aktiviteternes status, forbrug og bestyrelsens vurdering.",
             "# Kopiér filen til opfoelgning/<år>.yaml for hvert år, der følges op på, og ret 'år'. Tal skrives med",
             "# punktum som decimaltegn (86.1), beløb i hele kroner uden punktum.",
             "",
             "# 'endelig', når bestyrelsen har behandlet opfølgningen; skriv så også behandlet: ÅÅÅÅ-MM-DD.",
             "status: udkast",
             f"år: {year}",
             "",
             f"# LBF's faste indikatorer (skabelonudgaven {edition.name}), ved deres id. Fjern '# ' foran en måling, når",
             "# tallene kommer; delmålenes indikatorer skrives på samme måde ved deres id fra delaftalerne.",
             "# 'dataår' er det år, tallene beskriver, hvis det ikke er året, der følges op på.",
             "# målinger:"]
    for goal in edition.goals:
        lines.append(f"#   # {goal.text}")
        for ind in goal.indicators:
            lines += [f"#   - indikator: {ind.id}  # {ind.text} ({ind.unit}; {ind.source})",
                      "#     boligområde: 0", "#     kommune: 0", f"#     dataår: {year - 1}"]
    lines += ["",
              "# Aktiviteternes status ved deres id: gennemført, i gang, justeret, stoppet eller ikke startet.",
              "# aktiviteter:",
              "#   <aktivitetens-id>:",
              "#     status: i gang",
              "#     deltagere: 0",
              "",
              "# Årets forbrug pr. budgetlinje (dens rolle eller aktivitet, ellers dens tekst som i budget.yaml) og den",
              "# modtagne finansiering pr. organisation.",
              "# forbrug:",
              "#   <rolle, aktivitet eller tekst>: 0",
              "# finansiering:",
              "#   <organisationens-id>: 0",
              "",
              "# Milepælenes status pr. 31. december ved deres id i milepaelsplan.yaml: planlagt, i gang, nået, forsinket",
              "# eller aflyst. Fra den første endelige opfølgning viser milepælsplanen status herfra.",
              "# milepæle:",
              f"#   {milestone or '<milepælens-id>'}: nået",
              "",
              "vurdering: |",
              "  [Skriv her bestyrelsens vurdering af året: udviklingen i området over for kommunens.]",
              ""]
    return "\n".join(lines)
