"""The rendered words of each document, by Heading 1 section, read from a DOCX-only build."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from agreement.formatting import NBSP
from agreement.review.text import FRONT_PAGE, DocumentText, Item, docx_sections, rendered
from tests.conftest import SAMPLE, copy_build


@pytest.fixture(scope="module")
def documents(built_docx, tmp_path_factory: pytest.TempPathFactory) -> dict[str, DocumentText]:
    """The sample read by `rendered`, into a copy of the shared DOCX build (its documents come from its cache)."""
    out = copy_build(built_docx.out_dir, tmp_path_factory.mktemp("text") / "docx")
    return {doc.stem: doc for doc in rendered(SAMPLE, out).documents}


def test_every_document_with_its_manifest_kind_and_title(documents: dict[str, DocumentText]) -> None:
    assert sorted(documents) == ["beredskabsplan", "budget", "delaftale-beskaeftigelse", "delaftale-uddannelse-og-livschancer",
                                 "indberetningsskema", "kommissorium", "milepaelsplan", "opfoelgning-2021", "opfoelgning-2022",
                                 "strategisk-samarbejdsaftale"]
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


def test_a_paragraph_is_the_words_a_reader_sees_on_one_line(tmp_path: Path) -> None:
    ns = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
          'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"')
    box = "<w:txbxContent><w:p><w:r><w:t>boxed</w:t></w:r></w:p></w:txbxContent>"
    body = (
        "<w:p><w:pPr><w:pStyle w:val='Heading1'/></w:pPr><w:r><w:t>Title</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Kept</w:t><w:tab/><w:t>and</w:t><w:br/></w:r>"
        "<w:del><w:r><w:delText>gone</w:delText></w:r></w:del><w:r><w:instrText>PAGE</w:instrText></w:r>"
        f"<w:r><w:t>a</w:t><mc:AlternateContent><mc:Choice>{box}</mc:Choice><mc:Fallback>{box}</mc:Fallback>"
        "</mc:AlternateContent><w:t>note</w:t><w:footnoteReference w:id='4'/></w:r></w:p>"
    )
    notes = (f"<w:footnotes {ns}><w:footnote w:type='separator' w:id='0'><w:p/></w:footnote>"
             "<w:footnote w:id='4'><w:p><w:r><w:t>Four.</w:t></w:r></w:p></w:footnote></w:footnotes>")
    path = tmp_path / "a.docx"
    with zipfile.ZipFile(path, "w") as docx:
        docx.writestr("word/document.xml", f"<w:document {ns}><w:body>{body}</w:body></w:document>")
        docx.writestr("word/footnotes.xml", notes)
    [section] = docx_sections(path)
    # A text box's words stand where the box is; the footnote follows the paragraph that refers to it.
    assert section.title == "Title"
    assert section.items == (Item(("Kept and a boxed note[^1]",)), Item(("[^1]: Four.",)))
