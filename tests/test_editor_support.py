"""Editor support: each content file names its schema on its first line, for completion and checks while typing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from agreement.documents.builtin import KINDS
from agreement.documents.loader import FOLLOW_UP, load_content
from tests.conftest import LONG_AREA, RINGPARKEN, ROOT, SAMPLE, SKOVPARKEN, SOLHAVEN

SCHEMAS = ROOT / "agreement" / "schemas"
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(?P<path>\S+)$")
AREAS = [SAMPLE, SOLHAVEN, RINGPARKEN, SKOVPARKEN, LONG_AREA]
CONTENT_FILES = sorted([path for area in AREAS for path in area.rglob("*.yaml")], key=lambda p: str(p))


def _kind(path: Path) -> str:
    """The document kind of a content file, by where it is and what it is called."""
    if path.parent.name == "delaftaler":
        return "delaftale"
    if path.parent.name == "opfoelgning":
        return "opfoelgning"
    return path.stem  # strategic, budget, beredskabsplan, milepaelsplan, kommissorium


def test_the_content_files_are_found() -> None:
    names = {str(p.relative_to(ROOT)) for p in CONTENT_FILES}
    assert "content/strategic.yaml" in names
    assert "content/delaftaler/beskaeftigelse.yaml" in names
    assert "tests/fixtures/areas/solhaven/delaftaler/tryghed.yaml" in names
    assert "content/opfoelgning/2022.yaml" in names
    kinds = {kind.schema for kind in KINDS if kind.reads_content} | {FOLLOW_UP.schema}
    assert {_kind(p) for p in CONTENT_FILES} == kinds
    # Every schema is a content kind's or the follow-up files', but edition.yaml's, which lives in an edition, not in content.
    assert {p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.schema.json")} == kinds | {"edition"}


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_first_line_names_the_schema_of_its_kind_in_the_content_folder(path: Path) -> None:
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    match = MODELINE.match(first)
    assert match, f"{path.relative_to(ROOT)} must start with '# yaml-language-server: $schema=<relative path>'"
    relative = match["path"]
    assert not Path(relative).is_absolute() and "\\" not in relative
    schema = (path.parent / relative).resolve()
    area = next(a for a in AREAS if path.is_relative_to(a))
    # In the content folder's own .schemas/, so the line holds wherever the folder is moved or copied.
    assert schema == (area / ".schemas" / f"{_kind(path)}.schema.json").resolve(), relative
    assert schema.is_file(), f"{relative} does not exist next to {path.relative_to(ROOT)}"
    assert json.loads(schema.read_text(encoding="utf-8"))["$schema"].startswith("https://json-schema.org/")


@pytest.mark.parametrize("area", AREAS, ids=lambda p: p.name)
def test_the_schemas_in_the_content_folder_are_the_packages(area: Path) -> None:
    copies = {p.name: p.read_bytes() for p in (area / ".schemas").glob("*")}
    assert copies == {p.name: p.read_bytes() for p in SCHEMAS.glob("*.schema.json")}, (
        f"run: agreement upgrade --content {area.relative_to(ROOT)}")


@pytest.mark.parametrize("folder", [SAMPLE, SOLHAVEN, RINGPARKEN], ids=["sample", "solhaven", "ringparken"])
def test_content_with_the_schema_line_still_loads(folder: Path) -> None:
    content = load_content(folder)
    assert len(content.delaftaler) == len(list((folder / "delaftaler").glob("*.yaml"))) > 0


def test_vscode_recommends_the_yaml_extension_and_keeps_sentences_on_their_lines() -> None:
    extensions = json.loads((ROOT / ".vscode" / "extensions.json").read_text(encoding="utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["files.encoding"] == "utf8"
    # The formatter must never re-wrap text: one sentence per line is what makes a diff readable.
    assert settings["yaml.format.proseWrap"] == "preserve"
    assert settings["[yaml]"]["editor.formatOnSave"] is False
