"""The loaded content files by kind, with the values their schema checks found wrong; rules run only on sound values."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agreement import kinds
from agreement.errors import ContentError
from agreement.source.yamlload import JsonPath, YamlDocument

ANY = "*"  # in a rule's needs: any index of a list


@dataclass(frozen=True)
class Rule:
    """A check across fields or files. It runs only when every value it `needs` passed its schema check.

    `needs` maps a document kind to the value paths the rule reads (() is the whole file); a rule whose
    needs are not sound does not run at all, so a rule never has to guard against, or swallow, a wrong shape.
    """

    check: Callable[[Checked], Iterable[ContentError]]
    needs: Mapping[str, tuple[JsonPath, ...]]


@dataclass
class Checked:
    """What the loader read: documents by kind, kinds with an unreadable file, and unsound value paths."""

    root: Path
    edition: Any  # agreement.editions.Edition, or None when strategic.yaml names none that exists
    docs: dict[str, list[YamlDocument]] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    unsound: dict[str, list[JsonPath]] = field(default_factory=dict)

    def sound(self, needs: Mapping[str, tuple[JsonPath, ...]]) -> bool:
        """True when every document of every needed kind was read and is sound at every needed path."""
        for kind, paths in needs.items():
            if kind in self.unreadable:
                return False
            for doc in self.docs.get(kind, []):
                bad = self.unsound.get(doc.path, [])
                if any(_overlaps(need, wrong) for need in paths for wrong in bad):
                    return False
        return True

    def run(self, rules: Iterable[Rule]) -> list[ContentError]:
        errors: list[ContentError] = []
        for rule in rules:
            if self.sound(rule.needs):
                errors.extend(rule.check(self))
        return errors

    # -- the built-in kinds, for the rules ---------------------------------------------------

    def one(self, kind: str) -> YamlDocument:
        return self.docs[kind][0]

    def maybe(self, kind: str) -> YamlDocument | None:
        docs = self.docs.get(kind, [])
        return docs[0] if docs else None

    @property
    def strategic(self) -> YamlDocument:
        return self.one(kinds.STRATEGIC)

    @property
    def delaftaler(self) -> list[YamlDocument]:
        return self.docs.get(kinds.DELAFTALE, [])

    def activities(self) -> dict[str, tuple[YamlDocument, dict[str, Any]]]:
        """Every activity of every delaftale by id, with the delaftale it belongs to."""
        return {a["id"]: (d, a) for d in self.delaftaler for a in d.data["aktiviteter"]}


def _overlaps(need: JsonPath, wrong: JsonPath) -> bool:
    """Whether a schema error at `wrong` touches the value at `need` (inside it, or above it)."""
    return all(n in (ANY, w) for n, w in zip(need, wrong))
