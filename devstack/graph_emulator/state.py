"""The emulator's mutable state: tenant data, delta bookkeeping, switches, request log and feature sub-state.

Feature modules keep their own data in `state.features[<module short name>]` (see features.py).
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from devstack.tenant import Tenant

if TYPE_CHECKING:
    from devstack.graph_emulator.calendar_model import Entry

CalendarListener = Callable[["Entry", str], None]  # (the mailbox's entry, "created" | "updated" | "deleted")

VALIDATION_MODES = ("off", "record", "enforce")


@dataclass
class Switches:
    """Behaviour switches; all off by default. Set by CLI flags and `POST /_emulator/switches`."""

    latency_ms: int = 0
    throttle: bool = False
    throttle_requests: int = 10_000  # per app per mailbox in throttle_window_s (documented Outlook limit)
    throttle_window_s: float = 600.0
    throttle_concurrency: int = 4  # concurrent requests per app per mailbox (documented Outlook limit)
    fault_rate: float = 0.0
    fault_seed: int = 0
    validation: str = "off"  # off | record (log violations) | enforce (400 on bad request bodies, log the rest)
    page_size: int | None = None  # overrides Graph's default page sizes, to exercise paging with small tenants
    notify_drop: float = 0.0  # probability that a change or lifecycle notification is never delivered
    notify_duplicate: bool = False  # every notification is delivered twice
    notify_reorder: bool = False  # notifications are held briefly and delivered in reverse order

    def update(self, changes: dict[str, Any]) -> None:
        """Apply a partial update; unknown names or bad values raise ValueError."""
        known = {f.name: f for f in dataclasses.fields(self)}
        for name, value in changes.items():
            if name not in known:
                raise ValueError(f"unknown switch {name!r}; known: {', '.join(sorted(known))}")
            setattr(self, name, _coerce(name, value, getattr(self, name)))
        if self.validation not in VALIDATION_MODES:
            raise ValueError(f"validation must be one of {VALIDATION_MODES}")
        if not 0.0 <= self.notify_drop <= 1.0:
            raise ValueError("notify_drop is a probability, from 0 to 1")

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _coerce(name: str, value: Any, current: Any) -> Any:
    if name == "page_size":
        return None if value is None else int(value)
    if isinstance(current, bool):
        if not isinstance(value, bool):
            raise ValueError(f"switch {name} takes true or false")
        return value
    if isinstance(current, int):
        return int(value)
    if isinstance(current, float):
        return float(value)
    return str(value)


@dataclass
class RequestLog:
    """What the emulator saw: counts per operation, round trips, batch items, throttling and faults."""

    operations: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    http_round_trips: int = 0
    inner_batch_requests: int = 0
    throttled: int = 0
    faulted: int = 0
    max_concurrency: dict[str, int] = field(default_factory=dict)  # mailbox (user id) -> highest in flight
    violations: list[dict[str, Any]] = field(default_factory=list)  # OpenAPI violations (validation on)
    patched_events: Counter[str] = field(default_factory=Counter)  # event id -> PATCH requests (GET .../log/patched)

    def as_dict(self) -> dict[str, Any]:
        return {
            "operations": dict(sorted(self.operations.items())),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "http_round_trips": self.http_round_trips,
            "inner_batch_requests": self.inner_batch_requests,
            "operations_total": sum(self.operations.values()),
            "throttled": self.throttled,
            "faulted": self.faulted,
            "max_concurrency": dict(sorted(self.max_concurrency.items())),
            "violations": len(self.violations),
        }


MANAGER_LINK = "manager"  # the name a manager-link change is tracked under (a navigation property, not a field)


@dataclass(frozen=True)
class ManagerChange:
    """The manager link of a user moved from `old` to `new` (None: no manager) at `version`."""

    version: int
    old: str | None
    new: str | None


@dataclass
class DeltaBook:
    """What changed, for users delta: every change bumps `version` and is recorded against the user.

    Property changes record WHICH properties changed at that version, so a later round can tell which
    users changed in the tracked ($select'ed) properties and, with ``Prefer: return=minimal``, return only
    those. The manager link is recorded apart, with the old and the new manager, so ``manager@delta`` can
    name the new manager, or the old one with ``@removed``.
    """

    version: int = 0
    changes: dict[str, list[tuple[int, frozenset[str]]]] = field(default_factory=dict)  # id -> [(v, names)]
    manager_changes: dict[str, list[ManagerChange]] = field(default_factory=dict)
    removed: dict[str, tuple[int, str]] = field(default_factory=dict)  # user id -> (version, reason)

    def touch(self, user_id: str, properties: Iterable[str]) -> None:
        """Record that these properties of the user changed (nothing is recorded for an empty set)."""
        names = frozenset(properties)
        if not names:
            return
        self.version += 1
        self.changes.setdefault(user_id, []).append((self.version, names))

    def relink_manager(self, user_id: str, old: str | None, new: str | None) -> None:
        if old == new:
            return
        self.version += 1
        self.manager_changes.setdefault(user_id, []).append(ManagerChange(self.version, old, new))

    def remove(self, user_id: str, reason: str) -> None:
        self.version += 1
        self.removed[user_id] = (self.version, reason)
        self.changes.pop(user_id, None)
        self.manager_changes.pop(user_id, None)

    def changed_properties(self, user_id: str, since: int, upto: int) -> frozenset[str]:
        """The properties changed in versions (since, upto]."""
        found: set[str] = set()
        for version, names in self.changes.get(user_id, []):
            if since < version <= upto:
                found |= names
        return frozenset(found)

    def manager_change(self, user_id: str, since: int, upto: int) -> ManagerChange | None:
        """The net manager change in versions (since, upto]: the first old and the last new manager."""
        window = [c for c in self.manager_changes.get(user_id, []) if since < c.version <= upto]
        if not window:
            return None
        return ManagerChange(window[-1].version, window[0].old, window[-1].new)


@dataclass
class EmulatorState:
    tenant: Tenant
    switches: Switches = field(default_factory=Switches)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> Graph user JSON
    upn_index: dict[str, str] = field(default_factory=dict)  # lower-case UPN -> id
    managers: dict[str, str] = field(default_factory=dict)  # user id -> manager id
    mailbox_settings: dict[str, dict[str, Any]] = field(default_factory=dict)  # absent: no mailbox
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    group_members: dict[str, list[str]] = field(default_factory=dict)
    pending_manager_changes: list[tuple[str, str]] = field(default_factory=list)
    delta: DeltaBook = field(default_factory=DeltaBook)
    log: RequestLog = field(default_factory=RequestLog)
    features: dict[str, object] = field(default_factory=dict)
    initial_switches: Switches = field(default_factory=Switches)
    fault_rng: random.Random = field(default_factory=random.Random)
    notify_rng: random.Random = field(default_factory=random.Random)  # notify_drop draws, seeded by fault_seed
    calendar_listeners: list[CalendarListener] = field(default_factory=list)  # kept across resets (set up once)

    def load_core(self) -> None:
        """(Re)seed the directory data from the tenant; copies, so the tenant itself never changes."""
        tenant = self.tenant
        self.users = {u["id"]: dict(u) for u in tenant.users}
        self.upn_index = {u["userPrincipalName"].lower(): u["id"] for u in tenant.users}
        self.managers = dict(tenant.managers)
        self.mailbox_settings = {k: _deep_copy(v) for k, v in tenant.mailbox_settings.items()}
        self.groups = {k: dict(v) for k, v in tenant.groups.items()}
        self.group_members = {k: list(v) for k, v in tenant.group_members.items()}
        self.pending_manager_changes = list(tenant.pending_manager_changes)
        self.delta = DeltaBook()
        self.log = RequestLog()
        self.features = {}
        self.switches = dataclasses.replace(self.initial_switches)
        self.fault_rng = random.Random(self.switches.fault_seed)
        self.notify_rng = random.Random(self.switches.fault_seed)

    def resolve_user(self, key: str) -> str | None:
        """A user id from an id or a UPN (Graph accepts both in /users/{id|userPrincipalName})."""
        if key in self.users:
            return key
        return self.upn_index.get(key.lower())

    def direct_reports(self, manager_id: str) -> list[str]:
        return [uid for uid, mid in self.managers.items() if mid == manager_id and uid in self.users]


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


STATE_KEY: web.AppKey[EmulatorState] = web.AppKey("graph_state", EmulatorState)
