"""The board and the follow-up groups as section 3, the kommissorium and the delaftaler show them, in both forms."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from agreement.documents.loader import load_content
from agreement.documents.organisation import organisation_description
from tests.conftest import RINGPARKEN, pdf_text

SEATS = [
    "Slagelse Kommune: borgmesteren og direktøren for Børn og Unge",
    "Slagelse Boligselskab (SB): boligdirektøren",
    "Korsør Almennyttige Boligselskab (KAB Korsør): medlem af direktionen eller lignende",
    "Sydsjællands og Lolland-Falsters Politi: politidirektøren",
    "Erhverv Slagelse: en repræsentant for det lokale erhvervsliv (valgfri plads)",
]
CHAIR = "Formandskabet består af borgmesteren fra Slagelse Kommune og formanden fra Slagelse Boligselskab (SB)."


def _paragraphs(path: Path) -> list[tuple[str, str]]:
    return [(p.style.name if p.style is not None else "", p.text) for p in Document(str(path)).paragraphs]


def _after(paragraphs: list[tuple[str, str]], text: str, n: int) -> list[tuple[str, str]]:
    at = [t for _, t in paragraphs].index(text)
    return paragraphs[at + 1:at + 1 + n]


@pytest.fixture(scope="module")
def ring(built_ringparken):
    return built_ringparken


def test_section_3_lists_each_seat_with_its_own_text(ring) -> None:
    paragraphs = _paragraphs(ring.out_dir / "strategisk-samarbejdsaftale.docx")
    intro = "Bestyrelsen for den boligsociale helhedsplan består af:"
    assert _after(paragraphs, intro, 6) == [("List Bullet", s) for s in SEATS] + \
        [("Normal", f"{CHAIR} Bestyrelsen mødes 3-4 gange om året.")]


def test_the_kommissorium_shows_the_same_board_and_its_baggrund(ring) -> None:
    paragraphs = _paragraphs(ring.out_dir / "kommissorium.docx")
    texts = [t for _, t in paragraphs]
    assert texts.index("Baggrund") < texts.index("1. Formål")
    assert texts[texts.index("Baggrund") + 1].startswith("Slagelse Kommune, Slagelse Boligselskab og Korsør")
    assert _after(paragraphs, "Bestyrelsen består af:", 7) == [("List Bullet", s) for s in SEATS] + \
        [("Normal", CHAIR), ("Normal", "Hver organisation udpeger selv sine repræsentanter.")]
    assert "Bestyrelsen mødes 3-4 gange om året." in texts


def test_the_pdfs_show_the_board_and_the_groups(ring) -> None:
    strategic = " ".join(pdf_text(ring.out_dir / "strategisk-samarbejdsaftale.pdf").split())
    assert "politidirektøren" in strategic and "(valgfri plads)" in strategic and "mødes 3-4 gange om året" in strategic
    deal = " ".join(pdf_text(ring.out_dir / "delaftale-kriminalitet.pdf").split())
    assert ("Delaftalen følges af følgegruppen for Ringparken, følgegruppen for Motalavej og følgegruppen for Sydbyen, "
            "som er beskrevet i den strategiske samarbejdsaftale.") in deal


def test_a_delaftale_followed_by_several_groups_lists_each(ring) -> None:
    for stem in ("uddannelse", "beskaeftigelse", "kriminalitet", "faellesskab"):
        paragraphs = _paragraphs(ring.out_dir / f"delaftale-{stem}.docx")
        texts = [t for _, t in paragraphs]
        assert "Følgegruppen består af:" not in " ".join(texts)
        for estate, article in (("Ringparken", "i"), ("Motalavej", "på"), ("Sydbyen", "i")):
            assert _after(paragraphs, f"Følgegruppen for {estate} består af:", 3) == [
                ("List Bullet", f"Afdelingsbestyrelsen {article} {estate}"), ("List Bullet", "Driftschefen"),
                ("List Bullet", "Helhedsplanens medarbejdere")]


def test_a_delaftale_followed_by_one_group_keeps_its_sentence(built_docx) -> None:
    paragraphs = _paragraphs(built_docx.out_dir / "delaftale-beskaeftigelse.docx")
    sentence = ("Delaftalen følges af følgegruppen for Beskæftigelse, som er beskrevet i den strategiske "
                "samarbejdsaftale. Følgegruppen består af:")
    assert _after(paragraphs, sentence, 1) == [("List Bullet", "1-2 repræsentanter fra afdelingsbestyrelserne i hvert "
                                                               "boligområde.")]


def test_the_shared_form_keeps_its_sentence(built_docx) -> None:
    texts = [t for _, t in _paragraphs(built_docx.out_dir / "strategisk-samarbejdsaftale.docx")]
    assert ("Bestyrelsen for den boligsociale helhedsplan består af repræsentanter fra den øverste politiske og "
            "administrative ledelse i Albertslund Kommune, AKB Albertslund, Vridsløselille Andelsboligforening (VA), "
            "Albertslund Boligselskab (AB), KAB og BO-VEST. Bestyrelsen mødes to gange om året.") in texts
    assert "Baggrund" not in [t for _, t in _paragraphs(built_docx.out_dir / "kommissorium.docx")]


def test_housing_area_groups_follow_every_chosen_area() -> None:
    programme = load_content(RINGPARKEN)
    groups = programme.strategic.organisation.groups
    assert [g.estate for g in groups] == ["Ringparken", "Motalavej", "Sydbyen"]
    assert all(g.focus_areas == programme.strategic.chosen_areas for g in groups)
    assert len(programme.strategic.chosen_areas) == 4
    assert "Erhverv Slagelse (valgfri)" in organisation_description(programme.strategic)
    assert "der mødes 3-4 gange om året" in organisation_description(programme.strategic)
