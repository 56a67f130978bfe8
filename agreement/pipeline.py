"""The build pipeline, top to bottom: load and check content, render DOCX, convert to PDF, publish."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agreement.documents.loader import load_content
from agreement.errors import ContentError, TemplateProblems, ToolError, display_path
from agreement.i18n import _, decimal, ngettext
from agreement.options import DEFAULT_TIMEOUT, FORMATS
from agreement.publish.atomic import Publication
from agreement.publish.cache import Cache, Uncacheable, document_key
from agreement.publish.manifest import MANIFEST, BuiltDocument, write_manifest
from agreement.publish.names import safe_name
from agreement.publish.outdir import check_out_dir

if TYPE_CHECKING:
    from agreement.documents.registry import Registry
    from agreement.documents.spec import DocumentSpec
    from agreement.model.programme import Programme
    from agreement.outputs.pdf import Office



def registry_or_default(registry: Registry | None) -> Registry:
    if registry is not None:
        return registry
    from agreement.documents.builtin import KINDS

    return KINDS


def load(content_dir: Path, registry: Registry | None = None) -> tuple[Programme, list[DocumentSpec]]:
    """Check the content and model it; the specs of every document it makes, in the order of the manifest."""
    kinds = registry_or_default(registry)
    programme = load_content(content_dir, kinds.kinds())
    return programme, kinds.specs(programme)


SHARED_VALUES = frozenset({"draft"})  # values the build adds to every document's context


def check_templates(programme: Programme, specs: list[DocumentSpec], registry: Registry | None = None, *,
                    cache: Cache | None = None) -> list[str]:
    """Every problem in the edition's templates (unknown or split tags, broken tags, missing styles, parts that
    are more than a document) and in its workbook, if it carries one.

    A template is checked against the values its kind really provides (the context of its first document);
    a kind without documents in this content is still checked for split tags and styles. With a `cache`, a
    template whose bytes and provided values passed before is not opened again.
    """
    from agreement.files import sha256_file

    provided: dict[str, set[str] | None] = {}
    kind_styles: dict[str, dict[str, str]] = {}
    for kind in registry_or_default(registry):
        provided.setdefault(kind.template, None)
        kind_styles.setdefault(kind.template, {}).update(kind.styles)
    for spec in specs:
        if provided.get(spec.template) is None:
            provided[spec.template] = set(spec.context) | SHARED_VALUES
    problems: list[str] = []
    for template, names in provided.items():
        path = programme.edition.template(template)
        if not path.is_file() and names is None:
            continue  # a kind this content has no document of (a local edition made before the kind was added)
        if not path.is_file():
            problems.append(_("{template}: missing from the edition {name} ({path}); copy it from the built-in edition with 'agreement "
                              "templates export'").format(
                template=template, name=programme.edition.name, path=display_path(path)))
            continue
        key = None
        if cache is not None:
            key = document_key({"check": template, "template": sha256_file(path), "names": sorted(names or ()),
                                "styles": sorted(kind_styles[template])})
            if cache.lookup(key, []) is not None:
                continue
        from agreement.word.templatecheck import check_template

        found = check_template(path, names if names is not None else set(), kind_styles=kind_styles[template])
        if names is None:  # no document of this kind to say what it provides: only the form of the tags
            found = [p for p in found if not p.unknown_name]
        problems.extend(str(p) for p in found)
        if key is not None and not found:
            cache.pending_marks.append(key)  # type: ignore[union-attr]
    from agreement.documents.spec import ReportWorkbook
    from agreement.editions import workbook_problems

    workbooks = {w.lbf_workbook for spec in specs for w in spec.extras.values() if isinstance(w, ReportWorkbook)}
    for workbook in sorted(w for w in workbooks if w is not None):
        problems.extend(f"{workbook.name}: {p}" for p in workbook_problems(workbook))
    return problems


def check_edition_spelling(programme: Programme, registry: Registry | None = None) -> list[ContentError]:
    """A warning for every word of the edition's fixed text (its templates' paragraphs and edition.yaml) that the
    Danish dictionary and the ordliste.txt of the content and of the edition do not know."""
    from agreement.editions import EDITION_FILE
    from agreement.source.schema import load_schema
    from agreement.source.spellcheck import spelling_warnings
    from agreement.source.yamlload import load_yaml
    from agreement.spelling import Speller, cache_file
    from agreement.word.templatecheck import fixed_text

    edition = programme.edition
    templates = dict.fromkeys(kind.template for kind in registry_or_default(registry))
    paragraphs = [p for template in templates if edition.template(template).is_file()
                  for p in fixed_text(edition.template(template))]
    document = load_yaml(edition.folder / EDITION_FILE)  # read before, by load_edition: no errors left in it
    return spelling_warnings([(document, load_schema("edition"))], programme.root, Speller(cache_file()), fixed=paragraphs,
                             edition=edition.folder)


@dataclass
class BuildResult:
    out_dir: Path
    documents: list[BuiltDocument]
    manifest: Path


Progress = Callable[[str], None]


def build(content_dir: Path, out_dir: Path, formats: tuple[str, ...] = FORMATS, *,
          progress: Progress | None = None, timeout: float = DEFAULT_TIMEOUT,
          registry: Registry | None = None, clean: bool = False, office: Office | None = None) -> BuildResult:
    """Build every document and publish them into `out_dir` all at once, or not at all.

    Nothing in `out_dir` changes unless every requested format was made: if the PDF conversion fails, no
    DOCX is published either, and the ToolError says how to get the Word files alone. A build killed at any
    point leaves `out_dir` as it was, fully published, or (killed while the files are moved into place) with the
    new files beside the old manifest, which the next build completes before anything else (see agreement.publish.atomic).

    A document whose inputs are unchanged since an earlier build into `out_dir` is copied from the cache in
    `out_dir/.agreement_cache` (see agreement.publish.cache) instead of being made again; `clean` ignores the
    cache and fills it anew. LibreOffice starts before the first document is rendered, so it boots while the
    Word files are made; `office` is an already started one to use instead (agreement watch keeps one for its lifetime).
    """
    from agreement.outputs.pdf import Office  # not at the top: `check` imports this module

    say = progress or (lambda _msg: None)
    check_out_dir(out_dir, content_dir)
    out_dir = out_dir.resolve()
    want_pdf = "pdf" in formats
    # LibreOffice takes a second to start: when a content file or template is newer than the last build, a
    # document will most likely be converted, so start it now, to boot while the content is read and the Word
    # files are rendered. (Only a guess for speed: which documents are made is decided by the cache keys.)
    early = want_pdf and office is None and (clean or _newer_than_last_build(content_dir, out_dir))
    with Publication(out_dir, progress=say) as publication:
        own_office: Office | None = None
        try:
            if early:  # assigned before it starts, so a Ctrl-C while LibreOffice starts still stops it below
                own_office = Office(publication.scratch)
                own_office.start()
            programme, specs = load(content_dir, registry)
            cache = Cache(out_dir, fresh=clean, say=say)
            problems = check_templates(programme, specs, registry, cache=cache)
            if problems:
                raise TemplateProblems(problems)
            plans = [_plan(spec, programme, formats, cache) for spec in specs]
            stage = publication.stage
            if want_pdf and office is None:
                if own_office is None and any(plan.cached is None or plan.pdf_cached is None for plan in plans):
                    own_office = Office(publication.scratch)
                    own_office.start()  # boots while the Word files are rendered
                office = own_office
            converter = office if want_pdf else None
            built = [_make(plan, programme, stage, converter, cache, say) for plan in plans]
            if converter is not None:
                converted = [plan for plan in plans if plan.pdf_key is not None and plan.pdf_cached is None]
                _finish_pdfs(converted, stage, converter, out_dir, timeout, say)
        finally:
            if own_office is not None:  # stopped before the build returns, however it ends
                own_office.close()
        for plan, doc in zip(plans, built):
            for fmt in FORMATS:
                if fmt in formats:
                    doc.files[fmt] = f"{plan.stem}.{fmt}"
            if plan.cached is None and plan.key is not None:
                cache.store(plan.key, {name: stage / name for name in plan.names})
            if plan.pdf_key is not None and plan.pdf_cached is None:
                cache.store(plan.pdf_key, {f"{plan.stem}.pdf": stage / f"{plan.stem}.pdf"})
        if not want_pdf:  # a Word-only build keeps the PDFs of its Word files for the next build with PDFs
            for plan in plans:
                with contextlib.suppress(Uncacheable):
                    cache.keep(_pdf_key(plan, stage / f"{plan.stem}.docx"))
        for key in cache.pending_marks:
            cache.store(key, {})
        write_manifest(stage, built)
        names = [name for doc in built for name in doc.files.values()]
        # Files the previous manifest listed that this build no longer makes (a removed delaftale, say) go;
        # files no manifest listed are never touched.
        moved = publication.commit([*names, MANIFEST])
        if MANIFEST not in moved:
            with contextlib.suppress(OSError):  # only a hint for the next build (see _newer_than_last_build)
                os.utime(out_dir / MANIFEST)  # the manifest's time is the last build's
        cache.prune()  # under the publication's lock, like every read of the cache above
    return BuildResult(out_dir, built, out_dir / MANIFEST)


@dataclass
class _Plan:
    """One document of a build: its spec, file stem, the files its key stands for (the Word file and the
    workbooks: what does not depend on LibreOffice), that key (None: not cacheable) and their cached copies,
    if any; and when a PDF is wanted, the PDF's own key and its cached copy, if any."""

    spec: DocumentSpec
    stem: str
    names: list[str]
    key: str | None
    cached: dict[str, Path] | None
    pdf_key: str | None = None  # known once the Word file is: its bytes, the metadata and LibreOffice
    pdf_cached: Path | None = None


