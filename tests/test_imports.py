"""`check` loads only what checking needs: no Word, PDF or spreadsheet code, and for valid content no jsonschema."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import SAMPLE, replace_line

HEAVY = ("docx", "docxtpl", "pypdf", "pikepdf", "openpyxl")
# Needed only to word the errors of invalid content, or to build: valid content is checked without them.
NOT_FOR_VALID_CONTENT = ("jsonschema", "lxml", "fontTools", "babel", "agreement.pipeline", "agreement.publish.atomic",
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


def test_checking_valid_content_loads_neither_jsonschema_nor_the_build() -> None:
    assert _check_in_new_process(SAMPLE, 0, _loaded(NOT_FOR_VALID_CONTENT)) == "[]"


def test_invalid_content_is_still_worded_by_jsonschema(content: Path) -> None:
    replace_line(content / "strategic.yaml", r"^  fra: 2021-03-01$", "  fra: 2021-3-1")
    out = _check_in_new_process(content, 1, "'jsonschema' in sys.modules, 'not a valid date' in result.output")
    assert out == "True True"
