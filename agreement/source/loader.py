"""Load a content folder: read every file, validate it against its schema, apply the rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from agreement.errors import ContentError, ContentErrors, Location, display_path
from agreement.source.rules import strategic_rule_errors
from agreement.source.schema import load_schema, schema_errors
from agreement.source.setrules import set_rule_errors
from agreement.source.values import value_errors
from agreement.source.yamlload import YamlDocument, load_yaml

DELAFTALER = "delaftaler"
# The attachments that are one file each: attribute and schema name -> file name.
ATTACHMENTS = {
    "kommissorium": "kommissorium.yaml",
    "beredskabsplan": "beredskabsplan.yaml",
    "budget": "budget.yaml",
    "milepaelsplan": "milepaelsplan.yaml",
}


@dataclass
class Content:
    """A validated content folder."""

    root: Path
    strategic: YamlDocument
    delaftaler: list[YamlDocument] = field(default_factory=list)
    kommissorium: YamlDocument | None = None
    beredskabsplan: YamlDocument | None = None
    budget: YamlDocument | None = None
    milepaelsplan: YamlDocument | None = None

    def delaftale_for(self, focus_area: str) -> YamlDocument:
        return next(d for d in self.delaftaler if d.data["indsatsområde"] == focus_area)

    def activities(self) -> dict[str, tuple[YamlDocument, dict]]:
        """Every activity of every delaftale by id, with the delaftale it belongs to."""
        return {a["id"]: (d, a) for d in self.delaftaler for a in d.data["aktiviteter"]}


def load_content(root: Path) -> Content:
    """Load and check everything under `root`; raise ContentErrors listing every problem."""
    if not root.exists():
        raise ContentErrors([ContentError("content folder not found; run from the repository root or pass --content DIR", Location(display_path(root)))])
    if not root.is_dir():
        raise ContentErrors([ContentError("--content must be a folder, but this is a file", Location(display_path(root)))])

    errors: list[ContentError] = []
    strategic = _load_checked(root / "strategic.yaml", "strategic", errors)
    delaftaler = [doc for path in sorted((root / DELAFTALER).glob("*.yaml"))
                  if (doc := _load_checked(path, "delaftale", errors)) is not None]
    attachments = {name: _load_checked(root / file, name, errors) for name, file in ATTACHMENTS.items()}
    content = None
    if strategic is not None:
        content = Content(root, strategic, delaftaler, **attachments)
        errors.extend(strategic_rule_errors(strategic))
        errors.extend(set_rule_errors(content))
    if errors:
        raise ContentErrors(errors)
    assert content is not None
    return content


def _load_checked(path: Path, schema_name: str, errors: list[ContentError]) -> YamlDocument | None:
    try:
        doc = load_yaml(path)
    except ContentErrors as exc:
        errors.extend(exc.errors)
        return None
    schema = load_schema(schema_name)
    errors.extend(schema_errors(doc, schema))
    # Also on a document the schema rejected: the author then sees every problem in one check.
    errors.extend(value_errors(doc, schema))
    return doc
