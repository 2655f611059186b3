"""What one directory delta round brings: changed people, removed ids and the next token.

A delta item carries "at least the properties that have been updated" (with ``Prefer: return=minimal``, only
those), and ``manager@delta`` only when the manager link changed. So a change is a partial update: what the item
holds replaces what is stored, and everything it leaves out stays as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from shared.domain.people import Person

PERSON_FIELDS = frozenset(f.name for f in fields(Person)) - {"id"}


@dataclass(frozen=True, slots=True)
class PersonChange:
    """One changed user: ``values`` holds only what the directory sent, by Person field name.

    ``manager_id`` is in ``values`` only when the manager link changed (None: the manager was removed).
    """

    id: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.values) - PERSON_FIELDS
        if unknown:
            raise ValueError(f"unknown person fields in a directory change: {', '.join(sorted(unknown))}")

    def applied_to(self, stored: Person | None) -> Person:
        """The person after this change: the stored one (or a blank one) with the sent values replaced."""
        base = stored if stored is not None else Person(id=self.id, upn="", display_name="")
        return replace(base, **dict(self.values))

    @property
    def manager_changed(self) -> bool:
        return "manager_id" in self.values

    @classmethod
    def full(cls, person: Person) -> PersonChange:
        """A change that carries every directory property of ``person`` (a full sync's item)."""
        values = {name: getattr(person, name) for name in DIRECTORY_PROPERTIES}
        return cls(person.id, values)


# What users delta describes; working hours come from mailboxSettings, not from the directory.
DIRECTORY_PROPERTIES = (
    "upn",
    "mail",
    "display_name",
    "manager_id",
    "department",
    "job_title",
    "hire_date",
    "account_enabled",
)


@dataclass(frozen=True, slots=True)
class DirectoryDelta:
    people: list[PersonChange] = field(default_factory=list)
    removed_ids: list[str] = field(default_factory=list)
    delta_token: str = ""
    round_trips: int = 0
    full: bool = False  # a full sync (no token, or the token expired): people missing from it have left
