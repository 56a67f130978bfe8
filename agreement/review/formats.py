"""A comparison as text for a terminal, as one Markdown pull-request comment, or as JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import click

from agreement.i18n import N_, _, ngettext
from agreement.review.diff import ADDED, CHANGED, REMOVED, UNCHANGED, Change, Comparison, DocumentChange, Segment
from agreement.review.revisions import Revision
from agreement.review.text import FRONT_PAGE

MARKER = "<!-- agreement-diff -->"
# GitHub refuses comments over 65,536 characters; stay well below, with room for a note the workflow adds.
MARKDOWN_LIMIT = 60_000
CONTEXT = 8  # unchanged words kept either side of a change; longer runs are shortened to '…'
ARROW = "→"
NONE = N_("(none)")
# '@octocat', '@org/team' not preceded by an ASCII letter or digit (so not an e-mail address): what notifies.
_MENTION = re.compile(r"(?<![A-Za-z0-9_])@[\w.-]*[\w-](?:/[\w.-]*[\w-])?")

Style = Callable[..., str]


def text(comparison: Comparison, color: bool = False) -> str:
    """git-diff-like lines: one per unchanged document, then per changed section its changes, [-old-]{+new+}."""
    style: Style = click.style if color else (lambda message, **styles: message)
    lines = [style(_("Comparing {base} with {head}").format(base=comparison.base.label, head=comparison.head.label), bold=True)]
    for doc in comparison.documents:
        status = _status(doc.status)
        lines.append(f"{style(f'{status:<9}', fg=_COLOURS.get(doc.status), bold=doc.status != UNCHANGED)} {doc.title}")
        if doc.old_title:
            lines.append("    " + _("title: {old} {arrow} {new}").format(old=doc.old_title, arrow=ARROW, new=doc.title))
        if doc.figures:
            lines.append(style("  " + _("key figures"), bold=True))
            lines.extend(f"    {f.name}: {f.old or _(NONE)} {ARROW} {f.new or _(NONE)}" for f in doc.figures)
        for section in doc.sections:
            heading = "  " + _("section {title}").format(title=_section(section.title))
            if section.old_title:
                heading += " " + _("(was {title})").format(title=_section(section.old_title))
            if section.status != CHANGED:
                heading += f" ({_status(section.status)})"
            lines.append(style(heading, bold=True))
            lines.extend(f"    {_text_change(change, style)}" for change in section.changes)
    if comparison.follow_up:
        lines.append(style(_("follow-up measurements"), bold=True))
        lines.extend(f"    {f.name}: {f.old or _(NONE)} {ARROW} {f.new or _(NONE)}" for f in comparison.follow_up)
    lines.append(_summary(comparison))
    return "".join(f"{line}\n" for line in lines)


def markdown(comparison: Comparison, limit: int = MARKDOWN_LIMIT) -> str:
    """One pull-request comment: the marker, a summary table, then a collapsible block per changed document.

    Whole blocks are left out, with a note naming them, when the comment would pass `limit` characters.
    """
    head = [MARKER, "### " + _("What changed in the documents"), "",
            _("Comparing **{base}** with **{head}**: {summary}").format(
                base=_md(comparison.base.label), head=_md(comparison.head.label), summary=_summary(comparison)), ""]
    head += ["| " + _("Document") + " | " + _("Status") + " | " + _("Changed sections") + " |", "|---|---|---|"]
    for doc in comparison.documents:
        sections = "; ".join(_section(s.title) for s in doc.sections) or (_("key figures") if doc.figures else "")
        head.append(f"| {_cell(doc.title)} | {_status(doc.status)} | {_cell(sections)} |")
    if comparison.follow_up:  # a few lines a year, and no document shows them: always in the comment
        head += ["", "**" + _("Follow-up measurements") + "**", ""]
        head.extend(f"- {_md(f.name)}: {_md(f.old or _(NONE))} {ARROW} {_md(f.new or _(NONE))}" for f in comparison.follow_up)
    out = "\n".join(head) + "\n"
    changed = [doc for doc in comparison.documents if doc.status == CHANGED]
    room = limit - _length(out) - _length(_left_out_note(changed))  # the note as long as it could ever be
    left_out = []
    for doc in changed:
        block = _md_block(doc)
        if _length(block) <= room:
            out += block
            room -= _length(block)
        else:
            left_out.append(doc)
    if left_out:
        out += _left_out_note(left_out)
    return out


def as_json(comparison: Comparison) -> str:
    """Every document with its status, changed sections (changes, changed words) and key figures old and new; the
    follow-up measurements old and new."""
    def revision(rev: Revision) -> dict[str, str | bool | None]:
        return {"name": rev.name, "commit": rev.commit, "working_tree": rev.commit is None}

    data = {
        "base": revision(comparison.base),
        "head": revision(comparison.head),
        "author": {"name": comparison.author.name, "date": comparison.author.date.isoformat()},
        "changed": comparison.changed,
        "follow_up": [{"name": f.name, "old": f.old, "new": f.new} for f in comparison.follow_up],
        "documents": [
            {
                "kind": doc.kind, "title": doc.title, "old_title": doc.old_title, "file": doc.stem, "status": doc.status,
                "figures": [{"name": f.name, "old": f.old, "new": f.new} for f in doc.figures],
                "sections": [
                    {
                        "title": s.title, "old_title": s.old_title, "status": s.status,
                        "changes": [
                            {"status": c.status, "type": "row" if c.row else "paragraph", "old": c.old, "new": c.new,
                             "words": [{"op": op, "text": words} for op, words in c.words]}
                            for c in s.changes
                        ],
                    }
                    for s in doc.sections
                ],
            }
            for doc in comparison.documents
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


FORMATS: dict[str, Callable[..., str]] = {"text": text, "markdown": markdown, "json": as_json}

_COLOURS = {ADDED: "green", REMOVED: "red", CHANGED: "yellow"}
_CLOSING = ",.;:!?)]}%»”’"
_SIGNS = {ADDED: "+", REMOVED: "-", CHANGED: "~"}
# The statuses are the JSON's words; the text and the comment show them in the reader's language.
_STATUSES = {ADDED: N_("added"), REMOVED: N_("removed"), CHANGED: N_("changed"), UNCHANGED: N_("unchanged")}


def _status(status: str) -> str:
    return _(_STATUSES[status])


def _section(title: str) -> str:
    return _(FRONT_PAGE) if title == FRONT_PAGE else title


def _summary(comparison: Comparison) -> str:
    total = len(comparison.documents)
    changed = sum(doc.status != UNCHANGED for doc in comparison.documents)
    measured = len(comparison.follow_up)
    also = " " + ngettext("{count} follow-up measurement changed.", "{count} follow-up measurements changed.",
                          measured).format(count=measured) if measured else ""
    if not changed:
        return ngettext("no changes in the {total} document.", "no changes in the {total} documents.", total).format(
            total=total) + also
    return ngettext("{changed} of {total} document changed.", "{changed} of {total} documents changed.", total).format(
        changed=changed, total=total) + also


def _text_change(change: Change, style: Style) -> str:
    if change.status == ADDED:
        added = _("+ row added: {text}") if change.row else _("+ paragraph added: {text}")
        return style(added.format(text=change.new), fg="green")
    if change.status == REMOVED:
        removed = _("- row removed: {text}") if change.row else _("- paragraph removed: {text}")
        return style(removed.format(text=change.old), fg="red")
    marks = {"-": lambda w: style(f"[-{w}-]", fg="red"), "+": lambda w: style(f"{{+{w}+}}", fg="green")}
    return (_("~ row changed:") if change.row else _("~ paragraph changed:")) + " " + _marked(
        _shortened(change), marks, lambda words: words)


def _md_block(doc: DocumentChange) -> str:
    lines = ["", f"<details><summary><b>{_html(doc.title)}</b>: {_status(doc.status)}</summary>", ""]
    if doc.old_title:
        lines.append(_("Title: ~~{old}~~ **{new}**").format(old=_md(doc.old_title), new=_md(doc.title)))
        lines.append("")
    if doc.figures:
        lines.append("**" + _("Key figures") + "**")
        lines.append("")
        lines.extend(f"- {_md(f.name)}: {_md(f.old or _(NONE))} {ARROW} {_md(f.new or _(NONE))}" for f in doc.figures)
        lines.append("")
    for section in doc.sections:
        heading = f"**{_md(_section(section.title))}**"
        if section.old_title:
            heading += " " + _("(was {title})").format(title=_md(_section(section.old_title)))
        if section.status != CHANGED:
            heading += f" ({_status(section.status)})"
        lines += [heading, ""]
        lines.extend(f"- {_md_change(change)}" for change in section.changes)
        lines.append("")
    lines += ["</details>", ""]
    return "\n".join(lines)


def _md_change(change: Change) -> str:
    if change.status == ADDED:
        return (_("Row added: {text}") if change.row else _("Paragraph added: {text}")).format(
            text=f"**{_md(change.new or '')}**")
    if change.status == REMOVED:
        return (_("Row removed: {text}") if change.row else _("Paragraph removed: {text}")).format(
            text=f"~~{_md(change.old or '')}~~")
    marks = {"-": lambda w: f"~~{_md(w)}~~", "+": lambda w: f"**{_md(w)}**"}
    return (_("Row changed:") if change.row else _("Paragraph changed:")) + " " + _marked(
        _shortened(change), marks, _md, apart=True)


def _marked(segments: list[Segment], marks: dict[str, Callable[[str], str]], kept: Callable[[str], str],
            apart: bool = False) -> str:
    """The segments (see diff.word_diff) as one line, each change marked, its leading space outside the mark;
    `apart`: a space between removed words and the words that replace them, where they would otherwise touch
    ('~~attraktive~~ **eftertragtede**'), unless these start with punctuation that closes ('~~og~~**,**')."""
    out = ""
    for n, (op, words) in enumerate(segments):
        if op not in marks:
            out += kept(words)
            continue
        core = words.lstrip()
        out += words[:len(words) - len(core)]
        if apart and op == "+" and n and segments[n - 1][0] == "-" and core == words and core[:1] not in _CLOSING:
            out += " "
        out += marks[op](core)
    return out


def _left_out_note(documents: list[DocumentChange]) -> str:
    if not documents:
        return ""
    names = ", ".join(_md(doc.title) for doc in documents)
    count = len(documents)
    return "\n" + ngettext(
        "**{count} changed document was left out** to keep this comment under GitHub's size limit: {names}. "
        "Run `agreement diff --format text` to see every change.",
        "**{count} changed documents were left out** to keep this comment under GitHub's size limit: {names}. "
        "Run `agreement diff --format text` to see every change.", count).format(count=count, names=names) + "\n"


def _shortened(change: Change) -> list[Segment]:
    """A paragraph's long unchanged runs cut to CONTEXT words either side of a change, so a changed word is easy
    to find; a table row is shown whole, as its first cell says what the row is."""
    segments = change.words
    if change.row:
        return list(segments)
    out: list[Segment] = []
    last = len(segments) - 1
    for n, (op, words) in enumerate(segments):
        body = words.rstrip()
        split = re.findall(r"\s*\S+", body)  # the words, each with the space before it
        keep_start = CONTEXT if n > 0 else 0  # words after the change before this run
        keep_end = CONTEXT if n < last else 0  # words before the change after it
        if op != "=" or not (n > 0 or n < last) or len(split) <= keep_start + keep_end + 1:
            out.append((op, words))
            continue
        head = "".join(split[:keep_start]) + (" …" if keep_start else "…")
        out.append((op, head + ("".join(split[len(split) - keep_end:]) if keep_end else "") + words[len(body):]))
    return out


def _md(value: str) -> str:
    """Text as Markdown that shows exactly these characters: no emphasis, links, HTML, code or mentions from content."""
    return _unmentioned(value, _md_text, "`{}`")


def _md_text(value: str) -> str:
    value = _html_text(value)
    for char in "\\`*_~[]#":
        value = value.replace(char, "\\" + char)
    return value


def _cell(value: str) -> str:
    return _md(value).replace("|", "\\|")


def _html(value: str) -> str:
    return _unmentioned(value, _html_text, "<code>{}</code>")


def _html_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _unmentioned(value: str, escape: Callable[[str], str], code: str) -> str:
    """`value` escaped, each @mention in it as code, which GitHub's and GitLab's mentions skip: nobody is notified.
    (A zero-width character after the @ would do too, but is just what check refuses in content.)"""
    out, at = "", 0
    for mention in _MENTION.finditer(value):
        out += escape(value[at:mention.start()]) + code.format(mention.group())
        at = mention.end()
    return out + escape(value[at:])


def _length(value: str) -> int:
    """Length as GitHub counts it (UTF-16 code units)."""
    return len(value.encode("utf-16-le")) // 2