def _plan(spec: DocumentSpec, programme: Programme, formats: tuple[str, ...], cache: Cache) -> _Plan:
    from agreement.files import sha256_file

    stem = safe_name(spec.stem)  # a delaftale's stem comes from a content file name
    names = [f"{stem}.docx", *(f"{stem}.{fmt}" for fmt in spec.extras)]
    try:
        # Neither the formats asked for nor LibreOffice make the Word file or the workbooks: a Word-only build, a
        # fake or upgraded LibreOffice, share these entries; the PDF has a key of its own (see _pdf_key).
        key = document_key({
            "kind": spec.kind, "title": spec.title, "stem": stem,
            "template": sha256_file(programme.edition.template(spec.template)),
            "context": spec.context, "reads": _reads(spec.context, programme.root),
            "draft": spec.draft_at is not None, "metadata": spec.metadata, "extras": spec.extras,
        })
    except Uncacheable:
        return _Plan(spec, stem, names, None, None)
    plan = _Plan(spec, stem, names, key, cache.lookup(key, names))
    if plan.cached is not None and "pdf" in formats:
        _find_pdf(plan, plan.cached[f"{stem}.docx"], cache)
    return plan


def _reads(context: dict[str, Any], content_root: Path) -> dict[str, Any]:
    """What rendering `context` reads besides its values and the template: the figure files a Markdown text may
    show, the installed Graphviz that draws a Diagram, the Carlito files a Table is measured in and a chart drawn
    in, and the matplotlib that draws a chart."""
    from agreement.documents.blocks import BudgetChart, Diagram, Markdown, Table, TrendChart, blocks
    from agreement.files import file_identity, sha256_file
    from agreement.publish.cache import CACHE_DIR
    from agreement.resources import EDITOR_SCHEMAS
    from agreement.word.diagram import graphviz_version

    found = list(blocks(context))
    reads: dict[str, Any] = {}
    if any(isinstance(b, Markdown) and "![" in (b.text or "") for b in found):
        reads["figures"] = {str(path.relative_to(content_root)): sha256_file(path) for path in sorted(content_root.rglob("*"))
                            if path.is_file() and path.suffix not in (".yaml", ".yml") and CACHE_DIR not in path.parts
                            and EDITOR_SCHEMAS not in path.relative_to(content_root).parts}
    if any(isinstance(b, Diagram) for b in found):
        reads["graphviz"] = graphviz_version()  # not the drawing: an unchanged build runs no Graphviz
    if any(isinstance(b, (Table, TrendChart, BudgetChart)) for b in found):
        from agreement.word.measure import font_file

        reads["fonts"] = [file_identity(font_file(bold)) for bold in (False, True)]
    if any(isinstance(b, (TrendChart, BudgetChart)) for b in found):
        from importlib import metadata

        reads["matplotlib"] = metadata.version("matplotlib")  # not the drawing: an unchanged build draws nothing
    return reads


