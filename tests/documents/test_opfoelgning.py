"""The yearly follow-up report: its charts, numbers and alternative texts agree with the follow-up files."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from fractions import Fraction
from pathlib import Path

import pypdf
import pytest
import yaml
from docx import Document
from lxml import etree

from agreement import formatting as fmt
from agreement.documents import opfoelgning
from agreement.documents.blocks import BudgetChart, TrendChart, blocks
from agreement.documents.loader import load_content
from agreement.documents.opfoelgning import describe
from agreement.editions import FixedIndicator
from agreement.model.content import Baseline, FixedBaseline
from agreement.model.followup import Measurement
from agreement.pipeline import load
from agreement.word import charts
from tests.conftest import RINGPARKEN, SAMPLE, SKOVPARKEN, SOLHAVEN, check_lines, pdf_text, replace_line

KIND = "opfoelgningsrapport"


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _alts(docx: Path) -> list[str]:
    """The alternative text of every picture in the Word file, in reading order."""
    with zipfile.ZipFile(docx) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    return [d.get("descr") for d in body.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]


def _pdf_alts(node) -> list[str]:
    """The /Alt of every Figure in a tagged PDF's structure tree, in order."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        return [alt for child in node for alt in _pdf_alts(child)]
    if not isinstance(node, dict):
        return []
    own = [str(node["/Alt"])] if node.get("/S") == "/Figure" and "/Alt" in node else []
    return own + (_pdf_alts(node["/K"]) if "/K" in node else [])


def _number(baseline) -> float | None:
    """A baseline as strategic.yaml writes it: a number, or one value with a note (more values: none to chart)."""
    if isinstance(baseline, (int, float)):
        return baseline
    values = baseline.get("værdier", []) if isinstance(baseline, dict) else []
    return values[0]["værdi"] if len(values) == 1 else None


def _pct(value: float) -> str:
    return fmt.percent(value)


# -- the sample's reports, built ---------------------------------------------------------------


def test_the_sample_builds_a_report_per_follow_up_year(built) -> None:
    reports = [d for d in built.documents if d.kind == KIND]
    assert [d.files for d in reports] == [{"docx": f"opfoelgning-{y}.docx", "pdf": f"opfoelgning-{y}.pdf"} for y in (2021, 2022)]
    assert [d.title for d in reports] == [f"Årlig opfølgning {y}, Albertslund 2021-2025" for y in (2021, 2022)]
    assert all(d.status == "udkast" for d in reports)  # the sample's follow-ups are drafts


def test_each_chart_carries_alt_text_from_the_yaml_into_the_docx_and_the_tagged_pdf(built) -> None:
    """The alt text of the first chart (dagtilbud) is worked out here from strategic.yaml and the follow-up files."""
    base = _yaml(SAMPLE / "strategic.yaml")["baseline"]["dagtilbud"]
    _, specs = load(SAMPLE)
    charted = {int(s.stem[-4:]): sum(isinstance(b, TrendChart) for b in blocks(s.context)) for s in specs if s.kind == KIND}
    for year in (2021, 2022):
        measured = [m for y in range(2021, year + 1) for m in _yaml(SAMPLE / f"opfoelgning/{y}.yaml")["målinger"]
                    if m["indikator"] == "dagtilbud"]
        measured.sort(key=lambda m: m["dataår"])
        last = measured[-1]
        verb = "steg" if last["boligområde"] > base["boligområde"] else "faldt"
        between = [f"{_pct(m['boligområde'])} i {m['dataår']}" for m in measured[:-1]]  # every value, in order
        via = f" over {' og '.join(between)}" if between else ""
        municipality = [_pct(base["kommune"])] + [_pct(m["kommune"]) for m in measured]
        expected = (f"Andelen {verb} fra {_pct(base['boligområde'])} i {base['år']} (baseline){via} til "
                    f"{_pct(last['boligområde'])} i {last['dataår']}; kommunen: "
                    f"{', '.join(municipality[:-1])} og {municipality[-1]}.")
        docx = built.out_dir / f"opfoelgning-{year}.docx"
        alts = _alts(docx)
        assert alts[0] == expected
        assert len(alts) == charted[year] + 1  # the fixed indicators with a number, and the budget
        pdf = built.out_dir / f"opfoelgning-{year}.pdf"
        assert _pdf_alts(pypdf.PdfReader(str(pdf)).trailer["/Root"]["/StructTreeRoot"]) == alts
        text = " ".join(pdf_text(pdf).split())
        assert "Figur 1: Andel 1-5-årige i dagtilbud, boligområdet og kommunen" in text
        assert f"Figur {charted[year] + 1}: Budget og forbrug {year} pr. budgetlinje og i alt" in text


