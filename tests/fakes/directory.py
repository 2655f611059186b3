"""An in-memory Directory: people with versions, so delta tokens return only what changed since."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from shared.domain.directory import DirectoryDelta
from shared.domain.people import Person, WorkingHours
from shared.ports.directory import MailboxHours


class FakeDirectory:
    def __init__(self, people: Sequence[Person] = ()) -> None:
        self.version = 0
        self.log: list[tuple[int, Person | str]] = []
        self.people: dict[str, Person] = {}
        self.calls: list[str] = []
        self.no_mailbox: set[str] = set()
        for person in people:
            self.put(person)

    def put(self, person: Person) -> None:
        """Add or change a person (one directory change)."""
        self.version += 1
        self.people[person.id] = person
        self.log.append((self.version, person))

    def change(self, person_id: str, **fields: object) -> Person:
        changed = replace(self.people[person_id], **fields)  # type: ignore[arg-type]
        self.put(changed)
        return changed

    def remove(self, person_id: str) -> None:
        """A leaver: the user is deleted from the directory."""
        self.version += 1
        self.people.pop(person_id, None)
        self.log.append((self.version, person_id))

    async def delta(self, delta_token: str | None) -> DirectoryDelta:
        self.calls.append("delta")
        since = int(delta_token) if delta_token else 0
        latest: dict[str, Person | str] = {}
        for version, item in self.log:
            if version > since:
                latest[item if isinstance(item, str) else item.id] = item
        if not delta_token:
            latest = {key: value for key, value in latest.items() if not isinstance(value, str)}
        people = [item for item in latest.values() if isinstance(item, Person)]
        removed = [key for key, item in latest.items() if isinstance(item, str)]
        return DirectoryDelta(
            people=people, removed_ids=removed, delta_token=str(self.version), round_trips=1, full=not delta_token
        )

    async def working_hours(self, user_ids: Sequence[str]) -> dict[str, WorkingHours]:
        return (await self.mailbox_hours(user_ids)).hours

    async def mailbox_hours(self, user_ids: Sequence[str]) -> MailboxHours:
        self.calls.append("working_hours")
        hours = {uid: self.people[uid].working_hours for uid in user_ids if uid in self.people}
        missing = {uid: "no mailbox (fake)" for uid in user_ids if uid in self.no_mailbox}
        return MailboxHours({k: v for k, v in hours.items() if k not in missing}, missing)
