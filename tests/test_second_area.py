"""A second, different area builds with no change to code or templates: nothing about Albertslund is hard-coded."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from docx import Document

from agreement.documents.loader import load_content
from agreement.model.budget import compute
from tests.conftest import ROOT, pdf_text

SOLHAVEN = ROOT / "tests" / "fixtures" / "areas" / "solhaven"


@pytest.fixture(scope="module")
def solhaven(built_solhaven):
    """The shared build of Solhaven (tests/conftest.py), DOCX and PDF."""
    return built_solhaven


def test_every_document_is_built(solhaven) -> None:
    data = json.loads(solhaven.manifest.read_text(encoding="utf-8"))
    kinds = [d["kind"] for d in data["documents"]]
    assert kinds == ["strategisk-samarbejdsaftale", "delaftale", "delaftale", "delaftale", "budget",
                     "beredskabsplan", "milepaelsplan", "kommissorium", "indberetningsskema"]
    titles = [d["title"] for d in data["documents"] if d["kind"] == "delaftale"]
    assert "Delaftale om Kriminalitetsforebyggelse, Solhaven 2022-2024" in titles
    assert all("pdf" in d["files"] for d in data["documents"])


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return " ".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/") and n.endswith(".xml"))


def test_nothing_of_albertslund_leaks_into_another_area(solhaven) -> None:
    for path in solhaven.out_dir.iterdir():
        if path.suffix == ".docx":
            text = _docx_text(path)
        elif path.suffix == ".pdf":
            text = pdf_text(path)
        else:
            continue
        for word in ("Albertslund", "Hedemarken", "Blokland", "BO-VEST"):
            assert word not in text, f"{path.name} mentions {word}"
        assert "Solhaven" in text


def test_three_year_budget_and_timeline(solhaven) -> None:
    content = load_content(SOLHAVEN)
    budget = compute(content)
    assert budget.year_labels == ["2022", "2023", "2024"]
    assert budget.expense_totals == [1_400_000] * 3
    strategic_text = _docx_text(solhaven.out_dir / "strategisk-samarbejdsaftale.docx")
    assert "Helhedsplanen rummer 2,5 årsværk/medarbejdere" in strategic_text
    assert "Bestyrelsen mødes fire gange om året." in strategic_text
    timeline = _docx_text(solhaven.out_dir / "milepaelsplan.docx")
    assert timeline.count('w:gridSpan w:val="4"') >= 3  # three whole years of quarters


def test_the_area_map_is_a_numbered_figure_before_the_diagram(solhaven) -> None:
    pdf = solhaven.out_dir / "strategisk-samarbejdsaftale.pdf"
    text = pdf_text(pdf)
    assert "Figur 1: Solhavens to afdelinger" in text and "Figur 2: Organisationsdiagram" in text
    strategic_text = _docx_text(solhaven.out_dir / "strategisk-samarbejdsaftale.docx")
    assert 'descr="Skitse af Solhaven: to afdelinger på hver sin side af en orange vej"' in strategic_text


def test_a_third_area_with_groups_per_housing_area_builds(built_ringparken) -> None:
    """Slagelse og Korsør: four delaftaler, each followed by the three housing areas' groups."""
    data = json.loads(built_ringparken.manifest.read_text(encoding="utf-8"))
    kinds = [d["kind"] for d in data["documents"]]
    assert kinds.count("delaftale") == 4 and "kommissorium" in kinds
    for path in built_ringparken.out_dir.iterdir():
        if path.suffix in (".docx", ".pdf"):
            text = _docx_text(path) if path.suffix == ".docx" else pdf_text(path)
            for word in ("Albertslund", "Solhaven", "BO-VEST"):
                assert word not in text, f"{path.name} mentions {word}"
    strategic = " ".join(pdf_text(built_ringparken.out_dir / "strategisk-samarbejdsaftale.pdf").split())
    assert "Slagelse og Korsør (Ringparken, Motalavej, Sydbyen)" in strategic
    assert "Formandskabet består af borgmesteren fra Slagelse Kommune og formanden fra Slagelse Boligselskab (SB)." \
        in strategic


def test_the_third_area_budgets_by_calendar_year_and_leaves_a_signatory_open(built_ringparken) -> None:
    """Its budget gives amounts per calendar year (2021-2025 for a period from 1 March 2021), and its draft does not
    yet know who signs for one party: an empty line with 'Navn' under it."""
    budget = " ".join(pdf_text(built_ringparken.out_dir / "budget.pdf").split())
    assert all(str(year) in budget for year in range(2021, 2026)), budget[:400]
    strategic = pdf_text(built_ringparken.out_dir / "strategisk-samarbejdsaftale.pdf")
    assert "For Korsør Almennyttige Boligselskab (KAB Korsør)" in strategic
    assert "Niels Nielsen" not in strategic
    cover = strategic.split("Aftaledokumenter")[0]
    assert "Navn" in cover.split("KAB Korsør")[1]


def test_the_third_area_is_a_draft_whose_period_has_no_end_yet(built_ringparken) -> None:
    """Its end is not fixed: the front page and the delaftaler leave a blank to write on, the titles give the start
    year, the calendar-year budget's five amounts make its years, and the timeline runs to the budget's last year."""
    out = built_ringparken.out_dir
    cover = pdf_text(out / "strategisk-samarbejdsaftale.pdf").split("\f")[0]
    assert "Samarbejdsaftalen gælder fra 1. marts 2021 til __________" in cover
    assert "Delaftalen gælder fra 1. marts 2021 til __________." in pdf_text(out / "delaftale-uddannelse.pdf")
    data = json.loads(built_ringparken.manifest.read_text(encoding="utf-8"))
    assert all(d["title"].endswith((" fra 2021", " fra 2021 – En fælles indsats")) for d in data["documents"]), data
    budget = " ".join(pdf_text(out / "budget.pdf").split())
    assert "1. marts 2021 til __________, opgjort pr. kalenderår (2021, 2022, 2023, 2024 og 2025)" in budget
    plan = " ".join(pdf_text(out / "milepaelsplan.pdf").split())
    assert "Milepælsplanen dækker aftaleperioden 1. marts 2021 til __________." in plan
    timeline = Document(str(out / "milepaelsplan.docx")).tables[-1]
    quarters = [c.text for c in timeline.rows[1].cells[1:]]
    assert quarters == ["1", "2", "3", "4"] * 5, quarters  # 1. kvt. 2021 to 4. kvt. 2025, the budget's last year
