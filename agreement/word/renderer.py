"""Render a docxtpl template: strict, autoescaped Jinja; Markdown subdocuments; footnotes; fixed metadata."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import functools
import io
import re
import resource
import signal
import struct
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Cm
from docxtpl import DocxTemplate
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree
from markupsafe import Markup

from agreement.documents.blocks import BudgetChart, Diagram, Footnote, Markdown, Marked, Table, TrendChart
from agreement.errors import TemplateError
from agreement.files import write_zip
from agreement.i18n import _, number
from agreement.model.metadata import Metadata
from agreement.officezip import WORD, package_problems
from agreement.word import layout, tables
from agreement.word.figures import number_figures
from agreement.word.markdown import Footnotes, MarkdownRenderer
from agreement.word.native import finish_entries
from agreement.word.ooxml import el, paragraph, run, to_xml, w


def raw(xml: str) -> Markup:
    """WordprocessingML that the template inserts as it is (runs for {{r ...}})."""
    # Only our own serialised WordprocessingML comes here (footnote references, drawings), never user text.
    return Markup(xml)  # noqa: S704 - inserting it unescaped is the point


# The filters a template may use: the ones that show a value otherwise, none that can make a value much longer
# (center, indent, format, replace, wordwrap, ...) or mark text as Word XML (safe). LBF's templates use none.
SAFE_FILTERS = frozenset({"abs", "capitalize", "count", "d", "default", "e", "escape", "first", "float", "int", "join",
                          "last", "length", "list", "lower", "max", "min", "reverse", "round", "sort", "string", "sum",
                          "title", "trim", "truncate", "unique", "upper", "wordcount"})
MAX_REPEAT = 10_000  # the longest text or list `*` may make
DIAGRAM_DPI = 200  # Graphviz draws at this resolution; at it the drawing's text has the size the DOT source gives
RENDER_SECONDS = 30.0  # a template that takes longer to fill in loops too much (templates take a tenth of a second)
RENDER_MEMORY = 2**30  # more memory than filling in a template may take (the sample's largest takes a few MB)


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with no calls at all and `*` and `%` kept from making values without end."""

    intercepted_binops = frozenset({"*", "%", "**"})  # intercepted ones are also never worked out while compiling

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" or (operator == "%" and isinstance(left, str)):
            raise SecurityError(_("the operator '{operator}' is not for templates").format(operator=operator))
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_REPEAT:
                    raise SecurityError(_("a tag makes a value of more than {count} items with '*'").format(count=number(MAX_REPEAT)))
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        raise SecurityError(_("a template may not call functions or methods"))


def environment() -> jinja2.Environment:
    """The Jinja that renders templates: sandboxed and immutable, strict, autoescaped, with no loader, no globals, no
    calls and only the filters in SAFE_FILTERS.

    A template is data from a content folder (or another branch): it may read the values it is given and nothing
    else, so lipsum, cycler and the like, which lead back to Python's modules, are not offered either; and the
    values it is given are plain data and text (never objects with methods: see DocxRenderer._word).
    """
    env = _Sandbox(undefined=jinja2.StrictUndefined, autoescape=True)
    env.globals.clear()
    env.filters = {name: f for name, f in env.filters.items() if name in SAFE_FILTERS}
    return env


