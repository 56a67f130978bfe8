"""Every DOCX is Word-native: compatibility mode 15, Danish settings, no proofing state, no stale parts, honest properties."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from agreement import __version__
from agreement.word.native import SETTINGS_ORDER, app_xml, settings_xml
from agreement.word.ooxml import W_NS, w

WORD_NS = {"w": W_NS}


def _docx_files(result) -> list[Path]:
    files = [result.out_dir / doc.files["docx"] for doc in result.documents]
    assert len(files) >= 8
    return files


@pytest.fixture(params=["built", "built_solhaven", "built_ringparken"])
def docx_files(request: pytest.FixtureRequest) -> list[Path]:
    return _docx_files(request.getfixturevalue(request.param))


def _settings(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("word/settings.xml"))


def _in_schema_order(settings: etree._Element) -> bool:
    rank = {name: i for i, name in enumerate(SETTINGS_ORDER)}
    ranks = [rank.get(etree.QName(c).localname, len(rank)) for c in settings if isinstance(c.tag, str)]
    return ranks == sorted(ranks)


def test_every_docx_is_in_compatibility_mode_15_with_danish_settings(docx_files: list[Path]) -> None:
    for path in docx_files:
        settings = _settings(path)
        modes = settings.xpath("w:compat/w:compatSetting[@w:name='compatibilityMode']/@w:val", namespaces=WORD_NS)
        assert modes == ["15"], path.name
        assert settings.find(w("decimalSymbol")).get(w("val")) == ",", path.name
        assert settings.find(w("listSeparator")).get(w("val")) == ";", path.name
        assert settings.find(w("themeFontLang")).get(w("val")) == "da-DK", path.name
        assert settings.find(w("proofState")) is None, f"{path.name} marks its spelling as already checked"
        assert _in_schema_order(settings), path.name


def test_no_docx_carries_styles_with_effects(docx_files: list[Path]) -> None:
    for path in docx_files:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            assert not any("stylesWithEffects" in n for n in names), path.name
            assert b"stylesWithEffects" not in z.read("[Content_Types].xml"), path.name
            assert b"stylesWithEffects" not in z.read("word/_rels/document.xml.rels"), path.name
        Document(str(path))  # python-docx still opens it: no relationship points at a missing part


def test_app_properties_name_this_program_and_the_parties(docx_files: list[Path]) -> None:
    for path in docx_files:
        with zipfile.ZipFile(path) as z:
            app = z.read("docProps/app.xml").decode("utf-8")
        assert "Microsoft" not in app and "Macintosh" not in app, path.name
        root = etree.fromstring(app.encode("utf-8"))
        ns = {"ep": root.nsmap[None]}
        assert root.findtext("ep:Application", namespaces=ns) == f"agreement {__version__}"
        # The parties of the agreement, as the core properties name them as the author.
        author = Document(str(path)).core_properties.author
        assert author and root.findtext("ep:Company", namespaces=ns) == author


def test_missing_settings_are_inserted_in_schema_order() -> None:
    bare = (f'<w:settings xmlns:w="{W_NS}" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml">'
            '<w:zoom w:percent="100"/><w:proofState w:spelling="clean"/><w:defaultTabStop w:val="720"/>'
            '<w:rsids/><w14:docId w14:val="1"/></w:settings>').encode()
    settings = etree.fromstring(settings_xml(bare))
    names = [etree.QName(c).localname for c in settings]
    assert names == ["zoom", "defaultTabStop", "compat", "rsids", "themeFontLang", "decimalSymbol", "listSeparator",
                     "docId"]
    assert _in_schema_order(settings)
    (mode,) = settings.find(w("compat"))
    assert mode.get(w("name")) == "compatibilityMode" and mode.get(w("val")) == "15"


def test_a_template_saved_by_an_older_word_is_upgraded() -> None:
    old = (f'<w:settings xmlns:w="{W_NS}"><w:compat><w:useFELayout/>'
           '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="14"/>'
           '</w:compat><w:themeFontLang w:val="en-US" w:eastAsia="ja-JP"/>'
           '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>').encode()
    settings = etree.fromstring(settings_xml(old))
    compat = settings.find(w("compat"))
    assert [etree.QName(c).localname for c in compat] == ["useFELayout", "compatSetting"]
    assert compat[1].get(w("val")) == "15"
    assert dict(settings.find(w("themeFontLang")).attrib) == {w("val"): "da-DK"}
    assert settings.find(w("decimalSymbol")).get(w("val")) == ","


def test_app_xml_has_no_statistics_that_would_go_stale() -> None:
    root = etree.fromstring(app_xml(company="Albertslund Kommune"))
    tags = {etree.QName(c).localname for c in root}
    assert "Application" in tags and "Company" in tags
    assert not tags & {"Pages", "Words", "Characters", "Lines", "Paragraphs", "TotalTime", "Template", "AppVersion"}
