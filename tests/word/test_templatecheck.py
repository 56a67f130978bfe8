"""Template checks on real .docx files: unknown tags, tags split across runs, broken tags, missing styles."""

from __future__ import annotations

import ast
import copy
import re
import shutil
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import jinja2
import pytest
from click.testing import CliRunner
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import parse_xml
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from docxtpl import DocxTemplate
from lxml import etree

import agreement.word.templatecheck as templatecheck
from agreement import i18n
from agreement.cli import main
from agreement.resources import EDITIONS
from agreement.word.markdown import Styles
from agreement.word.ooxml import w
from agreement.word.templatecheck import REQUIRED_STYLES, TemplateProblem, check_template
from tests.conftest import replace_line
from tests.zipbomb import repack, with_zeros

TEMPLATES = EDITIONS / "lbf-2019-26"
BUILT_IN = sorted(TEMPLATES.glob("*.docx"))
DELAFTALE = TEMPLATES / "delaftale.docx"
AREA_SENTENCE = "Delaftalen er indgået under"


def used_by(template: Path) -> set[str]:
    """The top-level names a template uses, as docxtpl itself lists them."""
    return DocxTemplate(str(template)).get_undeclared_template_variables(jinja2.Environment())


def copy_of(template: Path, tmp_path: Path) -> tuple[DocxDocument, Path]:
    """A python-docx document opened on a copy of `template`, saved under the same file name."""
    target = tmp_path / template.name
    shutil.copyfile(template, target)
    return Document(str(target)), target


def paragraph_with(paragraphs: list[Paragraph], text: str) -> Paragraph:
    return next(p for p in paragraphs if text in p.text)


def split_run(paragraph: Paragraph, after: str, *, bold: bool) -> None:
    """Split the run holding `after` just behind it into two runs, as Word does when part of a word is formatted."""
    run = next(r for r in paragraph.runs if after in r.text)
    cut = run.text.index(after) + len(after)
    second = copy.deepcopy(run._r)
    run._r.addnext(second)
    text = run.text
    run.text = text[:cut]
    tail = Run(second, paragraph)
    tail.text = text[cut:]
    if bold:
        tail.bold = True


def messages(problems: list[TemplateProblem]) -> list[str]:
    return [p.message for p in problems]


def new_document(tmp_path: Path, *lines: str, name: str = "egen.docx") -> Path:
    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    path = tmp_path / name
    doc.save(str(path))
    return path


# -- the built-in templates ------------------------------------------------


@pytest.mark.parametrize("template", BUILT_IN, ids=lambda p: p.name)
def test_every_built_in_template_is_clean_given_the_values_it_uses(template: Path) -> None:
    assert check_template(template, used_by(template)) == []


@pytest.mark.parametrize("template", BUILT_IN, ids=lambda p: p.name)
def test_unknown_tags_are_exactly_what_docxtpl_finds_undeclared(template: Path) -> None:
    provided = {"area_name", "draft", "period_from"}
    problems = messages(check_template(template, provided))
    assert all(m.startswith("unknown tag ") for m in problems), problems
    unknown = {re.search(r"provides no value '(\w+)'", m).group(1) for m in problems}  # type: ignore[union-attr]
    assert unknown == used_by(template) - provided
    assert len(problems) == len(unknown)


def test_the_built_in_editions_have_every_required_style() -> None:
    assert len(BUILT_IN) == 9  # the seven kinds of every build, the yearly report and the ændringsbilag of a revision
    for template in BUILT_IN:
        assert check_template(template, used_by(template), required_styles=REQUIRED_STYLES) == []


def test_required_styles_cover_what_the_renderer_writes() -> None:
    s = Styles()
    renderer_styles = {s.body, s.quote, s.footnote_text, s.hyperlink, *s.bullet, *s.number, *s.list_continue}
    renderer_styles |= {s.heading.format(level) for level in (2, 3, 4)}  # Markdown headings start at level 2
    renderer_styles |= {"FootnoteReference", "LBFTabel"}
    assert renderer_styles <= set(REQUIRED_STYLES)
    assert {"Title", "Heading1", "Caption"} <= set(REQUIRED_STYLES)


# -- unknown tags ------------------------------------------------------------


def test_a_misspelt_tag_is_named_with_a_suggestion(tmp_path: Path) -> None:
    doc, path = copy_of(DELAFTALE, tmp_path)
    run = next(r for r in paragraph_with(doc.paragraphs, "Delaftalen gælder fra").runs if "period_from" in r.text)
    run.text = run.text.replace("period_from", "period_frm")
    doc.save(str(path))
    problems = check_template(path, used_by(DELAFTALE))
    assert [str(p) for p in problems] == [
        "delaftale.docx: unknown tag {{ period_frm }}: the document kind provides no value 'period_frm'"
        " (did you mean 'period_from'?)"
    ]


