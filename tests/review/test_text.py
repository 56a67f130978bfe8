"""The rendered words of each document, by Heading 1 section, read from a DOCX-only build."""

from __future__ import annotations

import pytest

from agreement.formatting import NBSP
from agreement.review.text import FRONT_PAGE, DocumentText, Item, rendered
from tests.conftest import SAMPLE, copy_build


@pytest.fixture(scope="module")
def documents(built_docx, tmp_path_factory: pytest.TempPathFactory) -> dict[str, DocumentText]:
    """The sample read by `rendered`, into a copy of the shared DOCX build (its documents come from its cache)."""
    out = copy_build(built_docx.out_dir, tmp_path_factory.mktemp("text") / "docx")
    return {doc.stem: doc for doc in rendered(SAMPLE, out)}


def test_every_document_with_its_manifest_kind_and_title(documents: dict[str, DocumentText]) -> None:
    assert sorted(documents) == ["beredskabsplan", "budget", "delaftale-beskaeftigelse", "delaftale-uddannelse-og-livschancer",
                                 "indberetningsskema", "kommissorium", "milepaelsplan", "strategisk-samarbejdsaftale"]
    budget = documents["budget"]
    assert (budget.kind, budget.title) == ("budget", "Budget, Albertslund 2021-2025")
    assert budget.docx.suffix == ".docx" and budget.docx.is_file()
    assert not list(budget.docx.parent.glob("*.pdf"))  # no LibreOffice
    # The key figures come from the content the build read.
    assert budget.figures["Udgifter i alt"] == f"6.380.000{NBSP}kr."
    assert documents["kommissorium"].figures["Bestyrelsesmøder pr. år"]


def test_sections_are_heading_1_with_paragraphs_and_table_rows(documents: dict[str, DocumentText]) -> None:
    budget = documents["budget"]
    assert [s.title for s in budget.sections] == [FRONT_PAGE, "1. Udgifter", "2. Finansiering", "3. Finansieringsregler"]
    assert budget.sections[0].items[0] == Item(("Budget",))
    rows = budget.sections[1].items
    assert all(item.row for item in rows)
    assert rows[0].text == "Udgifter (kr.) | 2021/22 | 2022/23 | 2023/24 | 2024/25 | I alt"
    assert Item(("Fremskudt rådgivning", "60.000", "60.000", "60.000", "60.000", "240.000"), row=True) in rows


def test_a_footnote_follows_its_paragraph_and_leaves_the_heading_alone(documents: dict[str, DocumentText]) -> None:
    strategic = documents["strategisk-samarbejdsaftale"]
    section = next(s for s in strategic.sections if s.title == "6. Indsatsområder")
    assert section.items[0].text.startswith("[^") and "Landsbyggefondens boligsociale data" in section.items[0].text
    assert [s.title for s in strategic.sections][-2:] == ["7. Lokal evaluering", "8. Revision af samarbejdsaftalen"]