def test_the_pictures_are_the_charts_of_the_yaml_numbers(built) -> None:
    """Every chart's values are the baselines and measurements written in content, and the picture in the Word
    file is the drawing of exactly those values."""
    strategic = _yaml(SAMPLE / "strategic.yaml")["baseline"]
    programme, specs = load(SAMPLE)
    for spec in (s for s in specs if s.kind == KIND):
        year = int(spec.stem.rsplit("-", 1)[1])
        measured = {(m["indikator"], m.get("dataår", y)): m for y in range(2021, year + 1)
                    for m in _yaml(SAMPLE / f"opfoelgning/{y}.yaml")["målinger"]}
        trends = [b for b in blocks(spec.context) if isinstance(b, TrendChart)]
        fixed = [ind for goal in programme.edition.goals for ind in goal.indicators]
        shown = [i for i in fixed if (i.id in strategic and _number(strategic[i.id]["boligområde"]) is not None)
                 or any(k[0] == i.id for k in measured)]
        assert len(trends) == len(shown) >= 8  # a chart for each indicator with a baseline of one number or a measurement
        for chart, ind in zip(trends, shown):
            assert chart.caption.startswith(ind.text)
            area = dict(zip(chart.years, chart.series[0].values))
            municipality = dict(zip(chart.years, chart.series[1].values))
            base = strategic.get(ind.id, {})
            expected_area = {base["år"]: _number(base["boligområde"])} if base and _number(base["boligområde"]) is not None else {}
            expected_municipality = {base["år"]: _number(base["kommune"])} if base and _number(base["kommune"]) is not None else {}
            for (ident, data_year), m in measured.items():
                if ident == ind.id:
                    expected_area[data_year] = m["boligområde"]
                    expected_municipality[data_year] = m["kommune"]
            assert {y: v for y, v in area.items() if v is not None} == expected_area, ind.id
            assert {y: v for y, v in municipality.items() if v is not None} == expected_municipality, ind.id
            has_baseline = bool(base) and (_number(base["boligområde"]) is not None or _number(base["kommune"]) is not None)
            assert chart.baseline_year == (base["år"] if has_baseline else None), ind.id
        docx = Document(str(built.out_dir / f"{spec.stem}.docx"))
        pictures = [rel.target_part.blob for rel in docx.part.rels.values() if "image" in rel.reltype]
        drawn = {charts.render_png(b) for b in blocks(spec.context) if isinstance(b, (TrendChart, BudgetChart))}
        assert set(pictures) == drawn


def test_the_budget_table_and_chart_hold_the_spending_of_the_yaml(built) -> None:
    budget = _yaml(SAMPLE / "budget.yaml")
    for year in (2021, 2022):
        spending = _yaml(SAMPLE / f"opfoelgning/{year}.yaml")["forbrug"]
        doc = Document(str(built.out_dir / f"opfoelgning-{year}.docx"))
        table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Udgifter (kr.)")
        rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in table.rows}
        assert rows["Faglig støtte"][1] == fmt.number(spending["faglig-stoette"])
        assert rows["Kontorhold og IT"][1] == fmt.number(spending["Kontorhold og IT"])
        assert rows["Udgifter i alt"][1] == fmt.number(sum(spending.values()))
        # the year's budget: the days of each project year (from 1 March) that fall in the calendar year
        days = (dt.date(year, 2, 28) - dt.date(year - 1, 3, 1)).days + 1, (dt.date(year + 1, 2, 28) - dt.date(year, 3, 1)).days + 1
        weights = [Fraction(59, days[0]), Fraction(306, days[1])] if year == 2022 else [Fraction(0), Fraction(306, days[1])]
        line = next(line for g in budget["udgifter"] for line in g["linjer"] if line.get("aktivitet") == "faglig-stoette")
        index = year - 2022  # project year 2021/22 is index 0
        share = sum((line["beløb"][index + i] * w for i, w in enumerate(weights) if index + i >= 0), Fraction(0))
        assert rows["Faglig støtte"][0] == fmt.number(int(share + Fraction(1, 2)))
        _, specs = load(SAMPLE)
        chart = next(b for s in specs if s.stem == f"opfoelgning-{year}" for b in blocks(s.context) if isinstance(b, BudgetChart))
        assert sum(s for s in chart.spent if s is not None) == sum(spending.values())
        assert chart.description.startswith(f"Forbruget i {year} var {fmt.amount(sum(spending.values()))} mod et budget på")