def test_an_unknown_tag_with_nothing_like_it_has_no_suggestion(tmp_path: Path) -> None:
    path = new_document(tmp_path, "Kontakt: {{ telefonnummer }}")
    problems = check_template(path, {"area_name", "parties"}, required_styles=())
    assert messages(problems) == ["unknown tag {{ telefonnummer }}: the document kind provides no value 'telefonnummer'"]


def test_loop_variables_and_attributes_are_not_unknown(tmp_path: Path) -> None:
    path = new_document(tmp_path, "{%p for m in members %}", "{{ m.name }} ({{ m.role }})", "{%p endfor %}")
    assert check_template(path, {"members"}, required_styles=()) == []
    assert messages(check_template(path, set(), required_styles=())) == [
        "unknown tag {%p for m in members %}: the document kind provides no value 'members'"
    ]


def test_an_unknown_tag_in_the_header_is_found(tmp_path: Path) -> None:
    doc, path = copy_of(DELAFTALE, tmp_path)
    header = doc.sections[0].header
    paragraph_with(header.paragraphs, "area_name").add_run(" · {{ kommune }}")
    doc.save(str(path))
    assert messages(check_template(path, used_by(DELAFTALE))) == [
        "unknown tag {{ kommune }}: the document kind provides no value 'kommune'"
    ]


def test_an_unknown_tag_in_a_footnote_is_found(tmp_path: Path) -> None:
    # docxtpl renders footnotes too, though its list of undeclared variables leaves them out
    doc, path = copy_of(DELAFTALE, tmp_path)
    part = next(p for p in doc.part.package.parts if p.partname == "/word/footnotes.xml")
    root = parse_xml(part.blob)
    note = etree.SubElement(root, w("footnote"), {w("id"): "7"})
    note.append(parse_xml(f'<w:p xmlns:w="{w("")[1:-1]}"><w:r><w:t>Kilde: {{{{ kilde }}}}</w:t></w:r></w:p>'))
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    doc.save(str(path))
    assert messages(check_template(path, used_by(DELAFTALE))) == [
        "unknown tag {{ kilde }}: the document kind provides no value 'kilde'"
    ]


def test_an_unknown_tag_in_a_document_property_is_found(tmp_path: Path) -> None:
    # docxtpl renders the title, subject and a few other properties as templates as well
    doc, path = copy_of(DELAFTALE, tmp_path)
    doc.core_properties.title = "Delaftale {{ titel }}"
    doc.save(str(path))
    assert messages(check_template(path, used_by(DELAFTALE))) == [
        "unknown tag {{ titel }}: the document kind provides no value 'titel'"
    ]


# -- tags split across runs ------------------------------------------------


def test_a_tag_partly_bold_is_split_across_runs(tmp_path: Path) -> None:
    doc, path = copy_of(DELAFTALE, tmp_path)
    split_run(paragraph_with(doc.paragraphs, AREA_SENTENCE), "{{ area_", bold=True)
    doc.save(str(path))
    assert messages(check_template(path, used_by(DELAFTALE))) == [
        "tag {{ area_name }} is split across 2 runs with different formatting "
        "(paragraph 'Delaftalen er indgået under den …'); "
        "select the whole tag and retype it, or clear its formatting"
    ]


def test_split_braces_are_found(tmp_path: Path) -> None:
    doc, path = copy_of(DELAFTALE, tmp_path)
    split_run(paragraph_with(doc.paragraphs, "Delaftalen gælder fra"), "fra {", bold=True)
    doc.save(str(path))
    (problem,) = messages(check_template(path, used_by(DELAFTALE)))
    assert problem.startswith("tag {{ period_from }} is split across 2 runs with different formatting")


def test_a_split_with_the_same_formatting_is_still_reported(tmp_path: Path) -> None:
    # Word's spelling marks and editing sessions split runs without any visible formatting
    doc, path = copy_of(DELAFTALE, tmp_path)
    split_run(paragraph_with(doc.paragraphs, AREA_SENTENCE), "{{ area", bold=False)
    doc.save(str(path))
    (problem,) = messages(check_template(path, used_by(DELAFTALE)))
    assert problem.startswith("tag {{ area_name }} is split across 2 runs (paragraph 'Delaftalen er")


def test_a_split_tag_in_the_header_says_where(tmp_path: Path) -> None:
    doc, path = copy_of(DELAFTALE, tmp_path)
    split_run(paragraph_with(doc.sections[0].header.paragraphs, "area_name"), "{{ area_n", bold=True)
    doc.save(str(path))
    (problem,) = messages(check_template(path, used_by(DELAFTALE)))
    assert problem.startswith("tag {{ area_name }} is split across 2 runs with different formatting (in the header, paragraph")


def test_a_split_tag_in_a_table_cell_is_found(tmp_path: Path) -> None:
    doc, path = copy_of(DELAFTALE, tmp_path)
    cells = [c for t in doc.tables for row in t.rows for c in row.cells]
    cell = next(c for c in cells if c.text == "{{ ind.baseline }}")
    split_run(cell.paragraphs[0], "{{ ind.", bold=True)
    doc.save(str(path))
    (problem,) = messages(check_template(path, used_by(DELAFTALE)))
    assert problem.startswith("tag {{ ind.baseline }} is split across 2 runs")


