"""The registry of document kinds: a new kind is checked, built, listed in the manifest and packaged with no other change."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from agreement.cli import main
from agreement.documents.builtin import KINDS
from agreement.documents.parties import programme_context
from agreement.documents.registry import DocumentKind, Registry
from agreement.documents.spec import DocumentSpec, single
from agreement.model.content import Source
from agreement.model.metadata import Metadata
from agreement.model.programme import Programme
from agreement.pipeline import BuildResult, build
from agreement.source.yamlload import YamlDocument
from tests.conftest import copy_build, replace_line

TOY_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["status", "hilsen"],
    "properties": {"status": {"enum": ["udkast", "endelig"]}, "hilsen": {"type": "string", "minLength": 1}},
}


@dataclass(frozen=True)
class Toy:
    source: Source
    greeting: str

    @classmethod
    def from_doc(cls, doc: YamlDocument) -> Toy:
        return cls(Source.of(doc), doc.data["hilsen"])


def _specs(programme: Programme) -> list[DocumentSpec]:
    toy: Toy = programme.one("legetøj")
    meta = Metadata("Legetøj", "Test", "Et legetøjsdokument", "legetøj", programme.strategic.period.start)
    return single("legetøj", "legetoej.docx", toy.source, {**programme_context(programme), "greeting": toy.greeting}, meta,
                  f"{programme.strategic.area.name} - Legetøj")


@pytest.fixture
def toy(content: Path, tmp_path: Path) -> Iterator[Path]:
    """Register a toy kind with its schema, content file and a template in a local edition."""
    schema = tmp_path / "legetoej.schema.json"
    schema.write_text(json.dumps(TOY_SCHEMA), encoding="utf-8")
    (content / "legetoej.yaml").write_text("status: endelig\nhilsen: Goddag fra legetøjet\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["templates", "export", "lbf-2019-26", str(content / "skabeloner" / "lbf-2019-26"),
                                       "--content", str(content)])
    assert result.exit_code == 0, result.output
    template = content / "skabeloner" / "lbf-2019-26" / "legetoej.docx"
    shutil.copyfile(content / "skabeloner" / "lbf-2019-26" / "kommissorium.docx", template)
    doc = Document(str(template))
    body = doc.element.body
    for child in list(body)[:-1]:  # keep the section properties, with the header and footer
        body.remove(child)
    doc.add_paragraph("Hilsen: {{ greeting }}")
    doc.save(str(template))
    kind = DocumentKind(name="legetøj", label="Legetøj", source="legetoej.yaml", schema=schema, template="legetoej.docx",
                        model=Toy.from_doc, documents=_specs)
    KINDS.add(kind)
    try:
        yield content
    finally:
        KINDS.remove("legetøj")


def test_a_toy_kind_is_checked(toy: Path) -> None:
    line = replace_line(toy / "legetoej.yaml", r"^hilsen: .*$", "hilsen: ''")
    result = CliRunner().invoke(main, ["check", "--content", str(toy)])
    assert result.exit_code == 1
    assert f"legetoej.yaml:{line}:" in result.output and "must not be empty" in result.output


def test_a_toy_kind_is_built_listed_and_packaged(toy: Path, tmp_path: Path, built, monkeypatch) -> None:
    # Into a copy of the shared build of the sample: the sample's documents come from its cache; the toy's are
    # made, its PDF with LibreOffice.
    out = copy_build(built.out_dir, tmp_path / "out")
    result = CliRunner().invoke(main, ["build", "--content", str(toy), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "rendered legetøj.docx" in result.output and "converted 1 document to PDF" in result.output
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    entry = next(d for d in manifest["documents"] if d["kind"] == "legetøj")
    assert set(entry["files"]) == {"docx", "pdf"}
    text = "\n".join(p.text for p in Document(str(tmp_path / "out" / entry["files"]["docx"])).paragraphs)
    assert "Hilsen: Goddag fra legetøjet" in text

    # The package's own build starts from a copy of that output folder, so it takes every document from the
    # cache (the build itself is tested above; here the package's names and archive are).
    def build_from_the_cache(content_dir: Path, out_dir: Path, **options) -> BuildResult:
        return build(content_dir, copy_build(out, out_dir), **options)

    monkeypatch.setattr("agreement.package.build", build_from_the_cache)
    # --draft: the sample the toy is added to has draft attachments.
    result = CliRunner().invoke(main, ["package", "--content", str(toy), "--out", str(tmp_path / "upload"), "--draft", "-q"])
    assert result.exit_code == 0, result.output
    (archive,) = (tmp_path / "upload").glob("*.zip")
    with zipfile.ZipFile(archive) as z:
        assert any(name.endswith("Albertslund - Legetøj.pdf") for name in z.namelist()), z.namelist()


def test_the_registry_refuses_a_kind_without_a_name_or_with_a_taken_one() -> None:
    registry = Registry()
    kind = KINDS.get("budget")
    registry.add(kind)
    with pytest.raises(ValueError, match="already registered"):
        registry.add(kind)
    with pytest.raises(ValueError, match="needs a name"):
        registry.add(DocumentKind("", "x", "x.yaml", "x", "x.docx", Toy.from_doc, _specs))


def test_a_kind_reads_content_or_declares_that_it_reads_none() -> None:
    budget = KINDS.get("budget")
    registry = Registry()
    with pytest.raises(ValueError, match="needs a content source"):
        registry.add(DocumentKind("x", "x", "", "x", "x.docx", Toy.from_doc, _specs))
    with pytest.raises(ValueError, match="reads no content"):
        registry.add(DocumentKind("x", "x", "x.yaml", "", "x.docx", None, _specs, reads_content=False))
    with pytest.raises(ValueError, match="needs a name"):
        registry.add(DocumentKind("", "x", "", "", "x.docx", None, _specs, reads_content=False))
    registry.add(budget)
    registry.add(DocumentKind("x", "x", "", "", "x.docx", None, _specs, reads_content=False))
    assert [k.name for k in registry] == ["budget", "x"]


def test_a_kind_that_reads_no_content_is_built_from_the_others(content: Path) -> None:
    from agreement.documents.loader import load_content

    kind, report = [k for k in KINDS if not k.reads_content]  # the yearly report is made from the follow-up files
    assert kind.name == "indberetningsskema" and kind.source == "" and kind.model is None
    assert report.name == "opfoelgningsrapport" and report.source == "" and report.model is None and not report.upload
    programme = load_content(content)
    assert programme.all("indberetningsskema") == ()  # no file of its own was read
    (spec,) = kind.documents(programme)
    assert spec.upload_name == "Albertslund - Indberetningsskema 2021-2025"
