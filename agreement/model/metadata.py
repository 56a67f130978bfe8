"""Document metadata: the core properties of the DOCX and the PDF's Info and XMP, all from content."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Metadata:
    """Core properties written into every document; dates come from content, never from the clock."""

    title: str
    author: str
    subject: str
    keywords: str
    date: dt.date
    language: str = "da-DK"