def test_a_tag_split_inside_one_run_is_found(tmp_path: Path) -> None:
    doc, path = copy_of(DELAFTALE, tmp_path)
    run = next(r for r in paragraph_with(doc.paragraphs, AREA_SENTENCE).runs if "{{ area_name }}" in r.text)
    t = run._r.find(w("t"))
    before, after = t.text.split("area_name", 1)
    t.text = before + "area_"
    t.addnext(copy.deepcopy(t))
    t.getnext().text = "name" + after
    doc.save(str(path))
    (problem,) = messages(check_template(path, used_by(DELAFTALE)))
    assert problem.startswith("tag {{ area_name }} is split into 2 pieces of text in one run (paragraph 'Delaftalen er")


# -- broken tags and Jinja syntax ------------------------------------------------


def test_an_unclosed_tag_is_one_problem(tmp_path: Path) -> None:
    path = new_document(tmp_path, "Område: {{ area_name", "Slut.")
    assert messages(check_template(path, {"area_name"}, required_styles=())) == [
        "tag {{ area_name has no closing '}}' in the same paragraph (paragraph 'Område: {{ area_name'); "
        "a tag must begin and end in one paragraph"
    ]


def test_a_broken_opening_is_found(tmp_path: Path) -> None:
    path = new_document(tmp_path, "Område: { { area_name }}")
    (problem,) = messages(check_template(path, {"area_name"}, required_styles=()))
    assert problem.startswith("'}}' has no opening '{{' before it (paragraph 'Område: { { area_name }}')")


def test_a_missing_endif_is_a_syntax_problem(tmp_path: Path) -> None:
    path = new_document(tmp_path, "{%p if draft %}", "Udkast")
    (problem,) = messages(check_template(path, {"draft"}, required_styles=()))
    assert problem.startswith("the tags do not fit together: Unexpected end of template")
    assert "'endif'" in problem


def test_a_bad_expression_is_a_syntax_problem_naming_the_paragraph(tmp_path: Path) -> None:
    path = new_document(tmp_path, "Først", "Område: {{ area name }}")
    (problem,) = messages(check_template(path, {"area_name"}, required_styles=()))
    assert problem.startswith("the tags do not fit together: expected token 'end of print statement', got 'name'")
    assert problem.endswith("(near 'Område: {{ area name }}')")


def test_text_beside_a_paragraph_tag_would_be_lost(tmp_path: Path) -> None:
    path = new_document(tmp_path, "Formål: {{p purpose }}")
    assert messages(check_template(path, {"purpose"}, required_styles=())) == [
        "tag {{p purpose }} replaces its whole paragraph, so the other text in it ('Formål:') will not appear "
        "(paragraph 'Formål: {{p purpose }}'); give the tag a paragraph of its own"
    ]


# -- styles --------------------------------------------------------------------


def remove_style(doc: DocxDocument, style_id: str) -> None:
    style = doc.styles.element.find(f"{w('style')}[@{w('styleId')}='{style_id}']")
    style.getparent().remove(style)


def test_a_missing_style_is_named_with_its_use(tmp_path: Path) -> None:
    doc, path = copy_of(DELAFTALE, tmp_path)
    remove_style(doc, "ListBullet2")
    doc.save(str(path))
    assert messages(check_template(path, used_by(DELAFTALE))) == [
        "style 'ListBullet2' (List Bullet 2) is missing; the renderer uses it for bulleted lists (second level); "
        "restore it from the built-in edition with 'agreement templates export'"
    ]


def test_template_problems_are_in_danish_by_default(tmp_path: Path) -> None:
    doc, path = copy_of(DELAFTALE, tmp_path)
    remove_style(doc, "ListBullet2")
    doc.save(str(path))
    english = messages(check_template(path, used_by(DELAFTALE)))
    i18n.set_language("da")
    assert messages(check_template(path, used_by(DELAFTALE))) == [
        "typografien 'ListBullet2' (List Bullet 2) mangler; programmet bruger den til punktopstillinger (andet niveau); "
        "hent den igen fra den indbyggede udgave med 'agreement templates export'"
    ]
    tags = new_document(tmp_path, "Formål: {{p purpose }}", "{% include 'x' %}")
    assert messages(check_template(tags, {"purpose"}, required_styles=())) == [
        "feltet {{p purpose }} erstatter hele sit afsnit, så den anden tekst i det ('Formål:') kommer ikke med "
        "(afsnittet 'Formål: {{p purpose }}'); giv feltet et afsnit for sig selv",
        "feltet {% include 'x' %} indsætter en anden skabelon, og det må en skabelon ikke; en skabelon viser de værdier, "
        "dens dokumenttype giver, og intet andet: fjern det",
    ]
    i18n.set_language("en")
    assert messages(check_template(path, used_by(DELAFTALE))) == english  # the cache keeps each language's own words


