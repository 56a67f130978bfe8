"""Scaffold: `agreement init` writes a new content folder from the YAML files kept beside this module."""

from __future__ import annotations

import re
import secrets
import shutil
from importlib.resources import files
from pathlib import Path

import yaml

from agreement.documents.registry import DocumentKind, Registry
from agreement.errors import PublishError, UsageError, display_path
from agreement.files import write_atomic
from agreement.i18n import _
from agreement.resources import EDITOR_SCHEMAS, SCHEMAS

SCAFFOLD = Path(str(files(__name__)))
MODELINE = "# yaml-language-server: $schema={path}"
# The line of strategic.yaml naming the edition; --skabelon replaces the scaffold's own (the default).
_EDITION_LINE = re.compile(r"^skabelon: *(?P<name>\S+) *$", re.MULTILINE)
# The line of strategic.yaml with the first day of the period.
_START_LINE = re.compile(r"^  fra: (\d{4})-", re.MULTILINE)


def scaffold_files(registry: Registry | None = None) -> list[tuple[str, DocumentKind]]:
    """Each scaffold file (relative to the scaffold folder, '/'-separated) with the document kind it is content for."""
    if registry is None:
        from agreement.documents.builtin import KINDS

        registry = KINDS
    found: list[tuple[str, DocumentKind]] = []
    for kind in registry:
        if not kind.reads_content:  # made from the other kinds' content (the indberetningsskema)
            continue
        names = sorted(p.relative_to(SCAFFOLD).as_posix() for p in SCAFFOLD.glob(kind.source) if p.is_file())
        if not names:
            raise RuntimeError(f"the scaffold has no file for the document kind '{kind.name}' ({kind.source})")
        found.extend((name, kind) for name in names)
    return found


def init_content(target: Path, *, edition: str | None = None, registry: Registry | None = None) -> list[Path]:
    """Write a new content folder at `target` (new, or an empty folder) and return the files written.

    Every file starts with the line naming its schema, copied into the folder's .schemas/ so that editors check
    it while it is typed wherever the folder is moved. All files appear at once or not at all: they are written
    into a hidden folder beside `target`, which is then renamed.
    """
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise PublishError(_("{folder} already exists and is not an empty folder, so nothing was written; give the name of a new "
                             "folder").format(folder=display_path(target)))
    if edition is not None:
        _check_edition(edition)
    final = target.resolve()
    texts: dict[str, str] = {}
    for name, kind in scaffold_files(registry):
        text = (SCAFFOLD / name).read_text(encoding="utf-8")
        if edition is not None:
            text = _with_edition(text, edition)
        texts[name] = schema_line(name, kind.schema) + "\n" + text
    texts.update(_first_follow_up(texts))
    final.parent.mkdir(parents=True, exist_ok=True)
    # Created like any new folder (not 0700 as a temporary folder would be), so the renamed folder is too.
    staging = final.parent / f".{final.name}.agreement-init-{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        for name, text in texts.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        write_editor_schemas(staging, [kind.schema for _, kind in scaffold_files(registry) if isinstance(kind.schema, Path)])
        if final.is_dir():
            _fill(final, staging)  # an empty folder, perhaps the one the user is in: keep it, fill it
        else:
            staging.rename(final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [final / name for name in texts]


def _with_edition(text: str, name: str) -> str:
    """strategic.yaml for edition `name`: named in 'skabelon', with that edition's fixed indicators in 'baseline'."""
    from agreement import editions
    from agreement.scaffold.goals import baseline_block

    match = _EDITION_LINE.search(text)
    if match is None:  # not strategic.yaml
        return text
    default, year = editions.find(match["name"]), baseline_year(text)
    return _EDITION_LINE.sub(f"skabelon: {name}", text).replace(baseline_block(default, year=year),
                                                                 baseline_block(editions.find(name), year=year))


def baseline_year(strategic: str) -> int | None:
    """The year the scaffold's baselines are said to be measured: two years before the period starts, as in the
    sample (2019 for 2021-2025), since LBF's data run behind; a first follow-up's data then describe a later year."""
    start = _START_LINE.search(strategic)
    return int(start[1]) - 2 if start is not None else None


def _fill(folder: Path, staging: Path) -> None:
    """Move everything in `staging` into the empty `folder`; on a failure take back what was moved."""
    moved: list[Path] = []
    try:
        for entry in sorted(staging.iterdir()):
            destination = folder / entry.name
            if destination.exists() or destination.is_symlink():  # the folder filled up since it was checked
                raise PublishError(_("{path} appeared while init was writing, so nothing was written").format(
                    path=display_path(destination)))
            entry.rename(destination)
            moved.append(destination)
        staging.rmdir()
    except BaseException:
        for path in moved:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        raise


def _check_edition(name: str) -> None:
    from agreement import editions
    from agreement.source.schema import suggest

    known = editions.available()
    if name not in known:
        raise UsageError(_("unknown edition '{name}'{suggestion} for --skabelon; the built-in editions are: {editions}. For a "
                           "local edition, start from a built-in one and export it (agreement templates export)").format(
            name=name, suggestion=suggest(name, set(known)), editions=", ".join(known) or _("none")))


def _first_follow_up(texts: dict[str, str]) -> dict[str, str]:
    """opfoelgning/<the period's first year>.yaml for the edition strategic.yaml names, when it names one."""
    from agreement import editions
    from agreement.documents.loader import FOLLOW_UP
    from agreement.scaffold.goals import follow_up_file

    strategic = texts.get("strategic.yaml", "")
    edition, start = _EDITION_LINE.search(strategic), _START_LINE.search(strategic)
    if edition is None or start is None:
        return {}
    plan = yaml.safe_load(texts.get("milepaelsplan.yaml", "")) or {}
    first = next((m["id"] for m in plan.get("milepæle", []) if "id" in m), None)  # the example of a milestone's status
    name = f"opfoelgning/{start[1]}.yaml"
    return {name: schema_line(name, FOLLOW_UP.schema) + "\n" + follow_up_file(editions.find(edition["name"]), int(start[1]),
                                                                               first)}


def schema_line(name: str, schema: str | Path) -> str:
    """The first line of the content file `name` (relative to the content folder, '/'-separated): its schema (a
    name in agreement/schemas or a kind's own file) in the folder's own .schemas/, by a relative path, so it holds
    wherever the folder is moved or copied."""
    up = "../" * name.count("/")
    file = schema.name if isinstance(schema, Path) else f"{schema}.schema.json"
    return MODELINE.format(path=f"{up}{EDITOR_SCHEMAS}/{file}")


def write_editor_schemas(content: Path, extra: list[Path] | None = None) -> list[str]:
    """Make `content`/.schemas/ hold exactly this agreement's schemas (and `extra` ones); return the names written
    or removed."""
    folder = content / EDITOR_SCHEMAS
    folder.mkdir(exist_ok=True)
    wanted = {path.name: path.read_bytes() for path in [*sorted(SCHEMAS.glob("*.schema.json")), *(extra or [])]}
    changed = []
    for name, data in wanted.items():
        target = folder / name
        if not target.is_file() or target.read_bytes() != data:
            write_atomic(target, data)
            changed.append(name)
    for stale in sorted(folder.glob("*.schema.json")):
        if stale.name not in wanted:  # a schema this agreement no longer has
            stale.unlink()
            changed.append(stale.name)
    return changed
