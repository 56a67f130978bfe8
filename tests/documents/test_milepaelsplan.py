"""Milepælsplan: sorted by time, tied to delaftaler through activities, and a quarter timeline."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from agreement.documents.loader import load_content
from agreement.documents.milepaelsplan import COMMON, milestones, timeline
from agreement.word.tables import widths
from tests.conftest import SAMPLE, line_of, replace_line
from tests.conftest import check_lines as _check
from tests.conftest import expect_error as _expect

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
    assert len(widths(table)) == 1 + 17  # 1. kvt. 2021 to 1. kvt. 2025
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
    replace_line(content / PLAN, r"^    dato: 2022-03-31$", "    kvartal: 2022-K1\n    dato: 2022-03-31")
    line = line_of(content / PLAN, r"^  - id: aarlig-status-2022$")  # the milestone's first line
    _expect(content, PLAN, line, "either 'dato'", "not both")


def test_milestone_unknown_activity(content: Path) -> None:
    line = replace_line(content / PLAN, r"^    aktivitet: aktivt-liv$", "    aktivitet: aktivtliv")
    _expect(content, PLAN, line, "unknown activity 'aktivtliv' (did you mean 'aktivt-liv'?)")


def test_reached_milestone_after_the_status_date_is_refused_at_its_status(content: Path) -> None:
    # The first milestone 'i gang' is 'Første forløb med Mod på Matematik' (2022-K2), after status_pr: 2021-12-31.
    start = line_of(content / PLAN, r"milepæl: Første forløb med Mod på Matematik")
    line = replace_line(content / PLAN, r"^    status: i gang$", "    status: nået")
    assert start < line < start + 5
    status_line = line_of(content / PLAN, r"^status_pr:")
    _expect(content, PLAN, line, "marked 'nået'", "2022-K2 begins after the status date", f"(line {status_line})")


def test_reached_dated_milestone_after_the_status_date_is_refused(content: Path) -> None:
    replace_line(content / PLAN, r"^status_pr: 2021-12-31$", "status_pr: 2021-02-28")
    line = line_of(content / PLAN, r"^    status: nået$", line_of(content / PLAN, r"dato: 2021-03-01"))
    _expect(content, PLAN, line, "marked 'nået'", "2021-03-01 begins after the status date status_pr: 2021-02-28")


def test_reached_milestone_in_the_quarter_of_the_status_date_is_accepted(content: Path) -> None:
    # 2021-K4 began on 1 October, before the status date, so it may be reached by then.
    assert _check(content)[0] == 0
    replace_line(content / PLAN, r"^status_pr: 2021-12-31$", "status_pr: 2021-10-01")
    assert _check(content)[0] == 0


def test_planned_milestone_long_past_the_status_date_is_refused(content: Path) -> None:
    replace_line(content / PLAN, r"^status_pr: 2021-12-31$", "status_pr: 2022-12-31")
    line = line_of(content / PLAN, r"^    status: planlagt$", line_of(content / PLAN, r"dato: 2022-03-31"))
    _expect(content, PLAN, line, "still 'planlagt'", "2022-03-31 ended more than three months before")


def test_the_status_date_is_required(content: Path) -> None:
    line = replace_line(content / PLAN, r"^status_pr: 2021-12-31$", "")
    code, lines = _check(content)
    assert code == 1 and any("status_pr" in m for m in lines), lines
    assert line > 1


def test_the_plan_states_its_status_date(built) -> None:
    (doc,) = [d for d in built.documents if d.kind == "milepaelsplan"]
    word = Document(str(built.out_dir / doc.files["docx"]))
    assert word.tables[1].rows[0].cells[0].text == "Status pr. 31. december 2021"


def test_the_timelines_intro_and_legend_keep_with_the_timeline(built) -> None:
    """'2. Tidslinje', its sentence and the legend never end a page with the timeline overleaf."""
    (doc,) = [d for d in built.documents if d.kind == "milepaelsplan"]
    word = Document(str(built.out_dir / doc.files["docx"]))
    intro = next(p for p in word.paragraphs if p.text.startswith("Hver kolonne er et kvartal"))
    assert intro.paragraph_format.keep_with_next is True
    legend = intro._p.getnext()
    assert legend.tag.endswith("}tbl") and legend.xpath("w:tblPr/w:tblStyle/@w:val") == ["LBFSignaturforklaring"]
    # LibreOffice keeps a table with the next paragraph when every paragraph in it keeps with the next
    assert len(legend.xpath("w:tr")) == 6 and all(p.xpath("w:pPr/w:keepNext") for p in legend.xpath(".//w:p"))
    between = legend.getnext()
    assert between.tag.endswith("}p") and between.xpath("w:pPr/w:keepNext")
    timeline = between.getnext()
    assert timeline.tag.endswith("}tbl") and timeline.xpath("w:tblPr/w:tblStyle/@w:val") == ["LBFTidsplan"]
