"""Property: content either fails the check with located errors, or every DOCX builds and opens."""

from __future__ import annotations

import base64
import functools
import io
import re
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from docx import Document
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl import load_workbook

from agreement.documents.loader import load_content
from agreement.errors import ContentErrors
from agreement.files import sha256_file
from agreement.pipeline import build
from agreement.source.values import value_errors
from agreement.source.yamlload import YamlDocument
from agreement.word.markdown import Footnotes, MarkdownRenderer, styles_for
from agreement.word.ooxml import paragraph, to_xml
from tests.conftest import SAMPLE, add_figure, copy_build, png_bytes

DELAFTALE = "delaftaler/beskaeftigelse.yaml"

# Pieces that must render: Markdown syntax, footnotes with their notes, good links, look-alikes of Jinja,
# WordprocessingML and formulas, character references, and unusual but storable characters.
SAFE = [
    "**", "*", "_", "`", "- ", "\n  - ", "1. ", "# ", "> ", "\n", "\n\n", "  ", " \n", "\t", "^[en note]",
    " se[^a]\n\n[^a]: Note a.\n\n", "[b](https://lbf.dk/a?b=1&c=2)", "[c](mailto:a@b.dk)", "<http://x.dk>",
    "![billede](https://x.dk/y.png)", "[e](#afsnit)", "[f]", "=", '=HYPERLINK("http://x","y")', "&amp;", "&#x1F600;", "&#0;",
    "\\", "\\[^1]", "{{ x }}", "{%p if x %}", "]]>", "<w:t>", "</w:p>", "43 68 68 68", "4.076.000 kr.",
    "\U0001f600", "æøå ÆØÅ", "\u00a0", "\u2028", "\x85", "\x7f",
]
# Pieces the check must reject: undefined or unused footnotes, refused links, characters XML cannot hold, a CPR number,
# characters that hide or turn text.
HOSTILE = [
    "[^1]", "\n\n[^2]: En note.", "[a](javascript:alert(1))", "[d](relativ/sti)", "[g](ftp://x.dk)", "&#12;",
    "010190-1234", "\u200b", "\u202e", "\ufffe", "\x00", "\x0b", "\ud800", "".join(f"\n{'  ' * i}- {i}" for i in range(11)),
]
PRINTABLE = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
PIECE = st.sampled_from(SAFE) | st.text(PRINTABLE, min_size=1, max_size=8)
# Storable text, so examples reach the renderer; half of them carry one hostile piece.
TEXT = st.tuples(st.lists(PIECE, max_size=6), st.none() | st.sampled_from(HOSTILE), st.integers(0, 6)).map(
    lambda t: "".join(t[0][:t[2]] + ([t[1]] if t[1] else []) + t[0][t[2]:]))
NUMBERS = (st.integers(min_value=-(10**16), max_value=10**16) | st.floats(allow_nan=True, allow_infinity=True)
           | st.sampled_from([0, 10**12, 10**12 + 1, 1e-300, -0.0, 88.9]))
AMOUNTS = st.integers(min_value=0, max_value=10**14) | st.sampled_from([float("nan"), float("inf"), 2.5, -1])
STYLES = st.sampled_from([None, "|", '"', "'"])

# field -> (file, pattern of the line that holds it, key)
FIELDS = {
    "delaftale-formål": (DELAFTALE, r"^formål: \|$", "formål"),  # Markdown, a | block
    "activity-name": (DELAFTALE, r"^    navn: Aktivt liv for ledige$", "navn"),  # plain text in a table
    "focus-area-footnote": ("strategic.yaml", r"^  fodnote: ", "fodnote"),  # one-line Markdown in a footnote
    "budget-line-text": ("budget.yaml", r"^      - tekst: Revision af regnskabet$", "tekst"),  # docx table and xlsx
    "baseline": ("strategic.yaml", r"^    boligområde: 88\.9$", "boligområde"),
}


class _Dumper(yaml.SafeDumper):
    """Writes text in the style a test asks for; PyYAML falls back to double quotes where that style cannot hold it."""

    text_style: str | None = None


