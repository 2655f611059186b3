"""Pilot scope: who is in the pilot, read from Entra groups once per sync and kept for planning.

Two settings can limit WeGrow to a pilot:

- ``WEGROW_PILOT_GROUP_ID`` (``PilotConfig.group_id``): a pair is in the pilot only when the manager AND the
  report are members of that group, directly or through nested groups (both calendars are touched, and the
  Exchange access policy is scoped to the same group).
- ``pilots[].groups`` in the company config (``PilotConfig.scope_groups``): the pilot groups each report belongs
  to are what ``cadence.scope_start(config, org_unit, group_ids)`` needs to find the pilot's start date.

Sync reads every configured group (``Directory.group_member_ids``) and writes the membership to the ``pilot``
table; planning reads that table and makes no Graph call. It fails closed: an unknown group, or membership
never read for the configured groups, makes planning do nothing (``PilotScope.problem``), never everything.

Table ``pilot``: partition ``scope``, row ``current`` says which groups were read and whether it worked;
partition ``members-{group id}`` holds one row per member user id.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.ports.directory import Directory, UnknownGroup
from shared.ports.storage import Store

log = logging.getLogger(__name__)

TABLE = "pilot"
SCOPE_PARTITION, SCOPE_ROW = "scope", "current"
MEMBERS_PREFIX = "members-"


@dataclass(frozen=True, slots=True)
class PilotConfig:
    """The configured pilot groups: ``group_id`` limits every pair; ``scope_groups`` feed ``pilots[].groups``."""

    group_id: str | None = None
    scope_groups: tuple[str, ...] = ()

    @property
    def groups(self) -> tuple[str, ...]:
        """Every group to read, each once."""
        return tuple(dict.fromkeys([*([self.group_id] if self.group_id else []), *self.scope_groups]))

    @property
    def configured(self) -> bool:
        return bool(self.groups)


def pilot_config(group_id: str | None, company: Any) -> PilotConfig:
    """The pilot groups from the settings' ``pilot_group_id`` and a ``CompanyConfig``'s ``pilots[].groups``."""
    scope_groups = tuple(dict.fromkeys(g for pilot in getattr(company, "pilots", ()) for g in pilot.groups))
    return PilotConfig((group_id or "").strip() or None, scope_groups)


@dataclass(frozen=True, slots=True)
class PilotScope:
    """The membership the last sync stored. Without a configured pilot everyone is in scope."""

    config: PilotConfig = PilotConfig()
    members: Mapping[str, frozenset[str]] = field(default_factory=dict)
    error: str | None = None

    def problem(self, expected: PilotConfig | None = None, needed_groups: Iterable[str] = ()) -> str | None:
        """Why planning must do nothing, or None. ``expected``: the pilot the caller is configured with;
        ``needed_groups``: groups the cadence policy asks about (``pilots[].groups``)."""
        if self.error:
            return self.error
        if expected is not None and expected.configured and set(expected.groups) != set(self.config.groups):
            return "pilot membership not synced yet for the configured groups (run sync first)"
        missing = [g for g in dict.fromkeys(needed_groups) if g not in self.members]
        if missing:
            return f"pilot membership not synced yet for group(s) {', '.join(missing)} (run sync first)"
        return None

    def in_pilot_group(self, manager_id: str, report_id: str) -> bool:
        """Both people are in ``WEGROW_PILOT_GROUP_ID`` (always true when it is not set)."""
        if self.config.group_id is None:
            return True
        members = self.members.get(self.config.group_id, frozenset())
        return manager_id in members and report_id in members

    def groups_of(self, user_id: str) -> tuple[str, ...]:
        """The ``pilots[].groups`` the user is a member of."""
        return tuple(g for g in self.config.scope_groups if user_id in self.members.get(g, frozenset()))


@dataclass(frozen=True, slots=True)
class PilotRefresh:
    """What a sync found: members per group, or the error that stops planning."""

    members: dict[str, int] = field(default_factory=dict)
    error: str | None = None


def _config_data(config: PilotConfig) -> dict[str, Any]:
    return {"group_id": config.group_id or "", "scope_groups": json.dumps(list(config.scope_groups))}


def _stored_config(data: Mapping[str, Any]) -> PilotConfig:
    scope_groups = json.loads(str(data.get("scope_groups") or "[]"))
    return PilotConfig(str(data.get("group_id") or "") or None, tuple(str(g) for g in scope_groups))


def _replace_members(store: Store, group_id: str, user_ids: frozenset[str]) -> None:
    partition = MEMBERS_PREFIX + group_id
    stored = {record.row for record in store.query(TABLE, partition)}
    for user_id in sorted(user_ids - stored):
        store.upsert(TABLE, partition, user_id, {"member": True})
    for user_id in sorted(stored - user_ids):
        store.delete(TABLE, partition, user_id)


def _drop_groups_other_than(store: Store, keep: Iterable[str]) -> None:
    kept = {MEMBERS_PREFIX + g for g in keep}
    for record in store.query(TABLE):
        if record.partition.startswith(MEMBERS_PREFIX) and record.partition not in kept:
            store.delete(TABLE, record.partition, record.row)


async def refresh_pilot_scope(directory: Directory, store: Store, config: PilotConfig) -> PilotRefresh:
    """Read every configured group and store its members; an unknown group is stored as the scope's error.

    Any other failure (Graph down after retries) is raised; when the stored membership was read for other groups
    than the configured ones, the scope is first marked failed, so planning cannot use the stale membership.
    """
    if not config.configured:
        _drop_groups_other_than(store, ())
        store.delete(TABLE, SCOPE_PARTITION, SCOPE_ROW)
        return PilotRefresh()
    found: dict[str, frozenset[str]] = {}
    unknown: list[UnknownGroup] = []
    try:
        for group_id in config.groups:
            try:
                found[group_id] = await directory.group_member_ids(group_id)
            except UnknownGroup as error:
                unknown.append(error)
    except Exception as error:
        stored = store.find(TABLE, SCOPE_PARTITION, SCOPE_ROW)
        if stored is None or _stored_config(stored.data) != config:
            message = f"pilot membership could not be read ({type(error).__name__}); planning is paused"
            store.upsert(TABLE, SCOPE_PARTITION, SCOPE_ROW, {**_config_data(config), "error": message})
        raise
    if unknown:
        message = f"pilot {'; '.join(map(str, unknown))}: planning is paused until the group id is fixed"
        log.error("%s", message)
        store.upsert(TABLE, SCOPE_PARTITION, SCOPE_ROW, {**_config_data(config), "error": message})
        return PilotRefresh(error=message)
    for group_id, user_ids in found.items():
        _replace_members(store, group_id, user_ids)
    _drop_groups_other_than(store, found)
    counts = {group_id: len(user_ids) for group_id, user_ids in found.items()}
    store.upsert(
        TABLE, SCOPE_PARTITION, SCOPE_ROW, {**_config_data(config), "error": "", "members": json.dumps(counts)}
    )
    return PilotRefresh(members=counts)


def load_pilot_scope(store: Store) -> PilotScope:
    """The membership the last sync stored (no Graph call); no stored scope means no pilot was configured."""
    stored = store.find(TABLE, SCOPE_PARTITION, SCOPE_ROW)
    if stored is None:
        return PilotScope()
    config = _stored_config(stored.data)
    error = str(stored.data.get("error") or "") or None
    if error:
        return PilotScope(config, {}, error)
    members = {g: frozenset(r.row for r in store.query(TABLE, MEMBERS_PREFIX + g)) for g in config.groups}
    return PilotScope(config, members)
