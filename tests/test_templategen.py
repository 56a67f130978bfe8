"""The committed templates are exactly what the generator makes, and stay editable Word files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from agreement.templategen import TEMPLATES, generate

from .conftest import ROOT


def _canonical(data: bytes, name: str) -> bytes:
    if name.endswith((".xml", ".rels")):
        return etree.tostring(etree.fromstring(data), method="c14n")
    return data


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: _canonical(z.read(n), n) for n in z.namelist()}


def test_committed_templates_match_the_generator(tmp_path: Path) -> None:
    for fresh in generate(tmp_path):
        committed = ROOT / "templates" / fresh.name
        assert committed.exists(), f"{committed} is missing; run 'make templates'"
        a, b = _parts(committed), _parts(fresh)
        assert sorted(a) == sorted(b)
        changed = [name for name in a if a[name] != b[name]]
        assert not changed, f"{fresh.name}: {changed} differ from the generator; run 'make templates' and commit"


def test_generator_is_deterministic(tmp_path: Path) -> None:
    first = generate(tmp_path / "a")
    second = generate(tmp_path / "b")
    for x, y in zip(first, second):
        assert x.read_bytes() == y.read_bytes()


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_template_is_a_styled_a4_word_document(name: str) -> None:
    doc = Document(str(ROOT / "templates" / name))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    names = {s.name for s in doc.styles}
    for style in ("Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "List Number", "LBF Tabel", "Caption"):
        assert style in names
    styles_xml = doc.styles.element.xml
    assert 'w:lang w:val="da-DK"' in styles_xml
    footer = section.footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and "Side" in footer
    assert "area_name" in section.header._element.xml
    with zipfile.ZipFile(ROOT / "templates" / name) as z:
        assert "word/footnotes.xml" in z.namelist()
