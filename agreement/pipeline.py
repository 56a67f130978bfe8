"""The build pipeline, top to bottom: load and check content, render DOCX, convert to PDF, publish."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from agreement.errors import TemplateError, TemplateProblems, ToolError, display_path
from agreement.publish.atomic import Publication
from agreement.publish.manifest import MANIFEST, BuiltDocument, listed_files, write_manifest
from agreement.publish.names import safe_name
from agreement.publish.outdir import check_out_dir
from agreement.source.loader import load_content

if TYPE_CHECKING:
    from agreement.documents.registry import Registry
    from agreement.documents.spec import DocumentSpec
    from agreement.model.programme import Programme

DEFAULT_TIMEOUT = 300.0
FORMATS = ("docx", "pdf")


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


def check_templates(programme: Programme, specs: list[DocumentSpec], registry: Registry | None = None) -> list[str]:
    """Every problem in the edition's templates: unknown or split tags, broken tags, missing styles.

    A template is checked against the values its kind really provides (the context of its first document);
    a kind without documents in this content is still checked for split tags and styles.
    """
    from agreement.word.renderer import DocxRenderer
    from agreement.word.templatecheck import check_template

    provided: dict[str, set[str] | None] = {}
    for kind in registry_or_default(registry):
        provided.setdefault(kind.template, None)
    for spec in specs:
        if provided.get(spec.template) is None:
            path = programme.edition.template(spec.template)
            try:
                provided[spec.template] = set(spec.context(DocxRenderer(path, programme.root))) | SHARED_VALUES
            except TemplateError:
                provided[spec.template] = set()  # the check below says why the template cannot be opened
    problems: list[str] = []
    for template, names in provided.items():
        path = programme.edition.template(template)
        if not path.is_file():
            problems.append(f"{template}: missing from the edition {programme.edition.name} ({display_path(path)}); "
                            "copy it from the built-in edition with 'agreement templates export'")
            continue
        found = check_template(path, names if names is not None else set())
        if names is None:  # no document of this kind to say what it provides: only the form of the tags
            found = [p for p in found if not p.message.startswith(("unknown tag", "unknown value"))]
        problems.extend(str(p) for p in found)
    return problems


@dataclass
class BuildResult:
    out_dir: Path
    documents: list[BuiltDocument]
    manifest: Path


Progress = Callable[[str], None]


def build(content_dir: Path, out_dir: Path, formats: tuple[str, ...] = FORMATS, *,
          progress: Progress | None = None, timeout: float = DEFAULT_TIMEOUT,
          registry: Registry | None = None) -> BuildResult:
    """Build every document and publish them into `out_dir` all at once, or not at all.

    Nothing in `out_dir` changes unless every requested format was made: if the PDF conversion fails, no
    DOCX is published either, and the ToolError says how to get the Word files alone. A build killed at any
    point leaves `out_dir` as it was or fully published (see agreement.publish.atomic); the next build tidies up.
    """
    say = progress or (lambda _msg: None)
    check_out_dir(out_dir, content_dir)
    programme, specs = load(content_dir, registry)
    from agreement.word.renderer import DocxRenderer

    problems = check_templates(programme, specs, registry)
    if problems:
        raise TemplateProblems(problems)
    out_dir = out_dir.resolve()
    with Publication(out_dir, progress=say) as publication:
        stage = publication.stage
        documents: list[tuple[BuiltDocument, Path]] = []
        for spec in specs:
            started = time.perf_counter()
            stem = safe_name(spec.stem)  # a delaftale's stem comes from a content file name
            renderer = DocxRenderer(programme.edition.template(spec.template), programme.root)
            renderer.render({**spec.context(renderer), "draft": spec.draft_at is not None})
            docx_path = stage / f"{stem}.docx"
            renderer.save(docx_path, spec.metadata)
            built_doc = BuiltDocument(spec.kind, spec.title, spec.status)
            for fmt, write in spec.extras.items():
                write(stage / f"{stem}.{fmt}")
                built_doc.files[fmt] = f"{stem}.{fmt}"
            documents.append((built_doc, docx_path))
            say(f"rendered {docx_path.name} ({time.perf_counter() - started:.1f} s)")

        if "pdf" in formats:
            _convert_to_pdf(specs, [path for _, path in documents], publication, out_dir, timeout, say)

        built = []
        for doc, docx_path in documents:
            for fmt in FORMATS:
                if fmt in formats:
                    doc.files[fmt] = f"{docx_path.stem}.{fmt}"
            built.append(doc)
        write_manifest(stage, built)
        names = [name for doc in built for name in doc.files.values()]
        # Files the previous manifest listed that this build no longer makes (a removed delaftale, say) go;
        # files no manifest listed are never touched.
        publication.commit([*names, MANIFEST], remove=listed_files(out_dir) - {*names, MANIFEST})
    return BuildResult(out_dir, built, out_dir / MANIFEST)


def _convert_to_pdf(specs: list[DocumentSpec], docx_paths: list[Path], publication: Publication, out_dir: Path,
                    timeout: float, say: Progress) -> None:
    """Every staged DOCX to PDF with its metadata; a failure publishes nothing and says what to do instead."""
    from agreement.outputs import pdf as convert
    from agreement.outputs import pdfmeta

    started = time.perf_counter()
    try:
        convert.to_pdf(docx_paths, publication.stage, timeout=timeout, profile_parent=publication.scratch)
        say(f"converted {len(docx_paths)} document(s) to PDF ({time.perf_counter() - started:.1f} s)")
        for spec, docx_path in zip(specs, docx_paths):
            pdfmeta.finish(docx_path.with_suffix(".pdf"), spec.metadata, docx_path.read_bytes())
    except ToolError as exc:
        raise ToolError(f"{exc.message}; nothing in {display_path(out_dir)} was changed. "
                        "To get the Word files alone, run again with --format docx", exc.location) from exc
