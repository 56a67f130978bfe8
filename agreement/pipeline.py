"""The build pipeline, top to bottom: load and check content, render DOCX, convert to PDF, publish."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from agreement.documents import beredskabsplan, budget, delaftale, kommissorium, milepaelsplan, strategic
from agreement.documents.spec import DocumentSpec
from agreement.errors import ToolError, display_path
from agreement.outputs import pdf as convert
from agreement.outputs import pdfmeta
from agreement.publish.atomic import Publication
from agreement.publish.manifest import MANIFEST, BuiltDocument, listed_files, write_manifest
from agreement.publish.names import safe_name
from agreement.publish.outdir import check_out_dir
from agreement.resources import TEMPLATES
from agreement.source.loader import Content, load_content
from agreement.word.renderer import DocxRenderer

FORMATS = ("docx", "pdf")


def document_specs(content: Content) -> list[DocumentSpec]:
    """Every document of the set, in the order of the manifest."""
    return [spec for module in (strategic, delaftale, budget, beredskabsplan, milepaelsplan, kommissorium) for spec in module.specs(content)]


@dataclass
class BuildResult:
    out_dir: Path
    documents: list[BuiltDocument]
    manifest: Path


Progress = Callable[[str], None]


def build(content_dir: Path, out_dir: Path, formats: tuple[str, ...] = FORMATS, *,
          progress: Progress | None = None, templates: Path = TEMPLATES,
          timeout: float = convert.DEFAULT_TIMEOUT) -> BuildResult:
    """Build every document and publish them into `out_dir` all at once, or not at all.

    Nothing in `out_dir` changes unless every requested format was made: if the PDF conversion fails, no
    DOCX is published either, and the ToolError says how to get the Word files alone. A build killed at any
    point leaves `out_dir` as it was or fully published (see agreement.publish.atomic); the next build tidies up.
    """
    say = progress or (lambda _msg: None)
    check_out_dir(out_dir, content_dir)
    content = load_content(content_dir)
    out_dir = out_dir.resolve()
    with Publication(out_dir, progress=say) as publication:
        stage = publication.stage
        documents: list[tuple[BuiltDocument, Path]] = []
        specs = document_specs(content)
        for spec in specs:
            started = time.perf_counter()
            stem = safe_name(spec.stem)  # a delaftale's stem comes from a content file name
            renderer = DocxRenderer(templates / spec.template)
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
    started = time.perf_counter()
    try:
        convert.to_pdf(docx_paths, publication.stage, timeout=timeout, profile_parent=publication.scratch)
        say(f"converted {len(docx_paths)} document(s) to PDF ({time.perf_counter() - started:.1f} s)")
        for spec, docx_path in zip(specs, docx_paths):
            pdfmeta.finish(docx_path.with_suffix(".pdf"), spec.metadata, docx_path.read_bytes())
    except ToolError as exc:
        raise ToolError(f"{exc.message}; nothing in {display_path(out_dir)} was changed. "
                        "To get the Word files alone, run again with --format docx", exc.location) from exc
