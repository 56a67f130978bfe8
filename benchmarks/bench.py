"""Benchmark the build against a bare LibreOffice conversion, side by side, in one process and several rounds.

Run:  make bench   (or .venv/bin/python benchmarks/bench.py [--rounds N])

Each round times, one after the other: one `soffice --convert-to` call converting the sample's Word files
(the bare conversion), a full build (--clean, into a new folder; the build starts its own LibreOffice and stops
it), a rebuild with nothing changed, a rebuild after editing one delaftale, a full build of ten times the
content (benchmarks/tenfold.py), `agreement check` as a new process, `agreement watch` (in this process,
on a copy of the sample) from saving one delaftale to its PDF published, and full builds of the sample without
follow-up files and with four years of them (benchmarks/followups.py), the latter also with the reports' charts
left out, which shows what the four reports cost before any chart is drawn, and a rebuild after editing the last
year's follow-up file. It prints each median and the ratio
the targets are stated in, and the peak memory of the largest process of a separate build of the tenfold
content. Machines are shared and noisy: compare the ratios, measured in the same run, more than the seconds.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from markupsafe import Markup  # noqa: E402

from agreement.i18n import set_language  # noqa: E402
from agreement.outputs import pdf as convert  # noqa: E402
from agreement.pipeline import build  # noqa: E402
from agreement.word import charts  # noqa: E402
from agreement.word.renderer import DocxRenderer  # noqa: E402
from benchmarks.followups import make as followups  # noqa: E402
from benchmarks.tenfold import make as tenfold  # noqa: E402

SAMPLE = ROOT / "content"
DELAFTALE = "delaftaler/beskaeftigelse.yaml"


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _add_sentence(path: Path, marker: str, n: int) -> None:
    """Add a sentence after `marker` (a text field's first line) in `path`: one document's text changes."""
    text = path.read_text(encoding="utf-8")
    assert marker in text, f"{marker!r} is not in {path}"
    path.write_text(text.replace(marker, f"{marker}  Runde {n} af målingen.\n", 1), encoding="utf-8")


def _edit(content: Path, n: int) -> None:
    """The delaftale's purpose gets a sentence."""
    _add_sentence(content / DELAFTALE, "formål: |\n", n)


def _edit_follow_up(content: Path, n: int) -> None:
    """The board's assessment in the last year's follow-up file gets a sentence: one yearly report changes."""
    _add_sentence(sorted((content / "opfoelgning").glob("*.yaml"))[-1], "vurdering: |\n", n)


def _fresh_build(content: Path, out: Path, clean: bool = True) -> None:
    """A build that draws its charts anew, as a new `agreement build` does (this process keeps the charts it
    drew, for `agreement watch`)."""
    charts.render_png.cache_clear()
    build(content, out, clean=clean)


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
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
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


class _Watch:
    """`agreement watch` on `content` into `out`, in a thread of this process, until `stop`."""

    def __init__(self, content: Path, out: Path) -> None:
        from agreement.watch import watch

        self.content, self.out = content, out
        self.watching = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=watch, args=(content, out), daemon=True,
                                        kwargs={"say": self._said, "stop": self._stop})
        self._thread.start()
        if not self.watching.wait(600):
            raise SystemExit("agreement watch did not make its first build")

    def _said(self, message: str) -> None:
        if message.startswith("watching "):
            self.watching.set()

    def save_to_pdf(self, n: int) -> float:
        """Seconds from saving an edit of the delaftale to its PDF republished in `out`."""
        pdf = self.out / "delaftale-beskaeftigelse.pdf"
        before = pdf.stat()
        started = time.perf_counter()
        _edit(self.content, n)
        deadline = started + 600
        while time.perf_counter() < deadline:
            now = pdf.stat()
            if (now.st_ino, now.st_mtime_ns) != (before.st_ino, before.st_mtime_ns):
                return time.perf_counter() - started
            time.sleep(0.005)
        raise SystemExit("agreement watch did not republish the PDF")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    set_language("en")  # _Watch waits for watch's English 'watching ...'
    times: dict[str, list[float]] = {k: [] for k in ("bare", "full", "noop", "one", "check", "tenfold", "watch",
                                                     "no-follow-up", "four-years", "follow-up", "no-charts")}
    with tempfile.TemporaryDirectory(prefix="agreement-bench-") as tmp_name:
        tmp = Path(tmp_name)
        content = tmp / "content"
        shutil.copytree(SAMPLE, content)
        ten = tenfold(tmp / "tenfold", SAMPLE)
        without, four = followups(tmp / "followups", SAMPLE)
        reference = build(content, tmp / "reference", ("docx",)).out_dir
        documents = sorted(reference.glob("*.docx"))
        count = len(documents)
        build(content, tmp / "warm-up")  # a machine's first LibreOffice start is slower
        shutil.copytree(SAMPLE, tmp / "watched")
        watch = _Watch(tmp / "watched", tmp / "watch-out")
        try:
            for n in range(rounds):
                out = tmp / f"out-{n}"
                times["bare"].append(_timed(lambda n=n: convert.to_pdf(documents, tmp / f"bare-{n}", timeout=600)))
                times["full"].append(_timed(lambda out=out: _fresh_build(content, out)))
                times["noop"].append(_timed(lambda out=out: build(content, out)))
                _edit(content, n)
                times["one"].append(_timed(lambda out=out: build(content, out)))
                times["check"].append(_timed(lambda: _check(content)))
                times["tenfold"].append(_timed(lambda n=n: build(ten, tmp / f"ten-{n}", clean=True)))
                times["watch"].append(watch.save_to_pdf(n))
                times["no-follow-up"].append(_timed(lambda n=n: _fresh_build(without, tmp / f"without-{n}")))
                times["four-years"].append(_timed(lambda n=n: _fresh_build(four, tmp / f"four-{n}")))
                _edit_follow_up(four, n)
                times["follow-up"].append(_timed(lambda n=n: _fresh_build(four, tmp / f"four-{n}", clean=False)))
                with mock.patch.object(DocxRenderer, "_chart", lambda *_: Markup("")):  # the reports' floor
                    times["no-charts"].append(_timed(lambda n=n: _fresh_build(four, tmp / f"no-charts-{n}")))
                print(f"round {n + 1}/{rounds}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()), flush=True)
        finally:
            watch.stop()
        peak = _peak_memory_mib(ten, tmp / "ten-memory")
    med = {k: statistics.median(v) for k, v in times.items()}
    rows = [
        (f"bare LibreOffice conversion of the {count} DOCX", med["bare"], "1.00×", ""),
        ("full build (its own LibreOffice, started and stopped by the build)", med["full"],
         f"{med['full'] / med['bare']:.2f}× bare", "≤ 1.25× bare"),
        ("rebuild, nothing changed", med["noop"], f"{med['noop'] / med['full']:.0%} of full", "≤ 0.3 s"),
        ("rebuild after editing one delaftale", med["one"], f"{med['one'] / med['full']:.0%} of full", "≤ 40 % of full"),
        ("agreement check (new process)", med["check"], "", "≤ 0.3 s (issue 21)"),
        ("full build, ten times the content (one LibreOffice)", med["tenfold"], f"{med['tenfold'] / med['full']:.2f}× full",
         "≤ 3× full"),
        ("agreement watch: save one delaftale → its PDF published", med["watch"], "", "≤ 1.5 s"),
        ("full build without follow-up files", med["no-follow-up"], "1.00×", ""),
        ("full build with four years of follow-up (four reports)", med["four-years"],
         f"{med['four-years'] / med['no-follow-up']:.2f}× without", "≤ 1.5× without"),
        ("rebuild of it after editing the last year's follow-up file", med["follow-up"],
         f"{med['follow-up'] / med['four-years']:.0%} of its full build", ""),
        ("the same, the reports' charts left out", med["no-charts"], f"{med['no-charts'] / med['no-follow-up']:.2f}× without",
         ""),
    ]
    print(f"\nmedians of {rounds} rounds\n")
    print("| what | median | ratio | target |")
    print("|---|---|---|---|")
    for what, seconds, ratio, target in rows:
        print(f"| {what} | {seconds:.2f} s | {ratio} | {target} |")
    print(f"| peak memory, largest process, ten times the content | {peak:.0f} MiB | | ≤ 300 MiB |")


if __name__ == "__main__":
    main()