_Dumper.add_representer(str, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", s, style=d.text_style))


def _set(path: Path, pattern: str, key: str, value: Any, style: str | None) -> None:
    """Replace the value of `key` on the line matching `pattern` (and its block, if any) with `value`."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if re.search(pattern, line))
    column = lines[start].index(key + ":")
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > column):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1  # blank lines after the block belong to what follows
    _Dumper.text_style = style
    dumped = yaml.dump({key: value}, Dumper=_Dumper, allow_unicode=True, width=10**9, sort_keys=False).rstrip("\n")
    new = [(lines[start][:column] if n == 0 else " " * column) + text for n, text in enumerate(dumped.split("\n"))]
    path.write_text("\n".join(lines[:start] + new + lines[end:]), encoding="utf-8")


def _set_amount(content: Path, amount: Any) -> None:
    """Year 1 of one expense line; the municipality pays the difference, so whole amounts keep the budget balanced."""
    path = content / "budget.yaml"
    text = path.read_text(encoding="utf-8")
    amounts = yaml.safe_dump([amount, 25000, 25000, 25000], default_flow_style=True).strip()
    text = text.replace("beløb: [25000, 25000, 25000, 25000]", f"beløb: {amounts}", 1)
    if isinstance(amount, int):
        paid = f"beløb: [{200000 + amount - 25000}, 200000, 200000, 195000]"
        text = text.replace("beløb: [200000, 200000, 200000, 195000]", paid, 1)
    path.write_text(text, encoding="utf-8")


ONE_LINE = TEXT.map(lambda text: text.replace("\n", " ")) | TEXT  # the plain-text fields are one line (a schema rule)
VALUES = {"delaftale-formål": TEXT, "focus-area-footnote": ONE_LINE, "activity-name": ONE_LINE, "budget-line-text": ONE_LINE,
          "baseline": NUMBERS, "budget-amount": AMOUNTS}
CHANGES = st.sampled_from(sorted(VALUES)).flatmap(
    lambda field: st.tuples(st.just(field), VALUES[field], STYLES if field in FIELDS else st.just(None)))


def _check_docx(path: Path) -> None:
    Document(str(path))
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(archive.read(name))


def _check_file(path: Path) -> None:
    """A built file opens: a Word file with python-docx and every XML part parsed, a workbook with openpyxl."""
    if path.suffix == ".docx":
        _check_docx(path)
    else:
        load_workbook(path)


@pytest.fixture(scope="module")
def sample_files(built_docx) -> dict[str, str]:
    """The SHA-256 of each file of the shared Word build of the sample, checked once here: a file an example's
    build makes with the same bytes opens as well, so it need not be opened again."""
    files = {}
    for document in built_docx.documents:
        for name in document.files.values():
            _check_file(built_docx.out_dir / name)
            files[name] = sha256_file(built_docx.out_dir / name)
    return files


@settings(derandomize=True, max_examples=20, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(change=CHANGES)
def test_content_is_rejected_with_a_location_or_builds(built_docx, sample_files: dict[str, str],
                                                       change: tuple[str, Any, str | None]) -> None:
    field, value, style = change
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        shutil.copytree(SAMPLE, content)
        if field == "budget-amount":
            _set_amount(content, value)
        else:
            relative, pattern, key = FIELDS[field]
            _set(content / relative, pattern, key, value, style)
        try:
            load_content(content)
        except ContentErrors as exc:
            event(f"{field}: rejected")
            for error in exc.errors:
                assert error.location is not None and error.location.path and error.location.line >= 1, str(error)
            return
        event(f"{field}: built")
        # Into a copy of the shared Word build of the sample: the documents the change does not touch come from
        # its cache, the others are made.
        result = build(content, copy_build(built_docx.out_dir, Path(tmp) / "out"), ("docx",))
        made = 0
        for document in result.documents:
            for name in document.files.values():
                if sha256_file(result.out_dir / name) != sample_files.get(name):
                    _check_file(result.out_dir / name)
                    made += 1
        event(f"{field}: {'no file differs from the sample' if made == 0 else 'some files differ'}")


MARKDOWN_SCHEMA = {"type": "object", "properties": {"tekst": {"$ref": "#/$defs/markdown"}},
                   "$defs": {"markdown": {"type": "string"}}}
TEMPLATE = SAMPLE.parent / "agreement" / "editions" / "lbf-2019-26" / "strategisk-samarbejdsaftale.docx"


@functools.cache
def _template_part():
    """The agreement template's document part, opened once for every example: rendering only adds hyperlink
    relationships and list numbering to it, which do not change whether a paragraph is storable XML."""
    return Document(str(TEMPLATE)).part


@settings(derandomize=True, max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT | st.text(st.characters(codec="utf-8") | st.sampled_from(list("[]^():<>*_`#-!\\&;\n ")), max_size=60))
def test_markdown_the_check_accepts_renders_to_storable_xml(text: str) -> None:
    """The same promise for the Markdown renderer alone, fast enough for many more examples."""
    if value_errors(YamlDocument("x.yaml", {"tekst": text}), MARKDOWN_SCHEMA):
        event("rejected")
        return
    event("rendered")
    part = _template_part()
    md = MarkdownRenderer(part, Footnotes(), styles_for(part))
    paragraphs = md.blocks(text, 2) + [paragraph(None, *md.inline(text))]
    paragraphs += [p for body in md.footnotes.bodies.values() for p in body]
    for p in paragraphs:
        etree.fromstring(to_xml(p).encode("utf-8"))


def _jpeg(mode: str, **options: Any) -> bytes:
    from PIL import Image  # a test dependency only

    out = io.BytesIO()
    Image.new(mode, (40, 30)).save(out, "JPEG", **options)
    return out.getvalue()


def _jpeg_corpus() -> dict[str, bytes]:
    jfif = _jpeg("RGB")
    assert jfif[2:4] == b"\xff\xe0" and jfif[6:10] == b"JFIF"
    bare = jfif[:2] + jfif[2 + 2 + 16:]  # the JFIF segment taken out: the DQT follows the SOI
    exif_app1 = b"\xff\xe1\x00\x16Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00"
    broken_exif = b"\xff\xe1\x00\x16Exif\x00\x00MM\x00*\xff\xff\xff\xf0\x00\x00\x00\x00\x00\x00"  # IFD far outside
    cmyk = _jpeg("CMYK")
    assert cmyk[2:4] == b"\xff\xee" and cmyk[6:11] == b"Adobe"
    return {"jfif.jpg": jfif, "exif.jpg": bare[:2] + exif_app1 + bare[2:], "adobe-cmyk.jpg": cmyk, "no-appn.jpg": bare,
            "damaged-exif.jpg": bare[:2] + broken_exif + bare[2:]}


SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="30">{}</svg>'


RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
INNER_FILE = "<image href='/etc/x.png'/>"


def _svg_data(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _figure_corpus() -> dict[str, tuple[bytes, str | None]]:
    """File name -> (bytes, None if the check must accept it, else words of its refusal)."""
    png = png_bytes(40, 30)
    corpus: dict[str, tuple[bytes, str | None]] = {name: (data, None) for name, data in _jpeg_corpus().items()}
    corpus.update({
        "plain.png": (png, None),
        "plain.svg": (SVG.format('<rect width="9" height="9" fill="url(#g)"/>').encode(), None),
        "data-png.svg": (SVG.format('<image width="9" height="9" href="data:image/png;base64,'
                                    f'{base64.b64encode(png).decode()}"/>').encode(), None),
        "data-svg.svg": (SVG.format(f'<image width="9" height="9" xlink:href="{_svg_data(SVG.format("<rect/>"))}"/>').encode(),
                         None),
        "data-svg-with-file.svg": (SVG.format(f'<image href="{_svg_data(SVG.format(INNER_FILE))}"/>').encode(),
                                   "refers to another file or address ('/etc/x.png')"),
        "late-doctype.svg": (b"<!--" + b"x" * 70_000 + b'--><!DOCTYPE svg [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                             + SVG.format("&e;").encode(), "declares a DOCTYPE"),
        "doctype-after-svg-comment.svg": (b"<!-- <svg> -->" + b" " * 70_000 + b"<!DOCTYPE svg>" + SVG.format("").encode(),
                                          "declares a DOCTYPE"),
        "import.svg": (SVG.format("<style>@import url(http://x.dk/a.css);</style>").encode(), "@import"),
        "escaped-url.svg": (SVG.format('<rect style="fill: \\75rl(file:///etc/x)"/>').encode(), "escaped characters"),
        "late-href.svg": (SVG.format("<!--" + "x" * 70_000 + '--><use href="other.svg#a"/>').encode(),
                          "refers to another file"),
        "stylesheet.svg": (b'<?xml-stylesheet href="http://x.dk/a.css"?>' + SVG.format("").encode(), "xml-stylesheet"),
        "xinclude.svg": (SVG.format('<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd"/>').encode(),
                         "refers to another file"),
        "latin1.svg": (b'<?xml version="1.0" encoding="ISO-8859-1"?>' + SVG.format("").encode(), "not UTF-8"),
        "broken.svg": (SVG.format("<rect>").encode(), "not well-formed XML"),
        "lfs.png": (b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"0" * 64 + b"\nsize 123\n",
                    "Git LFS pointer, not the picture itself"),
        "empty.png": (b"", "not a PNG, JPEG or SVG picture"),
        "truncated.png": (png[: len(png) // 2], "cut short"),
        "truncated.jpg": (_jpeg("RGB")[:300], "cut short"),
        "gif-named.png": (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "a GIF file, not a PNG"),
        "bmp-named.png": (b"BM" + b"\x00" * 60, "a BMP file, not a PNG"),
        "picture.gif": (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "not a PNG, JPEG or SVG file (by its name)"),
    })
    return corpus


def test_every_figure_the_check_accepts_is_embedded_and_the_rest_are_refused(tmp_path: Path) -> None:
    """Over a corpus of picture kinds: `check` accepts a file exactly when rendering embeds it (SVG as a PNG)."""
    from agreement.images import FigureProblem, figure_path, read_figure
    from agreement.word.figures import figure

    (tmp_path / "figurer").mkdir()
    document = Document(str(TEMPLATE))
    expected = {}
    for name, (data, refusal) in _figure_corpus().items():
        (tmp_path / "figurer" / name).write_bytes(data)
        src = f"figurer/{name}"
        try:
            read_figure(figure_path(tmp_path, src), src)
        except FigureProblem as exc:
            assert refusal is not None and refusal in str(exc), f"{name}: {exc}"
            continue
        assert refusal is None, f"{name} passed the check"
        picture, _ = figure(document.part, tmp_path, src, "Et billede", "", body_style="Normal", caption_style="Caption")
        document.element.body.append(picture)
        expected[name] = data if not name.endswith(".svg") else None
    saved = io.BytesIO()
    document.save(saved)
    reopened = Document(saved)
    blips = reopened.element.body.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}blip")
    rels = reopened.part.rels
    embedded = [rels[blip.get(f"{{{RELS}}}embed")].target_part.blob for blip in blips]
    assert len(embedded) == len(expected)
    for (name, data), blob in zip(expected.items(), embedded, strict=True):
        assert blob == data if data is not None else blob.startswith(b"\x89PNG"), name


def test_an_adobe_cmyk_jpeg_passes_the_check_and_builds(built_docx, tmp_path: Path) -> None:
    """The issue's example end to end: a JPEG with Adobe's header and no JFIF or Exif one, from a print workflow."""
    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content)
    (content / "figurer").mkdir(exist_ok=True)  # the sample has its stand-ins there
    cmyk = _jpeg_corpus()["adobe-cmyk.jpg"]
    (content / "figurer" / "tryk.jpg").write_bytes(cmyk)
    add_figure(content, '![Et billede fra trykkeriet](figurer/tryk.jpg "Trykfil")')
    load_content(content)
    result = build(content, copy_build(built_docx.out_dir, tmp_path / "out"), ("docx",))
    with zipfile.ZipFile(result.out_dir / "strategisk-samarbejdsaftale.docx") as archive:
        assert cmyk in [archive.read(name) for name in archive.namelist() if name.startswith("word/media/")]
