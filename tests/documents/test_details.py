"""The details a caseworker would otherwise fix by hand, on the sample and on Solhaven: full stops, shares, dates,
the cover page, one colour, empty signature lines."""

from __future__ import annotations

import re
import zipfile
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from agreement.model.budget import rounded_shares
from agreement.word.ooxml import w

# The Word files of the shared builds (tests/conftest.py) of the sample and the two test areas.
BUILDS = {"sample": "built", "solhaven": "built_solhaven", "ringparken": "built_ringparken"}
MONTHS = "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
LONG_DATE = re.compile(rf"^\d{{1,2}}\. ({MONTHS}) \d{{4}}$")
TEAL = "1F4E5A"


@pytest.fixture(scope="module", params=sorted(BUILDS))
def docs(request: pytest.FixtureRequest) -> dict[str, Path]:
    result = request.getfixturevalue(BUILDS[request.param])
    return {p.stem: p for p in result.out_dir.glob("*.docx")}


def _xml(path: Path, part: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(part))


def _text(node: etree._Element) -> str:
    return "".join(t.text or "" for t in node.iter(w("t")))


def _paragraphs(path: Path) -> list[str]:
    return [_text(p) for p in _xml(path).iter(w("p"))]


def _area(docs: dict[str, Path]) -> str:
    """The area's name, from the running header of its strategic agreement."""
    with zipfile.ZipFile(docs["strategisk-samarbejdsaftale"]) as z:
        header = etree.fromstring(z.read("word/header1.xml"))
    return _text(header).rsplit("· ", 1)[-1].strip()


def _signature_tables(path: Path) -> list[list[list[str]]]:
    """The signature blocks: two-row tables whose second row starts with 'Dato'."""
    found = []
    for tbl in _xml(path).iter(w("tbl")):
        rows = [[_text(tc) for tc in tr.findall(w("tc"))] for tr in tbl.findall(w("tr"))]
        if len(rows) == 2 and rows[1][0] == "Dato":
            found.append(rows)
    return found


def test_no_double_full_stop(docs: dict[str, Path]) -> None:
    for name, path in docs.items():
        for text in _paragraphs(path):
            assert "kr.." not in text and not re.search(r"\w\.\.(\s|$)", text), f"{name}: {text}"
    budget = " ".join(_paragraphs(docs["budget"]))
    assert re.search(r"Udgifterne er i alt [\d.]+\u00a0kr\. ", budget)


def test_every_date_is_in_the_long_danish_form(docs: dict[str, Path]) -> None:
    for name, path in docs.items():
        text = " ".join(_paragraphs(path))
        assert not re.search(r"\b\d{1,2}/\d{1,2}-\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\.\d{1,2}\.\d{2,4}\b", text), name
        for block in _signature_tables(path):
            date = block[0][0]
            assert date == "" or LONG_DATE.match(date), f"{name}: {date!r}"


def test_unsigned_signature_lines_are_empty_and_say_who_signs(docs: dict[str, Path]) -> None:
    blocks = [b for path in docs.values() for b in _signature_tables(path)]
    assert blocks
    for (line, label) in blocks:
        date, name = line
        assert name or not date, line  # a date on the line only beside the name of who signed
        # 'Formand, Kirsten Mogensen' under the line, or 'Navn' where a draft does not know yet who signs
        assert label[1] == "Navn" or (label[1].strip(", ") and "," in label[1]), label


def test_sample_signatures(docs: dict[str, Path]) -> None:
    if _area(docs) != "Albertslund":
        pytest.skip("the sample's own signatures")
    blocks = _signature_tables(docs["strategisk-samarbejdsaftale"])
    assert blocks[0] == [["", "Kirsten Mogensen"], ["Dato", "Formand, Kirsten Mogensen"]]  # signed without a date
    assert blocks[1][0] == ["22. januar 2021", "René Løfqvist"]


