"""build/manifest.json: every document with its kind, title, files and their SHA-256."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agreement import __version__
from agreement.files import sha256_file, write_atomic

MANIFEST = "manifest.json"


@dataclass
class BuiltDocument:
    kind: str
    title: str
    status: str
    files: dict[str, str] = field(default_factory=dict)


def manifest_data(out_dir: Path, documents: list[BuiltDocument]) -> dict[str, Any]:
    return {
        "generator": f"agreement {__version__}",
        "documents": [
            {
                "kind": d.kind,
                "title": d.title,
                "status": d.status,
                "files": dict(sorted(d.files.items())),
                "sha256": {fmt: sha256_file(out_dir / rel) for fmt, rel in sorted(d.files.items())},
            }
            for d in documents
        ],
    }


def listed_files(out_dir: Path) -> set[str]:
    """The names of the files the manifest in `out_dir` lists; empty when there is none or it cannot be read.

    Only plain names in `out_dir` itself count, so a damaged manifest can never point a build elsewhere.
    """
    try:
        previous = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        names = {name for doc in previous["documents"] for name in doc["files"].values()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return set()
    return {name for name in names if isinstance(name, str) and name and name == Path(name).name and name not in (".", "..")}


def write_manifest(out_dir: Path, documents: list[BuiltDocument]) -> Path:
    path = out_dir / MANIFEST
    text = json.dumps(manifest_data(out_dir, documents), ensure_ascii=False, indent=2) + "\n"
    write_atomic(path, text.encode("utf-8"))
    return path
