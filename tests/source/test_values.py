"""Value checks beyond the schema: each broken on purpose, reported at its file, line and column."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreement.cli import main
from agreement.documents.loader import load_content
from agreement.errors import ContentError
from agreement.source.schema import load_schema
from agreement.source.values import value_errors
from agreement.source.yamlload import load_yaml
from tests.conftest import ROOT, add_figure, png_bytes, replace_line

DELAFTALE = "delaftaler/beskaeftigelse.yaml"
# The last words of the first and second text line of the delaftale's formål (a `|` block).
FORMAAL_1 = r"tættere på arbejdsmarkedet\.$"
FORMAAL_2 = r"opkvalificering og beskæftigelse\.$"
NESTED = "".join(f"\n{'  ' * (i + 1)}- niveau {i + 1}" for i in range(10))

# (id, file, line pattern, replacement, lines after the changed line, text the column points at or None,
#  words the message must contain)
CASES = [
    ("nan", "strategic.yaml", r"boligområde: 88\.9$", "boligområde: .nan", 0, ".nan",
     "baseline.dagtilbud.boligområde is 'nan', which is not a number"),
    ("infinity", "strategic.yaml", r"kommune: 92\.5$", "kommune: -.inf", 0, "-.inf",
     "is '-inf', which is not a number"),
    ("huge-number", "strategic.yaml", r"kommune: 6\.1$", "kommune: 12345678901234.5", 0, "1234",
     "is 12345678901234.5, which is too large to be a real amount or number"),
    ("huge-amount", "budget.yaml", r"beløb: \[85000, 85000", "beløb: [8500000000000, 85000", 0, "8500000000000",
     "udgifter[4].linjer[1].beløb[1] is 8.500.000.000.000, which is too large to be a real amount"),
    # A float in a whole-number field once crashed the schema's "thousands dot" hint.
    ("infinite-amount", "budget.yaml", r"beløb: \[85000, 85000", "beløb: [.inf, 85000", 0, ".inf",
     "udgifter[4].linjer[1].beløb[1] is 'inf', which is not a number"),
    ("date-out-of-range", "strategic.yaml", r"dato: 2021-01-22$", "dato: 1021-01-22", 0, "1021",
     "underskrifter[2].dato is 1021-01-22, outside the years 1900-2100"),
    ("invisible-character", DELAFTALE, r"navn: Aktivt liv for ledige$", r'navn: "Aktivt liv\\uFFFE for ledige"', 0,
     r"\uFFFE", "aktiviteter[1].navn contains the invisible character U+FFFE at column 22, which Word cannot store"),
    ("control-character", DELAFTALE, r"delmål: Flere ledige beboere bliver klar.*$", r'delmål: "Flere\\x0cledige"', 0,
     r"\x0c", "contains the invisible character U+000C at column"),
    ("cpr-with-hyphen", DELAFTALE, r"baseline: Ny aktivitet$", "baseline: Ny aktivitet, se 010190-1234", 0, "010190",
     "delmål[1].indikatorer[1].baseline has '010190-XXXX' at column 36, which looks like a CPR number (personal data); "
     "personal data must not be in documents sent to Landsbyggefonden — remove it"),
    ("cpr-in-markdown", DELAFTALE, FORMAAL_1, "tættere på arbejdsmarkedet (2512851234).", 0, "2512851234",
     "formål has '251285XXXX' at column"),
    ("footnote-undefined", DELAFTALE, FORMAAL_1, "tættere på arbejdsmarkedet[^9].", 0, "[^9]",
     "formål: footnote [^9] has no definition, so it would be printed as '[^9]'"),
    ("footnote-referenced-twice", "strategic.yaml", r"fire år\[\^1\]\.", "fire år[^1] og igen[^1].", 0, "[^1].",
     "samspil: footnote [^1] is referenced more than once"),
    ("footnote-defined-twice", "strategic.yaml", r"^  \[\^1\]: 569", "  [^1]: Første tekst.\n\n  [^1]: 569", 2, "[^1]",
     "samspil: footnote [^1] is defined 2 times (first on line"),
    ("footnote-unused", DELAFTALE, FORMAAL_2, "opkvalificering og beskæftigelse.\n\n  [^7]: Ubrugt note.", 2, "[^7]",
     "formål: footnote [^7] is defined but never referenced"),
    ("list-too-deep", DELAFTALE, FORMAAL_2, "opkvalificering og beskæftigelse.\n" + NESTED, 11, "- niveau 10",
     "formål: lists are nested 10 levels deep; Word has at most 9 levels"),
    ("javascript-link", DELAFTALE, FORMAAL_1, "tættere på [arbejdsmarkedet](javascript:alert(1)).", 0, "javascript:",
     "formål: a link to 'javascript:' is not allowed; only http, https and mailto links are"),
    ("file-link", DELAFTALE, FORMAAL_1, "tættere på <file:///C:/plan.docx>.", 0, "file:",
     "formål: a link to 'file:' is not allowed"),
    ("ftp-link", DELAFTALE, FORMAAL_1, "tættere på [jobs](ftp://lbf.dk/jobs).", 0, "ftp://",
     "formål: the link 'ftp://lbf.dk/jobs' uses 'ftp:'; only http, https and mailto links are allowed"),
    ("relative-link", DELAFTALE, FORMAAL_1, "tættere på [planen](bilag/plan.pdf).", 0, "bilag/",
     "formål: the link 'bilag/plan.pdf' is not a full address"),
    ("character-reference", DELAFTALE, FORMAAL_1, "tættere på &#12; arbejdsmarkedet.", 0, "&#12;",
     "formål: the character reference &#12; makes the invisible character U+000C, which Word cannot store"),
    ("one-line-markdown-field", "strategic.yaml", r"fodnote: Hvor andet", "fodnote: Se [data](ftp://lbf.dk) Hvor andet", 0,
     "ftp://", "indsatsområder.fodnote: the link 'ftp://lbf.dk' uses 'ftp:'"),
]


def _schema_name(relative: str) -> str:
    return "delaftale" if relative.startswith("delaftaler/") else relative.removesuffix(".yaml")


def _break(content: Path, relative: str, pattern: str, replacement: str, offset: int,
           marker: str | None) -> tuple[int, int | None]:
    """Apply the change; the line and (if `marker` is given) the column the error must point at."""
    path = content / relative
    line = replace_line(path, pattern, replacement) + offset
    text = path.read_text(encoding="utf-8").split("\n")[line - 1]
    column = text.index(marker) + 1 if marker else None
    return line, column


@pytest.mark.parametrize(("name", "relative", "pattern", "replacement", "offset", "marker", "message"), CASES,
                         ids=[c[0] for c in CASES])
def test_value_error_is_located(content: Path, name: str, relative: str, pattern: str, replacement: str, offset: int,
                                marker: str | None, message: str) -> None:
    line, column = _break(content, relative, pattern, replacement, offset, marker)
    doc = load_yaml(content / relative)
    errors = [e for e in value_errors(doc, load_schema(_schema_name(relative))) if message in e.message]
    assert errors, [str(e) for e in value_errors(doc, load_schema(_schema_name(relative)))]
    location = errors[0].location
    assert location is not None
    assert location.path == doc.path
    assert (location.line, location.column if column else None) == (line, column), str(errors[0])

    result = CliRunner().invoke(main, ["check", "--content", str(content)])
    assert result.exit_code == 1
    expected = f"{doc.path}:{line}:{column}:" if column else f"{doc.path}:{line}:"
    assert any(m.startswith(expected) and message in m for m in result.stderr.splitlines()), result.stderr
    assert "Traceback" not in result.output


def test_sample_content_has_no_value_errors() -> None:
    for relative in ["strategic.yaml", "kommissorium.yaml", "beredskabsplan.yaml", "budget.yaml", "milepaelsplan.yaml",
                     *(f"delaftaler/{p.name}" for p in (ROOT / "content" / "delaftaler").glob("*.yaml"))]:
        doc = load_yaml(ROOT / "content" / relative)
        assert value_errors(doc, load_schema(_schema_name(relative))) == [], relative


def _cpr_errors(tmp_path: Path, text: str) -> list[ContentError]:
    path = tmp_path / "x.yaml"
    path.write_text(f"tekst: '{text}'\n", encoding="utf-8")
    return [e for e in value_errors(load_yaml(path), {}) if "CPR" in e.message]


@pytest.mark.parametrize("text", ["010190-1234", "0101901234", "CPR: 241299-4321.", "født 290200-4123",
                                  "(311201-1234)", "050505-5555 og mere"])
def test_cpr_numbers_are_found(tmp_path: Path, text: str) -> None:
    (error,) = _cpr_errors(tmp_path, text)
    assert error.location is not None
    assert error.location.column == 9 + next(i for i, c in enumerate(text) if c.isdigit())
    assert text[next(i for i, c in enumerate(text) if c.isdigit()):][:10].replace("-", "") not in error.message


@pytest.mark.parametrize("text", [
    "Ring på 43 68 68 68", "+45 43686868", "+4501019012", "4.076.000 kr.", "1234567890", "2021-2025",
    "sag 20210301-1234", "300290-1234",  # 30 February
    "290201-1234",  # 29 February 1901
    "310399-12345", "01019012345", "1.0101901234", "0101901234,50 kr.", "id-010190-1234", "ABC0101901234",
])
def test_cpr_look_alikes_are_left_alone(tmp_path: Path, text: str) -> None:
    assert _cpr_errors(tmp_path, text) == []


def test_numbers_are_not_taken_for_cpr_numbers(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("beløb: [2512851234, 101901234]\n", encoding="utf-8")
    assert value_errors(load_yaml(path), {}) == []


def test_escaped_footnote_and_anchor_and_mail_links_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("tekst: |\n  Vis \\[^1] som tekst, se [her](#afsnit), skriv til <mailto:a@b.dk> eller "
                    "[LBF](https://lbf.dk), og `[^2]` i kode.\n", encoding="utf-8")
    schema = {"type": "object", "properties": {"tekst": {"$ref": "#/$defs/markdown"}},
              "$defs": {"markdown": {"type": "string"}}}
    assert value_errors(load_yaml(path), schema) == []


def test_wrong_shapes_do_not_crash_and_are_still_read(tmp_path: Path) -> None:
    path = tmp_path / "delaftale.yaml"
    path.write_text("formål: [en, to]\naktiviteter: {navn: 010190-1234}\ndelmål: 3\nperiode: {fra: [x]}\n", encoding="utf-8")
    errors = value_errors(load_yaml(path), load_schema("delaftale"))
    assert [(e.location.line if e.location else 0, "CPR" in e.message) for e in errors] == [(2, True)]


def test_values_module_needs_no_word_libraries() -> None:
    code = ("import sys, agreement.source.values; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('docx', 'docxtpl', 'lxml')); print(bad)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "[]"


def test_the_sample_still_loads() -> None:
    load_content(ROOT / "content")


def test_an_invisible_character_in_markdown_is_reported_once(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text('tekst: "a\\vb &#9999999; c"\n', encoding="utf-8")  # \v is U+000B; the reference is beyond Unicode
    schema = {"type": "object", "properties": {"tekst": {"$ref": "#/$defs/markdown"}},
              "$defs": {"markdown": {"type": "string"}}}
    (error,) = value_errors(load_yaml(path), schema)
    assert error.message.startswith("tekst contains the invisible character U+000B at column 10")


# -- figures -------------------------------------------------------------------------------------

FIGURE_CASES = [
    # (id, the Markdown line, how to prepare the content folder, words the message must contain)
    ("missing-file", '![Kort over området](figurer/findes-ikke.png "Kort")', None,
     "the figure file 'figurer/findes-ikke.png' does not exist"),
    ("parent-folder", "![Kort over området](../kort.png)", "outside-file", "'../kort.png' leads outside the content folder"),
    ("absolute-path", "![Kort over området](/etc/hostname)", None, "'/etc/hostname' leads outside the content folder"),
    ("link-out", "![Kort over området](figurer/ude.png)", "symlink-out", "is a link to a file outside the content folder"),
    ("web-address", "![Kort over området](https://lbf.dk/kort.png)", None, "is not a file in the content folder"),
    ("gif", "![Kort over området](figurer/kort.png)", "gif-named-png", "the file is a GIF file, not a PNG, JPEG or SVG"),
    ("not-a-picture", "![Kort over området](figurer/kort.jpg)", "text-named-jpg", "not a PNG, JPEG or SVG picture"),
    ("wrong-suffix", "![Kort over området](figurer/kort.jpg)", "png-named-jpg",
     "'figurer/kort.jpg' is named as a JPEG file but holds a PNG picture"),
    ("unsupported-suffix", "![Kort over området](figurer/kort.gif)", "gif", "is not a PNG, JPEG or SVG file (by its name)"),
    ("too-many-bytes", "![Kort over området](figurer/kort.png)", "eleven-megabytes", "more than the 10 MB a figure may be"),
    ("too-many-pixels", "![Kort over området](figurer/kort.png)", "wide-png", "20000 × 10 pixels, more than the 10000"),
    ("no-alt-text", '![](figurer/kort.png "Kort")', "png", "the figure has no alternative text"),
    ("blank-alt-text", "![  ](figurer/kort.png)", "png", "the figure has no alternative text"),
    ("inside-text", "Se kortet ![Kort over området](figurer/kort.png) her.", "png", "a figure must stand alone"),
    ("in-a-list", "- ![Kort over området](figurer/kort.png)", "png", "a figure must stand alone"),
    ("svg-loading-a-file", "![Tegning](figurer/tegning.svg)", "svg-with-href", "the SVG file refers to another file"),
]


def _prepare(content: Path, how: str | None) -> None:
    figures = content / "figurer"
    figures.mkdir(exist_ok=True)
    if how == "outside-file":
        (content.parent / "kort.png").write_bytes(png_bytes(10, 10))
    elif how == "symlink-out":
        (content.parent / "ude.png").write_bytes(png_bytes(10, 10))
        (figures / "ude.png").symlink_to(content.parent / "ude.png")
    elif how == "gif-named-png":
        (figures / "kort.png").write_bytes(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
    elif how == "text-named-jpg":
        (figures / "kort.jpg").write_text("ikke et billede", encoding="utf-8")
    elif how == "png-named-jpg":
        (figures / "kort.jpg").write_bytes(png_bytes(10, 10))
    elif how == "gif":
        (figures / "kort.gif").write_bytes(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
    elif how == "eleven-megabytes":
        (figures / "kort.png").write_bytes(png_bytes(10, 10) + b"\0" * (11 * 1024 * 1024))
    elif how == "wide-png":
        (figures / "kort.png").write_bytes(png_bytes(20000, 10))
    elif how == "png":
        (figures / "kort.png").write_bytes(png_bytes(10, 10))
    elif how == "svg-with-href":
        (figures / "tegning.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                                             '<image href="file:///etc/passwd"/></svg>', encoding="utf-8")


@pytest.mark.parametrize(("case", "markdown", "how", "words"), FIGURE_CASES, ids=[c[0] for c in FIGURE_CASES])
def test_a_bad_figure_is_refused_at_its_line(content: Path, case: str, markdown: str, how: str | None, words: str) -> None:
    _prepare(content, how)
    line = add_figure(content, markdown)
    result = CliRunner().invoke(main, ["check", "--content", str(content)])
    assert result.exit_code == 1, result.output
    column = 3 + markdown.index("![")  # the field's text starts in column 3; the error points at "!["
    hits = [m for m in result.output.splitlines() if m.startswith(f"{content / 'strategic.yaml'}:{line}:{column}: vision: ")]
    assert any(words in m for m in hits), result.output


def test_a_good_figure_passes_the_check(content: Path) -> None:
    _prepare(content, "png")
    (content / "figurer" / "tegning.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20"><rect width="40" height="20" fill="url(#g)"/></svg>',
        encoding="utf-8")
    add_figure(content, '![Kort over de tre boligafdelinger](figurer/kort.png "Boligområderne")')
    add_figure(content, "![Blomsten med visionens temaer](figurer/tegning.svg)")
    result = CliRunner().invoke(main, ["check", "--content", str(content)])
    assert result.exit_code == 0, result.output


def test_a_figure_in_a_one_line_text_is_refused(content: Path) -> None:
    _prepare(content, "png")
    line = replace_line(content / "strategic.yaml", r"^  fodnote: .*$", "  fodnote: '![Kort](figurer/kort.png)'")
    result = CliRunner().invoke(main, ["check", "--content", str(content)])
    assert result.exit_code == 1
    assert f"strategic.yaml:{line}:" in result.output and "this one-line text cannot hold a figure" in result.output