def test_the_cover_page_has_no_running_header_or_page_number(docs: dict[str, Path]) -> None:
    path = docs["strategisk-samarbejdsaftale"]
    sect = _xml(path).find(f"{w('body')}/{w('sectPr')}")
    assert sect.find(w("titlePg")) is not None
    rels = {r.get("Id"): r.get("Target") for r in _xml(path, "word/_rels/document.xml.rels")}
    r_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    firsts = {ref.tag: rels[ref.get(r_id)] for ref in sect if ref.get(w("type")) == "first"}
    assert set(firsts) == {w("headerReference"), w("footerReference")}
    for part in firsts.values():
        root = _xml(path, f"word/{part}")
        assert not [i for i in root.iter(w("instrText")) if "PAGE" in (i.text or "")]
        assert _text(root) in ("", "UDKAST – IKKE GODKENDT")
    default_footer = _xml(path, "word/" + rels[sect.find(f"{w('footerReference')}[@{w('type')}='default']").get(r_id)])
    assert any("PAGE" in (i.text or "") for i in default_footer.iter(w("instrText")))


def test_one_colour_for_title_rule_headings_and_tables(docs: dict[str, Path]) -> None:
    for name, path in docs.items():
        styles = _xml(path, "word/styles.xml")
        by_id = {s.get(w("styleId")): s for s in styles.findall(w("style"))}
        used = {n.get(w("val")) for tag in ("pStyle", "rStyle", "tblStyle") for n in _xml(path).iter(w(tag))}
        used |= {"Title", "Heading1", "Heading2", "Heading3", "Header", "Footer"}
        for ident in sorted(used & set(by_id)):
            for related in ("", "Char"):  # a paragraph style and the character style Word links to it
                style = by_id.get(ident + related)
                xml = etree.tostring(style).decode() if style is not None else ""
                assert not re.search(r"4F81BD|365F91|17365D|243F60|theme(Color|Fill)=", xml), (name, ident + related)
        assert not re.search(r"4F81BD|365F91|17365D|243F60", etree.tostring(_xml(path)).decode()), name
        title = styles.find(f"{w('style')}[@{w('styleId')}='Title']")
        rule = title.find(f"{w('pPr')}/{w('pBdr')}/{w('bottom')}")
        assert rule.get(w("color")) == TEAL
        for ident in ("Title", "Heading1", "Heading2", "Heading3"):
            style = styles.find(f"{w('style')}[@{w('styleId')}='{ident}']")
            assert style.find(f"{w('rPr')}/{w('color')}").get(w("val")) == TEAL, (name, ident)


def _percent(text: str) -> Fraction:
    return Fraction(text.replace("\u00a0%", "").replace(",", "."))


def test_displayed_shares_add_up_to_the_displayed_total(docs: dict[str, Path]) -> None:
    tables = list(_xml(docs["budget"]).iter(w("tbl")))
    rows = [[_text(tc) for tc in tr.findall(w("tc"))] for tr in tables[1].findall(w("tr"))]
    assert rows[0][-1] == "Andel"
    shares = [_percent(r[-1]) for r in rows[1:-1]]
    assert sum(shares) == _percent(rows[-1][-1])


def test_largest_remainder_rounding() -> None:
    assert rounded_shares([1, 1, 1], 3) == [334, 333, 333]
    # exact shares 33,35 % + 33,35 % + 33,3 % of 1000: rounded one by one they would show 100,1 %
    assert sum(rounded_shares([3335, 3335, 3330], 10000)) == 1000
    assert rounded_shares([5, 0], 0) == [0, 0]


@given(st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=8), st.integers(min_value=1, max_value=10**8))
def test_rounded_shares_add_up_and_stay_near_the_exact_ones(parts: list[int], whole: int) -> None:
    shares = rounded_shares(parts, whole)
    exact = [Fraction(p * 1000, whole) for p in parts]
    assert all(abs(s - x) < 1 for s, x in zip(shares, exact))
    assert sum(shares) == int(sum(exact, Fraction(0)) + Fraction(1, 2))


def test_phone_numbers_in_the_call_list_do_not_break(docs: dict[str, Path]) -> None:
    table = next(iter(_xml(docs["beredskabsplan"]).iter(w("tbl"))))
    rows = [[_text(tc) for tc in tr.findall(w("tc"))] for tr in table.findall(w("tr"))]
    column = rows[0].index("Telefon")
    phones = [r[column] for r in rows[1:] if r[column]]
    assert all(" " not in phone for phone in phones), phones
    if _area(docs) == "Solhaven":
        assert phones == ["+45\u00a000\u00a000\u00a000\u00a001"]  # fictitious: no Danish number starts with 0
