"""`agreement check` spell-checks the content's text in Danish: unknown words as located warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreement.cli import main
from tests.conftest import ROOT, check_lines, replace_line

enchant = pytest.importorskip("enchant")
pytestmark = pytest.mark.skipif(not enchant.dict_exists("da_DK"), reason="no Danish dictionary (hunspell-da)")

AREAS = ROOT / "tests" / "fixtures" / "areas"
MISSPELT = "  Indsatsen taler ind i boligselskabrnes arbejde."
COLUMN = MISSPELT.index("boligselskabrnes") + 1


def _check(content: Path, *args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["check", "--content", str(content), *args])
    return result.exit_code, result.output.splitlines()


def _warnings(lines: list[str]) -> list[str]:
    return [line for line in lines if ": warning: " in line]


@pytest.mark.parametrize("content", [ROOT / "content", AREAS / "solhaven", AREAS / "ringparken"], ids=lambda p: p.name)
def test_the_sample_and_the_areas_have_no_unknown_words(content: Path) -> None:
    code, lines = _check(content, "--streng")
    assert code == 0, lines
    assert len(lines) == 1 and lines[0].endswith(": the content is valid"), lines


def test_a_misspelt_word_is_reported_at_its_line_and_column_with_a_suggestion(content: Path) -> None:
    path = content / "strategic.yaml"
    # the second line of the vision, a `|` block: the word is found at its own line, not at the block's start
    line = replace_line(path, r"^  Indsatsen taler ind i", MISSPELT)
    code, lines = check_lines(content)
    assert code == 0, lines  # a warning, not an error
    assert lines[0] == f"{content}: the content is valid"
    assert len(_warnings(lines)) == 1
    assert lines[1].startswith(f"{path}:{line}:{COLUMN}: warning: 'boligselskabrnes' is not in the Danish dictionary "
                               "(did you mean 'boligselskabernes'")
    assert lines[1].endswith("; if it is spelt right, add it to ordliste.txt in the content folder")
    assert lines[-1] == "1 warning found"

    code, lines = _check(content, "--streng")
    assert code == 1
    assert lines[0].startswith(f"{path}:{line}:{COLUMN}: 'boligselskabrnes' is not in the Danish dictionary")
    assert lines[-1] == "1 error found"


def test_words_in_the_word_list_and_names_are_accepted(content: Path) -> None:
    path = content / "strategic.yaml"
    line = replace_line(path, r"^  Indsatsen taler ind i", "  Zwillingsparkens beboere og Kvartershuset mødes hos Tjørnagerquist.")
    code, lines = check_lines(content)
    assert {w.split("'")[1] for w in _warnings(lines)} >= {"Zwillingsparkens", "Kvartershuset", "Tjørnagerquist"}
    # an organisation's name, written once in strategic.yaml, is known in every text (also in its genitive)
    replace_line(path, r"^    navn: Albertslund Boligselskab$", "    navn: Zwillingsparken Boligselskab")
    with (content / "ordliste.txt").open("a", encoding="utf-8") as fh:
        fh.write("kvartershuset  # lower case: accepted with a capital too\nTjørnagerquist\n")
    code, lines = check_lines(content)
    assert code == 0, lines
    assert not [w for w in _warnings(lines) if f":{line}:" in w], lines


def test_a_sentence_in_the_word_list_is_a_warning_at_its_line(content: Path) -> None:
    with (content / "ordliste.txt").open("a", encoding="utf-8") as fh:
        fh.write("I det omgang\n")
    lines = (content / "ordliste.txt").read_text(encoding="utf-8").splitlines()
    code, printed = check_lines(content)
    assert code == 0
    assert _warnings(printed) == [f"{content / 'ordliste.txt'}:{len(lines)}:1: warning: write one word per line; "
                                  "'I det omgang' is 3 words"]


def test_links_addresses_and_abbreviations_are_not_flagged(content: Path) -> None:
    path = content / "strategic.yaml"
    replace_line(path, r"^  Indsatsen taler ind i",
                 "  Se [fonden](https://xqzvk.dk/abcdefg), <https://wxyzq.dk> og skriv til qwrtz@zxqv.dk, SSP og FGU.")
    code, lines = check_lines(content)
    assert code == 0 and not _warnings(lines), lines


def test_every_format_carries_the_warnings(content: Path) -> None:
    path = content / "strategic.yaml"
    line = replace_line(path, r"^  Indsatsen taler ind i", MISSPELT)
    result = CliRunner().invoke(main, ["check", "--content", str(content), "--format", "json"])
    document = json.loads(result.stdout)
    assert document["valid"] is True and document["errors"] == []
    assert [(w["file"], w["line"], w["column"]) for w in document["warnings"]] == [(str(path), line, COLUMN)]
    result = CliRunner().invoke(main, ["check", "--content", str(content), "--format", "github"])
    assert result.exit_code == 0
    assert f"::warning file={path},line={line},col={COLUMN},title=agreement check::'boligselskabrnes'" in result.stdout


def test_without_the_dictionary_check_says_once_that_spelling_was_not_checked(
        content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # no answers kept from an earlier check

    def no_dictionary(language: str) -> None:
        raise enchant.errors.DictNotFoundError(f"Dictionary for language '{language}' could not be found")

    monkeypatch.setattr(enchant, "Dict", no_dictionary)
    code, lines = check_lines(content)
    assert code == 0, lines
    assert lines[1:] == [f"{content}: warning: spelling was not checked: there is no Danish dictionary (da_DK); "
                         "install the Debian packages hunspell-da and libenchant-2-2 (make build does) to check it",
                         "1 warning found"]
    code, lines = _check(content, "--streng")
    assert code == 1 and "spelling was not checked" in lines[0]


def _templates_check(content: Path, *args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["templates", "check", "--content", str(content), *args])
    return result.exit_code, result.output.splitlines()


def test_the_built_in_edition_has_no_unknown_words() -> None:
    code, lines = _templates_check(ROOT / "content", "--streng")
    assert code == 0, lines
    assert len(lines) == 1 and lines[0].endswith("are fine"), lines


def test_templates_check_spell_checks_the_edition_s_fixed_text(content: Path) -> None:
    import io
    import zipfile

    local = content / "skabeloner" / "lbf-2019-26"
    assert CliRunner().invoke(main, ["templates", "export", "lbf-2019-26", str(local)]).exit_code == 0
    edition = local / "edition.yaml"
    line = replace_line(edition, r"^regulativ: .*$", "regulativ: Regulativ om tilskud til boligsocial indstas")
    template = local / "strategisk-samarbejdsaftale.docx"
    with zipfile.ZipFile(template) as old, io.BytesIO() as new:
        with zipfile.ZipFile(new, "w") as out:
            for info in old.infolist():
                data = old.read(info)
                if info.filename == "word/document.xml":
                    data = data.replace(b"den kernedrift,", b"den kernerdrift,")
                out.writestr(info, data, compress_type=info.compress_type)
        template.write_bytes(new.getvalue())

    code, lines = _templates_check(content)
    assert code == 0, lines
    column = len("regulativ: Regulativ om tilskud til boligsocial ") + 1
    warned = sorted(lines[:2], key=lambda printed: "docx" in printed)  # edition.yaml first
    assert warned[0].startswith(f"{edition}:{line}:{column}: warning: 'indstas' is not in the Danish dictionary")
    assert warned[1].startswith("strategisk-samarbejdsaftale.docx, the paragraph “Formålet med de faste overordnede "
                                "mål …”: warning: 'kernerdrift' is not in the Danish dictionary")
    assert lines[2].endswith("are fine; 2 warnings about spelling")
    code, lines = _templates_check(content, "--streng")
    assert code == 1
    assert lines[-1] == "2 problems found in the templates"


@pytest.mark.parametrize("make", ["fifo", "outside", "latin-1"])
def test_a_word_list_that_cannot_be_read_safely_is_a_warning_and_the_check_goes_on(
        content: Path, tmp_path: Path, make: str) -> None:
    """The word list is read as every content file is: a named pipe is not opened (it would block), a link out of
    the folder is not followed, text that is not UTF-8 is said to be so; each a warning at the file."""
    import os

    path = content / "ordliste.txt"
    path.unlink(missing_ok=True)
    if make == "fifo":
        os.mkfifo(path)
    elif make == "outside":
        (tmp_path / "elsewhere.txt").write_text("ord\n", encoding="utf-8")
        path.symlink_to(tmp_path / "elsewhere.txt")
    else:
        path.write_bytes("bæk\n".encode("latin-1"))
    code, lines = check_lines(content)
    expected = {"fifo": "named pipe", "outside": "outside the content folder", "latin-1": "not UTF-8"}[make]
    assert code == 0, lines
    assert any(line.startswith(f"{path}: warning: ") and expected in line for line in lines), lines
