"""Rendering: every template variable is provided, strict undefined, and content text stays literal."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from markupsafe import Markup

from agreement.cli import main
from agreement.documents import strategic
from agreement.documents.loader import load_content
from agreement.errors import TemplateError
from agreement.pipeline import build, load
from agreement.resources import EDITIONS
from agreement.word.renderer import DocxRenderer
from tests.conftest import SAMPLE, replace_line

TEMPLATES = EDITIONS / "lbf-2019-26"
TEMPLATE = TEMPLATES / strategic.TEMPLATE


def test_every_variable_each_template_uses_is_provided() -> None:
    _, specs = load(SAMPLE)
    for spec in specs:
        renderer = DocxRenderer(TEMPLATES / spec.template)
        ctx = {**spec.context, "draft": False}  # the build adds draft
        used = renderer.tpl.get_undeclared_template_variables()
        assert used, f"{spec.template} uses no variables at all?"
        assert used - set(ctx) == set(), spec.template
        if spec.kind == strategic.KIND.name:
            shared = {"edition"}  # offered to every template, like draft
            assert set(ctx) - used - shared == set(), "the context provides values the template never shows"


def test_a_missing_value_is_an_error_not_an_empty_string() -> None:
    renderer = DocxRenderer(TEMPLATE)
    ctx = strategic.context(load_content(SAMPLE))
    del ctx["period_to"]
    with pytest.raises(TemplateError, match="period_to"):
        renderer.render(ctx)


def test_a_missing_nested_value_is_an_error() -> None:
    renderer = DocxRenderer(TEMPLATE)
    ctx = strategic.context(load_content(SAMPLE))
    del ctx["signatures"][0]["signer"]
    with pytest.raises(TemplateError, match="signer"):
        renderer.render(ctx)


def test_missing_template_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="template not found"):
        DocxRenderer(tmp_path / "nope.docx")


TRICKY = 'A & B <C> "D" {{ x }} {% if y %} {#z#}'


def test_special_characters_and_tag_like_text_appear_literally(content: Path, tmp_path: Path) -> None:
    path = content / "strategic.yaml"
    replace_line(path, r"^  navn: Albertslund$", f"  navn: '{TRICKY}'")
    replace_line(path, r"^  Der afsættes ikke ressourcer", f"  {TRICKY} Der afsættes ikke ressourcer")
    replace_line(path, r"^          - Lederen af Jobhuset$", f"          - '{TRICKY}'")
    result = build(content, tmp_path / "out", ("docx",))
    doc = Document(str(result.out_dir / result.documents[0].files["docx"]))
    texts = [p.text for p in doc.paragraphs]
    assert f"Områdets navn: {TRICKY} (Hedemarken, Blokland, Albertslund Nord)" in texts
    assert any(t.startswith(f"{TRICKY} Der afsættes ikke ressourcer") for t in texts)
    assert TRICKY in texts  # the follow-up group member
    assert TRICKY in doc.sections[0].header.paragraphs[0].text


# -- templates are data: the sandbox ---------------------------------------------


def _with_paragraph(tmp_path: Path, text: str) -> Path:
    doc = Document(str(TEMPLATE))
    doc.add_paragraph(text)
    path = tmp_path / TEMPLATE.name
    doc.save(str(path))
    return path


@pytest.mark.parametrize("probe", [
    '{{ lipsum.__globals__["os"].popen("touch MARK").read() }}',  # no globals: lipsum is not there
    "{{ cycler.__init__.__globals__.os.popen('touch MARK') }}",
    "{{ area_name.__class__.__mro__ }}",
    "{{ self._TemplateReference__context }}",
    "{% set x = area_name|attr(hidden) %}{{ x }}",  # a name the check cannot see: the sandbox refuses it
    "{{ namespace(a=1) }}{{ joiner() }}{{ range(3) }}",
    # The values are text, never elements: an lxml element's own methods wrote and read files (write, xinclude).
    '{{ section1.body.getroottree().write("MARK") }}',
    "{{ section1.getroottree().write('MARK') }}",
    "{{ section1.upper().__class__ }}",
])
def test_a_template_rendered_without_the_check_runs_nothing(tmp_path: Path, probe: str) -> None:
    renderer = DocxRenderer(_with_paragraph(tmp_path, probe.replace("MARK", str(tmp_path / "ran"))))
    ctx = {**strategic.context(load_content(SAMPLE)), "draft": False, "hidden": "__class__"}
    with pytest.raises(TemplateError, match=rf"template {TEMPLATE.name} ") as caught:
        renderer.render(ctx)
    assert "Albertslund" not in caught.value.message  # the context does not leak into the message
    assert not (tmp_path / "ran").exists()


def test_build_refuses_a_local_edition_that_runs_a_command(content: Path, tmp_path: Path) -> None:
    local = content / "skabeloner" / "lokal"
    result = CliRunner().invoke(main, ["templates", "export", "lbf-2019-26", str(local), "--content", str(content)])
    assert result.exit_code == 0, result.output
    replace_line(content / "strategic.yaml", r"^skabelon: lbf-2019-26$", "skabelon: lokal")
    doc = Document(str(local / TEMPLATE.name))
    doc.add_paragraph(f'{{{{ lipsum.__globals__["os"].popen("touch {tmp_path / "ran"}").read() }}}}')
    doc.save(str(local / TEMPLATE.name))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--out", str(out), "--format", "docx", "-q"])
    assert result.exit_code == 1
    assert f"{TEMPLATE.name}: tag {{{{ lipsum.__globals__" in result.output
    assert "reads the hidden attribute '__globals__'" in result.output
    assert "Traceback" not in result.output and "this is a bug" not in result.output
    assert not (tmp_path / "ran").exists() and not (out / "manifest.json").exists()


def test_every_value_a_template_gets_is_plain_data() -> None:
    """Text (Markup for Word XML), numbers, truth values, lists and dicts: nothing with methods that reach files."""
    renderer = DocxRenderer(TEMPLATE)
    values = renderer._word({**strategic.context(load_content(SAMPLE)), "draft": False})

    def plain(value: object) -> bool:
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return value is None or type(value) in (str, Markup, int, float, bool)

    assert plain(values)


@pytest.mark.parametrize(("probe", "words"), [
    ("{{ 1/0 }}", "cannot be filled in (ZeroDivisionError"),
    ('{{ 1 + "a" }}', "cannot be filled in (TypeError"),
    ('{{ "x" * 300000000 }}', "a tag makes a value of more than 10,000 items with '*'"),
    ("{{ [1] * 300000000 }}", "a tag makes a value of more than 10,000 items with '*'"),
    ('{{ "%999999999s" % "x" }}', "the operator '%' is not for templates"),
    ('{{ "x"|center(999999999) }}', "No filter named 'center'"),
    ('{{ area_name.ljust(999999999) }}', "may not call functions or methods"),
])
def test_a_tag_that_would_fail_or_grow_without_end_is_a_template_error(tmp_path: Path, probe: str, words: str) -> None:
    renderer = DocxRenderer(_with_paragraph(tmp_path, probe))
    ctx = {**strategic.context(load_content(SAMPLE)), "draft": False}
    with pytest.raises(TemplateError, match=rf"template {TEMPLATE.name} ") as caught:
        renderer.render(ctx)
    assert words in caught.value.message


@pytest.mark.timeout(30)
def test_a_template_that_loops_too_long_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("agreement.word.renderer.RENDER_SECONDS", 0.5)
    loops = '{% for a in "x" * 10000 %}{% for b in "x" * 10000 %}{% for c in "x" * 10000 %}{% endfor %}{% endfor %}{% endfor %}'
    renderer = DocxRenderer(_with_paragraph(tmp_path, loops))
    with pytest.raises(TemplateError, match=r"took more than 0.5 seconds to fill in, so it loops too much"):
        renderer.render({**strategic.context(load_content(SAMPLE)), "draft": False})


def test_word_code_a_tag_puts_together_is_refused_when_the_document_is_saved(tmp_path: Path) -> None:
    """A tag can cut '<' and '>' out of a value that is Word code (the Markdown's paragraphs) and write Word code of
    its own with them, past every check of the template's tags; the filled-in document is held to the template's
    rules, so a field that reads a file (or a picture fetched from an address) is refused when it is saved."""
    lt, gt = "{{ section1[0:1] }}", "{{ (section1|reverse)[0:1] }}"
    code = '</w:t></w:r><w:r><w:instrText>INCLUDETEXT "/etc/passwd"</w:instrText></w:r><w:r><w:t>'
    renderer = DocxRenderer(_with_paragraph(tmp_path, code.replace("<", lt).replace(">", gt)))
    programme = load_content(SAMPLE)
    renderer.render({**strategic.context(programme), "draft": False})
    with pytest.raises(TemplateError, match=r"template strategisk-samarbejdsaftale.docx made a document that the part "
                                            r"word/document.xml has a field INCLUDETEXT"):
        renderer.save(tmp_path / "out.docx", strategic.metadata(programme))
    assert not (tmp_path / "out.docx").exists()


@pytest.mark.timeout(60)
def test_a_template_that_needs_too_much_memory_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("agreement.word.renderer.RENDER_MEMORY", 256 * 2**20)
    doubling = "{% set s = area_name %}" + "{% set s = s ~ s %}" * 30 + "{{ s|length }}"
    renderer = DocxRenderer(_with_paragraph(tmp_path, doubling))
    with pytest.raises(TemplateError, match=r"makes values too large to hold in memory"):
        renderer.render({**strategic.context(load_content(SAMPLE)), "draft": False})
    big = bytearray(512 * 2**20)  # the limit is lifted again afterwards
    assert len(big) == 512 * 2**20
