"""LBF editions: one folder of Word templates and edition.yaml per funding period. Imports source and below."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from agreement.errors import AgreementError, ContentError, ContentErrors, Location, TemplateError, display_path
from agreement.i18n import N_, _
from agreement.namespaces import SHEET_NS
from agreement.resources import EDITIONS
from agreement.source.schema import load_schema, schema_errors
from agreement.source.yamlload import YamlDocument, load_yaml

if TYPE_CHECKING:
    from lxml import etree

EDITION_FILE = "edition.yaml"
LOCAL_FOLDER = "skabeloner"
BUILT_IN = "built-in"
LOCAL = "local"


@dataclass(frozen=True)
class FinancingLimits:
    max_grant_percent: float | int
    min_local_percent: float | int


@dataclass(frozen=True)
class FixedIndicator:
    id: str
    text: str
    unit: str
    source: str
    frequency: str | None = None
    measured_by: str | None = None


@dataclass(frozen=True)
class FixedGoal:
    """One of the overall goals the period fixes, with its indicators."""

    id: str
    text: str
    focus_area: str | None
    indicators: tuple[FixedIndicator, ...]


@dataclass(frozen=True)
class Edition:
    """One edition: what its LBF period fixes, and the folder holding its Word templates."""

    name: str
    title: str
    regulation: str
    focus_areas: tuple[str, ...]
    indicator_columns: tuple[str, ...]
    financing: FinancingLimits
    folder: Path
    origin: str
    goals: tuple[FixedGoal, ...] = ()

    @property
    def indicators(self) -> dict[str, FixedIndicator]:
        """Every fixed indicator by id."""
        return {i.id: i for goal in self.goals for i in goal.indicators}

    def template(self, file_name: str) -> Path:
        return self.folder / file_name

    def context(self) -> dict[str, object]:
        """What every template may use of its edition: {{ edition.title }}, {{ edition.regulativ }}, ..."""
        return {
            "navn": self.name,
            "titel": self.title,
            "regulativ": self.regulation,
            "indsatsområder": list(self.focus_areas),
            "indikatorkolonner": list(self.indicator_columns),
        }


def load_edition(folder: Path, origin: str) -> Edition:
    """Read `folder`/edition.yaml; raise ContentErrors, located in that file, when it is wrong."""
    doc = load_yaml(folder / EDITION_FILE)
    errors = schema_errors(doc, load_schema("edition"))
    if not errors and doc.data["navn"] != folder.name:
        errors.append(doc.error(("navn",), _("the edition is called '{called}' but its folder is '{name}'; make them the same").format(
            called=doc.data["navn"], name=folder.name)))
    if not errors:
        errors.extend(_duplicate_ids(doc))
    if errors:
        raise ContentErrors(errors)
    data = doc.data
    limits = data["finansiering"]
    return Edition(
        name=data["navn"],
        title=data["titel"],
        regulation=data["regulativ"],
        focus_areas=tuple(data["indsatsområder"]),
        indicator_columns=tuple(data["indikatorkolonner"]),
        financing=FinancingLimits(limits["max_tilskud_procent"], limits["min_medfinansiering_procent"]),
        folder=folder,
        origin=origin,
        goals=tuple(
            FixedGoal(g["id"], g["mål"], g.get("indsatsområde"), tuple(
                FixedIndicator(i["id"], i["indikator"], i["enhed"], i["datakilde"], i.get("hyppighed"),
                               i.get("måles_af")) for i in g["indikatorer"]))
            for g in data.get("mål", [])
        ),
    )


def _duplicate_ids(doc: YamlDocument) -> list[ContentError]:
    """A fixed goal's or indicator's id used twice: content names baselines by these ids."""
    seen: set[str] = set()
    errors = []
    for g, goal in enumerate(doc.data.get("mål", [])):
        paths = [(("mål", g, "id"), goal["id"])] + [(("mål", g, "indikatorer", i, "id"), ind["id"])
                                                     for i, ind in enumerate(goal["indikatorer"])]
        for path, ident in paths:
            if ident in seen:
                errors.append(doc.error(path, _("the id '{ident}' is used twice; give every goal and indicator its own id").format(
                    ident=ident)))
            seen.add(ident)
    return errors


def _folders(base: Path) -> list[Path]:
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if p.is_dir() and (p / EDITION_FILE).is_file())


def available(content_dir: Path | None = None) -> dict[str, tuple[Path, str]]:
    """Every edition by name with its folder and origin; a local one (content/skabeloner/<name>/) wins."""
    found = {p.name: (p, BUILT_IN) for p in _folders(EDITIONS)}
    if content_dir is not None:
        found.update({p.name: (p, LOCAL) for p in _folders(content_dir / LOCAL_FOLDER)})
    return dict(sorted(found.items()))


def find(name: str, content_dir: Path | None = None) -> Edition:
    """The edition called `name`; TemplateError listing the known ones when there is none."""
    editions = available(content_dir)
    if name not in editions:
        known = ", ".join(editions) or "none"
        raise TemplateError(_("unknown edition '{name}'; the editions are: {known}").format(name=name, known=known))
    folder, origin = editions[name]
    if origin == LOCAL and content_dir is not None:
        outside = _links_outside(folder, content_dir)
        if outside:
            raise ContentErrors(outside)
    return load_edition(folder, origin)


def _links_outside(folder: Path, content_dir: Path) -> list[ContentError]:
    """Each entry of a local edition that is a link leading out of the content folder (or round in a circle):
    an edition is content, and a build reads nothing of another person's outside the folder it was given. A
    folder that leads out (the edition's, or `skabeloner` itself) is named, not what lies beneath it."""
    root = content_dir.resolve()
    folders = [*reversed(folder.relative_to(content_dir).parents), folder.relative_to(content_dir)][1:]
    problems = []
    for path in [*(content_dir / part for part in folders), *sorted(folder.rglob("*"))]:
        try:
            inside = path.resolve().is_relative_to(root)
        except (OSError, RuntimeError):  # a loop of links
            inside = False
        if not inside:
            problems.append(ContentError(
                _("this is a link to a place outside the content folder; copy the folder itself into the content folder instead "
                  "of the link") if path.is_dir() else
                _("this is a link to a place outside the content folder; copy the file itself into the edition's folder instead "
                  "of the link"), Location(display_path(path))))
            if not path.is_relative_to(folder) or path == folder:
                break
    return problems


def unknown_edition_error(name: str, content_dir: Path, location: Location) -> ContentError:
    from agreement.source.schema import suggest

    editions = available(content_dir)
    return ContentError(_("unknown edition '{name}'{suggest}; use one of: {editions}, or put a local edition in {folder}/").format(
        name=name, suggest=suggest(name, set(editions)), editions=", ".join(editions) or _("none"),
        folder=display_path(content_dir / LOCAL_FOLDER / name)), location)


def export(name: str, target: Path, content_dir: Path | None = None) -> Path:
    """Copy edition `name` to `target` (which must not exist yet) to start a local edition."""
    edition = find(name, content_dir)
    if target.exists():
        raise TemplateError(_("{target} already exists; choose a new folder so nothing is overwritten").format(target=display_path(target)))
    shutil.copytree(edition.folder, target)
    if target.name != name:  # an edition is named after its folder
        data_file = target / EDITION_FILE
        lines = data_file.read_text(encoding="utf-8").split("\n")
        data_file.write_text("\n".join(f"navn: {target.name}" if line == f"navn: {name}" else line for line in lines),
                             encoding="utf-8")
    return target




def workbook_problems(path: Path) -> list[str]:
    """What the edition's workbook (LBF's form, filled by the build) may not hold: what no Office file from outside
    may (see agreement.officezip), and formulas, which could call programs or addresses when it is opened."""
    from lxml import etree

    from agreement.officezip import EXCEL, TEMPLATE_MAX_BYTES, open_zip_bounded, package_problems

    try:
        with open_zip_bounded(path, max_bytes=TEMPLATE_MAX_BYTES) as archive:
            problems = package_problems(archive, EXCEL)
            for name in archive.namelist():
                if not name.startswith("xl/") or not name.endswith(".xml"):
                    continue
                try:
                    root = etree.fromstring(archive.read(name), etree.XMLParser(resolve_entities=False, no_network=True))
                except etree.XMLSyntaxError:
                    continue  # openpyxl says what is wrong with it
                for element in root.iter():  # a cell's, a rule's, a validation's, a table column's formula
                    if isinstance(element.tag, str) and element.tag.rsplit("}", 1)[-1] in _FORMULAS:
                        problems.append(_formula_message(name, _formula_place(element), element.text or ""))
                for defined in root.iter(f"{{{SHEET_NS}}}definedName"):  # a name: a print area is a plain reference
                    if any(c in (defined.text or "") for c in "(|["):
                        problems.append(_formula_message(name, defined.get("name", "?"), defined.text or ""))
    except AgreementError as exc:
        return [exc.message]
    except Exception as exc:  # not a zip, or one zipfile cannot read: openpyxl would fail on it too
        return [_("cannot be opened as an Excel workbook ({exc}); save it again as .xlsx").format(exc=exc)]
    return problems


# The elements that hold a formula, in SpreadsheetML and its extensions (x14 rules and validations hold xm:f).
_FORMULAS = {"f", "formula", "formula1", "formula2", "calculatedColumnFormula", "totalsRowFormula"}
_PLACES = {"conditionalFormatting": N_("conditional formatting"), "dataValidation": N_("data validation")}


def _formula_place(formula: etree._Element) -> str:
    """Where a formula is, as Excel shows it: its cell, or the cells of its rule or validation."""
    for element in formula.iterancestors():
        kind = element.tag.rsplit("}", 1)[-1]
        if kind == "c":
            return element.get("r", "?")
        if element.get("sqref") or kind in _PLACES:
            return f"{_(_PLACES[kind]) if kind in _PLACES else kind} {element.get('sqref') or element.findtext('{*}sqref') or '?'}"
    return formula.tag.rsplit("}", 1)[-1]


def _formula_message(part: str, where: str, formula: str) -> str:
    shown = formula if len(formula) <= 40 else formula[:40] + " …"
    return (_("the part {part} has a formula ({where}: ={shown}); the workbook the build fills may hold no formulas: type the value in "
              "instead, or remove it").format(
        part=part, where=where, shown=shown))
