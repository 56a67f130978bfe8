"""The commonest mistakes in content: each reported by `agreement check` at the line and column to change, saying
what to write instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import check_lines, replace_line

PHONE = r'^    telefon: "\+45 00 00 00 01"$'
AMOUNT = r"beløb: \[580000, 580000, 580000, 580000\]$"

# (id, file, pattern of the line to change, replacement, column of the message, words the message holds)
MISTAKES = [
    ("missing-colon", "strategic.yaml", r"^    møder_pr_år: 2$", "    møder_pr_år 2", 16,
     ["'møder_pr_år' has no ':' after it", "write 'møder_pr_år: 2'"]),
    # A note whose '# ' was taken away (the files init writes explain themselves in notes).
    ("note-without-its-hash", "strategic.yaml", r"^    møder_pr_år: 2$", "    'møder_pr_år' er antallet af møder om året", 5,
     ["'møder_pr_år' has no ':' after it", "if the line is a note, start it with '# '",
      "if it is a field, write 'møder_pr_år: er antallet af møder om året'"]),
    ("sentence-without-its-hash", "strategic.yaml", r"^    møder_pr_år: 2$", "    Bestyrelsen mødes mindst fire gange om året.", 5,
     ["'Bestyrelsen' has no ':' after it", "if the line is a note, start it with '# '"]),
    ("missing-colon-before-a-block", "strategic.yaml", r"^vision: \|$", "vision |", 7,
     ["'vision' has no ':' after it", "write 'vision: |'"]),
    ("indented-less-than-its-group", "strategic.yaml", r"^  til: 2025-02-28$", " til: 2025-02-28", 2,
     ["indented 1 space, which lines up with no field above it", "2 spaces, like 'fra' on line 17",
      "0 spaces, like 'periode' on line 16"]),
    ("indented-wrongly-in-a-list-item", "beredskabsplan.yaml", PHONE, '   telefon: "+45 00 00 00 01"', 4,
     ["indented 3 spaces", "4 spaces, like 'organisation' on line 27"]),
    ("field-among-list-items", "beredskabsplan.yaml", r"^  - rolle: Sekretariatsleder$", "  rolle: Sekretariatsleder", 3,
     ["indented like the list items above it ('- rolle' on line 23) but does not start with '- '",
      "start it with '- '"]),
    ("octal-looking-phone-number", "beredskabsplan.yaml", PHONE, "    telefon: 00000013", 14,
     ["telefon must be text, but YAML reads 00000013 as the number 11", "put it in quotes", '"00000013"']),
    ("name-in-brackets", "strategic.yaml", r"^    navn: Kirsten Mogensen$", "    navn: [Per Østergaard]", 11,
     ["underskrifter[1].navn must be text, but the square brackets make YAML read [Per Østergaard] as a list",
      "write the text without them (Per Østergaard)", '"[Per Østergaard]"']),
    ("time-of-day", "beredskabsplan.yaml", r"^  - tid: Straks$", "  - tid: 12:30", 10,
     ["første_døgn[1].tid must be text, but YAML reads 12:30 as the number 750", '"12:30"']),
    ("hash-in-text", "strategic.yaml", r"^    titel: Formand$", "    titel: Formand #2", 20,
     ["underskrifter[1].titel: YAML reads ' #2' as a comment, so the text would be only 'Formand'",
      'put the whole text in quotes: "Formand #2"', "put it on a line of its own"]),
    ("decimal-comma-in-a-list-of-values", "strategic.yaml", r"^        - værdi: 74$", "        - værdi: 74,5", 18,
     ["baseline.tryghed.boligområde.værdier[1].værdi must be a number, but it is the text '74,5'",
      "write 74.5, with a decimal point"]),
    ("decimal-comma", "strategic.yaml", r"^    boligområde: 88.9$", "    boligområde: 88,9", 18,
     ["baseline.dagtilbud.boligområde must be a number, a group of fields or 'ikke opgjort'", "write 88.9, with a decimal point"]),
    ("thousands-dots", "budget.yaml", AMOUNT, "beløb: [1.010.000, 580000, 580000, 580000]", 17,
     ["must be a whole number, but it is the text '1.010.000'; write 1010000, without thousands dots"]),
    ("thousands-space", "budget.yaml", AMOUNT, "beløb: [80 000, 580000, 580000, 580000]", 17,
     ["must be a whole number, but it is the text '80 000'; write 80000, without spaces"]),
    ("unit", "budget.yaml", AMOUNT, "beløb: [80000 kr., 580000, 580000, 580000]", 17,
     ["must be a whole number, but it is the text '80000 kr.'; write 80000, without 'kr.'"]),
    ("day-the-month-has-not", "milepaelsplan.yaml", r"dato: 2021-03-01$", "dato: 2027-09-31", 11,
     ["'2027-09-31' is not a valid date for milepæle[1].dato; there is no 31 September, which has 30 days"]),
    ("leap-day", "milepaelsplan.yaml", r"dato: 2021-03-01$", "dato: 2027-02-29", 11,
     ["there is no 29 February in 2027, which is not a leap year"]),
]
# yes, no, on and off are all read as true or false (YAML 1.1, as PyYAML reads it).
MISTAKES += [(f"{word}-as-text", "strategic.yaml", r"^    navn: KAB$", f"    navn: {word}", 11,
              [f"organisationer[5].navn must be text, but YAML reads {word} as {value} (yes/no)", f'"{word}"'])
             for word, value in (("yes", "true"), ("no", "false"), ("on", "true"), ("off", "false"))]


@pytest.mark.parametrize(("file", "pattern", "replacement", "column", "words"), [m[1:] for m in MISTAKES],
                         ids=[m[0] for m in MISTAKES])
def test_a_common_mistake_is_explained_where_it_is(content: Path, file: str, pattern: str, replacement: str,
                                                   column: int, words: list[str]) -> None:
    line = replace_line(content / file, pattern, replacement)
    code, lines = check_lines(content)
    assert code == 1, lines
    assert len(lines) == 2, lines  # the one message and the count
    assert lines[0].startswith(f"{content / file}:{line}:{column}: "), lines
    for word in words:
        assert word in lines[0], lines


def test_a_text_not_indented_under_its_block_field(content: Path) -> None:
    path = content / "strategic.yaml"
    text = path.read_text(encoding="utf-8").split("\n")
    at = text.index("vision: |") + 1
    text[at] = text[at].lstrip()
    path.write_text("\n".join(text), encoding="utf-8")
    code, lines = check_lines(content)
    assert code == 1, lines
    assert lines[0].startswith(f"{path}:{at + 1}:1: the text of 'vision' (line {at}) must be indented more than "
                               "'vision'; indent each of its lines 2 spaces"), lines


def test_a_text_line_indented_less_than_the_first(content: Path) -> None:
    path = content / "strategic.yaml"
    text = path.read_text(encoding="utf-8").split("\n")
    at = text.index("vision: |") + 3  # the second paragraph's line
    text[at] = " " + text[at].lstrip()
    path.write_text("\n".join(text), encoding="utf-8")
    code, lines = check_lines(content)
    assert code == 1, lines
    assert lines[0].startswith(f"{path}:{at + 1}:2: this line is indented less than the first line of the text of "
                               f"'vision' (line {at - 1}), which ends the text there; indent every line of the text "
                               "2 spaces"), lines


def test_a_comment_after_an_id_a_date_or_a_choice_is_still_a_comment(content: Path) -> None:
    path = content / "strategic.yaml"
    replace_line(path, r"^  fra: 2021-03-01$", "  fra: 2021-03-01  # underskrevet i februar")
    replace_line(path, r"^status: endelig$", "status: endelig # godkendt")
    replace_line(path, r"^  - id: kab$", "  - id: kab  # administrator")
    assert check_lines(content) == (0, [f"{content}: the content is valid"])


def test_a_text_in_quotes_keeps_its_hash_and_its_comment(content: Path) -> None:
    replace_line(content / "strategic.yaml", r"^    titel: Formand$", '    titel: "Formand #2"  # som i fuldmagten')
    assert check_lines(content)[0] == 0
