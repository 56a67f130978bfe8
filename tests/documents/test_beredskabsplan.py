"""Beredskabsplan: call list in order, first 24 hours, references to organisations."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from agreement.documents.loader import load_content
from agreement.errors import ContentErrors
from tests.conftest import replace_line


def test_call_list_and_first_day(built) -> None:
    (doc,) = [d for d in built.documents if d.kind == "beredskabsplan"]
    word = Document(str(built.out_dir / doc.files["docx"]))
    calls = word.tables[0]
    assert [c.text for c in calls.rows[0].cells] == ["Nr.", "Rolle", "Organisation", "Telefon", "Opgave"]
    assert [row.cells[0].text for row in calls.rows[1:]] == ["1", "2", "3", "4", "5", "6"]
    assert calls.rows[3].cells[2].text == "Den Kriminalpræventive Enhed (DKE)"
    steps = word.tables[1]
    assert steps.rows[1].cells[0].text == "Straks"


def test_unknown_organisation_in_the_call_list(content: Path) -> None:
    line = replace_line(content / "beredskabsplan.yaml", r"^    organisation: politi$", "    organisation: politiet")
    with pytest.raises(ContentErrors) as caught:
        load_content(content)
    messages = [str(e) for e in caught.value.errors]
    assert any(f"beredskabsplan.yaml:{line}:" in m and "did you mean 'politi'?" in m and "strategic.yaml" in m for m in messages), messages
