"""Delaftaler: one per chosen focus area, rendered from one template with references resolved."""

from __future__ import annotations

from docx import Document


def _docs(built, kind: str):
    return [d for d in built.documents if d.kind == kind]


def test_one_delaftale_per_chosen_area_in_the_manifest(built) -> None:
    docs = _docs(built, "delaftale")
    assert [d.title for d in docs] == [
        "Delaftale om Uddannelse og livschancer, Albertslund 2021-2025",
        "Delaftale om Beskæftigelse, Albertslund 2021-2025",
    ]
    assert all(set(d.files) == {"docx", "pdf"} for d in docs)


def test_delaftale_content(built) -> None:
    (doc,) = [d for d in _docs(built, "delaftale") if "Beskæftigelse" in d.title]
    word = Document(str(built.out_dir / doc.files["docx"]))
    texts = [p.text for p in word.paragraphs]
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["1. Parter", "2. Periode", "3. Formål", "4. Delmål og succeskriterier", "5. Aktiviteter",
                        "6. Følgegruppe", "7. Underskrifter"]
    assert "Indsatsområde: Beskæftigelse" in texts
    assert "Delaftalen gælder fra 1. marts 2021 til 28. februar 2025." in texts
    assert "Delmål 1: Flere ledige beboere bliver klar til at søge job eller uddannelse." in texts
    assert "Understøtter: delmål 2" in texts
    # The follow-up group's members come from strategic.yaml, not from the delaftale.
    assert "Lederen af Jobhuset" in texts
    assert any(t.startswith("Delaftalen følges af følgegruppen for Beskæftigelse") for t in texts)
    cells = {c.text for t in word.tables for row in t.rows for c in row.cells}
    assert "Jobcenter Albertslund" in cells and "Henviser deltagere og følger op på deres plan." in cells
    assert "Albertslund Boligsociale Center (ABC)" in cells and "Ansvarlig for aktiviteten" in cells
    # Signatures without a name take it from the strategic agreement's signature of that party.
    assert "Borgmester, Steen Christiansen" in cells
