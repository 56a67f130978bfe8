"""The organisation diagram is drawn from the organisation data and follows it."""

from __future__ import annotations

import copy
import os
import struct
from pathlib import Path

import pytest

from agreement.model.content import Strategic
from agreement.outputs import diagram
from agreement.outputs.diagram import organisation_dot, render_png
from agreement.source.yamlload import YamlDocument, load_yaml
from tests.conftest import SAMPLE


def _data() -> dict:
    return copy.deepcopy(load_yaml(SAMPLE / "strategic.yaml").data)


def _dot(data: dict) -> str:
    return organisation_dot(Strategic.from_doc(YamlDocument("strategic.yaml", data)))


def test_dot_holds_board_groups_team_and_linked_efforts() -> None:
    dot = _dot(_data()).replace("\\n", " ")  # labels are wrapped with DOT line breaks
    assert "Bestyrelse" in dot and "mødes to gange om året" in dot
    assert "Følgegruppen for Beskæftigelse" in dot
    assert "projektleder/sekretariatsleder" in dot
    assert "style=dashed" in dot and "Byggesager" in dot


def test_dot_follows_the_data() -> None:
    data = _data()
    before = _dot(data)
    data["organisering"]["følgegrupper"]["grupper"].append(
        {"id": "fg-ny", "navn": "Følgegruppen for Tryghed", "indsatsområde": "Kriminalitetsforebyggelse", "medlemmer": ["X"]})
    data["organisering"]["bestyrelse"]["møder_pr_år"] = 4
    data["organisationer"][0]["navn"] = 'Kommune "Nord" & Co'
    data["organisering"]["bestyrelse"]["organisationer"] = ["albertslund-kommune"]
    after = _dot(data).replace("\\n", " ")
    assert after != before
    assert "Følgegruppen for Tryghed" in after and "bestyrelse -> fg2" in after
    assert "mødes fire gange om året" in after
    assert 'Kommune \\"Nord\\" & Co' in after


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


def test_alt_text_describes_the_structure_not_just_the_caption() -> None:
    from agreement.outputs.diagram import organisation_description

    data = _data()
    text = organisation_description(Strategic.from_doc(YamlDocument("strategic.yaml", data)))
    assert text.startswith("Organisationsdiagram for den boligsociale indsats i Albertslund. Øverst bestyrelsen (")
    for member in ("Albertslund Kommune", "AKB Albertslund", "VA", "AB", "KAB", "BO-VEST"):
        assert member in text.split(")")[0]
    assert "to følgegrupper: Følgegruppen for Beskæftigelse og Følgegruppen for Uddannelse og Livschancer" in text
    assert "det boligsociale team med 1 projektleder/sekretariatsleder og 1 uddannelses- og beskæftigelsesmedarbejder" in text
    assert "stiplet streg" in text and "Byggesager" in text and "Tilkøb fra boligafdelinger" in text

    data["organisering"]["følgegrupper"]["grupper"] = data["organisering"]["følgegrupper"]["grupper"][:1]
    data["organisering"]["diagram"].pop("tilknyttede_indsatser", None)
    text = organisation_description(Strategic.from_doc(YamlDocument("strategic.yaml", data)))
    assert "én følgegruppe: Følgegruppen for Beskæftigelse;" in text and "stiplet" not in text


def test_the_built_diagram_carries_the_description(built) -> None:
    from docx import Document

    word = Document(str(built.out_dir / "strategisk-samarbejdsaftale.docx"))
    (descr,) = word.element.body.xpath("//wp:docPr/@descr")
    assert "Øverst bestyrelsen (Albertslund Kommune" in descr and "Følgegruppen for Beskæftigelse" in descr
