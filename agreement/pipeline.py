"""The build pipeline, top to bottom: load and check content, render DOCX, convert to PDF, publish."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from agreement.errors import TemplateError, TemplateProblems, ToolError, display_path
from agreement.publish.manifest import MANIFEST, BuiltDocument, write_manifest
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
                provided[spec.template] = set(spec.context(DocxRenderer(path))) | SHARED_VALUES
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
    """Build every document. Nothing in `out_dir` changes unless rendering succeeded.

    If only the PDF conversion fails, the DOCX files and a manifest listing them are published
    and the ToolError is raised afterwards, so the user still gets the Word files.
    """
    say = progress or (lambda _msg: None)
    programme, specs = load(content_dir, registry)
    from agreement.outputs import pdf as convert
    from agreement.outputs import pdfmeta
    from agreement.word.renderer import DocxRenderer

    problems = check_templates(programme, specs, registry)
    if problems:
        raise TemplateProblems(problems)
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".agreement-build-", dir=out_dir.parent))
    try:
        documents: list[tuple[BuiltDocument, Path]] = []
        for spec in specs:
            started = time.perf_counter()
            renderer = DocxRenderer(programme.edition.template(spec.template))
            renderer.render({**spec.context(renderer), "draft": spec.draft_at is not None})
            docx_path = stage / f"{spec.stem}.docx"
            renderer.save(docx_path, spec.metadata)
            built_doc = BuiltDocument(spec.kind, spec.title, spec.status)
            for fmt, write in spec.extras.items():
                write(stage / f"{spec.stem}.{fmt}")
                built_doc.files[fmt] = f"{spec.stem}.{fmt}"
            documents.append((built_doc, docx_path))
            say(f"rendered {docx_path.name} ({time.perf_counter() - started:.1f} s)")

        pdf_error: ToolError | None = None
        if "pdf" in formats:
            started = time.perf_counter()
            try:
                convert.to_pdf([path for _, path in documents], stage, timeout=timeout)
                say(f"converted {len(documents)} document(s) to PDF ({time.perf_counter() - started:.1f} s)")
                for spec, (_, docx_path) in zip(specs, documents):
                    pdfmeta.finish(docx_path.with_suffix(".pdf"), spec.metadata, docx_path.read_bytes())
            except ToolError as exc:
                pdf_error = exc

        publish = set(formats) if pdf_error is None else {"docx"}
        out_dir.mkdir(parents=True, exist_ok=True)
        built = []
        for doc, docx_path in documents:
            for extra in doc.files.values():
                shutil.move(str(stage / extra), str(out_dir / extra))
            for fmt in FORMATS:
                if fmt not in publish:
                    continue
                name = f"{docx_path.stem}.{fmt}"
                shutil.move(str(stage / name), str(out_dir / name))
                doc.files[fmt] = name
            built.append(doc)
        _remove_stale(out_dir, built)
        manifest = write_manifest(out_dir, built)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    if pdf_error is not None:
        raise pdf_error
    return BuildResult(out_dir, built, manifest)


def _remove_stale(out_dir: Path, built: list[BuiltDocument]) -> None:
    """Delete files the previous manifest listed that this build no longer makes (a removed delaftale, say)."""
    try:
        previous = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        old = {name for doc in previous["documents"] for name in doc["files"].values()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return
    current = {name for doc in built for name in doc.files.values()}
    for name in old - current:
        path = out_dir / name
        if path.parent == out_dir and path.is_file():
            path.unlink()
