"""Make two copies of the sample: one without follow-up files, one with four years of them (2021-2024).

Run:  .venv/bin/python benchmarks/followups.py OUT_DIR [SAMPLE_DIR]
The years after the sample's own two are its last year again, a year later (år and dataår moved on);
the script checks both folders, for benchmarks/bench.py.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

YEARS = 4


def make(out: Path, sample: Path) -> tuple[Path, Path]:
    """(the sample without opfoelgning/, the sample with YEARS years of follow-up) under `out`."""
    without, four = out / "without-follow-up", out / "four-years"
    for target in (without, four):
        shutil.copytree(sample, target)
    shutil.rmtree(without / "opfoelgning")
    files = sorted((four / "opfoelgning").glob("*.yaml"))
    last = files[-1]
    year = int(last.stem)
    for n in range(1, YEARS - len(files) + 1):
        text = last.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^år: \d+$", f"år: {year + n}", text)
        text = re.sub(r"(?m)^(\s+dataår: )(\d+)$", lambda m, n=n: f"{m.group(1)}{int(m.group(2)) + n}", text)
        (four / "opfoelgning" / f"{year + n}.yaml").write_text(text, encoding="utf-8")
    from agreement.documents.loader import load_content

    for folder in (without, four):
        load_content(folder)  # raises with every problem if the content is not valid
    return without, four


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    made = make(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else root / "content")
    print("\n".join(str(folder) for folder in made))
