"""The upload package: every PDF and the workbooks, named for people and the case portal, with a manifest (and a revision's
ændringsbilag and redlines)."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agreement.documents.loader import check_content
from agreement.documents.parties import years_label
from agreement.documents.registry import DocumentKind, Registry
from agreement.errors import AgreementError, ContentError, ContentErrors, TemplateProblems, ToolError, display_path
from agreement.files import name_key, sha256_file, write_zip
from agreement.gitrun import run_git
from agreement.i18n import _
from agreement.model.setrules import final_errors
from agreement.options import DEFAULT_TIMEOUT
from agreement.pipeline import Progress, build, load, registry_or_default
from agreement.publish.atomic import Publication
from agreement.publish.names import safe_name, shortened
from agreement.publish.outdir import check_out_dir
from agreement.review import aendringsbilag
from agreement.review.diff import compare
from agreement.review.redline import write_redlines
from agreement.review.revisions import Repository

if TYPE_CHECKING:
    from agreement.documents.spec import DocumentSpec
    from agreement.model.content import ApprovedVersion

UPLOAD_FORMATS = ("pdf", "xlsx")
MANIFEST = "manifest.json"
REDLINE = "redline"  # the manifest's kind of a changed document's Word file with tracked changes
# Windows allows 260 characters for a whole path, the folder the zip is unpacked into included (Explorer names
# it after the zip, so the package's name comes twice): a path inside the zip is at most 60 + 1 + 80 + 5 = 146
# characters, which leaves 114 for where it is unpacked.
FOLDER_MAX, NAME_MAX = 60, 80


@dataclass
class PackageResult:
    folder: Path
    archive: Path
    files: list[str]


def package(content_dir: Path, out_dir: Path, *, allow_drafts: bool = False, progress: Progress | None = None,
            timeout: float = DEFAULT_TIMEOUT, registry: Registry | None = None, since: str | None = None) -> PackageResult:
    """Build everything, then publish `out_dir/<name>/` and `out_dir/<name>.zip` for upload, both or neither.

    Refuses when a document is a draft, unless `allow_drafts`: with the place of each draft's status and of
    everything `check` would refuse once it is final (placeholders, missing signatures, ...).
    A revised agreement (`since`, else strategic.yaml's godkendt_version: the git revision LBF approved) gets an
    ændringsbilag (DOCX and PDF) and a Word redline of each changed document; a bad revision writes nothing.
    Every name made from content goes through safe_name (shortened), so nothing is written outside `out_dir`.
    """
    check_out_dir(out_dir, content_dir)
    registry = registry_or_default(registry).uploaded()  # the agreement's documents, not the yearly reports
    programme, specs = load(content_dir, registry)
    drafts = [spec for spec in specs if spec.draft_at is not None]
    if drafts and not allow_drafts:
        draft_files = {spec.draft_at.path for spec in drafts if spec.draft_at is not None}
        checked, _errors = check_content(content_dir, registry.kinds())
        raise ContentErrors([
            ContentError(_("'{title}' is a draft (status: udkast); set status: endelig when it is approved, or package drafts "
                           "on purpose with --draft").format(title=spec.title), spec.draft_at)
            for spec in drafts
        ] + [error for error in final_errors(checked, all_final=True)
             if error.location is not None and error.location.path in draft_files])
    strategic = programme.strategic
    area = strategic.area.name
    title = f"{area} - Boligsocial indsats {years_label(strategic.period)}"
    if drafts:
        title += " - UDKAST"
    name = shortened(title, shared=area, max_length=FOLDER_MAX)
    out_dir = out_dir.resolve()
    approved = strategic.approved
    with contextlib.ExitStack() as stack:
        revision: _Revision | None = None
        if since is not None or approved is not None:
            revision = _revised(stack, content_dir, since, approved, specs, area, timeout, progress)
            registry = Registry((*registry.kinds(), revision.kind))
            specs = registry.specs(programme)
        with Publication(out_dir, progress=progress) as publication:
            try:
                built = build(content_dir, publication.scratch / "build", progress=progress, timeout=timeout,
                              registry=registry)
            except ToolError as exc:
                # The nested build's advice (its scratch folder, --format docx) does not fit a package: say it plainly.
                reason = exc.__cause__ if isinstance(exc.__cause__, ToolError) else exc
                raise ToolError(_("{message}; nothing in {folder} was changed").format(
                    message=reason.message, folder=display_path(out_dir)), reason.location) from None
            folder = publication.stage / name
            folder.mkdir()
            entries: list[dict[str, str]] = []

            def place(source: Path, target: str, **fields: str) -> None:
                # Windows and macOS take names that differ in case only for one file: unpacked, one replaces the other.
                same = [entry["file"] for entry in entries if name_key(entry["file"]) == name_key(target)]
                if same:
                    if same[0] == target:
                        message = _("two documents would both be named '{name}' in the upload package; give the areas "
                                    "or focus areas they are named after different names")
                    else:
                        message = _("two documents would both be named '{name}' and '{other}', one file on Windows and "
                                    "macOS, in the upload package; give the areas or focus areas they are named after "
                                    "different names")
                    raise ContentError(message.format(name=target, other=same[0]))
                shutil.copyfile(source, folder / target)
                entries.append({"file": target, **fields, "sha256": sha256_file(folder / target)})

            for spec, doc in zip(specs, built.documents):
                # The ændringsbilag goes as Word too, like the redlines beside it: a caseworker may answer in it.
                for fmt in ("docx", *UPLOAD_FORMATS) if spec.kind == aendringsbilag.KIND else UPLOAD_FORMATS:
                    if fmt in doc.files:
                        place(built.out_dir / doc.files[fmt], f"{shortened(spec.upload_name, shared=area, max_length=NAME_MAX)}.{fmt}",
                              kind=doc.kind, title=doc.title, status=doc.status)
            manifest: dict[str, Any] = {"package": name, "source": _git_state(content_dir)}
            if revision is not None:
                for redline, target, doc_kind, doc_title, status in revision.redlines:
                    place(redline, target, kind=REDLINE, document=doc_kind, title=doc_title, status=status)
                manifest["revision"] = {"since": revision.name, "commit": revision.commit}
            manifest["files"] = entries
            (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            _zip(folder, publication.stage / f"{name}.zip")
            publication.commit([name, f"{name}.zip"])
    return PackageResult(out_dir / name, out_dir / f"{name}.zip", [e["file"] for e in entries] + [MANIFEST])


@dataclass
class _Revision:
    """The approved version compared with: its name and commit, the ændringsbilag's document kind, and the redlines
    as (file, upload name, kind, title, status) of each changed document."""

    name: str
    commit: str
    kind: DocumentKind
    redlines: list[tuple[Path, str, str, str, str]]


def _revised(stack: contextlib.ExitStack, content_dir: Path, since: str | None, approved: ApprovedVersion | None,
             specs: list[DocumentSpec], area: str, timeout: float, progress: Progress | None) -> _Revision:
    """Compare the content with the approved version (`since`, else the content's godkendt_version) and write the
    redlines into a folder that lives as long as `stack`; every mistake in the revision is said where it was written."""
    revision = since if since is not None else approved.revision if approved is not None else ""
    where = "--siden" if since is not None else "godkendt_version"

    def wrong(message: str) -> AgreementError:
        if since is None and approved is not None:
            return ContentErrors([ContentError(message, approved.at)])
        return AgreementError(f"{where}: {message}")

    try:
        repo = Repository.of(content_dir)
    except AgreementError:
        raise wrong(_("{folder} is not in a git repository, so there is no approved version '{revision}' to compare it "
                      "with; keep the content in git and tag the version LBF approved (git tag lbf-godkendt COMMIT), or "
                      "leave the ændringsbilag out").format(folder=display_path(content_dir), revision=revision)) from None
    say = progress or (lambda _message: None)
    say(_("comparing with the approved version {revision} for the ændringsbilag").format(revision=revision))
    try:
        base = repo.commit(revision)
        # The yearly reports are the board's, not part of what LBF approves: neither version builds them.
        comparison = stack.enter_context(compare(content_dir, revision, uploaded_only=True))
    except (ContentErrors, TemplateProblems, ToolError):
        raise  # located in the approved version already ('lbf-godkendt:content/budget.yaml:12:5: ...')
    except AgreementError as exc:  # an unknown revision, or no content folder in it
        raise wrong(exc.message) from None
    by_stem = {safe_name(spec.stem): spec for spec in specs}
    scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="agreement-redlines-")))
    pairs = comparison.redline_pairs()
    written = write_redlines(pairs, scratch, author=comparison.author.name, date=comparison.author.date, pdf=False,
                             timeout=timeout)
    names = {}
    redlines = []
    for (stem, _old, _new), path in zip(pairs, written):
        spec = by_stem[stem]
        names[stem] = f"{shortened(f'{spec.upload_name} - ændringer', shared=area, max_length=NAME_MAX)}.docx"
        redlines.append((path, names[stem], spec.kind, spec.title, spec.status))
    kind = aendringsbilag.kind(comparison, repo.author(base).date.date(), names)
    return _Revision(comparison.base.name, base, kind, redlines)


def _zip(folder: Path, archive: Path) -> None:
    """A zip of `folder` with its name as the top folder, entries sorted and with fixed times."""
    write_zip(archive, ((f"{folder.name}/{path.name}", path.read_bytes()) for path in sorted(folder.iterdir())))


def _git_state(content_dir: Path) -> dict[str, str | bool | None]:
    """The commit the content was built from and whether the working tree was clean (None outside git)."""
    def git(*args: str) -> str | None:
        try:
            result = run_git(content_dir, *args, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return result.stdout.decode("utf-8", "replace") if result.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    # A submodule's status is a git of its own, under that repository's configuration: left out.
    status = git("status", "--porcelain", "--ignore-submodules=all")
    return {"git_commit": commit.strip() if commit else None, "clean": None if status is None else status.strip() == ""}
