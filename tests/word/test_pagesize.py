"""The text width read from a template's XML is python-docx's, to the last bit, or None when it cannot tell."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from agreement.resources import EDITIONS
from agreement.word.pagesize import text_width_cm
from agreement.word.renderer import DocxRenderer

TEMPLATES = sorted(EDITIONS.glob("*/*.docx"))


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.name for t in TEMPLATES])
def test_the_same_float_as_python_docx(template: Path) -> None:
    assert text_width_cm(template) == DocxRenderer(template, None).text_width_cm()


def test_a_measure_with_a_unit_or_a_broken_file_gives_none(tmp_path: Path) -> None:
    source = TEMPLATES[0]
    with zipfile.ZipFile(source) as package:
        entries = {name: package.read(name) for name in package.namelist()}
    xml = entries["word/document.xml"].decode()
    start = xml.index("<w:pgSz ")
    width = xml[start:].split('w:w="', 1)[1].split('"', 1)[0]
    entries["word/document.xml"] = (xml[:start] + xml[start:].replace(f'w:w="{width}"', 'w:w="21cm"', 1)).encode()
    edited = tmp_path / "edited.docx"
    with zipfile.ZipFile(edited, "w") as package:
        for name, data in entries.items():
            package.writestr(name, data)
    assert text_width_cm(edited) is None
    broken = tmp_path / "broken.docx"
    shutil.copyfile(source, broken)
    broken.write_bytes(broken.read_bytes()[:100])
    assert text_width_cm(broken) is None
