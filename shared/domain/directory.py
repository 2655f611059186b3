"""What one directory delta round brings: changed people, removed ids and the next token."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.domain.people import Person


@dataclass(frozen=True, slots=True)
class DirectoryDelta:
    people: list[Person] = field(default_factory=list)
    removed_ids: list[str] = field(default_factory=list)
    delta_token: str = ""
    round_trips: int = 0
    full: bool = False  # a full sync (no token, or the token expired): people missing from it have left
