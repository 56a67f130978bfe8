"""The organisation diagram is drawn by Graphviz, once per input, and the built document carries its description."""

from __future__ import annotations

import copy
import os
import struct
from pathlib import Path

import pytest

from agreement.documents.organisation import organisation_dot
from agreement.model.content import Strategic
from agreement.source.yamlload import YamlDocument, load_yaml
from agreement.word import diagram
from agreement.word.diagram import render_png
from tests.conftest import SAMPLE


def _data() -> dict:
    return copy.deepcopy(load_yaml(SAMPLE / "strategic.yaml").data)


def _dot(data: dict) -> str:
    return organisation_dot(Strategic.from_doc(YamlDocument("strategic.yaml", data)))


def test_png_is_rendered_and_reproducible() -> None:
    diagram._draw.cache_clear()  # nothing drawn before in this process
    dot = _dot(_data())
    png = render_png(dot)
    assert png.startswith(b"\x89PNG")
    width, height = struct.unpack(">II", png[16:24])
    assert width > 1000 and height > 300
    diagram._draw.cache_clear()
    assert render_png(dot) == png  # drawn again by Graphviz


def test_a_drawing_is_made_once_per_dot_and_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    diagram._draw.cache_clear()
    runs = tmp_path / "runs"
    fake = tmp_path / "bin" / "dot"  # a Graphviz that counts its runs and draws a PNG named by its input
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\necho run >> "{runs}"\nprintf "\\211PNG "; cat\n', encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    assert render_png("digraph { a }") == b"\x89PNG digraph { a }"
    assert render_png("digraph { a }") == b"\x89PNG digraph { a }"
    assert runs.read_text().count("run") == 1
    assert render_png("digraph { b }") == b"\x89PNG digraph { b }"  # another input
    assert render_png("digraph { a }", dpi=100) == b"\x89PNG digraph { a }"  # another resolution
    assert runs.read_text().count("run") == 3
    fake.write_text(fake.read_text(encoding="utf-8") + "# upgraded\n", encoding="utf-8")  # another dot
    render_png("digraph { a }")
    assert runs.read_text().count("run") == 4


def test_the_built_diagram_carries_the_description(built) -> None:
    from docx import Document

    word = Document(str(built.out_dir / "strategisk-samarbejdsaftale.docx"))
    # The diagram's picture is named by its description; the sample's stand-in figures by their file names.
    (descr,) = word.element.body.xpath("//wp:docPr[not(contains(@name, '.png'))]/@descr")
    assert "Øverst bestyrelsen (Albertslund Kommune" in descr and "Følgegruppen for Beskæftigelse" in descr