def _pdf_key(plan: _Plan, docx: Path) -> str:
    """The key of the PDF of the Word file `docx`: its bytes, the document's metadata and LibreOffice."""
    from agreement.files import sha256_file

    return document_key({"docx": sha256_file(docx), "metadata": plan.spec.metadata, "libreoffice": _libreoffice_version()})


def _find_pdf(plan: _Plan, docx: Path, cache: Cache) -> None:
    """Set the plan's PDF key from its Word file `docx`, and the cached PDF of that key, if there is one."""
    pdf = f"{plan.stem}.pdf"
    plan.pdf_key = _pdf_key(plan, docx)
    cached = cache.lookup(plan.pdf_key, [pdf])
    plan.pdf_cached = cached[pdf] if cached else None


def _make(plan: _Plan, programme: Programme, stage: Path, office: Office | None, cache: Cache,
          say: Progress) -> BuiltDocument:
    """Stage the document's files: copied from the cache, or rendered (and its PDF queued with `office`)."""
    spec = plan.spec
    doc = BuiltDocument(spec.kind, spec.title, spec.status)
    if plan.cached is not None:
        for name, path in plan.cached.items():
            shutil.copyfile(path, stage / name)
        for fmt in spec.extras:
            doc.files[fmt] = f"{plan.stem}.{fmt}"
        say(_("unchanged {stem}.docx (from the cache)").format(stem=plan.stem))
        if plan.pdf_key is not None:  # a PDF is wanted
            _pdf(plan, stage / f"{plan.stem}.docx", office)
        return doc
    from agreement.word.renderer import DocxRenderer

    started = time.perf_counter()
    renderer = DocxRenderer(programme.edition.template(spec.template), programme.root)
    renderer.render({**spec.context, "draft": spec.draft_at is not None})
    docx_path = stage / f"{plan.stem}.docx"
    renderer.save(docx_path, spec.metadata)
    if office is not None:
        # The same DOCX (a document whose inputs changed in a way that does not show) needs no new PDF.
        _find_pdf(plan, docx_path, cache)
        _pdf(plan, docx_path, office)
    for fmt, workbook in spec.extras.items():
        from agreement.outputs.xlsx import write_workbook  # openpyxl: only for a document with a workbook

        write_workbook(stage / f"{plan.stem}.{fmt}", workbook)
        doc.files[fmt] = f"{plan.stem}.{fmt}"
    say(_("rendered {name} ({seconds} s)").format(name=docx_path.name, seconds=decimal(time.perf_counter() - started)))
    return doc


