"""`check` loads only what checking needs: no Word, PDF or spreadsheet code, and nothing of the build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import SAMPLE

HEAVY = ("docx", "docxtpl", "pypdf", "pikepdf", "openpyxl")
# Needed only to build.
BUILD = ("lxml", "fontTools", "babel", "agreement.pipeline", "agreement.publish.atomic",
         "agreement.publish.cache", "agreement.word.measure", "agreement.word.renderer")


def _check_in_new_process(content: Path, exit_code: int, report: str) -> str:
    """Run `agreement check` in a fresh interpreter; what `report` (an expression) says afterwards."""
    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from agreement.cli import main\n"
        f"result = CliRunner().invoke(main, ['check', '--content', {str(content)!r}])\n"
        f"assert result.exit_code == {exit_code}, result.output\n"
        f"print({report})\n"
    )
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.strip()


def _loaded(prefixes: tuple[str, ...]) -> str:
    return f"sorted(m for m in sys.modules if any(m == x or m.startswith(x + '.') for x in {prefixes!r}))"


def test_check_imports_no_word_pdf_or_spreadsheet_code() -> None:
    assert _check_in_new_process(SAMPLE, 0, _loaded(HEAVY)) == "[]"


def test_check_loads_nothing_of_the_build() -> None:
    assert _check_in_new_process(SAMPLE, 0, _loaded(BUILD)) == "[]"
