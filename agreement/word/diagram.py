"""The organisation diagram drawn to PNG by Graphviz."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

from agreement.errors import ToolError
from agreement.files import file_identity
from agreement.i18n import _, number


def render_png(dot_source: str, *, dpi: int = 200, timeout: float = 60) -> bytes:
    """Run Graphviz; raise ToolError with what to install when it is missing or fails."""
    exe = shutil.which("dot")
    if exe is None:
        raise ToolError(_("Graphviz is not installed, so the organisation diagram cannot be drawn; "
                          "install it with: sudo apt-get install graphviz (or run 'make build')"))
    return _draw(graphviz_version(), exe, dot_source, dpi, timeout)


# Drawings made before in this process, by the `dot` that drew them and its input: `agreement watch`, `diff` and a
# build of several areas draw the same diagram again and again, and Graphviz draws the same input the same way.
# (A failure is not remembered: it raises.)
@functools.lru_cache(maxsize=16)
def _draw(graphviz: str, exe: str, dot_source: str, dpi: int, timeout: float) -> bytes:
    try:
        result = subprocess.run([exe, "-Tpng", f"-Gdpi={dpi}"], input=dot_source.encode("utf-8"),
                                capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise ToolError(_("Graphviz did not finish drawing the organisation diagram within {seconds} seconds").format(
            seconds=number(timeout))) from None
    if result.returncode != 0 or not result.stdout.startswith(b"\x89PNG"):
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ToolError(_("Graphviz failed to draw the organisation diagram: {reason}").format(reason=detail[-1]) if detail
                        else _("Graphviz failed to draw the organisation diagram"))
    return result.stdout


def graphviz_version() -> str:
    """What identifies the installed Graphviz `dot` (its path, size and time, which change with every upgrade)."""
    exe = shutil.which("dot")
    if exe is None:
        return ""
    # `dot` and its plugin list (rewritten when a Graphviz package is installed or upgraded).
    paths = (Path(exe).resolve(), *sorted(Path("/usr/lib").glob("*/graphviz/config*")))
    return "\n".join(file_identity(path) for path in paths if path.is_file())