def _pdf(plan: _Plan, docx: Path, office: Office | None) -> None:
    """Stage the document's PDF next to its Word file `docx`: the cached one, or queued with `office` (which
    the build starts whenever a PDF is not cached)."""
    if plan.pdf_cached is not None:
        shutil.copyfile(plan.pdf_cached, docx.with_suffix(".pdf"))
    else:
        assert office is not None
        office.submit(docx, docx.with_suffix(".pdf"))


def _finish_pdfs(plans: list[_Plan], stage: Path, office: Office, out_dir: Path, timeout: float,
                 say: Progress) -> None:
    """Wait for the queued PDFs and write their metadata; a failure publishes nothing and says what to do instead."""
    from agreement.outputs import pdfmeta

    started = time.perf_counter()
    try:
        office.wait(timeout)
        for plan in plans:
            docx_path = stage / f"{plan.stem}.docx"
            pdfmeta.finish(docx_path.with_suffix(".pdf"), plan.spec.metadata, docx_path.read_bytes())
    except ToolError as exc:
        raise ToolError(_("{message}; nothing in {out_dir} was changed. To get the Word files alone, run again with --format docx").format(
            message=exc.message, out_dir=display_path(out_dir)), exc.location) from exc
    if plans:
        say(ngettext("converted {n} document to PDF ({seconds} s)", "converted {n} documents to PDF ({seconds} s)", len(plans)).format(
            n=len(plans), seconds=decimal(time.perf_counter() - started)))


def _newer_than_last_build(content_dir: Path, out_dir: Path) -> bool:
    """Whether a file in the content folder changed after out_dir's manifest was written (or there is none)."""
    try:
        built = (out_dir / MANIFEST).stat().st_mtime_ns
        return any(path.stat().st_mtime_ns >= built for path in content_dir.rglob("*") if path.is_file())
    except OSError:
        return True


def _libreoffice_version() -> str:
    from agreement.outputs.pdf import libreoffice_version

    return libreoffice_version()
