"""Make a content folder ten times the sample: ten times the text, 50 activities per delaftale, 200 milestones.

Run:  .venv/bin/python benchmarks/tenfold.py OUT_DIR [SAMPLE_DIR]
The result is valid content (the script checks it) for benchmarks/bench.py.
"""

from __future__ import annotations

import copy
import re
import shutil
import sys
from pathlib import Path

import yaml

ACTIVITIES = 50
MILESTONES = 200
TIMES = 10
FOOTNOTE = re.compile(r"^\[\^[^\]]+\]:")
REFERENCE = re.compile(r"\[\^[^\]]+\](?!:)")


def _longer(value):
    """Every Markdown block (a text with a line break) ten times as long; footnotes are kept once, at the end."""
    if isinstance(value, dict):
        return {k: _longer(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_longer(v) for v in value]
    if isinstance(value, str) and "\n" in value.strip():
        lines = value.strip().split("\n")
        notes = [line for line in lines if FOOTNOTE.match(line)]
        body = "\n".join(line for line in lines if not FOOTNOTE.match(line))
        # A footnote is referred to once: the copies leave the references out.
        copies = [body] + [REFERENCE.sub("", body)] * (TIMES - 1)
        return "\n\n".join(copies + (["\n".join(notes)] if notes else [])) + "\n"
    return value


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _dump(data: dict, path: Path) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")


def make(target: Path, sample: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(sample, target)
    activity_ids: list[str] = []
    for path in sorted((target / "delaftaler").glob("*.yaml")):
        deal = _longer(_load(path))
        originals = deal["aktiviteter"]
        activities = []
        for n in range(ACTIVITIES):
            activity = copy.deepcopy(originals[n % len(originals)])
            if n >= len(originals):
                activity["id"] = f"{activity['id']}-{n}"
                activity["navn"] = f"{activity['navn']} {n}"
            activities.append(activity)
        deal["aktiviteter"] = activities
        activity_ids += [a["id"] for a in activities]
        _dump(deal, path)
    plan = _longer(_load(target / "milepaelsplan.yaml"))
    originals = plan["milepæle"]
    milestones = []
    for n in range(MILESTONES):
        milestone = copy.deepcopy(originals[n % len(originals)])
        if n >= len(originals):
            milestone["milepæl"] = f"{milestone['milepæl']} ({n})"
        milestones.append(milestone)
    plan["milepæle"] = milestones
    _dump(plan, target / "milepaelsplan.yaml")
    for name in ("strategic.yaml", "beredskabsplan.yaml", "kommissorium.yaml"):
        _dump(_longer(_load(target / name)), target / name)

    from agreement.documents.loader import load_content

    load_content(target)  # raises ContentErrors if the generated content is not valid
    return target


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    out = make(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else root / "content")
    print(f"wrote {out}")
