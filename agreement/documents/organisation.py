"""The organisation diagram as Graphviz DOT source and in words, from the organisation data of strategic.yaml."""

from __future__ import annotations

import textwrap
from itertools import pairwise
from typing import Any

from agreement.formatting import count, join_and, number
from agreement.model.content import Board, Strategic

_INK = "#1F4E5A"
_FILL = "#E6EFF1"
_FONT = "Carlito"
NODE_POINTS = 14  # the boxes' text size, as Graphviz draws it
BODY_POINTS = 11  # the templates' body text: the diagram's text is never shown larger


def meeting_count(board: Board) -> str:
    """'to', or '3-4' for a range."""
    low, high = board.meetings_per_year
    return count(low) if low == high else f"{low}-{high}"


def meetings(board: Board) -> str:
    """'to gange', 'én gang', '3-4 gange': how often the board meets, before 'om året'."""
    return f"{meeting_count(board)} {'gang' if board.meetings_per_year == (1, 1) else 'gange'}"


def board_context(strategic: Strategic) -> dict[str, Any]:
    """The board as section 3 and the kommissorium both show it: its seats, chair and meetings.

    `shared` is true when every seat is an organisation represented by the board's shared text (the
    short form: "repræsentanter fra ... i A, B og C"); otherwise each seat is listed with its own text.
    """
    board = strategic.organisation.board
    orgs = strategic.organisations
    shared = all(s.representation is None and not s.optional for s in board.seats)
    names = [orgs[s.organisation].display_name for s in board.seats]
    seats = names if shared else [
        f"{name}: {s.representation or board.representation}" + (" (valgfri plads)" if s.optional else "")
        for name, s in zip(names, board.seats)]
    chairs = [f"{c.title} fra {orgs[c.organisation].display_name}" if c.title else orgs[c.organisation].display_name
              for c in board.chairs]
    return {
        "shared": shared,
        "representation": board.representation or "",
        "members": join_and(names),
        "seats": seats,
        "chair": f"Formandskabet består af {join_and(chairs)}." if chairs else "",
        "meetings": meetings(board),
    }


def _seat_names(strategic: Strategic) -> list[str]:
    """The board's organisations by short name, an optional seat marked."""
    orgs = strategic.organisations
    return [orgs[s.organisation].short_name + (" (valgfri)" if s.optional else "") for s in strategic.organisation.board.seats]


def organisation_dot(strategic: Strategic) -> str:
    """DOT source for the organisation in strategic.yaml: board, follow-up groups, team, linked efforts.

    Laid out as an organisation chart that fits an A4 page: the board on top, the follow-up groups
    under it, the team that serves them below, and the linked efforts under a dashed line, two a row.
    """
    org = strategic.organisation
    members = ", ".join(_seat_names(strategic))
    meets = f"mødes {meetings(org.board)} om året"

    lines = [
        "digraph organisation {",
        f'  graph [rankdir=TB, ordering=out, nodesep=0.25, ranksep=0.35, fontname="{_FONT}", fontsize=13, bgcolor="white", pad=0.1];',
        f'  node [shape=box, style="rounded,filled", fillcolor="{_FILL}", color="{_INK}", '
        f'fontname="{_FONT}", fontsize={NODE_POINTS}, margin="0.12,0.06"];',
        f'  edge [color="{_INK}", arrowhead=none, penwidth=1.2];',
        "  subgraph cluster_helhedsplan {",
        f'    label="Den boligsociale helhedsplan"; style="solid"; color="{_INK}"; fontcolor="{_INK}";',
        f'    bestyrelse [label="{_label("Bestyrelse", members, meets)}", fillcolor="{_INK}", fontcolor="white"];',
    ]
    groups = org.groups
    for i, group in enumerate(groups):
        lines.append(f'    fg{i} [label="{_label(group.name)}"];')
    roles = [f"{number(r.full_time_equivalents)} {r.title}" for r in org.roles]
    lines.append(f'    team [label="{_label("Det boligsociale team", *roles)}"];')
    lines.append("  }")
    for i in range(len(groups)):
        lines.append(f"  bestyrelse -> fg{i};")
        lines.append(f"  fg{i} -> team [style=dotted];")
    if not groups:
        lines.append("  bestyrelse -> team;")

    linked = org.linked_efforts
    if linked:
        lines.append("  subgraph cluster_tilknyttet {")
        lines.append(f'    label="Andre boligsociale tiltag, der spilles sammen med"; labelloc="b"; style="dashed"; '
                     f'color="{_INK}"; fontcolor="{_INK}";')
        for i, name in enumerate(linked):
            lines.append(f'    andet{i} [label="{_label(name)}", fillcolor="white", style="rounded,dashed"];')
        rows = [list(range(i, min(i + 2, len(linked)))) for i in range(0, len(linked), 2)]
        for row in rows:
            lines.append("    { rank=same; " + " ".join(f"andet{i};" for i in row) + " }")
            if len(row) == 2:
                lines.append(f"    andet{row[0]} -> andet{row[1]} [style=invis];")
        for above, below in pairwise(rows):
            lines.append(f"    andet{above[0]} -> andet{below[0]} [style=invis];")
        lines.append("  }")
        for i in rows[0]:
            lines.append(f"  team -> andet{i} [style=dashed];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def organisation_description(strategic: Strategic) -> str:
    """The diagram in words, for readers who cannot see it (the picture's alt text): what sits where, and who is in it."""
    org = strategic.organisation
    members = join_and(_seat_names(strategic))
    parts = [f"Organisationsdiagram for den boligsociale indsats i {strategic.area.name}. Øverst bestyrelsen "
             f"({members}), der mødes {meetings(org.board)} om året"]
    groups = [g.name for g in org.groups]
    if groups:
        parts.append(f"under den {count(len(groups))} {'følgegruppe' if len(groups) == 1 else 'følgegrupper'}: "
                     f"{join_and(groups)}")
    roles = join_and([f"{number(r.full_time_equivalents)} {r.title}" for r in org.roles])
    below = "under dem, med prikket streg," if groups else "under den"
    parts.append(f"{below} det boligsociale team" + (f" med {roles}" if roles else ""))
    text = "; ".join(parts) + "."
    if org.linked_efforts:
        text += (" Med stiplet streg fra teamet: andre boligsociale tiltag, der spilles sammen med: "
                 f"{join_and(list(org.linked_efforts))}.")
    return text


def _label(title: str, *lines: str) -> str:
    parts = [_wrap(title, 26)] + [_wrap(line, 34) for line in lines]
    return "\\n".join(_escape(p) for p in parts)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)) or text


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
