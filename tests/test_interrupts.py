"""Ctrl-C during a compiled extension's import is held back and delivered after it."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from agreement.interrupts import held


def test_ctrl_c_inside_the_block_arrives_after_it() -> None:
    reached_end = False
    with pytest.raises(KeyboardInterrupt), held():
        signal.raise_signal(signal.SIGINT)
        reached_end = True  # the block is not cut short
    assert reached_end
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handler there was is back


def test_without_ctrl_c_nothing_happens() -> None:
    with held():
        pass
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_pikepdf_is_imported_with_ctrl_c_held() -> None:
    """Ctrl-C at the very start of pikepdf's import (where nanobind would abort) ends in a KeyboardInterrupt."""
    code = ("import signal, builtins\n"
            "real = builtins.__import__\n"
            "def hook(name, *args, **kwargs):\n"
            "    if name == 'pikepdf':\n"
            "        signal.raise_signal(signal.SIGINT)\n"
            "    return real(name, *args, **kwargs)\n"
            "builtins.__import__ = hook\n"
            "try:\n"
            "    import agreement.outputs.pdfmeta\n"
            "except KeyboardInterrupt:\n"
            "    import sys; print('interrupted after', 'pikepdf' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout) == (0, "interrupted after True\n"), result.stderr
