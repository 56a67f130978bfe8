"""Drafts may be open, finals may not: placeholders, signatures, open periods and the kommissorium's approval, both ways."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from agreement.cli import main
from agreement.pipeline import build
from agreement.scaffold import init_content
from tests.conftest import RINGPARKEN, copy_build, line_of, replace_line
from tests.conftest import check_lines as _check

PLACEHOLDER = "[Skriv her parternes fælles vision.]"


def _refused(content: Path, file: str, line: int, *words: str, column: int | None = None) -> list[str]:
    code, lines = _check(content)
    assert code == 1, lines
    at = f"{content / file}:{line}:" + (f"{column}:" if column else "")
    hits = [m for m in lines if m.startswith(at) and all(w in m for w in words)]
    assert hits, "\n".join(lines)
    return lines


def _valid(content: Path) -> None:
    code, lines = _check(content)
    assert code == 0, "\n".join(lines)


def test_a_placeholder_in_a_final_document_is_refused_at_its_place(content: Path) -> None:
    strategic = content / "strategic.yaml"  # the sample's strategic agreement is final
    line = line_of(strategic, r"^vision: \|$") + 1
    text = strategic.read_text(encoding="utf-8").split("\n")
    text[line - 1] = f"  Parternes vision er {PLACEHOLDER}"
    strategic.write_text("\n".join(text), encoding="utf-8")
    _refused(content, "strategic.yaml", line, f"'{PLACEHOLDER}' is placeholder text", "status: endelig",
             "write the real text", column=len("  Parternes vision er ") + 1)


def test_a_placeholder_in_a_draft_is_accepted(content: Path) -> None:
    path = content / "beredskabsplan.yaml"  # an example attachment: a draft
    replace_line(path, r"^formål: \|$", f"formål: \"{PLACEHOLDER}\"")
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^(formål: .*\n)(  .*\n)+", r"\1", text), encoding="utf-8")
    _valid(content)


def test_links_pictures_and_footnotes_are_not_placeholders(content: Path) -> None:
    # The sample's final strategic agreement has footnotes ([^1]); a link is text in brackets too.
    strategic = content / "strategic.yaml"
    assert "[^1]" in strategic.read_text(encoding="utf-8")
    line = line_of(strategic, r"^vision: \|$") + 1
    text = strategic.read_text(encoding="utf-8").split("\n")
    text[line - 1] += " Se [LBF's vejledning](https://lbf.dk)."
    strategic.write_text("\n".join(text), encoding="utf-8")
    _valid(content)


def test_a_final_agreement_signed_without_a_date_is_accepted_and_shows_the_name(built) -> None:
    # The seed: AB's chair signed, undated (content/strategic.yaml says underskrevet: true).
    doc = Document(str(built.out_dir / "strategisk-samarbejdsaftale.docx"))
    rows = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert ["", "Kirsten Mogensen"] in rows and ["Dato", "Formand, Kirsten Mogensen"] in rows


def test_an_unsigned_signature_in_a_final_agreement_is_refused(content: Path) -> None:
    strategic = content / "strategic.yaml"
    replace_line(strategic, r"^    underskrevet: true", "    # not signed yet")
    _refused(content, "strategic.yaml", line_of(strategic, r"^  - part: ab$"), "'ab' has not signed",
             "dato: YYYY-MM-DD", "underskrevet: true")


def test_a_nameless_signature_in_a_final_agreement_is_refused_and_in_a_draft_accepted(content: Path) -> None:
    strategic = content / "strategic.yaml"
    replace_line(strategic, r"^    navn: Kirsten Mogensen$", "    # navn to come")
    replace_line(strategic, r"^    titel: Formand$", "    # titel to come")  # the first: AB's
    line = line_of(strategic, r"^  - part: ab$")
    _refused(content, "strategic.yaml", line, "the signature for 'ab' has no navn and titel", "write them here")
    replace_line(strategic, r"^status: endelig$", "status: udkast")
    _valid(content)


def test_a_delaftale_signature_takes_its_name_from_strategic_or_is_refused_when_final(content: Path) -> None:
    besk = content / "delaftaler" / "beskaeftigelse.yaml"
    text = besk.read_text(encoding="utf-8").replace("status: udkast", "status: endelig")
    text = re.sub(r"(?m)^(  - part: \S+)$", r"\1\n    dato: 2021-03-01", text)
    besk.write_text(text + "  - part: kab\n    dato: 2021-03-01\n", encoding="utf-8")
    replace_line(besk, r"^  - albertslund-kommune$", "  - albertslund-kommune\n  - kab")
    line = line_of(besk, r"^  - part: kab$")
    _refused(content, "delaftaler/beskaeftigelse.yaml", line, "'kab' has no navn and titel",
             "strategic.yaml has none for that party")
    replace_line(besk, r"^status: endelig$", "status: udkast")
    _valid(content)


def test_a_draft_kommissorium_that_says_it_was_approved_is_refused(content: Path) -> None:
    path = content / "kommissorium.yaml"
    line = replace_line(path, r"^status: udkast$", "status: udkast\ngodkendt: 2021-03-18") + 1
    _refused(content, "kommissorium.yaml", line, "is a draft (status: udkast, line 7)", "set status: endelig",
             "remove godkendt")


def test_a_final_kommissorium_needs_its_approval_and_renders_it(content: Path, built_docx, tmp_path: Path) -> None:
    path = content / "kommissorium.yaml"
    line = replace_line(path, r"^status: udkast$", "status: endelig")
    _refused(content, "kommissorium.yaml", line, "write godkendt: YYYY-MM-DD")
    replace_line(path, r"^status: endelig$", "status: endelig\ngodkendt: 2021-03-18")
    _valid(content)
    result = build(content, copy_build(built_docx.out_dir, tmp_path / "out"), ("docx",))
    texts = [p.text for p in Document(str(result.out_dir / "kommissorium.docx")).paragraphs]
    assert "Kommissoriet er godkendt af bestyrelsen den 18. marts 2021." in texts


def test_an_init_folder_is_a_valid_draft_and_refused_as_final_until_its_placeholders_are_gone(tmp_path: Path) -> None:
    folder = tmp_path / "nyt"
    init_content(folder)
    _valid(folder)
    out = tmp_path / "upload"
    result = CliRunner().invoke(main, ["package", "--content", str(folder), "--out", str(out), "-q"])
    assert result.exit_code == 1 and not out.exists()
    # Packaging names the drafts and, at its line, what keeps each from being final.
    vision = line_of(folder / "strategic.yaml", r"^vision: \|$") + 1
    assert f"{folder / 'strategic.yaml'}:{vision}:3: '[Skriv her" in result.output
    assert "is a draft (status: udkast)" in result.output
    # ... the fixed indicators' baselines too, which a final agreement gives (measured, or why not), in its own year
    assert result.output.count("says why this baseline is not measured") == 18, result.output
    assert "Måles første gang i juni 2021" not in result.output  # init's period starts in another year
    for path in folder.rglob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("status: udkast", "status: endelig"), encoding="utf-8")
    lines = _refused(folder, "strategic.yaml", vision, "is placeholder text", column=3)
    assert any("kommissorium.yaml" in m and "godkendt" in m for m in lines)
    # the names init writes are placeholders too: a final upload cannot be called "[Områdets navn]"
    assert any("'[Områdets navn]' is placeholder text" in m for m in lines)
    assert any("'[Kommunens navn]' is placeholder text" in m for m in lines)
    assert any("has not signed" in m for m in lines)
    result = CliRunner().invoke(main, ["package", "--content", str(folder), "--out", str(out), "-q"])
    assert result.exit_code == 1 and "is placeholder text" in result.output and not out.exists()


def test_a_delaftale_may_leave_its_end_open_as_a_draft_but_not_as_final(content: Path) -> None:
    besk = content / "delaftaler" / "beskaeftigelse.yaml"  # a draft, in the sample's closed agreement period
    replace_line(besk, r"^  til: 2025-02-28$", "  # til: not fixed yet")
    _valid(content)
    replace_line(besk, r"^status: udkast$", "status: endelig")
    _refused(content, "delaftaler/beskaeftigelse.yaml", line_of(besk, r"^periode:$"), "the period has no end",
             "status: endelig", "til: YYYY-MM-DD", column=1)


@pytest.fixture
def open_area(tmp_path: Path) -> Path:
    """A copy of the Slagelse og Korsør test area: a draft whose period has no end yet."""
    shutil.copytree(RINGPARKEN, tmp_path / "ringparken")
    return tmp_path / "ringparken"


def test_an_open_period_is_checked_by_its_start(open_area: Path) -> None:
    milestones = open_area / "milepaelsplan.yaml"
    replace_line(milestones, r"dato: 2025-02-28,", "dato: 2029-06-30,")  # long after the start: nothing to test it by
    _valid(open_area)
    line = replace_line(milestones, r"dato: 2029-06-30,", "dato: 2020-02-28,")
    _refused(open_area, "milepaelsplan.yaml", line, "outside the agreement period from 2021-03-01 (no end yet)",
             "use a time from 2020-03-01 on")
    delaftale = open_area / "delaftaler" / "uddannelse.yaml"
    line = replace_line(delaftale, r"^periode: \{fra: 2021-03-01\}$", "periode: {fra: 2021-01-01, til: 2024-12-31}")
    _refused(open_area, "delaftaler/uddannelse.yaml", line, "2021-01-01 to 2024-12-31 is not inside the agreement "
             "period from 2021-03-01 (no end yet)")


def test_an_open_period_takes_its_budget_years_from_the_amounts(open_area: Path) -> None:
    budget = open_area / "budget.yaml"
    line = replace_line(budget, r"beløb: \[542000, 658000, 668000, 678000, 114000\]", "beløb: [542000, 658000, 668000, 678000]")
    _refused(open_area, "budget.yaml", line, "has 4 amounts, but other lines have 5 (2021, 2022, 2023, 2024, 2025)",
             "has no end yet")


def test_package_names_an_open_period(open_area: Path, tmp_path: Path) -> None:
    out = tmp_path / "upload"
    result = CliRunner().invoke(main, ["package", "--content", str(open_area), "--out", str(out), "-q"])
    assert result.exit_code == 1 and not out.exists()
    for file in ("strategic.yaml", "delaftaler/uddannelse.yaml"):
        line = line_of(open_area / file, r"^periode:")
        assert f"{open_area / file}:{line}:1: the period has no end" in result.output, result.output
