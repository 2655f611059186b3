"""Tenant files: a whole tenant as JSON in Graph's own shapes, to load instead of generating one.

::

    {"users":  [{<Graph user>, "managerId": "<user id>" | null, "mailboxSettings": <Graph mailboxSettings> | null}],
     "groups": [{"id", "displayName", ..., "members": ["<user or group id>", ...]}],
     "events": [{"organizer": "<user id>", "event": <Graph event-create body>}],
     "seed": 7, "anchor": "2026-11-23", "pendingManagerChanges": [{"userId", "managerId"}]}

``mailboxSettings: null`` means no mailbox. Events are created as if the organiser had POSTed them. ``seed``,
``anchor`` and ``pendingManagerChanges`` are optional: without an anchor it is the Monday of the earliest event
(or of this week). ``to_file`` then ``from_file`` gives back an equal Tenant, and dumping that again gives the
same text. ``from_file`` raises ``TenantFileError`` listing every problem by user, group or event index.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from devstack.tenant import Tenant, current_monday
from devstack.tenant_file_checks import TenantFileError, check

__all__ = ["TenantFileError", "dump_text", "from_file", "read_tenant", "to_file", "write_tenant"]


def to_file(tenant: Tenant) -> dict[str, Any]:
    """The tenant in the file format (a JSON-ready dict; nothing is copied deeply, do not mutate it)."""
    users = [
        {
            **user,
            "managerId": tenant.managers.get(user["id"]),
            "mailboxSettings": tenant.mailbox_settings.get(user["id"]),
        }
        for user in tenant.users
    ]
    groups = [{**group, "members": list(tenant.group_members.get(gid, []))} for gid, group in tenant.groups.items()]
    events = [{"organizer": uid, "event": event} for uid, items in tenant.events.items() for event in items]
    return {
        "seed": tenant.seed,
        "anchor": tenant.anchor.isoformat(),
        "users": users,
        "groups": groups,
        "events": events,
        "pendingManagerChanges": [{"userId": u, "managerId": m} for u, m in tenant.pending_manager_changes],
    }


def from_file(doc: Any) -> Tenant:
    """A Tenant from a parsed tenant file; TenantFileError names every problem."""
    check(doc)
    users, managers, settings = [], {}, {}
    for entry in doc["users"]:
        user = {k: v for k, v in entry.items() if k not in ("managerId", "mailboxSettings")}
        users.append(user)
        if entry.get("managerId") is not None:
            managers[user["id"]] = entry["managerId"]
        if entry.get("mailboxSettings") is not None:
            settings[user["id"]] = entry["mailboxSettings"]
    events: dict[str, list[dict[str, Any]]] = {}
    for item in doc.get("events", []):
        events.setdefault(item["organizer"], []).append(item["event"])
    groups = {g["id"]: {k: v for k, v in g.items() if k != "members"} for g in doc.get("groups", [])}
    members = {g["id"]: list(g.get("members", [])) for g in doc.get("groups", [])}
    changes = [(c["userId"], c["managerId"]) for c in doc.get("pendingManagerChanges", [])]
    anchor = date.fromisoformat(doc["anchor"]) if doc.get("anchor") else _first_monday(events)
    return Tenant(doc.get("seed"), anchor, users, managers, settings, events, groups, members, changes)


def _first_monday(events: dict[str, list[dict[str, Any]]]) -> date:
    starts = [date.fromisoformat(e["start"]["dateTime"][:10]) for items in events.values() for e in items]
    if not starts:
        return current_monday()
    first = min(starts)
    return first - timedelta(days=first.weekday())


def dump_text(tenant: Tenant) -> str:
    """The tenant file as text: keys in generated order, one-space indent, a final newline."""
    return json.dumps(to_file(tenant), indent=1, ensure_ascii=False) + "\n"


def write_tenant(tenant: Tenant, path: Path) -> None:
    path.write_text(dump_text(tenant), encoding="utf-8")


def read_tenant(path: Path) -> Tenant:
    """Load a tenant file; a file that is not JSON is a TenantFileError too."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise TenantFileError([f"{path}: not JSON ({exc})"]) from None
    return from_file(doc)
