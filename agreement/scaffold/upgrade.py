"""`agreement upgrade`: rewrite content written for the previous format in place, as text, keeping the rest of each file."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from agreement import editions
from agreement.errors import display_path
from agreement.files import write_atomic
from agreement.i18n import _, ngettext
from agreement.resources import EDITOR_SCHEMAS
from agreement.scaffold import MODELINE, schema_line, write_editor_schemas
from agreement.scaffold.goals import baseline_block
from agreement.source.yamlload import YamlDocument, load_yaml

# The old keys of an indicator in strategic.yaml's `mål:` and their names under `baseline:`.
_RENAMED = {"baseline_boligområde": "boligområde", "baseline_kommune": "kommune", "baseline_år": "år"}


def upgrade(content: Path) -> list[str]:
    """Upgrade every file under `content` that needs it; return one line per change made or left to the user."""
    report: list[str] = []
    strategic = content / "strategic.yaml"
    doc = load_yaml(strategic, root=content)
    if isinstance(doc.data, dict) and isinstance(doc.data.get("mål"), list):
        edition = editions.find(doc.data["skabelon"], content)
        text, unmatched = _strategic(doc, strategic.read_text(encoding="utf-8"), edition)
        write_atomic(strategic, text.encode("utf-8"))
        report.append(_("{path}: 'mål' replaced by 'baseline' (the goals and indicators of {edition})").format(
            path=display_path(strategic), edition=edition.name))
        report.extend(_("{path}: the indicator '{name}' is not one of {edition}'s fixed indicators; its baselines were left "
                        "out").format(path=display_path(strategic), name=name, edition=edition.name) for name in unmatched)
    used: set[str] = set()
    for path in sorted((content / "delaftaler").glob("*.yaml")):
        doc = load_yaml(path, root=content)
        text, added = _indicator_ids(doc, path.read_text(encoding="utf-8"), used)
        if added:
            write_atomic(path, text.encode("utf-8"))
            report.append(ngettext("{path}: an id given to {count} delmål indicator", "{path}: ids given to {count} delmål indicators",
                                   added).format(path=display_path(path), count=added))
    report.extend(_editor_help(content))
    return report


# Any schema line, wherever it pointed (the package on the machine that ran `init`, ../agreement/schemas, ...).
_MODELINE = re.compile("^" + re.escape(MODELINE.split("{", 1)[0]) + r"\S*$")


def _editor_help(content: Path) -> list[str]:
    """Refresh the schemas in .schemas/ to this agreement's, and point every content file's schema line at them."""
    from agreement.documents.builtin import KINDS
    from agreement.documents.loader import FOLLOW_UP

    report = []
    changed = write_editor_schemas(content)
    if changed:
        report.append(ngettext("{path}: the schemas editors check with were brought up to date ({count} file)",
                               "{path}: the schemas editors check with were brought up to date ({count} files)",
                               len(changed)).format(path=display_path(content / EDITOR_SCHEMAS), count=len(changed)))
    sources: list[tuple[str, str | Path]] = [(k.source, k.schema) for k in KINDS if k.reads_content]
    for source, schema in [*sources, (FOLLOW_UP.source, FOLLOW_UP.schema)]:
        for path in sorted(content.glob(source)):
            text = path.read_text(encoding="utf-8")
            first, newline, rest = text.partition("\n")
            line = schema_line(path.relative_to(content).as_posix(), schema)
            if _MODELINE.match(first) and first != line:
                write_atomic(path, (line + newline + rest).encode("utf-8"))
                report.append(_("{path}: the schema line now names {schema} in the content folder").format(
                    path=display_path(path), schema=line.split("=", 1)[1]))
    return report


def _strategic(doc: YamlDocument, text: str, edition: editions.Edition) -> tuple[str, list[str]]:
    lines = text.split("\n")
    start = doc.keys[("mål",)][0]
    later = [line for path, (line, _) in doc.keys.items() if len(path) == 1 and line > start]
    end = min(later) if later else len(lines) + 1  # 1-based, exclusive
    while end - 1 > start and not lines[end - 2].strip():  # keep the blank lines before the next section
        end -= 1
    items = [(g, i) for g, goal in enumerate(doc.data["mål"]) for i, _ in enumerate(goal.get("indikatorer", []))]
    firsts = sorted({_first_line(doc, ("mål", g)) for g, _ in enumerate(doc.data["mål"])} |
                    {_first_line(doc, ("mål", g, "indikatorer", i)) for g, i in items} | {end})
    texts = {ind.text: ind.id for ind in edition.indicators.values()}
    given: dict[str, list[str]] = {}
    unmatched = []
    for g, i in items:
        old = doc.data["mål"][g]["indikatorer"][i]
        name = old.get("indikator", "")
        close = difflib.get_close_matches(name, list(texts), n=1, cutoff=0.8)
        if not close or texts[close[0]] in given:
            unmatched.append(name)
            continue
        ident = texts[close[0]]
        first = _first_line(doc, ("mål", g, "indikatorer", i))
        stop = next(line for line in firsts if line > first)
        given[ident] = _indicator_lines(lines[first - 1:stop - 1], edition.indicators[ident].source)
    block = baseline_block(edition, given).rstrip("\n").split("\n")
    return "\n".join(lines[:start - 1] + block + lines[end - 1:]), unmatched


def _first_line(doc: YamlDocument, path: tuple[Any, ...]) -> int:
    return min(line for key, (line, _) in doc.keys.items() if key[:len(path)] == path and len(key) > len(path))


def _indicator_lines(item: list[str], source: str) -> list[str]:
    """An old indicator's lines as a baseline entry: without the text and unit the edition now holds."""
    first = item[0]
    indent = len(first) - len(first.lstrip(" -"))
    out: list[str] = []
    for line in [" " * indent + first.lstrip(" -")] + item[1:]:
        body = line[indent:] if line[:indent].strip() == "" else line.strip()
        key = body.split(":", 1)[0]
        if key in ("indikator", "enhed") or (key == "datakilde" and body.split(":", 1)[1].strip() == source):
            continue
        out.append(_RENAMED[key] + body[len(key):] if key in _RENAMED else body)
    while out and not out[-1].strip():
        out.pop()
    return out


def _indicator_ids(doc: YamlDocument, text: str, used: set[str]) -> tuple[str, int]:
    """Give every delmål indicator without an id one (the delmål's id and its number), unique across the files."""
    lines = text.split("\n")
    added = 0
    goals = doc.data.get("delmål") if isinstance(doc.data, dict) else None
    for g, goal in enumerate(goals if isinstance(goals, list) else []):
        for i, ind in enumerate(goal.get("indikatorer") or []):
            if not isinstance(ind, dict):
                continue
            if "id" in ind:
                used.add(ind["id"])
                continue
            ident = f"{goal.get('id', 'delmaal')}-{i + 1}"
            while ident in used:
                ident += "-x"
            used.add(ident)
            line, column = doc.values[("delmål", g, "indikatorer", i)]
            row = lines[line - 1]
            if row[column - 1] == "{":
                lines[line - 1] = row[:column] + f"id: {ident}, " + row[column:]
            else:
                lines[line - 1] = row[:column - 1] + f"id: {ident}\n" + " " * (column - 1) + row[column - 1:]
            added += 1
    return "\n".join(lines), added


