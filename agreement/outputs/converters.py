"""A build's PDF conversions, spread over its Office and, for a large build, a second LibreOffice of its own.

One LibreOffice converts one document at a time, and reading and laying out a long document is most of a
conversion (converting the ten-fold sample to ODT instead of PDF takes as long). Once the Word files queued
hold more text than the sample several times over, a second LibreOffice, of the build's own, pays for its
start (a third of a second): the next documents go to whichever of the two has the less text queued, and
both convert side by side. Either LibreOffice writes the same bytes (see tests/outputs/test_officeserver.py).
"""

from __future__ import annotations

import concurrent.futures
import os
import zipfile
from collections.abc import Callable
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


def cores() -> int:
    """The cores this process may run on (its CPU affinity, where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class Converters:
    """Submits each document to `office`, or to a second Office (`second()`, not yet started) once the queued
    text reaches SECOND_AT while the first has documents queued, on a machine with two cores or more. `wait`
    waits for all side by side, each within the same `timeout`, and stops the rest as soon as one fails;
    `close` stops the second (`office` is its owner's to close)."""

    def __init__(self, office: Office, second: Callable[[], Office] | None = None) -> None:
        self.offices = [office]
        self._queued = [0]
        self._second = second if cores() >= 2 else None
        self._total = 0
        self._order: list[Path] = []

    def submit(self, docx: Path, pdf: Path) -> None:
        size = text_size(docx)
        self._total += size
        if self._second is not None and len(self.offices) == 1 and self._queued[0] > 0 and self._total >= SECOND_AT:
            office = self._second()
            self.offices.append(office)  # before it starts: a Ctrl-C while it starts still stops it (close)
            self._queued.append(0)
            office.start()  # it boots while the next Word files are rendered
        chosen = min(range(len(self.offices)), key=self._queued.__getitem__)
        self.offices[chosen].submit(docx, pdf)
        self._queued[chosen] += size
        self._order.append(pdf)

    @property
    def processes(self) -> int:
        """How many LibreOffice processes were given this build's documents."""
        return sum(1 for queued in self._queued if queued > 0) or 1

    def wait(self, timeout: float) -> list[Path]:
        """Every submitted PDF, in the order submitted, once written; the first ToolError any LibreOffice raised."""
        order, self._order = self._order, []
        if len(self.offices) == 1:
            self.offices[0].wait(timeout)
            return order
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(self.offices)) as pool:
            waits = [pool.submit(office.wait, timeout) for office in self.offices]
            try:
                done, _ = concurrent.futures.wait(waits, return_when=concurrent.futures.FIRST_EXCEPTION)
                failed = [w for w in waits if w in done and w.exception() is not None]
                if failed:
                    raise failed[0].exception()  # type: ignore[misc]
            except BaseException:
                for office in self.offices:
                    office.close()  # its wait ends at once (the first is closed again by its owner: no harm)
                raise
        return order

    def close(self) -> None:
        for office in self.offices[1:]:
            office.close()
