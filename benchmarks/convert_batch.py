"""Benchmark: one LibreOffice process for all documents against one process per document.

Run after `make build`:  .venv/bin/python benchmarks/convert_batch.py [build]
Prints the ratio of the two wall-clock times measured in the same run (machines here are shared
and noisy, so the ratio is what to compare, not the seconds).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from agreement.outputs import pdf as convert


def main(build_dir: Path) -> None:
    documents = sorted(build_dir.glob("*.docx"))
    if not documents:
        raise SystemExit(f"no DOCX files in {build_dir}; run 'make build' first")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        convert.to_pdf(documents, Path(tmp) / "batch", timeout=600)
        batch = time.perf_counter() - started
        started = time.perf_counter()
        for document in documents:
            convert.to_pdf([document], Path(tmp) / "single", timeout=600)
        single = time.perf_counter() - started
    print(f"{len(documents)} documents: one process {batch:.1f} s, one process each {single:.1f} s, "
          f"ratio {single / batch:.1f}x")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "build"))
