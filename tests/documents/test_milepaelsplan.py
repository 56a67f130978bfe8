"""Milepælsplan: sorted by time, tied to delaftaler through activities, and a quarter timeline."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from agreement.documents.milepaelsplan import COMMON, milestones, timeline
from agreement.source.loader import load_content
from tests.conftest import SAMPLE, replace_line
from tests.source.test_setrules import _expect

PLAN = "milepaelsplan.yaml"


def test_milestones_are_sorted_and_take_their_delaftale_from_the_activity() -> None:
    items = milestones(load_content(SAMPLE))
    ends = [m.when.end for m in items]
    assert ends == sorted(ends)
    first = items[0]
    assert first.when_text == "1. marts 2021" and first.delaftale == COMMON
    lektie = next(m for m in items if m.text.startswith("Lektiehjælp"))
    assert (lektie.delaftale, lektie.activity, lektie.when_text) == ("Uddannelse og livschancer", "Faglig støtte", "3. kvt. 2021")


def test_timeline_has_a_column_per_quarter_and_shades_milestones() -> None:
    content = load_content(SAMPLE)
    table = timeline(content, milestones(content))
    assert len(table.widths_cm) == 1 + 17  # 1. kvt. 2021 to 1. kvt. 2025
    row = next(r for r in table.rows if r.cells[0].text == "Faglig støtte")
    shaded = [i for i, c in enumerate(row.cells[1:]) if c.fill]
    assert shaded == [2, 5]  # 3. kvt. 2021 and 2. kvt. 2022


def test_milepaelsplan_document(built) -> None:
    (doc,) = [d for d in built.documents if d.kind == "milepaelsplan"]
    word = Document(str(built.out_dir / doc.files["docx"]))
    rows = word.tables[0].rows
    assert [c.text for c in rows[0].cells] == ["Tidspunkt", "Delaftale", "Aktivitet", "Milepæl", "Ansvarlig", "Status"]
    assert rows[1].cells[0].text == "1. marts 2021"
    assert rows[-1].cells[0].text == "28. februar 2025"
    assert "w:shd" in word.tables[-1]._tbl.xml


def test_milestone_outside_the_period(content: Path) -> None:
    line = replace_line(content / PLAN, r"^    kvartal: 2024-K3$", "    kvartal: 2025-K3")
    _expect(content, PLAN, line, "2025-K3 is outside the agreement period", "strategic.yaml")


def test_milestone_date_outside_the_period(content: Path) -> None:
    line = replace_line(content / PLAN, r"^    dato: 2025-02-28$", "    dato: 2025-03-01")
    _expect(content, PLAN, line, "2025-03-01 is outside the agreement period")


def test_milestone_needs_a_date_or_a_quarter(content: Path) -> None:
    line = replace_line(content / PLAN, r"^    dato: 2022-03-31$", "    kvartal: 2022-K1\n    dato: 2022-03-31") - 1
    _expect(content, PLAN, line, "either 'dato'", "not both")


def test_milestone_unknown_activity(content: Path) -> None:
    line = replace_line(content / PLAN, r"^    aktivitet: aktivt-liv$", "    aktivitet: aktivtliv")
    _expect(content, PLAN, line, "unknown activity 'aktivtliv' (did you mean 'aktivt-liv'?)")