def _years_table(doc) -> list[list[str]]:
    """The rows of the report's table of budget and spending over the years, as text."""
    table = next(t for t in doc.tables if [c.text for c in t.rows[0].cells][-1] == "Forbrugt til og med året")
    return [[c.text for c in _cells(r)] for r in table.rows]


def _cells(row):
    """A row's cells, a cell spanning columns once (python-docx repeats it)."""
    return [c for i, c in enumerate(row.cells) if i == 0 or c._tc is not row.cells[i - 1]._tc]


def test_the_years_table_holds_the_budget_and_spending_of_each_year_up_to_the_report(built) -> None:
    """Per calendar year the budget the year's own report shows, the sum of its file's spending, and running sums;
    the last line the whole period's budget (budget.yaml's sum) and what remains."""
    budget = _yaml(SAMPLE / "budget.yaml")
    whole = sum(a for g in budget["udgifter"] for line in g["linjer"] for a in line["beløb"])
    spent = {y: sum(_yaml(SAMPLE / f"opfoelgning/{y}.yaml")["forbrug"].values()) for y in (2021, 2022)}
    own = {}  # each year's budget as the table of that year's own report has it
    for year in (2021, 2022):
        doc = Document(str(built.out_dir / f"opfoelgning-{year}.docx"))
        table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Udgifter (kr.)"
                     and t.rows[0].cells[1].text == f"Budget {year}")
        own[year] = next(int(r.cells[1].text.replace(".", "")) for r in table.rows if r.cells[0].text == "Udgifter i alt")
    assert own[2021] < own[2022]  # 2021 has ten months of the first project year
    for year in (2021, 2022):
        rows = _years_table(Document(str(built.out_dir / f"opfoelgning-{year}.docx")))
        years = list(range(2021, year + 1))
        assert [r[0] for r in rows[1:-1]] == [f"{y} (udkast)" for y in years]  # the report for the first year: one row
        so_far_budget = so_far_spent = 0
        for row, y in zip(rows[1:-1], years):
            so_far_budget, so_far_spent = so_far_budget + own[y], so_far_spent + spent[y]
            assert row[1:] == [fmt.number(own[y]), fmt.number(spent[y]), fmt.percent(round(spent[y] * 100 / own[y], 1)),
                               fmt.number(so_far_budget), fmt.number(so_far_spent),
                               fmt.percent(round(so_far_spent * 100 / so_far_budget, 1))]
        assert rows[-1] == ["Hele perioden 2021-2025", f"tilbage: {fmt.number(whole - so_far_spent)}", fmt.number(whole),
                            fmt.number(so_far_spent), fmt.percent(round(so_far_spent * 100 / whole, 1))]
    text = " ".join(pdf_text(built.out_dir / "opfoelgning-2022.pdf").split())
    total = spent[2021] + spent[2022]
    assert (f"Til og med 2022 er der brugt {fmt.amount(total)} af et budget på {fmt.amount(own[2021] + own[2022])} for årene "
            f"2021-2022 ({fmt.percent(round(total * 100 / (own[2021] + own[2022]), 1))}); af hele periodens budget på "
            f"{fmt.amount(whole)} er {fmt.amount(whole - total)} tilbage.").replace("\u00a0", " ") in text.replace("\u00a0", " ")
    assert "Udkast: bestyrelsen har endnu ikke behandlet opfølgningen for 2021 og 2022" in text


