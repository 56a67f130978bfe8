"""Load a content folder: read every file of every document kind, check it against its schema and the rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from agreement import editions
from agreement.errors import ContentError, ContentErrors, Location, TemplateError, display_path
from agreement.i18n import _
from agreement.kinds import OPFOELGNING, STRATEGIC
from agreement.model import followup
from agreement.model.setrules import SET_RULES, WARNING_RULES
from agreement.source.checked import Checked, Rule
from agreement.source.rules import RULES
from agreement.source.schema import check_schema, load_schema
from agreement.source.values import value_errors
from agreement.source.yamlload import YamlDocument, load_yaml, misnamed, misnamed_error

if TYPE_CHECKING:
    from agreement.model.programme import Programme


class ContentKind(Protocol):
    """What the loader needs of a document kind (the registry's DocumentKind has it)."""

    # Read-only properties, so that frozen dataclasses such as DocumentKind satisfy the protocol.
    @property
    def name(self) -> str: ...
    @property
    def source(self) -> str: ...  # a file in the content folder, or a pattern such as "delaftaler/*.yaml"
    @property
    def schema(self) -> str | Path: ...
    @property
    def rules(self) -> tuple[Rule, ...]: ...
    @property
    def model(self) -> Callable[[YamlDocument], Any] | None: ...  # None for a kind that reads no file


@dataclass(frozen=True)
class ContentFiles:
    """Content that makes no document of its own, but that documents read: loaded and checked like a kind's."""

    name: str
    source: str
    schema: str
    model: Callable[[YamlDocument], Any]
    rules: tuple[Rule, ...]


# The yearly follow-up files: every content folder may have them, whichever kinds are registered.
FOLLOW_UP = ContentFiles(OPFOELGNING, followup.SOURCE, "opfoelgning", followup.FollowUp.from_doc, followup.RULES)


def load_content(root: Path, kinds: Sequence[ContentKind] | None = None, *,
                 warnings: list[ContentError] | None = None) -> Programme:
    """Load and check everything under `root`; return the typed programme or raise ContentErrors listing every problem.

    With a `warnings` list, the content is also spell-checked, and every unknown word is added to it (also
    when there are errors, so one check shows every problem), with what the warning rules find.
    """
    from agreement.model.programme import Programme

    if kinds is None:
        from agreement.documents.builtin import KINDS

        kinds = KINDS.kinds()
    checked, errors = check_content(root, kinds)
    if warnings is not None:
        warnings.extend(checked.run(WARNING_RULES))
        warnings.extend(check_spelling(checked, kinds))
    if errors:
        raise ContentErrors(errors)
    parts = {kind.name: tuple(kind.model(doc) for doc in checked.docs.get(kind.name, [])) if kind.model else ()
             for kind in [*kinds, FOLLOW_UP]}
    return Programme(root, checked.edition, parts)


def check_content(root: Path, kinds: Sequence[ContentKind]) -> tuple[Checked, list[ContentError]]:
    """Read every file of every kind and run every rule that can run; return what was read and every error."""
    if not root.exists():
        raise ContentErrors([ContentError(_("content folder not found; run from the repository root or pass --content DIR"),
                                          Location(display_path(root)))])
    if not root.is_dir():
        raise ContentErrors([ContentError(_("--content must be a folder, but this is a file"), Location(display_path(root)))])

    errors: list[ContentError] = []
    checked = Checked(root, None)
    kinds = [*kinds, FOLLOW_UP]
    # An empty follow-up file is most often a year begun and not yet written.
    empty_follow_up = _("the follow-up file is empty; copy last year's file here and change its 'år' and values, or delete "
                        "this file")
    ordered = sorted(kinds, key=lambda k: k.name != STRATEGIC)  # strategic.yaml names the edition the rest is checked by
    for kind in ordered:
        checked.docs[kind.name] = []
        if not kind.source:
            continue  # a kind made from the other kinds' content reads no file of its own
        before = len(errors)
        paths = _files(root, kind.source, errors)
        if len(errors) > before and kind is not FOLLOW_UP:
            # A misnamed delaftale: the budget's, the milestones' and the follow-ups' checks would each report what it
            # defines as unknown. (No other file refers to a follow-up file, so their own checks still run.)
            checked.unreadable.add(kind.name)
        for path in paths:
            try:
                doc = load_yaml(path, root=root, empty=empty_follow_up if kind is FOLLOW_UP else None)
            except ContentErrors as exc:
                errors.extend(exc.errors)
                checked.unreadable.add(kind.name)
                continue
            if kind.name == STRATEGIC:
                checked.edition = _edition(doc, root, errors)
            focus_areas = checked.edition.focus_areas if checked.edition is not None else None
            schema = load_schema(kind.schema, focus_areas)
            schema_found, unsound = check_schema(doc, schema)
            errors.extend(schema_found)
            # Also on a document the schema rejected: the author then sees every problem in one check.
            errors.extend(value_errors(doc, schema, root))
            checked.unsound[doc.path] = unsound
            checked.docs[kind.name].append(doc)
    errors.extend(checked.run([*RULES, *SET_RULES, *(rule for kind in kinds for rule in kind.rules)]))
    return checked, errors


def check_spelling(checked: Checked, kinds: Sequence[ContentKind]) -> list[ContentError]:
    """A warning for every unknown word in the text fields of what `check_content` read."""
    from agreement.source.spellcheck import spelling_warnings
    from agreement.spelling import Speller, cache_file

    focus_areas = checked.edition.focus_areas if checked.edition is not None else None
    documents = [(doc, load_schema(kind.schema, focus_areas))
                 for kind in [*kinds, FOLLOW_UP] for doc in checked.docs.get(kind.name, [])]
    return spelling_warnings(documents, checked.root, Speller(cache_file()))


def _files(root: Path, source: str, errors: list[ContentError]) -> Iterable[Path]:
    """The files of a kind: one named file (reported as missing by the YAML loader), or every match of a pattern.

    A pattern is not followed through a folder that is a link leading out of the content folder.
    """
    if not any(ch in source for ch in "*?["):
        return [root / source]
    folder = (root / source).parent
    try:
        inside = folder.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a loop of links
        inside = False
    if not inside:
        errors.append(ContentError(_("the {name} folder is a link that does not lead to a folder inside the content folder; put the "
                                     "folder itself there instead").format(
            name=folder.name), Location(display_path(folder))))
        return []
    if folder.is_dir():
        errors.extend(misnamed_error(p) for p in sorted(folder.iterdir()) if misnamed(p) and p.is_file())
    return sorted(root.glob(source))


def _edition(doc: YamlDocument, root: Path, errors: list[ContentError]) -> editions.Edition | None:
    """The edition strategic.yaml names in 'skabelon', or None after adding the reason to `errors`."""
    name = doc.data.get("skabelon") if isinstance(doc.data, dict) else None
    if not isinstance(name, str):
        return None  # the schema reports a missing or wrong 'skabelon'
    try:
        return editions.find(name, root)
    except TemplateError:
        errors.append(editions.unknown_edition_error(name, root, doc.locate(("skabelon",))))
    except ContentErrors as exc:  # the edition's own edition.yaml is wrong
        errors.extend(exc.errors)
    return None
