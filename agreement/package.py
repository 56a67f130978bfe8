"""The upload package: every PDF and the budget workbook, named for people and the case portal, with a manifest."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from agreement.documents.loader import check_content
from agreement.documents.parties import years_label
from agreement.errors import ContentError, ContentErrors, ToolError, display_path
from agreement.files import name_key, sha256_file, write_zip
from agreement.gitrun import run_git
from agreement.model.setrules import final_errors
from agreement.options import DEFAULT_TIMEOUT
from agreement.pipeline import Progress, build, load, registry_or_default
from agreement.publish.atomic import Publication
from agreement.publish.names import shortened
from agreement.publish.outdir import check_out_dir

if TYPE_CHECKING:
    from agreement.documents.registry import Registry

UPLOAD_FORMATS = ("pdf", "xlsx")
MANIFEST = "manifest.json"
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
            timeout: float = DEFAULT_TIMEOUT, registry: Registry | None = None) -> PackageResult:
    """Build everything, then publish `out_dir/<name>/` and `out_dir/<name>.zip` for upload, both or neither.

    Refuses when a document is a draft, unless `allow_drafts`: with the place of each draft's status and of
    everything `check` would refuse once it is final (placeholders, missing signatures, ...).
    Every name made from content goes through safe_name (shortened), so nothing is written outside `out_dir`.
    """
    check_out_dir(out_dir, content_dir)
    registry = registry_or_default(registry).uploaded()  # the agreement's documents, not the yearly reports
    programme, specs = load(content_dir, registry)
    drafts = [spec for spec in specs if spec.draft_at is not None]
    if drafts and not allow_drafts:
        draft_files = {spec.draft_at.path for spec in drafts if spec.draft_at is not None}
        checked, _ = check_content(content_dir, registry.kinds())
        raise ContentErrors([
            ContentError(f"'{spec.title}' is a draft (status: udkast); set status: endelig when it is approved, "
                         "or package drafts on purpose with --draft", spec.draft_at)
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
    with Publication(out_dir, progress=progress) as publication:
        try:
            built = build(content_dir, publication.scratch / "build", progress=progress, timeout=timeout, registry=registry)
        except ToolError as exc:
            # The nested build's advice (its scratch folder, --format docx) does not fit a package: say it plainly.
            reason = exc.__cause__ if isinstance(exc.__cause__, ToolError) else exc
            raise ToolError(f"{reason.message}; nothing in {display_path(out_dir)} was changed", reason.location) from None
        folder = publication.stage / name
        folder.mkdir()
        entries: list[dict[str, str]] = []
        for spec, doc in zip(specs, built.documents):
            for fmt in UPLOAD_FORMATS:
                if fmt not in doc.files:
                    continue
                target = f"{shortened(spec.upload_name, shared=area, max_length=NAME_MAX)}.{fmt}"
                # Windows and macOS take names that differ in case only for one file: unpacked, one replaces the other.
                same = [entry["file"] for entry in entries if name_key(entry["file"]) == name_key(target)]
                if same:
                    also = "" if same[0] == target else f" and '{same[0]}', one file on Windows and macOS,"
                    raise ContentError(f"two documents would both be named '{target}'{also} in the upload package; "
                                       "give the areas or focus areas they are named after different names")
                shutil.copyfile(built.out_dir / doc.files[fmt], folder / target)
                entries.append({"file": target, "kind": doc.kind, "title": doc.title, "status": doc.status,
                                "sha256": sha256_file(folder / target)})
        manifest = {"package": name, "source": _git_state(content_dir), "files": entries}
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        _zip(folder, publication.stage / f"{name}.zip")
        publication.commit([name, f"{name}.zip"])
    return PackageResult(out_dir / name, out_dir / f"{name}.zip", [e["file"] for e in entries] + [MANIFEST])


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