def _follow_up(area: Path, year: int, spending: dict[str, int] | None, *, final: bool = False) -> None:
    lines = ["status: endelig", f"behandlet: {year + 1}-03-15"] if final else ["status: udkast"]
    lines.append(f"år: {year}")
    if spending:
        lines += ["forbrug:"] + [f"  {name}: {amount}" for name, amount in spending.items()]
    (area / "opfoelgning" / f"{year}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_an_area_of_another_period_with_a_year_not_followed_up(tmp_path: Path) -> None:
    """Skovparken (what init writes, 2027-2030, project years from 1 January): a final 2027, no file for 2028, a draft
    2029 and a 2030 that the report for 2029 must not read."""
    area = shutil.copytree(SKOVPARKEN, tmp_path / "area")
    budget = _yaml(area / "budget.yaml")
    amounts = {str(line.get("rolle") or line.get("aktivitet") or line.get("tekst")): line["beløb"]
               for g in budget["udgifter"] for line in g["linjer"]}
    per_year = [sum(a[i] for a in amounts.values()) for i in range(4)]
    _follow_up(area, 2027, {"sekretariatsleder": 590000, "jobvejledning": 120000}, final=True)
    _follow_up(area, 2029, {"medarbejder": 480000})
    _follow_up(area, 2030, {"medarbejder": 999999})
    programme = load_content(area)
    assert check_lines(area)[0] == 0
    report = opfoelgning.spec(programme, next(f for f in programme.follow_ups if f.year == 2029))
    years = report.context["years"]
    rows = [[c.text for c in r.cells] for r in years["table"].rows]
    assert [r[:4] for r in rows[1:-1]] == [
        ["2027", fmt.number(per_year[0]), fmt.number(710000), fmt.percent(round(710000 * 100 / per_year[0], 1))],
        ["2028", fmt.number(per_year[1]), "ikke fulgt op", "–"],
        ["2029 (udkast)", fmt.number(per_year[2]), fmt.number(480000), fmt.percent(round(480000 * 100 / per_year[2], 1))]]
    assert [r[5] for r in rows[1:-1]] == [fmt.number(710000), fmt.number(710000), fmt.number(1190000)]  # 2030 not read
    # the running share is left out from the year not followed up on: against a budget with that year in it, it would
    # look too low
    assert [r[6] for r in rows[1:-1]] == [fmt.percent(round(710000 * 100 / per_year[0], 1)), "–", "–"]
    assert "for årene 2027-2029; af hele" in years["text"]
    whole = sum(per_year)
    assert rows[-1][:3] == ["Hele perioden 2027-2030", f"tilbage: {fmt.number(whole - 1190000)}", fmt.number(whole)]
    assert years["text"].startswith(f"Til og med 2029 er der brugt {fmt.amount(1190000)} af et budget på "
                                    f"{fmt.amount(sum(per_year[:3]))} for årene 2027-2029")
    assert "Der er ikke fulgt op på forbruget for 2028, så det år tæller ikke med i forbruget." in years["text"]
    assert years["drafts"].startswith("Udkast: bestyrelsen har endnu ikke behandlet opfølgningen for 2029,")

    # a file without spending says so; a period spent beyond its whole budget says by how much
    _follow_up(area, 2028, None)
    _follow_up(area, 2029, {"medarbejder": whole})
    programme = load_content(area)
    years = opfoelgning.spec(programme, next(f for f in programme.follow_ups if f.year == 2029)).context["years"]
    rows = [[c.text for c in r.cells] for r in years["table"].rows]
    assert rows[2][:4] == ["2028 (udkast)", fmt.number(per_year[1]), "intet oplyst", "–"]
    assert rows[-1][1] == f"overskredet: {fmt.number(710000)}"
    assert years["text"].endswith(f"hele periodens budget på {fmt.amount(whole)} er overskredet med {fmt.amount(710000)}. "
                                  "Der er ikke fulgt op på forbruget for 2028, så det år tæller ikke med i forbruget.")


def test_no_years_table_while_no_year_up_to_the_report_has_spending(content: Path) -> None:
    text = (content / "opfoelgning/2021.yaml").read_text(encoding="utf-8")
    (content / "opfoelgning/2021.yaml").write_text(text.split("\nforbrug:")[0] + "\n", encoding="utf-8")
    programme = load_content(content)
    assert opfoelgning.spec(programme, programme.follow_ups[0]).context["years"] is None  # 2022's spending is later
    later = opfoelgning.spec(programme, programme.follow_ups[1]).context["years"]
    spent = sum(_yaml(content / "opfoelgning/2022.yaml")["forbrug"].values())
    assert [[c.text for c in r.cells][2] for r in later["table"].rows[1:-1]] == ["intet oplyst", fmt.number(spent)]


def test_delmaal_activities_milestones_and_the_assessment_are_shown(built) -> None:
    follow_up = _yaml(SAMPLE / "opfoelgning/2022.yaml")
    earlier = _yaml(SAMPLE / "opfoelgning/2021.yaml")
    doc = Document(str(built.out_dir / "opfoelgning-2022.docx"))
    delmaal = next(t for t in doc.tables if [c.text for c in t.rows[0].cells][:3] == ["Indikator", "Baseline", "Mål"])
    row = next(r for r in delmaal.rows if r.cells[0].text.startswith("Antal børn og unge, der deltager fast"))
    before = next(m for m in earlier["målinger"] if m["indikator"] == "fagligt-loeft-1")["boligområde"]
    now = next(m for m in follow_up["målinger"] if m["indikator"] == "fagligt-loeft-1")["boligområde"]
    assert [c.text for c in row.cells] == [row.cells[0].text, "Ny aktivitet", "Mindst 40 deltagere pr. skoleår",
                                           fmt.number(before), fmt.number(now)]
    text = " ".join(pdf_text(built.out_dir / "opfoelgning-2022.pdf").split())
    assert "UDKAST – IKKE GODKENDT" in text and "Opfølgningen er et udkast, som bestyrelsen endnu ikke har behandlet." in text
    assert "Aktivt liv for ledige i gang 26" in text  # status and participants from the file
    assert "Rådgivningen har åbent hver tirsdag i beboerhuset." in text  # an activity's note
    assert "forsinket" in text and "status pr. 31. december 2022" in text  # this file's milestone status
    assert " ".join(follow_up["vurdering"].split()) in text and " ".join(follow_up["justeringer"].split()) in text


def _milestone_rows(context: dict) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in context["milestones"].rows[1:]]


