"""The text width of a Word file's first section, read from its XML without python-docx (for cache keys)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
EMU_PER_TWIP = 635
EMU_PER_CM = 360000


def text_width_cm(docx: Path) -> float | None:
    """Page width less the left and right margins of the first section, in cm; None if it is not written plainly.

    Computed as python-docx computes it (whole EMU, then divided), so both give the same float.
    """
    try:
        with zipfile.ZipFile(docx) as package:
            # The edition's own template, which the build parses anyway; CPython's expat fetches no external
            # entities and limits entity expansion (expat >= 2.4.1), so nothing is fetched or blown up.
            root = ElementTree.fromstring(package.read("word/document.xml"))  # noqa: S314
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return None
    section = next(root.iter(f"{W}sectPr"), None)
    size = section.find(f"{W}pgSz") if section is not None else None
    margins = section.find(f"{W}pgMar") if section is not None else None
    if size is None or margins is None:
        return None
    try:
        twips = int(size.get(f"{W}w", "")) - int(margins.get(f"{W}left", "")) - int(margins.get(f"{W}right", ""))
    except ValueError:  # a measure with a unit ("21cm"): python-docx reads those
        return None
    return twips * EMU_PER_TWIP / EMU_PER_CM
