"""Markdown in content becomes real Word formatting, checked in the generated XML."""

from __future__ import annotations

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from agreement.word.markdown import Footnotes, MarkdownRenderer, styles_for
from agreement.word.ooxml import to_xml, w
from tests.conftest import ROOT

TEMPLATE = ROOT / "agreement" / "editions" / "lbf-2019-26" / "strategisk-samarbejdsaftale.docx"


@pytest.fixture
def md():
    doc = Document(str(TEMPLATE))
    return MarkdownRenderer(doc.part, Footnotes(), styles_for(doc.part))


def _style(p) -> str | None:
    node = p.find(f"{w('pPr')}/{w('pStyle')}")
    return None if node is None else node.get(w("val"))


def _text(p) -> str:
    return "".join(t.text or "" for t in p.iter(w("t")))


def test_paragraphs_and_soft_breaks(md) -> None:
    ps = md.blocks("Første sætning.\nAnden sætning.\n\nNyt afsnit.")
    assert [_text(p) for p in ps] == ["Første sætning. Anden sætning.", "Nyt afsnit."]
    assert {_style(p) for p in ps} == {"Normal"}


def test_bold_and_italic_are_run_properties(md) -> None:
    (p,) = md.blocks("en **fed** og *kursiv* og ***begge***")
    runs = {r.findtext(w("t")): r for r in p.iter(w("r"))}
    assert runs["fed"].find(f"{w('rPr')}/{w('b')}") is not None
    assert runs["kursiv"].find(f"{w('rPr')}/{w('i')}") is not None
    assert runs["begge"].find(f"{w('rPr')}/{w('b')}") is not None and runs["begge"].find(f"{w('rPr')}/{w('i')}") is not None
    assert runs["en "].find(w("rPr")) is None


def test_links_are_real_hyperlinks(md) -> None:
    (p,) = md.blocks("Se [LBF](https://lbf.dk/a?b=1&c=2) og <http://driftsstoette.lbf.dk>.")
    links = p.findall(w("hyperlink"))
    assert len(links) == 2
    rels = md.part.rels
    targets = [rels[link.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")] for link in links]
    assert [t.target_ref for t in targets] == ["https://lbf.dk/a?b=1&c=2", "http://driftsstoette.lbf.dk"]
    assert all(t.is_external and t.reltype == RT.HYPERLINK for t in targets)
    assert links[0].find(f"{w('r')}/{w('rPr')}/{w('rStyle')}").get(w("val")) == "Hyperlink"
    assert _text(links[0]) == "LBF"


def test_bullet_lists_nest(md) -> None:
    ps = md.blocks("- et\n- to\n  - under\n- tre")
    assert [(_style(p), _text(p)) for p in ps] == [
        ("ListBullet", "et"), ("ListBullet", "to"), ("ListBullet2", "under"), ("ListBullet", "tre")]


def test_numbered_lists_restart_at_their_own_start(md) -> None:
    ps = md.blocks("1. a\n2. b\n\nTekst.\n\n3. c\n4. d")
    numbered = [p for p in ps if _style(p) == "ListNumber"]
    ids = [p.find(f"{w('pPr')}/{w('numPr')}/{w('numId')}").get(w("val")) for p in numbered]
    assert ids[0] == ids[1] and ids[2] == ids[3] and ids[0] != ids[2]
    numbering = md.part.numbering_part.element
    second = numbering.xpath(f'w:num[@w:numId="{ids[2]}"]')[0]
    assert second.xpath("w:lvlOverride/w:startOverride/@w:val") == ["3"]


def test_sub_headings_are_heading_styles_relative_to_the_section(md) -> None:
    ps = md.blocks("# Under\n\ntekst\n\n## Under-under", heading_level=2)
    assert [_style(p) for p in ps] == ["Heading2", "Normal", "Heading3"]
    (p,) = md.blocks("# Dybere", heading_level=4)
    assert _style(p) == "Heading4"


def test_footnotes_are_word_footnotes(md) -> None:
    ps = md.blocks("Beløbet[^a] og mere[^b].\n\n[^a]: Første *note*.\n[^b]: Anden note.")
    assert len(ps) == 1
    refs = [r.find(w("footnoteReference")).get(w("id")) for r in ps[0].iter(w("r")) if r.find(w("footnoteReference")) is not None]
    assert refs == ["1", "2"]
    assert all(r.getparent().find(f"{w('rPr')}/{w('rStyle')}").get(w("val")) == "FootnoteReference"
               for r in ps[0].iter(w("footnoteReference")))
    bodies = md.footnotes.bodies
    assert _text(bodies[1][0]) == "Første note." and _style(bodies[1][0]) == "FootnoteText"
    assert _text(bodies[2][0]) == "Anden note."
    assert "superscript" not in to_xml(ps[0])  # a real reference, not a raised digit


def test_special_characters_and_tag_like_text_are_literal(md) -> None:
    text = 'A & B <c> "d" {{ x }} {% if y %} {#z#}'
    (p,) = md.blocks(text)
    assert _text(p) == text
    assert "&amp;" in to_xml(p) and "&lt;c&gt;" in to_xml(p)


def test_inline_renders_runs_only(md) -> None:
    runs = md.inline("Hvor **andet** ikke er angivet")
    assert [r.tag for r in runs] == [w("r")] * 3


def test_a_sentence_introducing_a_figure_keeps_with_it(tmp_path) -> None:
    from tests.conftest import png_bytes

    (tmp_path / "kort.png").write_bytes(png_bytes(300, 150))
    doc = Document(str(TEMPLATE))
    md = MarkdownRenderer(doc.part, Footnotes(), styles_for(doc.part), figures=tmp_path)
    ps = md.blocks("Et afsnit for sig.\n\nDe tre boligområder, her markeret med orange:\n\n![Kort](kort.png \"Kort\")\n\n"
                   "Et afsnit før en figur uden kolon.\n\n![Kort](kort.png)")
    kept = [(_text(p), p.find(f"{w('pPr')}/{w('keepNext')}") is not None) for p in ps if p.find(f".//{w('drawing')}") is None
            and not _text(p).startswith("Figur")]
    assert kept == [("Et afsnit for sig.", False), ("De tre boligområder, her markeret med orange:", True),
                    ("Et afsnit før en figur uden kolon.", False)]
    intro = ps[1].find(w("pPr"))
    assert [child.tag for child in intro][:2] == [w("pStyle"), w("keepNext")]  # in the schema's order
