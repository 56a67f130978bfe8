"""Benchmark the build against a bare LibreOffice conversion, side by side, in one process and several rounds.

Run:  make bench   (or .venv/bin/python benchmarks/bench.py [--rounds N])

Each round times, one after the other: one `soffice --convert-to` call converting the sample's Word files
(the bare conversion), a full build (--clean, into a new folder) with a LibreOffice of its own started cold
(AGREEMENT_OFFICE_IDLE=0, as in CI), the same full build with the warm LibreOffice that builds share (see
agreement/outputs/officeserver.py), and with that warm LibreOffice a rebuild with nothing changed, a rebuild
after editing one delaftale, and a full build of ten times the content (benchmarks/tenfold.py); and
`agreement check` as a new process. It prints each median and the ratio the targets of issue 11 are stated in
(the one-file rebuild against the full build measured the same way, both warm), and the peak memory of the
largest process of a separate build of the tenfold content (with its own LibreOffice, so that it is one of
the build's processes). The warm LibreOffice lives in the benchmark's temporary folder and is stopped at the
end. Machines are shared and noisy: compare the ratios, measured in the same run, more than the seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agreement.outputs import officeserver  # noqa: E402
from agreement.outputs import pdf as convert  # noqa: E402
from agreement.pipeline import build  # noqa: E402
from benchmarks.tenfold import make as tenfold  # noqa: E402

SAMPLE = ROOT / "content"
DELAFTALE = "delaftaler/beskaeftigelse.yaml"


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _edit(content: Path, n: int) -> None:
    """Add a sentence to the delaftale's purpose: one document's text changes."""
    path = content / DELAFTALE
    text = path.read_text(encoding="utf-8")
    marker = "formål: |\n"
    path.write_text(text.replace(marker, f"{marker}  Runde {n} af målingen.\n", 1), encoding="utf-8")


def _cold(action) -> None:
    """Run `action` with a LibreOffice of the build's own, started and stopped by it."""
    os.environ[officeserver.IDLE_ENV] = "0"
    try:
        action()
    finally:
        os.environ[officeserver.IDLE_ENV] = WARM_IDLE


WARM_IDLE = "600"


def _check(content: Path) -> None:
    subprocess.run([sys.executable, "-m", "agreement.cli", "check", "--content", str(content)], cwd=ROOT, check=True,
                   capture_output=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def _peak_memory_mib(content: Path, out: Path) -> float:
    """The largest peak resident set (VmHWM) of any process of one build (Python, LibreOffice, its UNO client).

    The build runs in a new process; its process tree is sampled every 20 ms until it ends.
    """
    script = ("import sys; from pathlib import Path; from agreement.pipeline import build; "
              "build(Path(sys.argv[1]), Path(sys.argv[2]), clean=True)")
    proc = subprocess.Popen([sys.executable, "-c", script, str(content), str(out)], cwd=ROOT,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", officeserver.IDLE_ENV: "0"})
    peak = 0
    while proc.poll() is None:
        for pid in _tree(proc.pid):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        time.sleep(0.02)
    if proc.returncode != 0:
        raise SystemExit("the build for the memory measurement failed")
    return peak / 1024


def _tree(root: int) -> list[int]:
    """`root` and every process descending from it."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, changed = {root}, True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in found and pid not in found:
                found.add(pid)
                changed = True
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    times: dict[str, list[float]] = {k: [] for k in ("bare", "cold", "full", "noop", "one", "check", "tenfold")}
    with tempfile.TemporaryDirectory(prefix="agreement-bench-") as tmp_name:
        tmp = Path(tmp_name)
        os.environ[officeserver.DIR_ENV] = str(tmp / "office")  # a warm LibreOffice of the benchmark's own
        os.environ[officeserver.IDLE_ENV] = WARM_IDLE  # also where CI is set
        try:
            content = tmp / "content"
            shutil.copytree(SAMPLE, content)
            ten = tenfold(tmp / "tenfold", SAMPLE)
            reference = build(content, tmp / "reference", ("docx",)).out_dir
            documents = sorted(reference.glob("*.docx"))
            count = len(documents)
            _cold(lambda: build(content, tmp / "warm-up-cold"))  # a machine's first LibreOffice start is slower
            build(content, tmp / "warm-up")  # starts the warm LibreOffice
            for n in range(rounds):
                out = tmp / f"out-{n}"
                times["bare"].append(_timed(lambda n=n: convert.to_pdf(documents, tmp / f"bare-{n}", timeout=600)))
                times["cold"].append(_timed(lambda n=n: _cold(lambda: build(content, tmp / f"cold-{n}", clean=True))))
                times["full"].append(_timed(lambda out=out: build(content, out, clean=True)))
                times["noop"].append(_timed(lambda out=out: build(content, out)))
                _edit(content, n)
                times["one"].append(_timed(lambda out=out: build(content, out)))
                times["check"].append(_timed(lambda: _check(content)))
                times["tenfold"].append(_timed(lambda n=n: build(ten, tmp / f"ten-{n}", clean=True)))
                print(f"round {n + 1}/{rounds}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()), flush=True)
            peak = _peak_memory_mib(ten, tmp / "ten-memory")
        finally:
            officeserver.stop_all(tmp / "office")
    med = {k: statistics.median(v) for k, v in times.items()}
    rows = [
        (f"bare LibreOffice conversion of the {count} DOCX", med["bare"], "1.00×", ""),
        ("full build, LibreOffice started cold by the build (AGREEMENT_OFFICE_IDLE=0, as in CI)", med["cold"],
         f"{med['cold'] / med['bare']:.2f}× bare", "≤ 1.25× bare"),
        ("full build, warm LibreOffice", med["full"], f"{med['full'] / med['bare']:.2f}× bare", ""),
        ("rebuild, nothing changed", med["noop"], f"{med['noop'] / med['full']:.0%} of full (warm)", "≤ 0.3 s"),
        ("rebuild after editing one delaftale, warm LibreOffice", med["one"],
         f"{med['one'] / med['full']:.0%} of full (warm); {med['one'] / med['cold']:.0%} of full (cold)", "≤ 40 % of full"),
        ("agreement check (new process)", med["check"], "", "≤ 0.25 s"),
        ("full build, ten times the content, warm LibreOffice", med["tenfold"], f"{med['tenfold'] / med['full']:.2f}× full (warm)",
         "≤ 3× full"),
    ]
    print(f"\nmedians of {rounds} rounds\n")
    print("| what | median | ratio | target |")
    print("|---|---|---|---|")
    for what, seconds, ratio, target in rows:
        print(f"| {what} | {seconds:.2f} s | {ratio} | {target} |")
    print(f"| peak memory, largest process, ten times the content (LibreOffice of the build's own) | {peak:.0f} MiB | | ≤ 300 MiB |")


if __name__ == "__main__":
    main()
