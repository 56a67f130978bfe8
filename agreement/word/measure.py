"""Text widths at the font the templates use (Calibri, rendered with the metric-compatible Carlito), in twips."""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from agreement.errors import ToolError
from agreement.i18n import _

TWIPS_PER_POINT = 20
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts",
             Path.home() / ".fonts", Path("/Library/Fonts"), Path.home() / "Library/Fonts")
FILES = {False: "Carlito-Regular.ttf", True: "Carlito-Bold.ttf"}
# LibreOffice breaks a line at these; a no-break space (U+00A0) and a no-break hyphen (U+2011) hold words together.
BREAKS = (" ", "\t", "\n")
# What LibreOffice's layout may differ from the advance widths by (hinting, rounding): a little room to spare.
SLACK = 1.02


@dataclass(frozen=True)
class Font:
    bold: bool
    half_points: int  # w:sz, in half points

    @property
    def points(self) -> float:
        return self.half_points / 2


@lru_cache(maxsize=2)
def _advances(bold: bool) -> tuple[dict[int, int], int, int]:
    """(advance width per code point, the width of a missing glyph, units per em) of Carlito."""
    from fontTools.ttLib import TTFont

    # fontTools logs a warning about Carlito's creation date in its 'head' table; it says nothing about widths
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    path = font_file(bold)
    with TTFont(str(path), lazy=True) as font:
        cmap = font.getBestCmap()
        metrics = font["hmtx"].metrics
        widths = {code: metrics[name][0] for code, name in cmap.items()}
        return widths, metrics[".notdef"][0], font["head"].unitsPerEm


@lru_cache(maxsize=2)
def font_file(bold: bool) -> Path:
    """Carlito's TTF file: where Debian's fonts-crosextra-carlito puts it, or wherever fontconfig finds it."""
    name = FILES[bold]
    for folder in FONT_DIRS:
        if folder.is_dir():
            for found in sorted(folder.rglob(name)):
                return found
    if shutil.which("fc-match"):
        style = "bold" if bold else "regular"
        out = subprocess.run(["fc-match", "-f", "%{file}", f"Carlito:{style}"], capture_output=True, text=True,
                             check=False).stdout.strip()
        if out.endswith(name) and Path(out).is_file():
            return Path(out)
    raise ToolError(_("the font Carlito ({name}) is not installed; the tables are sized with it. Install it with "
                      "'sudo apt-get install fonts-crosextra-carlito' (or run 'make build')").format(name=name))


@lru_cache(maxsize=1 << 16)  # the same words come again and again, in every cell and every pass
def width(text: str, font: Font) -> float:
    """The width of `text` on one line, in twips."""
    widths, missing, units = _advances(font.bold)
    total = sum(widths.get(ord(ch), missing) for ch in text)
    return total * font.points * TWIPS_PER_POINT / units * SLACK


def words(text: str) -> list[str]:
    """The pieces of `text` a line cannot be broken inside (a no-break space keeps its neighbours together)."""
    for brk in BREAKS[1:]:
        text = text.replace(brk, BREAKS[0])
    return [word for word in text.split(BREAKS[0]) if word]
