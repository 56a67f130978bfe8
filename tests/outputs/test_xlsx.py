"""The budget workbook: totals and shares are Excel formulas whose values equal the computed budget."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import subprocess
import tempfile
import zipfile
from fractions import Fraction
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook

from agreement.documents.loader import load_content
from agreement.model.budget import compute
from agreement.outputs import loprofile
from agreement.outputs.pdf import find_soffice
from agreement.outputs.xlsx import write_budget
from tests.conftest import SAMPLE, SOLHAVEN, pdf_text, replace_line

CSV_RAW_VALUES = "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false"


def _xlsx(built) -> Path:
    (doc,) = [d for d in built.documents if d.kind == "budget"]
    return built.out_dir / doc.files["xlsx"]


@pytest.fixture(scope="module")
def recalculated(built, built_solhaven, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[list[str]]]:
    """The sample's budget workbook, and copies of the sample's and Solhaven's without their cached values, opened
    by LibreOffice Calc (which computes every formula) and saved as CSV: file stem -> rows. One Calc run converts
    them all."""
    out = tmp_path_factory.mktemp("recalculated")
    xlsx = _xlsx(built)
    bare = out / "bare.xlsx"
    _without_cached_values(xlsx, bare)
    _without_cached_values(_xlsx(built_solhaven), out / "solhaven-bare.xlsx")
    soffice = find_soffice()
    assert soffice is not None
    with tempfile.TemporaryDirectory() as profile:
        loprofile.prepare(Path(profile), soffice)  # as the build's own profiles: no first-start graphics tests
        subprocess.run([soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                        "--convert-to", CSV_RAW_VALUES, "--outdir", str(out), str(xlsx), str(bare),
                        str(out / "solhaven-bare.xlsx")],
                       check=True, capture_output=True, timeout=300)
    grids = {}
    for stem in (xlsx.stem, bare.stem, "solhaven-bare"):
        with (out / f"{stem}.csv").open(encoding="utf-8") as fh:
            grids[stem] = list(csv.reader(fh))
    return grids


def test_totals_are_formulas(built) -> None:
    ws = load_workbook(_xlsx(built)).active
    labels = {ws.cell(row=r, column=1).value: r for r in range(1, ws.max_row + 1)}
    for label in ("Udgifter i alt", "Finansiering i alt", "I alt, personale"):
        row = labels[label]
        assert all(str(ws.cell(row=row, column=c).value).startswith("=") for c in range(2, 7)), label
    assert str(ws.cell(row=labels["Faglig støtte"], column=6).value).startswith("=SUM(")
    assert ws.cell(row=labels["Faglig støtte"], column=2).value == 130000


def test_formula_values_equal_the_computed_budget(built, recalculated: dict[str, list[list[str]]]) -> None:
    budget = compute(load_content(SAMPLE))
    rows = {row[0]: row[1:] for row in recalculated[_xlsx(built).stem] if row and row[0]}
    expenses = [int(v) for v in rows["Udgifter i alt"][:5]]
    assert expenses == budget.expense_totals + [budget.expense_total]
    financing = [int(v) for v in rows["Finansiering i alt"][:5]]
    assert financing == budget.financing_totals + [budget.financing_total]
    for group in budget.groups:
        label = f"I alt, {group.name[:1].lower()}{group.name[1:]}"
        assert [int(v) for v in rows[label][:5]] == group.totals + [group.total]
    assert [int(v) for v in rows["Difference (finansiering minus udgifter)"][:5]] == [0] * 5
    assert rows["Tilskud fra Landsbyggefonden (LBF), andel af udgifterne"][0] == "75%"


def _tenths(percent: str) -> int:
    """A share as the workbook or the PDF shows it ('12.4%' from Calc, '12,4 %' from the PDF) in tenths of a percent."""
    return round(float(percent.replace(",", ".").rstrip("% \u00a0")) * 10)


@pytest.mark.parametrize("area", ["sample", "solhaven"])
def test_the_workbook_shows_the_shares_the_pdf_shows_and_they_add_up(area: str, built, built_solhaven,
                                                                      recalculated: dict[str, list[list[str]]]) -> None:
    result, folder, stem = (built, SAMPLE, "bare") if area == "sample" else (built_solhaven, SOLHAVEN, "solhaven-bare")
    budget = compute(load_content(folder))
    grid = recalculated[stem]  # Calc's values of the formulas: the copy has no cached values to show instead
    header = next(row for row in grid if row and row[0] == "Finansiering")
    rows = {row[0]: row for row in grid if row and row[0]}
    share = header.index("Andel")
    workbook = {line.label: _tenths(rows[line.label][share]) for line in budget.financing}

    (doc,) = [d for d in result.documents if d.kind == "budget"]
    lines = pdf_text(result.out_dir / doc.files["pdf"], "-layout").splitlines()
    pdf = {}
    for line in budget.financing:
        (text,) = [t for t in lines if t.strip().startswith(line.label)]
        pdf[line.label] = _tenths(re.findall(r"(\d+,\d)\s%", text)[-1])
    (total,) = [t for t in lines if t.strip().startswith("Finansiering i alt")]

    assert workbook == pdf
    assert sum(workbook.values()) == _tenths(rows["Finansiering i alt"][share]) == _tenths(re.findall(r"(\d+,\d)\s%", total)[-1]) == 1000
    # the area is one where rounding each share on its own would show them adding up to more or less than 100,0 %
    one_by_one = [int(Fraction(line.total * 1000, budget.expense_total) + Fraction(1, 2)) for line in budget.financing]
    assert sum(one_by_one) != 1000
    grant = rows[f"Tilskud fra {budget.grantor}, andel af udgifterne"][1]
    assert _tenths(grant) == sum(workbook[budget.financing[i].label] for i in budget.grant_lines)


def test_a_label_starting_with_equals_stays_text(content: Path, tmp_path: Path) -> None:
    label = '=HYPERLINK("http://x","y")'
    replace_line(content / "budget.yaml", r"tekst: Revision af regnskabet$", f"tekst: '{label}'")
    shutil.rmtree(content / "opfoelgning")  # the follow-up files name the line by its text
    xlsx = tmp_path / "budget.xlsx"
    write_budget(xlsx, compute(load_content(content)), title="=1+1", date=dt.date(2021, 3, 1))
    ws = load_workbook(xlsx).active
    (cell,) = [c for row in ws.iter_rows(max_col=1) for c in row if c.value == label]
    assert cell.data_type == "s"
    assert cell.quotePrefix
    assert ws["A1"].value == "=1+1" and ws["A1"].data_type == "s"
    sheet = zipfile.ZipFile(xlsx).read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "HYPERLINK" not in "".join(re.findall(r"<f>(.*?)</f>", sheet))


# -- Excel-native workbooks: print setup, shared strings, cached values ------------------------------------

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _workbooks(result) -> list[Path]:
    return [result.out_dir / d.files["xlsx"] for d in result.documents if "xlsx" in d.files]


@pytest.fixture(params=["sample", "solhaven"])
def workbooks(request, built, built_solhaven) -> list[Path]:
    found = _workbooks(built if request.param == "sample" else built_solhaven)
    assert sorted(p.name for p in found) == ["budget.xlsx", "indberetningsskema.xlsx"]
    return found


def test_every_workbook_prints_landscape_one_page_wide_with_its_headings_repeated(workbooks: list[Path]) -> None:
    for path in workbooks:
        ws = load_workbook(path).active
        assert ws.page_setup.orientation == "landscape", path.name
        assert int(ws.page_setup.paperSize) == (8 if path.name == "indberetningsskema.xlsx" else 9)  # A3 as its PDF; A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.print_title_rows == "$4:$4"
        assert ws.cell(row=4, column=2).value  # the header row holds the column headings


def test_every_workbook_uses_shared_strings_and_names_this_program(workbooks: list[Path]) -> None:
    for path in workbooks:
        with zipfile.ZipFile(path) as z:
            sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
            strings = z.read("xl/sharedStrings.xml").decode("utf-8")
            app = z.read("docProps/app.xml").decode("utf-8")
            assert b"sharedStrings" in z.read("[Content_Types].xml") and b"sharedStrings" in z.read("xl/_rels/workbook.xml.rels")
        assert 'inlineStr' not in sheet and '<is>' not in sheet, path.name
        assert 't="s"' in sheet and "<si>" in strings
        assert "Openpyxl" not in app and "Microsoft" not in app and "<Application>agreement " in app


def test_every_formula_has_a_cached_value(workbooks: list[Path]) -> None:
    for path in workbooks:
        with zipfile.ZipFile(path) as z:
            root = etree.fromstring(z.read("xl/worksheets/sheet1.xml"))
        for c in root.iter(f"{MAIN}c"):
            if c.find(f"{MAIN}f") is not None:
                assert c.findtext(f"{MAIN}v"), f"{path.name} {c.get('r')} has no cached value"


@pytest.mark.parametrize("folder", [SAMPLE, SOLHAVEN], ids=["sample", "solhaven"])
def test_cached_totals_and_shares_equal_the_model(folder: Path, tmp_path: Path) -> None:
    budget = compute(load_content(folder))
    path = tmp_path / "budget.xlsx"
    write_budget(path, budget, title="Budget", date=dt.date(2021, 3, 1))
    ws = load_workbook(path, data_only=True).active
    labels = {ws.cell(row=r, column=1).value: r for r in range(1, ws.max_row + 1)}
    years = len(budget.year_labels)

    def values(label: str) -> list:
        return [ws.cell(row=labels[label], column=c).value for c in range(2, years + 3)]

    assert values("Udgifter i alt") == budget.expense_totals + [budget.expense_total]
    assert values("Finansiering i alt") == budget.financing_totals + [budget.financing_total]
    assert values("Difference (finansiering minus udgifter)") == [0] * (years + 1)
    for group in budget.groups:
        assert values(f"I alt, {group.name[:1].lower()}{group.name[1:]}") == group.totals + [group.total]
    for line, shown in zip(budget.financing, budget.financing_shares(), strict=True):
        row = labels[line.label]
        assert ws.cell(row=row, column=years + 2).value == line.total
        assert ws.cell(row=row, column=years + 3).value == pytest.approx(shown / 1000)  # the share the PDF shows
        assert ws.cell(row=row, column=years + 4).value == pytest.approx(float(budget.share(line.total)))  # exact
    grant = labels[f"Tilskud fra {budget.grantor}, andel af udgifterne"]
    assert ws.cell(row=grant, column=2).value == pytest.approx(budget.grant_share() / 1000)
    local = labels["Lokal medfinansiering, andel af udgifterne"]
    assert ws.cell(row=local, column=2).value == pytest.approx(budget.local_share() / 1000)


def _without_cached_values(src: Path, dst: Path) -> None:
    """A copy whose formula cells have no value, so whatever shows a value must have calculated it."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name.startswith("xl/worksheets/"):
                root = etree.fromstring(data)
                for c in root.iter(f"{MAIN}c"):
                    if c.find(f"{MAIN}f") is not None:
                        for v in c.findall(f"{MAIN}v"):
                            c.remove(v)
                data = etree.tostring(root)
            zout.writestr(name, data)


