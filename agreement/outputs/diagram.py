"""The organisation diagram drawn to PNG by Graphviz."""

from __future__ import annotations

import functools
import shutil
import subprocess

from agreement.errors import ToolError


def render_png(dot_source: str, *, dpi: int = 200, timeout: float = 60) -> bytes:
    """Run Graphviz; raise ToolError with what to install when it is missing or fails."""
    exe = shutil.which("dot")
    if exe is None:
        raise ToolError("Graphviz is not installed, so the organisation diagram cannot be drawn; "
                        "install it with: sudo apt-get install graphviz (or run 'make build')")
    from agreement.publish.cache import graphviz_version  # the build cache's identity of Graphviz: the same test

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
        raise ToolError(f"Graphviz did not finish drawing the organisation diagram within {timeout:g} seconds") from None
    if result.returncode != 0 or not result.stdout.startswith(b"\x89PNG"):
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ToolError("Graphviz failed to draw the organisation diagram" + (f": {detail[-1]}" if detail else ""))
    return result.stdout
