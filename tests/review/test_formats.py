"""The comparison's formats: the Markdown comment stays under GitHub's limit by leaving out whole blocks."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from agreement import i18n
from agreement.review.diff import Change, Comparison, DocumentChange, FigureChange, SectionChange, word_diff
from agreement.review.formats import MARKER, markdown, text
from agreement.review.revisions import WORKING_TREE, Author, Revision
from agreement.review.text import FRONT_PAGE


def comparison(*documents: DocumentChange) -> Comparison:
    return Comparison(Revision("main", "a" * 40, Path("base")), Revision("the working tree", None, Path("content")),
                      Author("K", "k@example.dk", dt.datetime(2025, 1, 2, tzinfo=dt.UTC)), documents)


def changed(title: str, words: int) -> DocumentChange:
    paragraph = " ".join(f"ord{n}" for n in range(words))
    section = SectionChange("1. Formål", "changed", (Change("added", False, None, paragraph),))
    return DocumentChange("delaftale", title, title.lower(), "changed", sections=(section,))


def test_markdown_leaves_out_whole_blocks_with_a_note() -> None:
    docs = (changed("Stor", 3000), changed("Lille", 10), DocumentChange("budget", "Budget", "budget", "unchanged"))
    out = markdown(comparison(*docs), limit=5000)
    assert len(out) <= 5000
    assert out.startswith(MARKER + "\n")
    assert "| Stor | changed | 1. Formål |" in out and "| Budget | unchanged |  |" in out
    assert "<b>Lille</b>: changed" in out and "<b>Stor</b>" not in out  # cut whole, and the next still fits
    assert out.rstrip().endswith("**1 changed document was left out** to keep this comment under GitHub's size limit: "
                                 "Stor. Run `agreement diff --format text` to see every change.")
    whole = markdown(comparison(*docs))
    assert "<b>Stor</b>" in whole and "left out" not in whole


def test_markdown_shows_content_as_text_not_markup() -> None:
    section = SectionChange("1. <b>Formål</b>", "changed", (
        Change("changed", False, "a *b* c", "a [x](http://e.dk) c", (("=", "a "), ("-", "*b*"), ("+", "[x](http://e.dk)"), ("=", " c"))),))
    doc = DocumentChange("delaftale", "A & B | C", "a", "changed", sections=(section,),
                         figures=(FigureChange("Udgifter i alt", "1 kr.", "2 kr."),))
    out = markdown(comparison(doc))
    assert "| A &amp; B \\| C | changed | 1. &lt;b&gt;Formål&lt;/b&gt; |" in out
    assert "<summary><b>A &amp; B | C</b>: changed</summary>" in out
    assert "Paragraph changed: a ~~\\*b\\*~~ **\\[x\\](http://e.dk)** c" in out
    assert "- Udgifter i alt: 1 kr. → 2 kr." in out


def test_markdown_mentions_nobody() -> None:
    """@names from content are code in the comment, where GitHub and GitLab notify nobody; e-mail addresses stay."""
    section = SectionChange("1. Til @org/team-a", "changed", (
        Change("changed", False, "ring til @kirsten_m", "ring til @octocat.", (("=", "ring til "), ("-", "@kirsten_m"),
                                                                           ("+", "@octocat."))),
        Change("added", False, None, "skriv til kirsten@example.dk, (@Anne-B) eller ø@x_y*"),))
    doc = DocumentChange("delaftale", "Hej @octocat", "a", "changed", sections=(section,))
    out = markdown(comparison(doc))
    assert "| Hej `@octocat` | changed | 1. Til `@org/team-a` |" in out
    assert "<summary><b>Hej <code>@octocat</code></b>: changed</summary>" in out
    assert "**1. Til `@org/team-a`**" in out
    assert "Paragraph changed: ring til ~~`@kirsten_m`~~ **`@octocat`.**" in out
    assert "Paragraph added: **skriv til kirsten@example.dk, (`@Anne-B`) eller ø`@x_y`\\***" in out
    outside_code = re.sub(r"`[^`]*`|<code>.*?</code>", "", out)
    assert re.findall(r"(?<![A-Za-z0-9_])@\w", outside_code) == []


def test_text_shortens_long_unchanged_runs_and_colours_only_when_asked() -> None:
    words = " ".join(f"w{n}" for n in range(30))
    change = Change("changed", False, words, words + " ny", (("=", words + " "), ("+", "ny")))
    doc = DocumentChange("delaftale", "A", "a", "changed", sections=(SectionChange("1. Formål", "changed", (change,)),))
    plain = text(comparison(doc))
    assert "~ paragraph changed: … w22 w23 w24 w25 w26 w27 w28 w29 {+ny+}\n" in plain
    assert "\x1b[" not in plain
    assert "\x1b[32m{+ny+}\x1b[0m" in text(comparison(doc), color=True)


def test_names_from_git_show_their_invisible_characters() -> None:
    """A branch 'x<RLO>txt.exe' would show as 'xexe.txt': every invisible or control character is shown as its code."""
    base = Revision("main\u200b", "a" * 40, Path("base"))
    head = Revision("x\u202etxt.exe\x85", "b" * 40, Path("head"))
    compared = Comparison(base, head, Author("K", "k@example.dk", dt.datetime(2025, 1, 2, tzinfo=dt.UTC)), ())
    assert text(compared).startswith("Comparing main<U+200B> (aaaaaaa) with x<U+202E>txt.exe<U+0085> (bbbbbbb)\n")
    assert ("Comparing **main&lt;U+200B&gt; (aaaaaaa)** with **x&lt;U+202E&gt;txt.exe&lt;U+0085&gt; (bbbbbbb)**"
            in markdown(compared))
    assert head.display("content/budget.yaml") == "x<U+202E>txt.exe<U+0085>:content/budget.yaml"


def test_the_comparison_is_in_danish_by_default() -> None:
    i18n.set_language("da")
    rows = SectionChange("Forside", "changed", (
        Change("changed", True, "Udgifter | 1 kr.", "Udgifter | 2 kr.", (("=", "Udgifter | "), ("-", "1 kr."), ("+", "2 kr."))),
        Change("removed", False, "gammel tekst", None)))
    added = SectionChange(FRONT_PAGE, "added", (Change("added", False, None, "ny tekst"),))
    doc = DocumentChange("budget", "Budget", "budget", "changed", old_title="Budget 2025", sections=(rows, added),
                         figures=(FigureChange("Udgifter i alt", None, "2 kr."),))
    docs = (doc, changed("Stor", 3000), DocumentChange("kommissorium", "Kommissorium", "kommissorium", "unchanged"))
    compared = Comparison(Revision("main", "a" * 40, Path("base")), Revision(i18n._(WORKING_TREE), None, Path("content")),
                          Author("K", "k@example.dk", dt.datetime(2025, 1, 2, tzinfo=dt.UTC)), docs)
    plain = text(compared)
    assert plain.startswith("Sammenligner main (aaaaaaa) med filerne, som de er nu\nændret    Budget\n"
                            "    titel: Budget 2025 → Budget\n  nøgletal\n    Udgifter i alt: (ingen) → 2 kr.\n"
                            "  afsnit Forside\n    ~ række ændret: Udgifter | [-1 kr.-]{+2 kr.+}\n"
                            "    - tekst fjernet: gammel tekst\n  afsnit (forsiden) (tilføjet)\n    + tekst tilføjet: ny tekst\n"), plain
    assert plain.endswith("uændret   Kommissorium\n2 af 3 dokumenter er ændret.\n"), plain
    comment = markdown(compared, limit=5000)
    assert ("### Hvad er ændret i dokumenterne\n\nSammenligner **main (aaaaaaa)** med **filerne, som de er nu**: "
            "2 af 3 dokumenter er ændret.\n\n| Dokument | Status | Ændrede afsnit |") in comment
    assert "| Budget | ændret | Forside; (forsiden) |" in comment and "| Kommissorium | uændret |  |" in comment
    assert "<summary><b>Budget</b>: ændret</summary>" in comment and "Titel: ~~Budget 2025~~ **Budget**" in comment
    assert "**Nøgletal**" in comment and "- Udgifter i alt: (ingen) → 2 kr." in comment
    assert "- Række ændret: Udgifter | ~~1 kr.~~ **2 kr.**" in comment
    assert "- Tekst fjernet: ~~gammel tekst~~" in comment and "**(forsiden)** (tilføjet)" in comment
    assert comment.rstrip().endswith("**1 ændret dokument er udeladt** for at holde kommentaren under GitHubs grænse for "
                                     "længde: Stor. Kør `agreement diff --format text` for at se alle ændringer.")
    unchanged = Comparison(compared.base, compared.head, compared.author, docs[2:])
    assert text(unchanged).endswith("ingen ændringer i 1 dokument.\n")


def test_the_comment_and_the_text_show_the_aligned_word_diff() -> None:
    """Issue 22: 'attraktivt ~~og~~, trygt og grønt', not '[-attraktivt-]{+attraktivt, trygt+} og [-trygt-]{+grønt+}';
    each mark has the changed words alone, the spaces around them outside it."""
    old = "Området skal være attraktivt og trygt for alle, også om aftenen."
    new = "Området skal være attraktivt, trygt og grønt for alle, også om natten."
    section = SectionChange("2. Vision", "changed", (Change("changed", False, old, new, word_diff(old, new)),))
    doc = DocumentChange("strategisk-samarbejdsaftale", "Aftale", "aftale", "changed", sections=(section,))
    assert ("Paragraph changed: Området skal være attraktivt ~~og~~**,** trygt **og grønt** for alle, også om "
            "~~aftenen~~ **natten**.\n") in markdown(comparison(doc))
    assert ("~ paragraph changed: Området skal være attraktivt [-og-]{+,+} trygt {+og grønt+} for alle, også om "
            "[-aftenen-]{+natten+}.\n") in text(comparison(doc))
