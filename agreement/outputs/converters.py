"""A build's PDF conversions, spread over its Office and, for a large build, a second LibreOffice of its own.

One LibreOffice converts one document at a time, and reading and laying out a long document is most of a
conversion (converting the ten-fold sample to ODT instead of PDF takes as long). Once the Word files queued
hold more text than the sample several times over, a second LibreOffice, of the build's own, pays for its
start (a third of a second): the next documents go to whichever of the two has the less text queued, and
both convert side by side. Either LibreOffice writes the same bytes (see tests/outputs/test_officeserver.py).
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from agreement.outputs.pdf import Office

# Bytes of WordprocessingML (word/document.xml, uncompressed) queued before a second LibreOffice starts. The
# sample's documents hold 0.25 MB together, ten times its content 1.9 MB.
SECOND_AT = 1_000_000
DOCUMENT = "word/document.xml"


def text_size(docx: Path) -> int:
    """How much a Word file holds for LibreOffice to lay out: its main part's size, read from the zip's
    directory (0 when it cannot be read: LibreOffice will say what is wrong with it)."""
    try:
        with zipfile.ZipFile(docx) as archive:
            return archive.getinfo(DOCUMENT).file_size
    except (OSError, KeyError, zipfile.BadZipFile):
        return 0


class Converters:
    """Submits each document to `office`, or to a second LibreOffice (`second()`, started when the queued text
    reaches SECOND_AT, on a machine with two cores or more); `wait` waits for both side by side, within the
    same `timeout`; `close` stops the second (`office` is its owner's to close)."""

    def __init__(self, office: Office, second: Callable[[], Office] | None = None) -> None:
        self.offices = [office]
        self._queued = [0]
        self._second = second if (os.cpu_count() or 1) >= 2 else None
        self._total = 0
        self._order: list[Path] = []

    def submit(self, docx: Path, pdf: Path) -> None:
        size = text_size(docx)
        self._total += size
        if self._second is not None and len(self.offices) == 1 and self._total >= SECOND_AT:
            self.offices.append(self._second())  # started: it boots while the next Word files are rendered
            self._queued.append(0)
        chosen = min(range(len(self.offices)), key=self._queued.__getitem__)
        self.offices[chosen].submit(docx, pdf)
        self._queued[chosen] += size
        self._order.append(pdf)

    def wait(self, timeout: float) -> list[Path]:
        """Every submitted PDF, in the order submitted, once written; the first ToolError of either LibreOffice."""
        order, self._order = self._order, []
        if len(self.offices) == 1:
            self.offices[0].wait(timeout)
            return order
        with ThreadPoolExecutor(max_workers=len(self.offices) - 1) as pool:
            others = [pool.submit(office.wait, timeout) for office in self.offices[1:]]
            try:
                self.offices[0].wait(timeout)
                for other in others:
                    other.result()
            except BaseException:
                for office in self.offices[1:]:
                    office.close()  # its wait ends at once, so the pool can be left
                raise
        return order

    @property
    def processes(self) -> int:
        """How many LibreOffice processes converted (or are converting) this build's documents."""
        return len(self.offices)

    def close(self) -> None:
        for office in self.offices[1:]:
            office.close()