@contextlib.contextmanager
def _limits(template: str) -> Iterator[None]:
    """Stop filling in `template` after RENDER_SECONDS, or once it needs RENDER_MEMORY more memory than the build
    held before (in the main thread, where signals arrive, and where the process may be given a memory limit)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(_signum: int, _frame: object) -> None:
        raise TemplateError(_("template {template} took more than {seconds} seconds to fill in, so it loops too much; "
                              "remove the loops it does not need").format(template=template, seconds=number(RENDER_SECONDS)))

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, RENDER_SECONDS)
    limits = resource.getrlimit(resource.RLIMIT_AS)
    used = _address_space()
    if used is not None and (limits[0] == resource.RLIM_INFINITY or limits[0] > used + RENDER_MEMORY):
        resource.setrlimit(resource.RLIMIT_AS, (used + RENDER_MEMORY, limits[1]))
    try:
        yield
    except MemoryError:
        raise TemplateError(_("template {template} makes values too large to hold in memory (more than {gigabytes} GB); "
                              "remove the tags that repeat or join values").format(
                                template=template, gigabytes=RENDER_MEMORY // 2**30)) from None
    finally:
        resource.setrlimit(resource.RLIMIT_AS, limits)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _address_space() -> int | None:
    """The bytes of address space this process holds now (Linux), or None where that cannot be read."""
    try:
        pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * resource.getpagesize()


_BODY_TAG = re.compile(r"</?w:body[^>]*>")


@functools.cache
def _empty_body() -> etree._Element:
    """The body of python-docx's default document, emptied: the parent a Subdoc's paragraphs have."""
    from docx import Document

    body: etree._Element = Document().element.body
    for child in list(body):
        body.remove(child)
    return body


class DocxRenderer:
    """One document being rendered from one template."""

    def __init__(self, template: Path, content_root: Path | None = None) -> None:
        """`content_root` is the content folder the Markdown's figures are read from."""
        if not template.is_file():
            raise TemplateError(_("template not found: {template}; run 'make templates' to generate it").format(template=template))
        self.template = template
        try:
            self.tpl = DocxTemplate(str(template))
            self.tpl.init_docx()
        except Exception as exc:  # a broken zip or XML: say which file, not a traceback
            raise TemplateError(_("template {template} cannot be opened: {exc}").format(template=template, exc=exc)) from None
        self.part = self.tpl.docx.part
        self.footnotes = Footnotes()
        self.md = MarkdownRenderer(self.part, self.footnotes, figures=content_root)

    # -- the context's blocks as WordprocessingML ---------------------------

    def _word(self, value: Any) -> Any:
        """`value` with every block in it (agreement.documents.blocks) made WordprocessingML: paragraphs for
        {{p ...}}, runs for {{r ...}}. Made in document order, as footnotes and pictures are numbered."""
        if isinstance(value, Markdown):
            return self._paragraphs(self.md.blocks(value.text or "", value.level))
        if isinstance(value, Table):
            return self._paragraphs([tables.element(value, self._text_width_cm(), self._styles())])
        if isinstance(value, Diagram):
            return self._diagram(value)
        if isinstance(value, (TrendChart, BudgetChart)):
            return self._chart(value)
        if isinstance(value, Footnote):
            return self._footnote(value.markdown)
        if isinstance(value, Marked):
            return self._paragraphs([marked(value)])
        if isinstance(value, dict):
            return {key: self._word(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [self._word(item) for item in value]
        return value

    def _paragraphs(self, elements: list[etree._Element]) -> Markup:
        """Block-level WordprocessingML for {{p ...}}: the XML docxtpl's Subdoc inserts, without its Word document
        (a Subdoc opens a whole python-docx Document per value; our paragraphs refer only to parts of the main
        document). Serialised in a copy of an empty python-docx body, so namespaces come out as in a Subdoc; text,
        so a template gets no element whose methods could write or read files."""
        body = copy.deepcopy(_empty_body())
        for element in elements:
            body.append(element)
        return raw(_BODY_TAG.sub("", etree.tostring(body, encoding="unicode", pretty_print=False)))

    @functools.cache  # noqa: B019 - one renderer renders one document
    def _styles(self) -> layout.Styles:
        """What the table layout needs from the template's styles."""
        return layout.Styles.from_xml(self.tpl.docx.styles.element)

    def _text_width_cm(self) -> float:
        """The width between the margins of the template's first section, so a template edited in Word is honoured."""
        section = self.tpl.docx.sections[0]
        return cast(float, (section.page_width - section.left_margin - section.right_margin) / Cm(1))  # docxtpl is untyped

    def _footnote(self, markdown_text: str) -> Markup:
        """A footnote reference run, with its text in the footnotes part."""
        fid = self.footnotes.allocate()
        self.footnotes.bodies[fid] = [paragraph(self.md.styles.footnote_text, *self.md.inline(markdown_text))]
        return raw(to_xml(self.footnotes.reference(fid)))

    def _diagram(self, diagram: Diagram) -> Markup:
        """The drawing as an inline picture run, as large as fits its box, with alternative text for screen readers."""
        from agreement.word.diagram import render_png

        png = render_png(diagram.dot_source, dpi=DIAGRAM_DPI)
        width_px, height_px = struct.unpack(">II", png[16:24])
        width_cm = min(diagram.max_width_cm, diagram.max_height_cm * width_px / height_px)
        if diagram.text_points is not None:  # never enlarged beyond the size at which its text is the largest allowed
            drawn, largest = diagram.text_points
            width_cm = min(width_cm, width_px / DIAGRAM_DPI * 2.54 * largest / drawn)
        inline = self.part.new_pic_inline(io.BytesIO(png), Cm(width_cm), None)
        inline.docPr.set("descr", diagram.description)
        inline.docPr.set("name", diagram.description)
        drawing = el("r", None, el("drawing"))
        drawing[0].append(inline)
        return raw(to_xml(drawing))

    def _chart(self, chart: TrendChart | BudgetChart) -> Markup:
        """The chart drawn by matplotlib, with its alt text, kept with its caption 'Figur N: ...'."""
        from agreement.images import probe
        from agreement.word import charts
        from agreement.word.figures import captioned

        png = charts.render_png(chart)
        width_cm, height_cm = charts.size_cm(chart)
        return self._paragraphs(captioned(self.part, png, probe(png), Cm(width_cm), Cm(height_cm), chart.description,
                                          chart.caption, chart.caption, body_style=self.md.styles.body,
                                          caption_style=self.md.styles.caption))

    # -- output ------------------------------------------------------------

    def render(self, context: dict[str, Any]) -> None:
        """Render `context` (plain data and blocks) into the template, then lay out what it made."""
        values = self._word(context)
        try:
            with _limits(self.template.name):
                self.tpl.render(values, environment(), autoescape=True)
        except TemplateError:
            raise
        except jinja2.UndefinedError as exc:
            raise TemplateError(_("template {template} uses a value the content does not provide: {reason}")
              .format(template=self.template.name, reason=exc.message)) from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(_("template {template} has a broken tag: {reason}")
              .format(template=self.template.name, reason=exc.message)) from None
        except SecurityError as exc:  # `templates check` refuses what it can see; what values do shows only here
            raise TemplateError(_("template {template} does what a template may not ({exc}); show the values the document kind "
                                  "provides, as they are").format(template=self.template.name, exc=exc)) from None
        except Exception as exc:  # a tag that cannot be worked out, such as {{ 1/0 }} or {{ 1 + "a" }}
            raise TemplateError(_("template {template} has a tag that cannot be filled in ({kind}: {exc}); show the values as "
                                  "they are, without arithmetic").format(
                                    template=self.template.name, kind=type(exc).__name__, exc=exc)) from None
        layout.join_full_stops(self.tpl.docx.element.body)
        layout.lay_out(self.tpl.docx.element.body, self._styles())
        number_figures(self.tpl.docx.element.body)
        self._write_footnotes()

    def save(self, path: Path, meta: Metadata) -> None:
        props = self.tpl.docx.core_properties
        moment = dt.datetime.combine(meta.date, dt.time(12, 0))
        props.title = meta.title
        props.author = meta.author
        props.subject = meta.subject
        props.keywords = meta.keywords
        props.language = meta.language
        props.created = props.modified = moment
        props.last_modified_by = "agreement"
        props.revision = 1
        props.comments = ""
        # Saved into memory, then made Word-native and written as one normalised zip.
        saved = io.BytesIO()
        self.tpl.save(saved)
        with zipfile.ZipFile(saved) as package:
            # The filled-in document is held to the rules its template is: a tag can write Word code of its own
            # (from pieces of the values it is given), and what it wrote must not fetch, run or pull in anything.
            problems = package_problems(package, WORD)
            if problems:
                raise TemplateError(_("template {template} made a document that {problem}; a tag in it writes Word code of its own: "
                                      "remove it").format(template=self.template.name, problem=problems[0]))
            entries = {info.filename: package.read(info) for info in package.infolist()}
        write_zip(path, finish_entries(entries, meta).items())

    def _write_footnotes(self) -> None:
        if not self.footnotes.bodies:
            return
        part = self.part.part_related_by(RT.FOOTNOTES)
        root = etree.fromstring(part.blob)
        for fid in sorted(self.footnotes.bodies):
            note = el("footnote", {"id": str(fid)})
            paragraphs = self.footnotes.bodies[fid] or [paragraph(self.md.styles.footnote_text)]
            first = paragraphs[0]
            mark = el("r", None, el("rPr", None, el("rStyle", {"val": "FootnoteReference"})), el("footnoteRef"))
            insert_at = 1 if first.find(w("pPr")) is not None else 0
            first.insert(insert_at, mark)
            first.insert(insert_at + 1, el("r", None, _space()))
            for p in paragraphs:
                note.append(p)
            root.append(note)
        etree.cleanup_namespaces(root)
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# How removed and added words look: struck through or underlined, so the marks do not rest on colour alone
# (in the order CT_RPr declares them).
_MARKS = {"-": (el("strike"), el("color", {"val": "C00000"})),
          "+": (el("color", {"val": "00703C"}), el("u", {"val": "single"}))}


def marked(block: Marked) -> etree._Element:
    """The paragraph of a Marked block: its label in bold, then the words as diff.word_diff gives them, spaces
    included; a marked run's spaces stand outside its mark, and removed words are kept apart from the words that
    replace them ('attraktive eftertragtede', not 'attraktiveeftertragtede')."""
    runs = [run(block.label, bold=True), run(" ")] if block.label else []
    previous, spaced = "", True
    for op, words in block.segments:
        if op not in _MARKS:
            runs.append(run(words))
            previous, spaced = op, words[-1:].isspace()
            continue
        core = words.strip()
        lead = words[:len(words) - len(words.lstrip())]
        if not lead and not spaced and op == "+" and previous == "-" and core[:1] not in ",.;:!?)":
            lead = " "
        if lead:
            runs.append(run(lead))
        r = run(core)
        r.insert(0, el("rPr", None, *(copy.deepcopy(mark) for mark in _MARKS[op])))
        runs.append(r)
        if words.rstrip() != words:
            runs.append(run(words[len(words.rstrip()):]))
        previous, spaced = op, words[-1:].isspace()
    return paragraph(None, *runs)


def _space() -> etree._Element:
    t = el("t")
    t.text = " "
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return t
