"""Rendering: every template variable is provided, strict undefined, and content text stays literal."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

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
    del ctx["signatures"][0]["title"]
    with pytest.raises(TemplateError, match="title"):
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
