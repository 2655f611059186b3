"""A seeded, deterministic demo tenant: org tree, directory users, mailbox settings and busy calendars.

`generate_tenant(people, seed)` gives the same tenant for the same (people, seed, anchor). `anchor` is the Monday
that calendars start from; by default the Monday of the current week, so a tenant is stable within a week.
People and offices come from tenant_people.py, calendars from tenant_calendars.py; a tenant can also be loaded
from, or dumped to, a tenant file (tenant_file.py).
"""

from __future__ import annotations

import bisect
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from devstack import tenant_data as data
from devstack import tenant_people
from devstack.tenant_calendars import calendars

MIN_SPAN, MAX_SPAN = 3, 12


@dataclass
class Tenant:
    """Everything the emulator seeds from. Users are Graph user JSON; ids are GUID strings."""

    seed: int | None  # None: loaded from a tenant file that names none
    anchor: date
    users: list[dict[str, Any]]
    managers: dict[str, str]  # user id -> manager id (the root has none)
    mailbox_settings: dict[str, dict[str, Any]]  # user id -> Graph mailboxSettings; absent: no mailbox (404)
    events: dict[str, list[dict[str, Any]]]  # organiser user id -> Graph event-create JSON (with attendees)
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)  # group id -> Graph group JSON
    group_members: dict[str, list[str]] = field(default_factory=dict)  # group id -> member user or group ids
    pending_manager_changes: list[tuple[str, str]] = field(default_factory=list)  # (user id, new manager id)

    def user(self, user_id: str) -> dict[str, Any]:
        return next(u for u in self.users if u["id"] == user_id)


def current_monday(today: date | None = None) -> date:
    today = today or date.today()
    return today - timedelta(days=today.weekday())


def guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def org_tree(people: int, rng: random.Random) -> list[int | None]:
    """Manager index per person (breadth first); every manager gets 3-12 reports when people allow it."""
    parents: list[int | None] = [None]
    manager, remaining = 0, people - 1
    while remaining > 0:
        take = min(rng.randint(MIN_SPAN, MAX_SPAN), remaining)
        left = remaining - take
        if 0 < left < MIN_SPAN:
            take = take + left if take + left <= MAX_SPAN else take - (MIN_SPAN - left)
        parents.extend([manager] * take)
        remaining -= take
        manager += 1
    return parents


def generate_tenant(people: int, seed: int, anchor: date | None = None) -> Tenant:
    if people < 1:
        raise ValueError("a tenant needs at least one person")
    rng = random.Random(seed)
    anchor = current_monday(anchor)
    parents = org_tree(people, rng)
    ids = [guid(rng) for _ in range(people)]
    departments = _departments(parents, rng)
    offices = tenant_people.assign_offices(parents, rng)
    manager_indexes = {p for p in parents if p is not None}
    book = tenant_people.Addresses()
    users, settings = [], {}
    for index in range(people):
        title = data.job_title(index, parents, departments[index], index in manager_indexes, rng)
        office = data.OFFICES[offices[index]]
        user, mailbox = tenant_people.person(index, ids[index], office, title, departments[index], anchor, book, rng)
        users.append(user)
        if mailbox is not None:
            settings[ids[index]] = mailbox
    managers = {ids[i]: ids[p] for i, p in enumerate(parents) if p is not None}
    events = calendars(users, parents, settings, anchor, rng)
    pilot = guid(rng)
    groups = {pilot: {"id": pilot, "displayName": "WeGrow pilot", "mailNickname": "wegrow-pilot"}}
    members = [u["id"] for u in users if rng.random() < 0.3 or u["id"] == ids[0]]
    changes = _manager_changes(ids, parents, rng)
    group_members: dict[str, list[str]] = {pilot: members}
    _add_team_group(groups, group_members, pilot, ids, parents, seed)
    return Tenant(seed, anchor, users, managers, settings, events, groups, group_members, changes)


def _add_team_group(
    groups: dict[str, dict[str, Any]],
    members: dict[str, list[str]],
    pilot: str,
    ids: list[str],
    parents: list[int | None],
    seed: int,
) -> None:
    """A nested group in the pilot: the first team below the root (its manager and direct reports).

    It draws from its own generator, after everything else, so the people, events and manager changes of a seed
    are the same as before groups were nested.
    """
    team = [i for i, p in enumerate(parents) if p == 1]
    if not team:
        return
    team_id = guid(random.Random(f"team-group-{seed}"))
    groups[team_id] = {"id": team_id, "displayName": "WeGrow pilot - first team", "mailNickname": "wegrow-pilot-team"}
    members[team_id] = [ids[1], *(ids[i] for i in team)]
    members[pilot].append(team_id)


def _departments(parents: list[int | None], rng: random.Random) -> list[str]:
    """Each report of the root heads a department; everyone below inherits it."""
    names = rng.sample(data.DEPARTMENTS, len(data.DEPARTMENTS))
    result = ["Executive"] * len(parents)
    heads = 0
    for index, parent in enumerate(parents):
        if parent == 0:
            result[index] = names[heads % len(names)]
            heads += 1
        elif parent is not None:
            result[index] = result[parent]
    return result


def _manager_changes(ids: list[str], parents: list[int | None], rng: random.Random) -> list[tuple[str, str]]:
    """About 3% of people get a new manager: someone earlier in the tree (never their own report)."""
    manager_indexes = sorted({p for p in parents if p is not None})
    changes = []
    for index in range(1, len(ids)):
        below = manager_indexes[
            max(0, bisect.bisect_left(manager_indexes, index) - 50) : bisect.bisect_left(manager_indexes, index)
        ]
        candidates = [m for m in below if m != parents[index]]
        if candidates and rng.random() < 0.03:
            changes.append((ids[index], ids[rng.choice(candidates)]))
    return changes
