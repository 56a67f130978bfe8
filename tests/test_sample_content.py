"""The sample content is honest: every sentence that announces a picture is followed by one, labelled an example."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import SAMPLE

# Words with which a text points at a picture: "her markeret med orange:", "som illustreret med blomsten på næste
# side", "På dette kort ...", "ses i illustrationen".
ANNOUNCES = re.compile(r"illustr|markeret med|dette kort|\bkortet\b|kort over|næste side|nedenfor|figur|billede|tegning", re.IGNORECASE)
FIGURE = re.compile(r'^!\[(?P<alt>[^\]]+)\]\((?P<src>[^ )]+)(?: "(?P<caption>[^"]*)")?\)$')


def _texts(value: object) -> Iterator[str]:
    """Every multi-line text (a Markdown field) in a YAML document."""
    if isinstance(value, str) and "\n" in value:
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _paragraphs(folder: Path) -> list[tuple[str, list[str]]]:
    """(file, its Markdown paragraphs) for every text of every YAML file in the content folder."""
    found = []
    for path in sorted(folder.rglob("*.yaml")):
        for text in _texts(yaml.safe_load(path.read_text(encoding="utf-8"))):
            found.append((path.name, [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]))
    return found


def _announcing(folder: Path) -> list[tuple[str, list[str], int]]:
    return [(name, paragraphs, n) for name, paragraphs in _paragraphs(folder) for n, p in enumerate(paragraphs)
            if not FIGURE.match(p) and not p.startswith("#") and ANNOUNCES.search(p)]


def test_the_check_finds_the_sentences_of_the_seed_that_announce_pictures() -> None:
    found = [paragraphs[n] for _, paragraphs, n in _announcing(SAMPLE)]
    assert any("her markeret med orange:" in p for p in found)
    assert any("som illustreret med blomsten på næste side" in p for p in found)
    assert len(found) == 5


@pytest.mark.parametrize("folder", [SAMPLE], ids=["sample"])
def test_every_sentence_announcing_a_picture_is_followed_by_one(folder: Path) -> None:
    for name, paragraphs, n in _announcing(folder):
        later = [p for p in paragraphs[n + 1:] if FIGURE.match(p)]
        assert later, f"{name}: {paragraphs[n]!r} announces a picture that does not follow it"
        if paragraphs[n].endswith(":"):  # "..., her markeret med orange:" introduces the very next paragraph
            assert FIGURE.match(paragraphs[n + 1]), f"{name}: {paragraphs[n]!r} is not followed by its figure"


def test_the_sample_figures_are_labelled_as_stand_ins() -> None:
    figures = [FIGURE.match(p) for _, paragraphs in _paragraphs(SAMPLE) for p in paragraphs if FIGURE.match(p)]
    assert len(figures) == 3
    for match in figures:
        assert match is not None and match["caption"].startswith("Eksempel: "), match
        assert match["alt"].startswith("Eksempel, en skitse og ikke "), match
        assert (SAMPLE / match["src"]).is_file()
