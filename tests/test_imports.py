"""`check` loads only what checking needs: no Word, PDF or spreadsheet code."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import SAMPLE

HEAVY = ("docx", "docxtpl", "pypdf", "pikepdf", "openpyxl")


def test_check_imports_no_word_pdf_or_spreadsheet_code() -> None:
    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from agreement.cli import main\n"
        f"result = CliRunner().invoke(main, ['check', '--content', {str(SAMPLE)!r}])\n"
        "assert result.exit_code == 0, result.output\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out