@pytest.mark.parametrize(("spoken", "later"), [
    ({"midtvejsstatus": "i gang"}, "Én senere milepæl er med, fordi opfølgningen giver den status. "
                                   "Tre andre senere milepæle står i milepælsplanen."),
    ({"midtvejsstatus": "i gang", "forankringsplan": "forsinket"},
     "To senere milepæle er med, fordi opfølgningen giver dem status. To andre senere milepæle står i milepælsplanen."),
])
def test_a_later_milestone_the_follow_up_gives_a_status_is_shown_marked_later(content: Path, spoken: dict, later: str) -> None:
    """The sample's 2022 file speaks of milestones due after 2022: they are listed, marked 'senere', with the file's
    status, after those due by the end of 2022; the sentence counts only the later ones not listed."""
    programme = load_content(content)
    before = opfoelgning.spec(programme, programme.follow_ups[1]).context
    assert before["later"] == "Fire senere milepæle står i milepælsplanen."
    data = _yaml(content / "opfoelgning/2022.yaml")
    data["milepæle"].update(spoken)
    (content / "opfoelgning/2022.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    programme = load_content(content)
    after = opfoelgning.spec(programme, programme.follow_ups[1]).context
    assert after["later"] == later
    rows = _milestone_rows(after)
    assert rows[:-len(spoken)] == _milestone_rows(before)  # those due by the end of 2022 as before
    plan = {m["id"]: m for m in _yaml(content / "milepaelsplan.yaml")["milepæle"]}
    assert [(r[0], r[1], r[3]) for r in rows[-len(spoken):]] == [
        (f"{q[-1]}. kvt. {q[:4]} (senere)", plan[ident]["milepæl"], status)
        for ident, status in spoken.items() for q in [plan[ident]["kvartal"]]]
    earlier = opfoelgning.spec(programme, programme.follow_ups[0]).context  # 2021's file names none of them
    assert all("(senere)" not in row[0] for row in _milestone_rows(earlier))


def test_an_activity_notes_heading_keeps_with_its_note(built_docx) -> None:
    """The bold name before an activity's note is a heading: it never ends a page without the note under it."""
    programme = load_content(SAMPLE)
    notes = opfoelgning.spec(programme, programme.follow_ups[1]).context["activity_notes"]
    assert notes  # the sample's 2022 file has notes
    paragraphs = list(Document(str(built_docx.out_dir / "opfoelgning-2022.docx")).paragraphs)
    for note in notes:
        at = next(i for i, p in enumerate(paragraphs) if p.text == note["name"])
        heading = paragraphs[at]
        assert all(run.bold for run in heading.runs)
        assert heading.paragraph_format.keep_with_next is True, note["name"]
        assert paragraphs[at + 1].text.strip()  # the note follows it directly


def test_the_milestones_sentence_keeps_with_their_table(built_docx) -> None:
    doc = Document(str(built_docx.out_dir / "opfoelgning-2022.docx"))
    intro = next(p for p in doc.paragraphs if p.text.startswith("Milepælene til og med 2022"))
    assert intro.paragraph_format.keep_with_next is True
    follows = intro._p.getnext()
    assert follows is not None and follows.tag.endswith("}tbl")  # the milestones table, right after it


@pytest.mark.parametrize("start", ["Udviklingen i boligområdet holdes op", "Delaftalernes delmål",
                                   "Aktiviteternes status i 2022", "Figuren og tabellen viser forbruget i 2022"])
def test_a_sections_intro_keeps_with_the_table_or_figure_it_introduces(built_docx, start: str) -> None:
    """The sentence under a section's heading never ends a page with its table or figure overleaf: it keeps with
    the next paragraph, as the headings between it and the table or figure do by their style."""
    doc = Document(str(built_docx.out_dir / "opfoelgning-2022.docx"))
    intro = next(p for p in doc.paragraphs if p.text.startswith(start))
    assert intro.paragraph_format.keep_with_next is True
    follows = intro._p.getnext()
    while follows is not None and follows.xpath("w:pPr/w:pStyle/@w:val") == ["Heading2"]:
        assert doc.styles["Heading 2"].paragraph_format.keep_with_next is True
        follows = follows.getnext()
    assert follows is not None
    assert follows.tag.endswith("}tbl") or follows.xpath(".//w:drawing"), start  # the table, or the chart's picture


def test_two_builds_give_byte_identical_reports(built, tmp_path: Path) -> None:
    """A build in a new process (no drawing remembered) makes the same bytes as the shared build."""
    from tests.conftest import run_cli

    result = run_cli(["build", "--quiet", "--out", str(tmp_path / "again")], cwd=SAMPLE.parent)
    assert result.returncode == 0, result.stderr
    for name in ("opfoelgning-2021.docx", "opfoelgning-2021.pdf", "opfoelgning-2022.docx", "opfoelgning-2022.pdf"):
        assert (tmp_path / "again" / name).read_bytes() == (built.out_dir / name).read_bytes(), name


def test_a_chart_png_holds_no_time_or_version() -> None:
    _, specs = load(SAMPLE)
    chart = next(b for s in specs for b in blocks(s.context) if isinstance(b, TrendChart))
    first = charts.render_png(chart)
    charts.render_png.cache_clear()
    assert charts.render_png(chart) == first
    assert b"tIME" not in first and b"Software" not in first and b"matplotlib" not in first.lower()


# -- without follow-up, and a final follow-up ---------------------------------------------------


@pytest.mark.parametrize("area", [SOLHAVEN, RINGPARKEN])
def test_an_area_without_follow_up_files_has_no_report(area: Path) -> None:
    _, specs = load(area)
    assert not [s for s in specs if s.kind == KIND]


def test_a_local_edition_made_before_the_report_builds_without_follow_up(tmp_path: Path) -> None:
    """An edition exported before the report kind existed lacks its template: no follow-up, no problem; with one,
    the message says where to get it."""
    from agreement import editions
    from agreement.pipeline import check_templates

    area = shutil.copytree(SOLHAVEN, tmp_path / "area")
    name = _yaml(area / "strategic.yaml")["skabelon"]
    editions.export(name, area / "skabeloner" / name)
    (area / "skabeloner" / name / "opfoelgning.docx").unlink()
    programme, specs = load(area)
    assert check_templates(programme, specs) == []
    (area / "opfoelgning").mkdir()
    start = str(_yaml(area / "strategic.yaml")["periode"]["fra"])[:4]
    (area / "opfoelgning" / f"{start}.yaml").write_text(f"status: udkast\når: {start}\n", encoding="utf-8")
    programme, specs = load(area)
    problems = check_templates(programme, specs)
    assert len(problems) == 1 and problems[0].startswith("opfoelgning.docx: missing from the edition") and \
        "agreement templates export" in problems[0]


def test_a_final_follow_up_is_no_draft_and_says_when_the_board_dealt_with_it(content: Path) -> None:
    replace_line(content / "opfoelgning/2022.yaml", r"^status: udkast$", "status: endelig\nbehandlet: 2023-03-15")
    programme = load_content(content)
    final = opfoelgning.spec(programme, programme.follow_ups[1])
    assert final.draft_at is None and final.context["handled"] == "15. marts 2023"
    assert final.metadata.date == dt.date(2023, 3, 15)
    draft = opfoelgning.spec(programme, programme.follow_ups[0])
    assert draft.draft_at is not None and draft.context["handled"] == "" and draft.metadata.date == dt.date(2021, 12, 31)


def test_a_report_shows_no_later_year_and_a_year_without_spending_says_so(content: Path) -> None:
    text = (content / "opfoelgning/2021.yaml").read_text(encoding="utf-8")
    (content / "opfoelgning/2021.yaml").write_text(text.split("\nforbrug:")[0] + "\n", encoding="utf-8")
    programme = load_content(content)
    first = opfoelgning.spec(programme, programme.follow_ups[0])
    assert first.context["budget"] is None
    assert all(max(b.years) <= 2021 for b in blocks(first.context) if isinstance(b, TrendChart))  # not 2022's data


def test_the_budget_of_a_calendar_year_is_the_days_of_the_budget_years_in_it(tmp_path: Path) -> None:
    programme = load_content(SAMPLE)
    assert opfoelgning.year_weights(programme, 2021) == [(0, Fraction(306, 365))]
    assert opfoelgning.year_weights(programme, 2022) == [(0, Fraction(59, 365)), (1, Fraction(306, 365))]
    calendar = load_content(RINGPARKEN)  # budget.yaml per calendar year
    assert opfoelgning.year_weights(calendar, 2022) == [(1, Fraction(1))]


# -- the alternative text ---------------------------------------------------------------------


def test_the_alt_text_says_how_the_values_went() -> None:
    show = fmt.percent
    assert describe("Andelen", {2019: 88.9, 2022: 91.2}, {2019: 92.5, 2022: 92.0}, 2019, show) == \
        "Andelen steg fra 88,9 % i 2019 (baseline) til 91,2 % i 2022; kommunen: 92,5 % og 92,0 %.".replace(" %", "\u00a0%")
    assert describe("Andelen", {2020: 5.0, 2021: 4.8}, {}, None, show) == \
        "Andelen faldt fra 5,0 % i 2020 til 4,8 % i 2021.".replace(" %", "\u00a0%")
    assert describe("Antallet", {2022: 18}, {2022: 13}, None, fmt.number) == "Antallet var 18 i 2022; kommunen: 13."
    assert describe("Andelen", {2019: 7.0, 2021: 7.0}, {2021: 6.0}, 2019, show) == \
        "Andelen var 7,0 % både i 2019 (baseline) og i 2021; kommunen: 6,0 % i 2021.".replace(" %", "\u00a0%")
    assert describe("Andelen", {}, {2021: 6.0}, None, show) == \
        "Ingen tal for boligområdet; kommunen: 6,0 % i 2021.".replace(" %", "\u00a0%")
    # Every value between the first and the last is named too, the area's and the municipality's.
    assert describe("Andelen", {2019: 88.9, 2020: 89.4, 2021: 90.2}, {2019: 92.5, 2020: 92.6, 2021: 92.4}, 2019, show) == \
        ("Andelen steg fra 88,9 % i 2019 (baseline) over 89,4 % i 2020 til 90,2 % i 2021; kommunen: 92,5 %, 92,6 % og "
         "92,4 %.").replace(" %", "\u00a0%")
    assert describe("Andelen", {2019: 7.0, 2020: 7.5, 2021: 7.0}, {2020: 6.0}, None, show) == \
        "Andelen var 7,0 % både i 2019 og i 2021 (7,5 % i 2020 imellem); kommunen: 6,0 % i 2020.".replace(" %", "\u00a0%")


def test_the_chart_keeps_the_signed_baseline_over_a_measurement_of_its_year() -> None:
    # check refuses such a measurement when it differs; the chart must not take it even so
    indicator = FixedIndicator("dagtilbud", "Andel 1-5-årige i dagtilbud", "procent", "LBF")
    baseline = FixedBaseline(Baseline.from_data(88.9), Baseline.from_data(92.5), 2019, None)
    chart = opfoelgning.trend(indicator, baseline, [Measurement("dagtilbud", 89.4, 92.6, 2019, None),
                                                    Measurement("dagtilbud", 90.2, None, 2020, None)])
    assert chart is not None and chart.years == (2019, 2020) and chart.baseline_year == 2019
    assert [s.values for s in chart.series] == [(88.9, 90.2), (92.5, None)]
    assert chart.description.startswith("Andelen steg fra 88,9\u00a0% i 2019 (baseline) til 90,2\u00a0% i 2020")


def test_a_balanced_budget_has_equal_totals_in_the_report() -> None:
    programme = load_content(SAMPLE)
    context = opfoelgning.budget(programme, programme.follow_ups[0])
    assert context is not None and context["financing"] is not None
    spent = next(r for r in context["table"].rows if r.cells[0].text == "Udgifter i alt")
    financed = next(r for r in context["financing"].rows if r.cells[0].text == "Finansiering i alt")
    assert spent.cells[1].text == financed.cells[1].text


# Expense lines (in budget.yaml's order) and financing per project year from 1 March, balanced per project year, that
# no calendar year splits evenly; the financing parties are LBF, the kommune, AB, AKB and VA.
UNEVEN_EXPENSES = [[369249, 638495, 907741, 1176987], [469252, 738511, 1007770, 1277029], [569255, 838527, 1107799, 1377071],
                   [669258, 938543, 1207828, 1477113], [769261, 1038559, 1307857, 1577155], [869264, 1138575, 1407886, 1677197],
                   [969267, 1238591, 1507915, 1777239], [1069270, 1338607, 1607944, 1877281],
                   [1169273, 1438623, 1707973, 1977323], [1269276, 1538639, 1808002, 2077365]]
UNEVEN_FINANCING = [[5734837, 7619969, 9505100, 11390232], [1065041, 1415137, 1765232, 2115328], [409631, 544283, 678935, 813588],
                    [409631, 544283, 678935, 813588], [573485, 761998, 950513, 1139024]]


def _amounts(rows) -> list[int]:
    """A budget or financing table's line amounts (its 'Budget' column), without headers, groups and the total."""
    return [int(r.cells[1].text.replace(".", "")) for r in rows[1:-1] if len(r.cells) > 1]


def test_every_calendar_year_of_a_balanced_budget_has_equal_totals_that_its_lines_add_up_to(tmp_path: Path) -> None:
    area = shutil.copytree(SAMPLE, tmp_path / "area")
    amounts = iter(UNEVEN_EXPENSES + UNEVEN_FINANCING)
    budget = area / "budget.yaml"
    lines = [f"{line.split('beløb:')[0]}beløb: {next(amounts)}" if "beløb:" in line else line
             for line in budget.read_text(encoding="utf-8").split("\n")]
    budget.write_text("\n".join(lines), encoding="utf-8")
    assert next(amounts, None) is None
    for old in (area / "opfoelgning").iterdir():
        old.unlink()
    for year in range(2021, 2026):
        (area / "opfoelgning" / f"{year}.yaml").write_text(
            f"status: udkast\når: {year}\nforbrug:\n  projektleder: 100000\nfinansiering:\n  landsbyggefonden: 100000\n",
            encoding="utf-8")
    assert check_lines(area)[0] == 0
    programme = load_content(area)
    whole = sum(map(sum, UNEVEN_EXPENSES))
    assert whole == sum(map(sum, UNEVEN_FINANCING))

    def exact(rows: list[list[int]], year: int) -> list[Fraction]:
        return [sum((row[i] * w for i, w in opfoelgning.year_weights(programme, year)), Fraction(0)) for row in rows]

    # the area shows the problem: each line rounded on its own, no year's totals agree; each year rounded on its own,
    # the years miss the whole budget
    def rounded(rows: list[list[int]], year: int) -> int:
        return sum(int(x + Fraction(1, 2)) for x in exact(rows, year))
    assert all(rounded(UNEVEN_EXPENSES, y) != rounded(UNEVEN_FINANCING, y) for y in range(2021, 2026))
    assert sum(int(sum(exact(UNEVEN_EXPENSES, y)) + Fraction(1, 2)) for y in range(2021, 2026)) != whole

    totals = {}
    for follow_up in programme.follow_ups:
        context = opfoelgning.spec(programme, follow_up).context["budget"]
        spent, financed = context["table"].rows, context["financing"].rows
        assert spent[-1].cells[0].text == "Udgifter i alt" and financed[-1].cells[0].text == "Finansiering i alt"
        assert spent[-1].cells[1].text == financed[-1].cells[1].text
        totals[follow_up.year] = int(spent[-1].cells[1].text.replace(".", ""))
        for rows, table in ((UNEVEN_EXPENSES, spent), (UNEVEN_FINANCING, financed)):
            shown = _amounts(table)
            assert sum(shown) == totals[follow_up.year]
            assert all(abs(s - x) < 1 for s, x in zip(shown, exact(rows, follow_up.year), strict=True))
    assert sum(totals.values()) == whole
    # the years table has each year's figures as its own report, and its running budget ends at the whole budget
    years = opfoelgning.spec(programme, programme.follow_ups[-1]).context["years"]["table"].rows
    assert [r.cells[1].text for r in years[1:-1]] == [fmt.number(totals[y]) for y in range(2021, 2026)]
    assert years[-2].cells[4].text == years[-1].cells[2].text == fmt.number(whole)