@pytest.mark.parametrize("area", ["sample", "solhaven"])  # Solhaven's two equal co-financiers tie for a rest
def test_libreoffice_calculates_every_cached_value(area: str, built, built_solhaven,
                                                   recalculated: dict[str, list[list[str]]]) -> None:
    xlsx = _xlsx(built if area == "sample" else built_solhaven)
    grid = recalculated["bare" if area == "sample" else "solhaven-bare"]
    ws = load_workbook(xlsx, data_only=True).active
    formulas = load_workbook(xlsx).active
    checked = 0
    for row in formulas.iter_rows():
        for cell in row:
            if cell.data_type != "f":
                continue
            shown = grid[cell.row - 1][cell.column - 1]
            calculated = float(shown[:-1]) / 100 if shown.endswith("%") else float(shown)
            # Calc writes 15 significant digits: amounts come out exact, shares and rests to their last digits
            exact = not shown.endswith("%") and calculated.is_integer()
            assert ws[cell.coordinate].value == pytest.approx(calculated, abs=0 if exact else 1e-12, rel=0 if exact else 1e-12), \
                cell.coordinate
            checked += 1
    assert checked > 40


def test_workbooks_are_byte_reproducible(tmp_path: Path) -> None:
    """Also a report whose status cell has a note (openpyxl writes it as a comments part and a VML drawing)."""
    from agreement.documents.spec import Measured
    from agreement.outputs.xlsx import write_report

    budget = compute(load_content(SAMPLE))
    status = Measured(86.1, "procent", ("dataår 2021", "kommune 92,0 %"))
    for name in ("a", "b"):
        write_budget(tmp_path / f"{name}.xlsx", budget, title="Budget", date=dt.date(2021, 3, 1))
        write_report(tmp_path / f"{name}-report.xlsx", ["Mål", "Indikator", "Status 2022"],
                     [["Et mål", "En indikator", status]], title="Indberetningsskema", intro="Udfyldes årligt.",
                     date=dt.date(2021, 3, 1))
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert (tmp_path / "a-report.xlsx").read_bytes() == (tmp_path / "b-report.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a-report.xlsx") as archive:
        assert {"xl/comments/comment1.xml", "xl/drawings/commentsDrawing1.vml"} <= set(archive.namelist())
    cell = load_workbook(tmp_path / "a-report.xlsx").active["C5"]
    assert (cell.value, cell.data_type, cell.comment.text) == (86.1, "n", "Dataår 2021 · kommune 92,0 %")


def test_a_share_of_an_empty_budget_is_excels_division_error(tmp_path: Path) -> None:
    budget = compute(load_content(SAMPLE))
    for group in budget.groups:
        for line in group.lines:
            line.amounts = [0] * len(line.amounts)
    for line in budget.financing:
        line.amounts = [0] * len(line.amounts)
    path = tmp_path / "empty.xlsx"
    write_budget(path, budget, title="Budget", date=dt.date(2021, 3, 1))
    ws = load_workbook(path, data_only=True).active
    shares = [c.value for row in ws.iter_rows() for c in row if c.number_format == "0.0%"]
    assert shares and set(shares) == {"#DIV/0!"}