def test_a_style_saved_under_a_translated_id_is_explained(tmp_path: Path) -> None:
    doc, path = copy_of(DELAFTALE, tmp_path)
    style = doc.styles.element.find(f"{w('style')}[@{w('styleId')}='Heading2']")
    style.set(w("styleId"), "Overskrift2")
    doc.save(str(path))
    (problem,) = messages(check_template(path, used_by(DELAFTALE)))
    assert problem.startswith("style 'Heading2' (Heading 2) is missing; the renderer uses it for headings")
    assert "a style named 'heading 2' under the id 'Overskrift2'" in problem


def test_the_required_styles_can_be_chosen(tmp_path: Path) -> None:
    doc, path = copy_of(DELAFTALE, tmp_path)
    remove_style(doc, "LBFTabel")
    doc.save(str(path))
    provided = used_by(DELAFTALE)
    assert check_template(path, provided, required_styles=("Normal",)) == []
    assert messages(check_template(path, provided, required_styles=("LBFTabel", "Egen"))) == [
        "style 'LBFTabel' (LBF Tabel) is missing; the renderer uses it for the tables it builds (budget, milestones); "
        "restore it from the built-in edition with 'agreement templates export'",
        "style 'Egen' (Egen) is missing; the renderer uses it; "
        "restore it from the built-in edition with 'agreement templates export'",
    ]


# -- files that are not Word files ---------------------------------------------


def test_a_file_that_is_not_a_zip_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    path = tmp_path / "delaftale.docx"
    path.write_bytes(b"This is not a Word file")
    (problem,) = check_template(path, set())
    assert problem.template == "delaftale.docx"
    assert problem.message.startswith("cannot be opened as a Word file: ")


def test_a_truncated_docx_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "budget.docx"
    path.write_bytes((TEMPLATES / "budget.docx").read_bytes()[:5000])
    (problem,) = check_template(path, set())
    assert str(problem).startswith("budget.docx: cannot be opened as a Word file: ")


def test_a_missing_file_and_broken_xml_are_problems(tmp_path: Path) -> None:
    assert messages(check_template(tmp_path / "nope.docx", set()))[0].startswith("cannot be opened as a Word file: ")
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(DELAFTALE) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[:-40] if item.filename == "word/document.xml" else data)
    (problem,) = messages(check_template(broken, set()))
    assert problem.startswith("cannot be opened as a Word file: ")


