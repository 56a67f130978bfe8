"""Word redlines: real tracked changes from one build of the sample to another, opened by python-docx and LibreOffice.

The redlines the tests read are written by `agreement diff --redline`, so the command's own part (which documents,
whose name and date, the PDFs) is checked with them; the other tests call write_redlines itself."""

from __future__ import annotations

import collections
import datetime as dt
import json
import re
import shutil
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from lxml import etree

from agreement import i18n
from agreement.cli import main
from agreement.errors import AgreementError, ToolError
from agreement.pipeline import build
from agreement.review.redline import RECORD, stamp_revisions, word_date, write_redlines
from tests.conftest import SAMPLE, copy_build, pdf_text, poppler
from tests.review.conftest import commit, new_repo
from tests.zipbomb import with_zeros

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
AUTHOR = "Jens Hansen"
# 04:04:05 at UTC+1 is 03:04:05 UTC, which is what Word writes.
DATE = dt.datetime(2025, 1, 2, 4, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))
STAMP = "2025-01-02T03:04:05Z"
DOCUMENTS = ("strategisk-samarbejdsaftale", "budget")


def _change(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def head_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with a changed sentence and changed (balanced) budget amounts: one that keeps its width, one that
    grows by two digits (30.000 -> 1.250.000), and with them the totals and every party's share."""
    head_content = tmp_path_factory.mktemp("redline") / "content"
    shutil.copytree(SAMPLE, head_content)
    _change(head_content / "strategic.yaml",
            "Alle bebyggelser er etagebyggerier opført i beton i årene omkring 1970.",
            "Alle bebyggelser er etagebyggerier opført i tegl i årene omkring 1975.")
    # 15.000 kr. more for one activity in year 2, paid by AB, so financing still equals expenses.
    _change(head_content / "budget.yaml",
            "aktivitet: uddannelsesvejledning\n        beløb: [60000, 60000, 60000, 60000]",
            "aktivitet: uddannelsesvejledning\n        beløb: [60000, 75000, 60000, 60000]")
    _change(head_content / "budget.yaml",
            "organisation: ab\n    beløb: [60000, 60000, 60000, 60000]",
            "organisation: ab\n    beløb: [60000, 75000, 60000, 60000]")
    # 20.000 kr. more for the project leader in year 1, 1.220.000 more for IT in year 4, paid by the municipality
    # (year 1, 2021/22, is budgeted in both yearly reports).
    _change(head_content / "budget.yaml",
            "rolle: projektleder\n        beløb: [580000, 580000, 580000, 580000]",
            "rolle: projektleder\n        beløb: [600000, 580000, 580000, 580000]")
    _change(head_content / "budget.yaml",
            "tekst: Kontorhold og IT\n        beløb: [30000, 30000, 30000, 30000]",
            "tekst: Kontorhold og IT\n        beløb: [30000, 30000, 30000, 1250000]")
    _change(head_content / "budget.yaml",
            "organisation: albertslund-kommune\n    beløb: [200000, 200000, 200000, 195000]",
            "organisation: albertslund-kommune\n    beløb: [220000, 200000, 200000, 1415000]")
    return head_content


@pytest.fixture(scope="module")
def builds(built_docx, head_content: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample built as DOCX (the shared build), and the changed content built into a copy of it (the
    unchanged documents come from its cache)."""
    head = copy_build(built_docx.out_dir, tmp_path_factory.mktemp("redline") / "head-build")
    build(head_content, head, ("docx",))
    return built_docx.out_dir, head


def _pairs(builds: tuple[Path, Path], stems=DOCUMENTS) -> list[tuple[str, Path, Path]]:
    base, head = builds
    return [(stem, base / f"{stem}.docx", head / f"{stem}.docx") for stem in stems]


@pytest.fixture(scope="module")
def redlines(head_content: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The redlines `agreement diff HEAD~1 HEAD --redline` writes (the command in-process) when the last commit,
    by AUTHOR at DATE, made the change: one Word file and its PDF for each changed document, and nothing else."""
    root = tmp_path_factory.mktemp("redline-repo")
    repo = new_repo(root / "repo")
    shutil.rmtree(repo / "content")
    shutil.copytree(head_content, repo / "content")
    commit(repo, "Tegl, not beton; more for uddannelsesvejledning", f"--author={AUTHOR} <jens@example.dk>",
           f"--date={DATE.isoformat()}")
    out = root / "redlines"
    result = CliRunner().invoke(main, ["diff", "HEAD~1", "HEAD", "--content", str(repo / "content"), "--redline", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"wrote 8 redline files for 4 changed documents to \S*redlines\n", result.stderr), result.stderr
    # Only the changed documents: the unchanged ones (kommissorium, ...) get no redline; and the record of them.
    # The 2022 follow-up report changed too: its budget for 2022 is most of project year 2, whose amount changed.
    expected = sorted(f"{s}.{ext}" for s in (*DOCUMENTS, "opfoelgning-2021", "opfoelgning-2022") for ext in ("docx", "pdf"))
    assert sorted(path.name for path in out.iterdir()) == sorted([*expected, RECORD])
    assert sorted(json.loads((out / RECORD).read_text(encoding="utf-8"))["files"]) == expected
    return out


def _revisions(path: Path) -> list[etree._Element]:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    return [node for node in root.iter(W + "ins", W + "del")]


def _texts(nodes: list[etree._Element], tag: str) -> list[str]:
    return ["".join(node.itertext()) for node in nodes if node.tag == W + tag]


def test_the_changed_words_are_tracked_insertions_and_deletions(redlines: Path) -> None:
    strategic = _revisions(redlines / "strategisk-samarbejdsaftale.docx")
    # Each deletion ends in a deleted space, so the old word and the new one are two words (see the PDF tests).
    assert _texts(strategic, "del") == ["beton ", "1970 "]
    assert _texts(strategic, "ins") == ["tegl", "1975"]
    budget = _revisions(redlines / "budget.docx")
    # The changed amounts, their row and group totals, the grand totals and the shares all show old and new.
    assert "60.000 " in _texts(budget, "del") and "75.000" in _texts(budget, "ins")
    assert "30.000 " in _texts(budget, "del") and "1.250.000" in _texts(budget, "ins")
    assert "6.380.000 " in _texts(budget, "del") and "7.635.000" in _texts(budget, "ins")
    assert "1.600.000 " in _texts(budget, "del") and "1.615.000" in _texts(budget, "ins")
    assert "75,0\N{NO-BREAK SPACE}% " in _texts(budget, "del") and "62,7\N{NO-BREAK SPACE}%" in _texts(budget, "ins")


def test_every_revision_has_the_given_author_and_date(redlines: Path) -> None:
    for stem in DOCUMENTS:
        revisions = _revisions(redlines / f"{stem}.docx")
        assert revisions
        assert {node.get(W + "author") for node in revisions} == {AUTHOR}
        assert {node.get(W + "date") for node in revisions} == {STAMP}


def test_deleted_words_come_before_the_words_that_replace_them(redlines: Path) -> None:
    for node in _revisions(redlines / "strategisk-samarbejdsaftale.docx"):
        if node.tag == W + "del":
            following = node.getnext()
            assert following is not None and following.tag == W + "ins"


def test_python_docx_opens_the_redlines(redlines: Path) -> None:
    for stem in DOCUMENTS:
        document = docx.Document(str(redlines / f"{stem}.docx"))
        assert document.core_properties.title


def test_libreoffice_shows_old_and_new_words_in_the_pdf(redlines: Path) -> None:
    text = pdf_text(redlines / "strategisk-samarbejdsaftale.pdf")
    assert "beton" in text and "tegl" in text and "1970" in text and "1975" in text
    text = pdf_text(redlines / "budget.pdf")
    assert "6.380.000" in text and "7.635.000" in text


# An amount (580.000, 1.250.000) or a share (75,0) as a whole word: not part of a longer run of digits.
_NUMBER = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:\.\d{3})+|\d{1,3},\d)(?![\d]|[.,]\d)")


def _numbers_by_revision(docx_path: Path) -> collections.Counter[str]:
    """Every amount and share in the redline's body, old and new, each read from its own revision."""
    with zipfile.ZipFile(docx_path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    found: collections.Counter[str] = collections.Counter()
    for paragraph in root.iter(W + "p"):
        text, state = "", None
        for node in paragraph.iter(W + "t", W + "delText"):
            here = next((a.tag for a in node.iterancestors(W + "ins", W + "del")), None)
            text += (" " if here != state else "") + (node.text or "")
            state = here
        found.update(_NUMBER.findall(text))
    return found


def test_the_pdf_shows_every_old_and_new_amount_whole(redlines: Path) -> None:
    """Old and new amounts in a narrow budget cell stand as two words (on two lines where they do not fit on one),
    never broken inside a number ('580.00' then '0600.000'); every amount and share of the redline, old and new,
    is in the PDF's text exactly as often as in the document."""
    expected = _numbers_by_revision(redlines / "budget.docx")
    shown = collections.Counter(_NUMBER.findall(pdf_text(redlines / "budget.pdf", "-layout")))
    assert {"580.000", "600.000", "30.000", "1.250.000", "6.380.000", "7.635.000", "75,0", "62,7"} <= set(expected)
    assert shown == expected


def _word_colour(pdf: Path, word: str) -> tuple[int, int, int]:
    """The colour of the first `word` in the PDF: its boldest pixel, rendered at 150 dpi."""
    boxes = pdf_text(pdf, "-bbox")
    page = 0
    for line in boxes.splitlines():
        page += "<page " in line
        found = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if found and found.group(5) == word:
            break
    else:
        raise AssertionError(f"{word} is not in {pdf.name}")
    x0, y0, x1, y1 = (float(v) * 150 / 72 for v in found.group(1, 2, 3, 4))
    data = poppler("pdftoppm", pdf, "-r", "150", "-f", str(page), "-l", str(page), "-x", str(int(x0)),
                   "-y", str(int(y0)), "-W", str(int(x1 - x0)), "-H", str(int(y1 - y0)))
    header = data.split(b"\n", 3)  # P6, width height, 255, pixels
    pixels = header[3]
    rgb = [tuple(pixels[i:i + 3]) for i in range(0, len(pixels) - 2, 3)]
    return min(rgb, key=sum)  # type: ignore[return-value]


def test_deletions_are_red_and_insertions_green_in_the_pdf(redlines: Path) -> None:
    """LibreOffice would colour both by their author, one colour for all of one person's changes."""
    pdf = redlines / "budget.pdf"
    red, green, blue = _word_colour(pdf, "6.380.000")  # deleted everywhere
    assert red > 150 and green < 60 and blue < 60, (red, green, blue)
    red, green, blue = _word_colour(pdf, "7.635.000")  # inserted everywhere
    assert green > 100 and red < 60 and green - blue > 40, (red, green, blue)
    red, green, blue = _word_colour(pdf, "2.000.000")  # unchanged
    assert max(red, green, blue) < 60 and max(red, green, blue) - min(red, green, blue) < 20, (red, green, blue)


def test_two_runs_give_identical_bytes(builds: tuple[Path, Path], redlines: Path, tmp_path: Path) -> None:
    # One document again (the budget, with the most revisions), its redline and PDF: each run is a real engine
    # run and a real LibreOffice conversion.
    written = write_redlines(_pairs(builds, ("budget",)), tmp_path, author=AUTHOR, date=DATE)
    assert written == [tmp_path / "budget.docx", tmp_path / "budget.pdf"]
    for path in written:
        assert path.read_bytes() == (redlines / path.name).read_bytes(), path.name


def test_unchanged_document_has_no_revisions(builds: tuple[Path, Path], tmp_path: Path) -> None:
    base, _ = builds
    written = write_redlines([("same", base / "budget.docx", base / "budget.docx")], tmp_path,
                             author=AUTHOR, date=DATE, pdf=False)
    assert written == [tmp_path / "same.docx"]
    assert _revisions(written[0]) == []


@pytest.mark.parametrize(("author", "shown"), [("Jens\x1b[31mHansen", "Jens [31mHansen"),
                                               ("Jens\x01\x02Hansen\x7f", "Jens Hansen "),
                                               ("Jens\x85Hansen\ufffe", "Jens Hansen "),
                                               ("Jens \u202eHansen\u200b\u2066", "Jens Hansen")])
def test_control_characters_in_the_author_become_spaces(builds: tuple[Path, Path], tmp_path: Path, author: str,
                                                        shown: str) -> None:
    """A commit's author may hold characters XML cannot carry, and invisible ones that would make Word show another
    name; the redline is made all the same, without them."""
    written = write_redlines(_pairs(builds, ("budget",)), tmp_path, author=author, date=DATE, pdf=False)
    assert {node.get(W + "author") for node in _revisions(written[0])} == {shown}


def test_word_date_is_iso_and_utc_when_the_zone_is_known() -> None:
    assert word_date(DATE) == STAMP
    assert word_date(dt.datetime(2025, 6, 1, 8, 30, 0, 123)) == "2025-06-01T08:30:00"


def test_a_missing_document_is_a_plain_error(builds: tuple[Path, Path], tmp_path: Path) -> None:
    base, _ = builds
    with pytest.raises(ToolError, match="does not exist"):
        write_redlines([("x", base / "budget.docx", tmp_path / "nothing.docx")], tmp_path / "out",
                       author=AUTHOR, date=DATE)
    assert not (tmp_path / "out").exists()


def test_a_damaged_document_is_a_plain_error_and_nothing_is_written(builds: tuple[Path, Path], tmp_path: Path) -> None:
    base, _ = builds
    damaged = tmp_path / "damaged.docx"
    damaged.write_text("this is not a Word file", encoding="utf-8")
    pairs = [("good", base / "budget.docx", base / "budget.docx"), ("bad", damaged, base / "budget.docx")]
    with pytest.raises(ToolError, match=r"could not compare damaged\.docx with budget\.docx"):
        write_redlines(pairs, tmp_path / "out", author=AUTHOR, date=DATE, pdf=False)
    assert not (tmp_path / "out").exists()


def test_a_missing_engine_says_how_to_install_it(builds: tuple[Path, Path], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "python_redlines", None)  # import fails as if it were not installed
    with pytest.raises(ToolError, match=r"not installed; install it with: pip install 'python-redlines\[docxodus\]'"):
        write_redlines(_pairs(builds, ("budget",)), tmp_path, author=AUTHOR, date=DATE)
    i18n.set_language("da")
    with pytest.raises(ToolError, match=r"^sammenligningsprogrammet Docxodus \(python-redlines\) er ikke installeret; "
                                        r"installér det med: pip install 'python-redlines\[docxodus\]'"):
        write_redlines(_pairs(builds, ("budget",)), tmp_path, author=AUTHOR, date=DATE)


@pytest.mark.parametrize("stem", ["", "..", "a/b"])
def test_a_name_that_is_not_a_plain_file_name_is_refused(builds: tuple[Path, Path], tmp_path: Path, stem: str) -> None:
    base, head = builds
    with pytest.raises(ValueError, match="plain file name"):
        write_redlines([(stem, base / "budget.docx", head / "budget.docx")], tmp_path, author=AUTHOR, date=DATE)


# --- The redline folder: only the redlines the last comparison wrote, never written through a link -------------------

def _no_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparing replaced by the HEAD document itself: these tests are about the folder, not the engine."""
    monkeypatch.setattr("agreement.review.redline._engine", lambda: None)
    monkeypatch.setattr("agreement.review.redline._compare", lambda engine, base, head, author, stamp: head.read_bytes())


def _mine(folder: Path) -> dict[str, bytes]:
    """A folder of the user's own files beside the redlines, one named like a redline; its contents."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notes.docx").write_bytes(b"the user's notes")
    (folder / "kommissorium.pdf").write_bytes(b"the user's own PDF")
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_a_later_comparison_replaces_only_the_earlier_comparisons_redlines(builds: tuple[Path, Path], tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _no_engine(monkeypatch)
    out = tmp_path / "redlines"
    mine = _mine(out)
    write_redlines(_pairs(builds), out, author=AUTHOR, date=DATE, pdf=False)
    assert sorted(p.name for p in out.iterdir()) == sorted([*mine, RECORD, *(f"{s}.docx" for s in DOCUMENTS)])
    written = write_redlines(_pairs(builds, ("budget",)), out, author=AUTHOR, date=DATE, pdf=False)
    assert written == [out / "budget.docx"]
    assert sorted(p.name for p in out.iterdir()) == sorted([*mine, RECORD, "budget.docx"])
    # A comparison with no changed document leaves no redline of an earlier one, and nothing else goes.
    assert write_redlines([], out, author=AUTHOR, date=DATE, pdf=False) == []
    assert sorted(p.name for p in out.iterdir()) == sorted([*mine, RECORD])
    assert {name: (out / name).read_bytes() for name in mine} == mine
    assert not (tmp_path / "none").exists()
    assert write_redlines([], tmp_path / "none", author=AUTHOR, date=DATE) == []
    assert not (tmp_path / "none").exists()


def test_links_in_the_redline_folder_are_replaced_never_written_through(builds: tuple[Path, Path], tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _no_engine(monkeypatch)
    outside = tmp_path / "outside"
    theirs = _mine(outside)
    out = tmp_path / "redlines"
    out.mkdir()
    (out / "budget.docx").symlink_to(outside / "notes.docx")
    (out / "strategisk-samarbejdsaftale.docx").symlink_to(tmp_path / "nowhere.docx")  # dangling
    (out / RECORD).symlink_to(outside / "kommissorium.pdf")  # a record that is a link is neither read nor written
    (out / f"{RECORD}.tmp").symlink_to(outside / "notes.docx")
    write_redlines(_pairs(builds), out, author=AUTHOR, date=DATE, pdf=False)
    assert {p.name: p.read_bytes() for p in outside.iterdir()} == theirs
    assert not (tmp_path / "nowhere.docx").exists()
    assert not [p for p in out.iterdir() if p.is_symlink()]
    assert sorted(p.name for p in out.iterdir()) == sorted([RECORD, *(f"{s}.docx" for s in DOCUMENTS)])
    with zipfile.ZipFile(out / "budget.docx") as z:
        assert "word/document.xml" in z.namelist()


def test_only_plain_files_the_record_names_in_the_folder_are_deleted(builds: tuple[Path, Path], tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A record edited by hand, or a recorded redline the user replaced by a link, deletes nothing of theirs."""
    _no_engine(monkeypatch)
    outside = tmp_path / "outside"
    theirs = _mine(outside)
    out = tmp_path / "redlines"
    write_redlines(_pairs(builds), out, author=AUTHOR, date=DATE, pdf=False)
    (out / "budget.docx").unlink()
    (out / "budget.docx").symlink_to(outside / "notes.docx")
    record = json.loads((out / RECORD).read_text(encoding="utf-8"))
    record["files"] += ["../outside/notes.docx", str(outside / "kommissorium.pdf"), "..", "", 7]
    (out / RECORD).write_text(json.dumps(record), encoding="utf-8")
    write_redlines([], out, author=AUTHOR, date=DATE, pdf=False)
    assert sorted(p.name for p in out.iterdir()) == sorted(["budget.docx", RECORD])
    assert {p.name: p.read_bytes() for p in outside.iterdir()} == theirs

def test_a_document_that_unpacks_to_too_much_is_refused_before_the_engine_reads_it(
        builds: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base, _ = builds
    bomb = with_zeros(base / "budget.docx", tmp_path / "budget.docx", "word/media/image9.png", 1500, monkeypatch)
    monkeypatch.setattr("agreement.review.redline._engine", lambda: pytest.fail("the engine must not be started"))
    with pytest.raises(AgreementError, match=r"budget\.docx: unpacks to more than 200 MB \(the part word/media/image9"):
        write_redlines([("budget", base / "budget.docx", bomb)], tmp_path / "out", author=AUTHOR, date=DATE, pdf=False)
    assert not (tmp_path / "out").exists()


def test_a_column_is_widened_for_a_deleted_amount_wider_than_the_new_one(tmp_path: Path) -> None:
    """The engine keeps HEAD's columns, fitted for the new amounts: an old amount that was longer ('1.250.000'
    replaced by '30.000') gets room taken from the widest column, the table keeping its width."""
    from agreement.word.layout import Styles, TableLayout
    from agreement.word.measure import Font, width

    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    tbl = table._tbl
    narrow = int(width("30.000", Font(False, 22))) + 216 + 40  # the new amount fits, with Word's cell margins
    for col, value in zip(tbl.findall(f"{W}tblGrid/{W}gridCol"), (9000 - narrow, narrow)):
        col.set(W + "w", str(value))
    label, amount = table.rows[0].cells
    label.paragraphs[0].add_run("Kontorhold og IT")
    revision = f'w:author="{AUTHOR}" w:id="{{}}" w:date="{STAMP}"'
    amount._tc.remove(amount.paragraphs[0]._p)
    amount._tc.append(etree.fromstring(
        f'<w:p xmlns:w="{W[1:-1]}"><w:del {revision.format(1)}><w:r><w:delText>1.250.000</w:delText></w:r></w:del>'
        f'<w:ins {revision.format(2)}><w:r><w:t>30.000</w:t></w:r></w:ins></w:p>'))
    path = tmp_path / "table.docx"
    document.save(str(path))

    def layout() -> TableLayout:
        with zipfile.ZipFile(path) as z:
            styles = Styles.from_xml(etree.fromstring(z.read("word/styles.xml")))
            return TableLayout(etree.fromstring(z.read("word/document.xml")).find(f".//{W}tbl"), styles)

    assert layout().problems()  # '1.250.000' does not fit
    stamp_revisions(path, AUTHOR, STAMP)
    after = layout()
    assert after.problems() == []
    assert after.grid[1] > narrow and sum(after.grid) == 9000
