"""An in-memory Directory that answers like users/delta with ``Prefer: return=minimal``.

A full round carries every directory property of everyone; a later round carries, per changed person, only the
properties that changed (the manager link only when it changed). Working hours are never in a delta item:
like Graph, they come from ``mailbox_hours`` (mailboxSettings).

Groups hold user ids, other group ids (nested) and ids of other objects (devices, service principals) the way
Entra does; ``group_member_ids`` answers like transitiveMembers read by the Graph adapter: users only, nested
groups followed (cycles end), a user removed from the directory no longer listed, an unknown group an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from shared.domain.directory import DIRECTORY_PROPERTIES, DirectoryDelta, PersonChange
from shared.domain.people import Person, WorkingHours
from shared.ports.directory import MailboxHours, UnknownGroup


def _diff(old: Person | None, new: Person) -> PersonChange:
    if old is None:
        return PersonChange.full(new)
    changed = {name: getattr(new, name) for name in DIRECTORY_PROPERTIES if getattr(old, name) != getattr(new, name)}
    return PersonChange(new.id, changed)


class FakeDirectory:
    def __init__(self, people: Sequence[Person] = ()) -> None:
        self.version = 0
        self.log: list[tuple[int, PersonChange | str]] = []
        self.people: dict[str, Person] = {}
        self.calls: list[str] = []
        self.no_mailbox: set[str] = set()
        self.unreadable: set[str] = set()  # mailboxSettings look-ups that fail (neither hours nor "no mailbox")
        self.languages: dict[str, str] = {}  # mailboxSettings.language.locale per user, when set
        self.groups: dict[str, list[str]] = {}  # group id -> member ids (users, groups, other objects)
        for person in people:
            self.put(person)

    def put(self, person: Person) -> None:
        """Add or change a person (one directory change); a delta round reports only what differs."""
        self.version += 1
        change = _diff(self.people.get(person.id), person)
        self.people[person.id] = person
        self.log.append((self.version, change))

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
        if not delta_token:
            everyone = [PersonChange.full(p) for p in self.people.values()]
            return DirectoryDelta(people=everyone, delta_token=str(self.version), round_trips=1, full=True)
        since = int(delta_token)
        changes: dict[str, PersonChange] = {}
        removed: dict[str, None] = {}
        for version, item in self.log:
            if version <= since:
                continue
            if isinstance(item, str):
                changes.pop(item, None)
                removed[item] = None
                continue
            removed.pop(item.id, None)
            earlier = changes.get(item.id)
            merged = {**earlier.values, **item.values} if earlier is not None else dict(item.values)
            changes[item.id] = PersonChange(item.id, merged)
        return DirectoryDelta(
            people=list(changes.values()), removed_ids=list(removed), delta_token=str(self.version), round_trips=1
        )

    async def working_hours(self, user_ids: Sequence[str]) -> dict[str, WorkingHours]:
        return (await self.mailbox_hours(user_ids)).hours

    async def mailbox_hours(self, user_ids: Sequence[str]) -> MailboxHours:
        self.calls.append("working_hours")
        hours = {uid: self.people[uid].working_hours for uid in user_ids if uid in self.people}
        missing = {uid: "no mailbox (fake)" for uid in user_ids if uid in self.no_mailbox}
        readable = {k: v for k, v in hours.items() if k not in missing and k not in self.unreadable}
        languages = {uid: self.languages[uid] for uid in readable if uid in self.languages}
        return MailboxHours(readable, missing, languages)

    def put_group(self, group_id: str, members: Sequence[str] = ()) -> None:
        """Create or replace a group with these direct members (user, group or other object ids)."""
        if group_id in members:
            raise ValueError("a group cannot be a member of itself")
        self.groups[group_id] = list(members)

    async def group_member_ids(self, group_id: str) -> frozenset[str]:
        self.calls.append("group_members")
        if group_id not in self.groups:
            raise UnknownGroup(group_id)
        seen, queue, users = {group_id}, [group_id], set()
        while queue:
            for member in self.groups.get(queue.pop(0), []):
                if member in self.people:
                    users.add(member)
                elif member in self.groups and member not in seen:
                    seen.add(member)
                    queue.append(member)
        return frozenset(users)