def test_the_module_imports_only_word_libraries() -> None:
    tree = ast.parse(Path(templatecheck.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    ours = {m for m in imported if m.split(".")[0] == "agreement"}
    assert ours, "expected imports from agreement.word"
    # documents.blocks: the value types the renderer turns into Word (the tables' style), which import nothing of ours;
    # i18n: the messages' language
    assert all(m in ("agreement.errors", "agreement.i18n", "agreement.officezip", "agreement.documents.blocks")
               or m.startswith("agreement.word") for m in ours), ours


# -- remembering what a check found ------------------------------------------


def test_a_template_checked_before_is_not_opened_again_until_its_bytes_change(tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    doc, path = copy_of(DELAFTALE, tmp_path)
    doc.add_paragraph(str(tmp_path))  # bytes no other test has checked in this process
    doc.save(str(path))
    provided = used_by(DELAFTALE) - {"area_name"}
    first = messages(check_template(path, provided))
    assert first and all("area_name" in m for m in first)
    opened: list[object] = []
    real = templatecheck.DocxTemplate
    monkeypatch.setattr(templatecheck, "DocxTemplate", lambda source: opened.append(source) or real(source))
    assert messages(check_template(path, provided)) == first and not opened  # the same bytes, the same question
    assert check_template(path, used_by(DELAFTALE)) == [] and len(opened) == 1  # another question: checked
    paragraph_with(doc.paragraphs, AREA_SENTENCE).add_run(" {{ kommune }}")
    doc.save(str(path))  # the same name, other bytes: checked again
    assert "unknown tag {{ kommune }}: the document kind provides no value 'kommune'" in messages(
        check_template(path, used_by(DELAFTALE)))
    assert len(opened) == 2
    path.write_bytes(b"not a zip")
    (problem,) = messages(check_template(path, used_by(DELAFTALE)))
    assert problem.startswith("cannot be opened as a Word file")


# -- templates are data, not programs ------------------------------------------


def with_paragraph(tmp_path: Path, text: str) -> Path:
    """A copy of the delaftale template with one more paragraph holding `text`."""
    doc, path = copy_of(DELAFTALE, tmp_path)
    doc.add_paragraph(text)
    doc.save(str(path))
    return path


PROGRAMS = [
    ('{{ lipsum.__globals__["os"].popen("touch MARK").read() }}', "reads the hidden attribute '__globals__'"),
    ("{{ self._TemplateReference__context }}", "reads the hidden attribute '_TemplateReference__context'"),
    ('{% include "x" %}', "includes another template"),
    ('{% import "x" as y %}', "imports another template"),
    ('{% from "x" import y %}', "imports from another template"),
    ('{% extends "x" %}', "extends another template"),
    ("{{ cycler.__init__.__globals__ }}", "reads the hidden attribute"),
    ("{{ ''.__class__.__mro__ }}", "reads the hidden attribute"),
    ("{{ namespace.__init__ }}", "reads the hidden attribute '__init__'"),
    ("{{ joiner()._last }}", "reads the hidden attribute '_last'"),
    ("{% set x = area_name.__class__ %}{{ x }}", "reads the hidden attribute '__class__'"),
    ('{{ area_name|attr("__class__") }}', "reads the hidden attribute '__class__'"),
    ('{{ area_name["__class__"] }}', "reads the hidden attribute '__class__'"),
    ('{% for c in area_name|attr("_x") %}{% endfor %}', "reads the hidden attribute '_x'"),
    ("{% macro m() %}x{% endmacro %}", "defines a macro"),
    ("{% call area_name() %}x{% endcall %}", "calls a macro"),
    ("{{ 9**9**9 }}", "raises to a power"),
    ('{{ section1.body.getroottree().write("MARK") }}', "calls a function or method"),
    ('{{ area_name|center(999999999) }}', "uses the filter 'center' (a template may use only these: abs, capitalize"),
    ('{{ area_name|format("x") }}', "uses the filter 'format'"),
]


@pytest.mark.parametrize(("probe", "what"), PROGRAMS, ids=[p for p, _ in PROGRAMS])
def test_a_tag_that_is_a_program_is_refused_by_name(tmp_path: Path, probe: str, what: str) -> None:
    path = with_paragraph(tmp_path, probe.replace("MARK", str(tmp_path / "ran")))
    found = [m for m in messages(check_template(path, used_by(DELAFTALE))) if not m.startswith("unknown tag")]
    (problem,) = found  # one problem per tag, however many hidden attributes it reads
    assert problem.startswith("tag {") and what in problem, problem
    assert "which a template may not do" in problem and "remove it" in problem
    assert not (tmp_path / "ran").exists()


def test_a_program_in_the_header_says_where(tmp_path: Path) -> None:
    doc, path = copy_of(DELAFTALE, tmp_path)
    paragraph_with(doc.sections[0].header.paragraphs, "area_name").add_run(" {{ area_name.__class__ }}")
    doc.save(str(path))
    (problem,) = messages(check_template(path, used_by(DELAFTALE)))
    assert problem.startswith("tag {{ area_name.__class__ }} reads the hidden attribute '__class__'")
    assert "(in the header, paragraph '" in problem


def test_a_program_is_refused_even_where_unknown_values_are_not_reported(content: Path) -> None:
    # `templates check` leaves out unknown values for a kind without documents, never a program
    local = content / "skabeloner" / "lokal"
    result = CliRunner().invoke(main, ["templates", "export", "lbf-2019-26", str(local), "--content", str(content)])
    assert result.exit_code == 0, result.output
    replace_line(content / "strategic.yaml", r"^skabelon: lbf-2019-26$", "skabelon: lokal")
    doc = Document(str(local / "delaftale.docx"))
    doc.add_paragraph("{% include 'x' %}")
    doc.save(str(local / "delaftale.docx"))
    result = CliRunner().invoke(main, ["templates", "check", "--content", str(content)])
    assert result.exit_code == 1
    assert result.output.startswith("delaftale.docx: tag {% include 'x' %} includes another template")
    assert "Traceback" not in result.output and "this is a bug" not in result.output


def test_underscores_inside_names_and_plain_attributes_are_data(tmp_path: Path) -> None:
    path = with_paragraph(tmp_path, "{{ area_name }} {{ edition.titel }} {{ edition['navn'] }} {{ 2 * 3 }}")
    assert check_template(path, used_by(DELAFTALE) | {"edition"}) == []


# -- a template's package: only what a Word document needs -------------------------------------

RELS = "word/_rels/document.xml.rels"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def with_relationship(kind: str, target: str, *, external: bool = True, rels: str = RELS) -> dict[str, Any]:
    """A change for `repack` adding a relationship of `kind` to `target` to the part of `rels`."""
    mode = ' TargetMode="External"' if external else ""
    rel = f'<Relationship Id="rId99" Type="{OFFICE_RELS}/{kind}" Target="{target}"{mode}/>'.encode()
    empty = f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rel.decode()}</Relationships>'
    return {rels: (lambda data: data.replace(b"</Relationships>", rel + b"</Relationships>")) if rels == RELS
            else empty.encode()}


def body(xml: str, rel: tuple[str, str] | None = None) -> dict[str, Any]:
    """A change for `repack` adding `xml` at the end of the document's body (and a relationship rId99 of a kind to
    an external target); rId3 is the styles'."""
    changes = with_relationship(*rel) if rel else {}
    document = {"word/document.xml": lambda data: data.replace(b"<w:sectPr", xml.encode() + b"<w:sectPr", 1)}
    return {**changes, **document}


PICTURE = ('<w:p><w:r><w:drawing><wp:inline><wp:extent cx="9525" cy="9525"/><wp:docPr id="99" name="x"/><a:graphic '
           'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData '
           'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic '
           'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="99" '
           'name="x"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip {}/></pic:blipFill><pic:spPr/></pic:pic>'
           '</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>')
COMPLEX = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> {} </w:instrText>'
           '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r><w:r><w:fldChar '
           'w:fldCharType="end"/></w:r></w:p>')
SIMPLE = '<w:p><w:fldSimple w:instr="{}"><w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>'
FIELDS = {
    'INCLUDETEXT "/tmp/x.txt"': COMPLEX.format('INCLUDETEXT "/tmp/x.txt"'),
    'includepicture "file:///c:/x.png" \\d': COMPLEX.format('includepicture "file:///c:/x.png" \\d'),
    'INCLUDEPICTURE "http://127.0.0.1:9/x.png" \\d': SIMPLE.format("INCLUDEPICTURE &quot;http://127.0.0.1:9/x.png&quot; \\d"),
    "DDEAUTO c:\\windows\\system32\\cmd.exe": COMPLEX.format('DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc.exe"'),
    **{f"{kind} x": COMPLEX.format(f'{kind} "c:/x.docx"') for kind in ("DDE", "LINK", "IMPORT", "INCLUDE", "RD",
                                                                       "AUTOTEXT", "MACROBUTTON", "PRINT", "USERNAME")},
}
DOCTYPE = b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<r>&e;</r>'
HOSTILE_PACKAGES = {
    "linked picture": (with_relationship("image", "file:///etc/passwd"),
                       "the part word/document.xml links to 'file:///etc/passwd' outside the file (image)"),
    "picture on the web": (with_relationship("image", "http://example.org/pixel.png"),
                           "links to 'http://example.org/pixel.png' outside the file (image)"),
    "file hyperlink": (with_relationship("hyperlink", "file://server/share/x.docx"),
                       "links to 'file://server/share/x.docx' outside the file (hyperlink)"),
    "linked OLE object": (with_relationship("oleObject", "file:///c:/data.xlsx"),
                          "holds an embedded object or control (oleObject: file:///c:/data.xlsx)"),
    "embedded OLE object": ({**with_relationship("oleObject", "embeddings/oleObject1.bin", external=False),
                             "word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"},
                            "holds an embedded object or control (oleObject: embeddings/oleObject1.bin)"),
    "altChunk": ({**with_relationship("aFChunk", "afchunk.mht", external=False), "word/afchunk.mht": b"MIME"},
                 "the part word/document.xml pulls in another document (aFChunk: afchunk.mht)"),
    "attached template": (with_relationship("attachedTemplate", "https://example.org/evil.dotm",
                                            rels="word/_rels/settings.xml.rels"),
                          "the part word/settings.xml pulls in another document (attachedTemplate: "
                          "https://example.org/evil.dotm)"),
    "subdocument": (with_relationship("subDocument", "file:///c:/other.docx"),
                    "pulls in another document (subDocument: file:///c:/other.docx)"),
    "frame": (with_relationship("frame", "http://example.org/", rels="word/_rels/webSettings.xml.rels"),
              "the part word/webSettings.xml pulls in another document (frame: http://example.org/)"),
    "macros": ({**with_relationship("vbaProject", "vbaProject.bin", external=False),
                "word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}, "the part word/vbaProject.bin holds macros"),
    "docm": ({"[Content_Types].xml": lambda data: data.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml")},
             "the file is macro-enabled (application/vnd.ms-word.document.macroEnabled.main+xml)"),
    "DOCTYPE in customXml": ({"customXml/item1.xml": DOCTYPE}, "the part customXml/item1.xml has a DOCTYPE"),
    "part of a made-up type": ({**with_relationship("x", "payload/evil.exe", external=False),
                                "[Content_Types].xml": lambda data: data.replace(
                                    b"</Types>", b'<Default Extension="exe" ContentType="application/x-msdownload"/></Types>'),
                                "word/payload/evil.exe": b"MZ"},
                               "the part word/payload/evil.exe (application/x-msdownload) is not one Word writes for a "
                               "document; save the file again in Word without it"),
    "relationship of a made-up type": ({RELS: lambda data: data.replace(b"</Relationships>", b'<Relationship Id="rId99" '
                                        b'Type="http://example.com/anything" Target="styles.xml"/></Relationships>')},
                                       "the part word/document.xml refers to styles.xml by a relationship Word does not "
                                       "write for a document (http://example.com/anything)"),
    "part without a content type": ({"word/media/x.bin": b"\0"},
                                    "the part word/media/x.bin (no content type) is not one Word writes"),
    "embedded font": ({**with_relationship("font", "fonts/font1.odttf", external=False,
                                           rels="word/_rels/fontTable.xml.rels"), "word/fonts/font1.odttf": b"\0"},
                      "the part word/fontTable.xml embeds a font (fonts/font1.odttf); in Word, untick 'Embed fonts"),
    "picture linked": (body(PICTURE.format('r:link="rId99"'), rel=("hyperlink", "http://127.0.0.1:9/e2.png")),
                       "the part word/document.xml refers from <blip> to 'http://127.0.0.1:9/e2.png' (hyperlink, outside "
                       "the file), which is not what <blip> may refer to"),
    "picture from a web link": (body(PICTURE.format('r:embed="rId99"'), rel=("hyperlink", "https://127.0.0.1:9/x.png")),
                                "refers from <blip> to 'https://127.0.0.1:9/x.png' (hyperlink, outside the file)"),
    "picture from another part": (body(PICTURE.format('r:embed="rId3"'), rel=None),
                                  "refers from <blip> to 'styles.xml' (styles), which is not what <blip> may refer to"),
    "template attached by a web link": ({"word/settings.xml": lambda data: data.replace(
        b"</w:settings>", b'<w:attachedTemplate xmlns:r="%s" r:id="rId99"/></w:settings>' % OFFICE_RELS.encode()),
        **with_relationship("hyperlink", "https://example.org/evil.dotm", rels="word/_rels/settings.xml.rels")},
        "the part word/settings.xml refers from <attachedTemplate> to 'https://example.org/evil.dotm' (hyperlink, "
        "outside the file)"),
    **{f"field {code}": (body(field), f"the part word/document.xml has a field {code.split()[0].upper()} ")
       for code, field in FIELDS.items()},
    "field made of two runs": (body(COMPLEX.format("DDE").replace(" DDE </w:instrText>", " DDE</w:instrText></w:r><w:r>"
                                                                   "<w:instrText>AUTO cmd.exe</w:instrText>", 1)),
                               "has a field DDEAUTO ('DDEAUTO cmd.exe')"),
    "field whose type another field makes": (body(COMPLEX.format("").replace(
        "<w:r><w:fldChar w:fldCharType=\"separate\"/>", COMPLEX.format("QUOTE INCLUDETEXT") + "<w:r><w:fldChar "
        "w:fldCharType=\"separate\"/>", 1)), "has a field (of no type)"),
    "field in the header": ({"word/header1.xml": lambda data: data.replace(
        b"</w:hdr>", COMPLEX.format('INCLUDETEXT "c:/x.txt"').encode() + b"</w:hdr>")},
                            "the part word/header1.xml has a field INCLUDETEXT"),
    "file HYPERLINK field": (body(SIMPLE.format("HYPERLINK &quot;file:///etc/passwd&quot;")),
                             "has a field HYPERLINK ('HYPERLINK \"file:///etc/passwd\"') to something other than a web"),
    "UNC HYPERLINK field": (body(COMPLEX.format(r'HYPERLINK "\\\\attacker\\share\\x"')),
                            "has a field HYPERLINK"),
    "DOCTYPE in the document": ({"word/document.xml": lambda data: data.replace(
        b"?>", b'?><!DOCTYPE w:document SYSTEM "http://example.org/x.dtd">', 1)},
                                "the part word/document.xml has a DOCTYPE"),
    # A second probe pass: a program named as a picture, an SVG picture that reads a file on the build machine
    # into the PDF, altChunk by another relationship, VML pictures fetched by an address written in an attribute.
    "program named a picture": ({**with_relationship("image", "media/evil.png", external=False),
                                 "[Content_Types].xml": lambda data: data.replace(
                                     b"</Types>", b'<Default Extension="png" ContentType="image/png"/></Types>'),
                                 "word/media/evil.png": b"MZ\x90\x00 this is a program"},
                                "the picture word/media/evil.png cannot be used: the file is not a PNG, JPEG or SVG picture"),
    "SVG picture reading a file": ({**with_relationship("image", "media/x.svg", external=False),
                                    "[Content_Types].xml": lambda data: data.replace(
                                        b"</Types>", b'<Default Extension="svg" ContentType="image/svg+xml"/></Types>'),
                                    "word/media/x.svg": b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink='
                                    b'"http://www.w3.org/1999/xlink" width="10" height="10"><image '
                                    b'xlink:href="file:///etc/passwd" width="10" height="10"/></svg>'},
                                   "the picture word/media/x.svg cannot be used"),
    "altChunk by another relationship": (body('<w:altChunk r:id="rId3"/>'),
                                         "the part word/document.xml pulls in another document (<altChunk>)"),
    "VML picture from an address": (body('<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" '
                                         'xmlns:o="urn:schemas-microsoft-com:office:office"><v:imagedata '
                                         'src="http://127.0.0.1:9/x.png" o:href="http://127.0.0.1:9/x.png"/></v:shape>'
                                         '</w:pict></w:r></w:p>'),
                                    "refers from <imagedata> to 'http://127.0.0.1:9/x.png' outside the file"),
}


@pytest.mark.parametrize("probe", HOSTILE_PACKAGES)
def test_a_part_that_makes_a_template_more_than_a_document_is_refused(tmp_path: Path, probe: str) -> None:
    changes, expected = HOSTILE_PACKAGES[probe]
    path = repack(DELAFTALE, tmp_path / "delaftale.docx", changes)
    problems = [str(p) for p in check_template(path, used_by(DELAFTALE))]
    assert any(p.startswith("delaftale.docx: ") and expected in p for p in problems), problems
    assert not any("BytesIO" in p or "object at 0x" in p for p in problems)


def test_web_and_mail_links_are_kept(tmp_path: Path) -> None:
    changes = with_relationship("hyperlink", "https://lbf.dk/")
    path = repack(DELAFTALE, tmp_path / "delaftale.docx", changes)
    mail = repack(path, tmp_path / "mail.docx", {RELS: lambda data: data.replace(
        b"</Relationships>", f'<Relationship Id="rId98" Type="{OFFICE_RELS}/hyperlink" Target="mailto:a@b.dk" '
        'TargetMode="External"/></Relationships>'.encode())})
    assert check_template(mail, used_by(DELAFTALE)) == []


def test_a_word_template_saved_as_dotx_names_the_file_not_a_stream(tmp_path: Path) -> None:
    path = repack(DELAFTALE, tmp_path / "delaftale.docx", {"[Content_Types].xml": lambda data: data.replace(
        b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml")})
    (problem,) = messages(check_template(path, used_by(DELAFTALE)))
    assert problem.startswith("cannot be opened as a Word file: file 'delaftale.docx' is not a Word file"), problem


def test_a_template_with_a_huge_part_is_refused_quickly_in_little_memory(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = with_zeros(DELAFTALE, tmp_path / "delaftale.docx", "word/media/image9.png", 1500, monkeypatch)
    assert path.stat().st_size < 2 * 1024 * 1024
    tracemalloc.start()
    try:
        start = time.monotonic()
        problems = messages(check_template(path, used_by(DELAFTALE)))
        took = time.monotonic() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert problems == ["unpacks to more than 50 MB (the part word/media/image9.png alone to 1500 MB); remove what "
                        "makes it so large, or open it in Word or Excel and save it again"]
    assert peak < 20 * 1024 * 1024 and took < 5


@pytest.mark.parametrize("declared", [1000, 1001], ids=["checksum of the declared bytes", "checksum of one more"])
def test_a_part_that_unpacks_to_more_than_it_declares_is_refused_in_little_memory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, declared: int) -> None:
    path = with_zeros(DELAFTALE, tmp_path / "delaftale.docx", "customXml/item9.xml", 150, monkeypatch, declared=declared)
    tracemalloc.start()
    try:
        problems = messages(check_template(path, used_by(DELAFTALE)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert problems == [f"the part customXml/item9.xml does not unpack to the {declared} bytes the file's directory "
                        "declares, so the file is damaged or made to mislead; open it in Word or Excel and save it again"]
    assert peak < 20 * 1024 * 1024


def test_too_many_parts_are_refused(tmp_path: Path) -> None:
    path = repack(DELAFTALE, tmp_path / "delaftale.docx", {f"customXml/x{i}.bin": b"" for i in range(2000)})
    (problem,) = messages(check_template(path, used_by(DELAFTALE)))
    assert problem == "holds 2019 parts, more than the 2000 a Word or Excel file needs; open it in Word or Excel and save it again"


def test_pictures_links_and_the_fields_a_document_numbers_itself_with_are_kept(tmp_path: Path) -> None:
    doc, path = copy_of(DELAFTALE, tmp_path)
    doc.add_picture(str(Path(__file__).parents[1] / "fixtures/areas/solhaven/figurer/omraade.png"))
    doc.save(str(path))
    fields = [COMPLEX.format(code) for code in ("PAGE", "SEQ Figur \\* ARABIC", "REF _Ref1 \\h", "= 1 + 2",
                                                'HYPERLINK "https://lbf.dk/" \\o "LBF"', 'HYPERLINK \\l "_Ref1"',
                                                'DATE \\@ "d. MMMM yyyy"', "STYLEREF 1 \\n", "TOC \\o \"1-3\"")]
    kept = repack(path, tmp_path / "kept.docx", body("".join(fields) + SIMPLE.format("NUMPAGES")))
    assert check_template(kept, used_by(DELAFTALE)) == []


def test_a_huge_xml_part_is_refused_before_it_is_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = with_zeros(DELAFTALE, tmp_path / "delaftale.docx", "customXml/item9.xml", 30, monkeypatch)
    start = time.monotonic()
    assert messages(check_template(path, used_by(DELAFTALE))) == [
        "the part customXml/item9.xml is 30 MB of XML, more than the 20 MB a part of a Word file needs; remove what "
        "makes it so large, or save the file again in Word without it"]
    assert time.monotonic() - start < 5
