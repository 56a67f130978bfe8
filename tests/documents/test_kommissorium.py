"""Kommissorium: the board is taken from strategic.yaml, never retyped."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from agreement.pipeline import build
from tests.conftest import copy_build, replace_line


def _texts(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def test_kommissorium_takes_the_board_from_strategic(built) -> None:
    (doc,) = [d for d in built.documents if d.kind == "kommissorium"]
    assert doc.title == "Kommissorium for bestyrelsen, Albertslund 2021-2025"
    texts = _texts(built.out_dir / doc.files["docx"])
    assert "Bestyrelsen mødes to gange om året." in texts
    assert "Vridsløselille Andelsboligforening (VA)" in texts and "BO-VEST" in texts
    assert "Kommissoriet er endnu ikke godkendt af bestyrelsen." in texts  # example content: a draft


def test_kommissorium_follows_the_board_data(content: Path, built_docx, tmp_path: Path) -> None:
    strategic = content / "strategic.yaml"
    replace_line(strategic, r"^    møder_pr_år: 2$", "    møder_pr_år: 4")
    replace_line(strategic, r"^      - kab$", "      - dke")
    result = build(content, copy_build(built_docx.out_dir, tmp_path / "out"), ("docx",))  # the cache of the sample's
    texts = _texts(result.out_dir / "kommissorium.docx")
    assert "Bestyrelsen mødes fire gange om året." in texts
    assert "Den Kriminalpræventive Enhed (DKE)" in texts and "KAB" not in texts
