"""The upload package: every PDF and the budget workbook, named for people and the case portal, with a manifest."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from agreement.documents.parties import years_label
from agreement.errors import ContentError, ContentErrors
from agreement.pipeline import DEFAULT_TIMEOUT, Progress, build, load
from agreement.publish.manifest import sha256

if TYPE_CHECKING:
    from agreement.documents.registry import Registry

UPLOAD_FORMATS = ("pdf", "xlsx")
MANIFEST = "manifest.json"
_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass
class PackageResult:
    folder: Path
    archive: Path
    files: list[str]


def package(content_dir: Path, out_dir: Path, *, allow_drafts: bool = False, progress: Progress | None = None,
            timeout: float = DEFAULT_TIMEOUT, registry: Registry | None = None) -> PackageResult:
    """Build everything, then write `out_dir/<name>/` and `out_dir/<name>.zip` for upload.

    Refuses (with the place of each draft's status) when a document is a draft, unless `allow_drafts`.
    """
    programme, specs = load(content_dir, registry)
    drafts = [spec for spec in specs if spec.draft_at is not None]
    if drafts and not allow_drafts:
        raise ContentErrors([
            ContentError(f"'{spec.title}' is a draft (status: udkast); set status: endelig when it is approved, "
                         "or package drafts on purpose with --draft", spec.draft_at)
            for spec in drafts
        ])
    strategic = programme.strategic
    name = f"{strategic.area.name} - Boligsocial indsats {years_label(strategic.period)}"
    if drafts:
        name += " - UDKAST"
    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".agreement-package-", dir=out_dir) as tmp:
        work = Path(tmp)
        built = build(content_dir, work / "build", progress=progress, timeout=timeout, registry=registry)
        folder = work / name
        folder.mkdir()
        entries = []
        for spec, doc in zip(specs, built.documents):
            for fmt in UPLOAD_FORMATS:
                if fmt not in doc.files:
                    continue
                target = f"{spec.upload_name.replace('/', '-')}.{fmt}"
                shutil.copyfile(built.out_dir / doc.files[fmt], folder / target)
                entries.append({"file": target, "kind": doc.kind, "title": doc.title, "status": doc.status,
                                "sha256": sha256(folder / target)})
        manifest = {"package": name, "source": _git_state(content_dir), "files": entries}
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        archive = work / f"{name}.zip"
        _zip(folder, archive)
        final_folder, final_archive = out_dir / name, out_dir / f"{name}.zip"
        if final_folder.exists():
            shutil.rmtree(final_folder)
        folder.replace(final_folder)
        archive.replace(final_archive)
    return PackageResult(final_folder, final_archive, [e["file"] for e in entries] + [MANIFEST])


def _zip(folder: Path, archive: Path) -> None:
    """A zip of `folder` with its name as the top folder, entries sorted and with fixed times."""
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted(folder.iterdir()):
            info = zipfile.ZipInfo(f"{folder.name}/{path.name}", date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, path.read_bytes())


def _git_state(content_dir: Path) -> dict:
    """The commit the content was built from and whether the working tree was clean (None outside git)."""
    def git(*args: str) -> str | None:
        try:
            result = subprocess.run(["git", *args], cwd=content_dir, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return result.stdout if result.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain")
    return {"git_commit": commit.strip() if commit else None, "clean": None if status is None else status.strip() == ""}
