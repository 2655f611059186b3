"""Planning: decide which pairs need a series created, extended or checked, and queue them per manager.

The cadence policy (over the business calendar) says whether a pair is in scope and why it should meet;
the ``series`` table says what exists. A dry run returns the plan and touches no calendar or queue.

Pilot scope (pilot_scope.py): the membership sync stored decides which pairs are in the pilot. A pair outside it
is never created, extended or checked, only counted (``Plan.out_of_pilot``). When the stored membership is
unusable (an unknown group, or not read yet for the configured groups) planning does nothing and says why
(``Plan.pilot_error``): a pilot never silently becomes everyone.

With Graph change notifications live for both people of a pair, its routine check comes less often
(``notification_backstop``): notifications repair declines within minutes and the poll stays as the backstop.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from shared.domain.people import Pair
from shared.ports.storage import Queues, Record, Store
from shared.services.notification_backstop import backstop_due, notified_period
from shared.services.pilot_scope import PilotConfig, PilotScope, load_pilot_scope
from shared.services.scheduling_messages import SCHEDULE_PAIR, manager_messages
from shared.services.scheduling_policy import SchedulingPolicy
from shared.services.scheduling_records import SERIES, active_pairs


class Planned(Protocol):
    """What planning needs from a planned conversation (``cadence.PlannedConversation`` fits)."""

    @property
    def reason(self) -> str: ...


Planner = Callable[[Pair, date, date], Sequence[Planned]]


@dataclass(frozen=True, slots=True)
class PlanItem:
    pair: Pair
    action: str  # create | extend | check
    reason: str


@dataclass(slots=True)
class Plan:
    pairs: int = 0
    items: list[PlanItem] = field(default_factory=list)
    per_unit: dict[str, Counter[str]] = field(default_factory=dict)
    out_of_pilot: int = 0  # pairs left alone because they are outside the pilot
    out_of_pilot_per_unit: Counter[str] = field(default_factory=Counter)
    pilot_error: str | None = None  # set: planning did nothing (fail closed)

    def first(self, limit: int) -> list[PlanItem]:
        return self.items[:limit]

    def skip(self, pair: Pair) -> None:
        self.out_of_pilot += 1
        self.out_of_pilot_per_unit[pair.org_unit] += 1

    def summary(self) -> dict[str, Any]:
        return {
            "pairs": self.pairs,
            "work": len(self.items),
            "per_unit": {k: dict(v) for k, v in self.per_unit.items()},
            "out_of_pilot": self.out_of_pilot,
            "out_of_pilot_per_unit": dict(self.out_of_pilot_per_unit),
        } | ({"pilot_error": self.pilot_error} if self.pilot_error else {})


class CadencePlanner:
    """The cadence policy of a ``CompanyConfig`` as a planner that also takes the report's pilot groups."""

    def __init__(self, company: Any) -> None:
        self.company = company

    @property
    def pilot_groups(self) -> tuple[str, ...]:
        """The groups ``pilots[].groups`` names: planning needs their stored membership."""
        return tuple(dict.fromkeys(g for pilot in self.company.pilots for g in pilot.groups))

    def in_scope(self, pair: Pair, group_ids: Sequence[str] = ()) -> bool:
        from shared.domain.cadence import scope_start

        return scope_start(self.company, pair.org_unit, group_ids) is not None

    def __call__(self, pair: Pair, start: date, end: date, group_ids: Sequence[str] = ()) -> Sequence[Planned]:
        from shared.domain.cadence import plan_conversations

        return plan_conversations(self.company, pair, start, end, group_ids)


def cadence_planner(company: Any) -> Planner:
    """The cadence policy of a ``CompanyConfig`` as a planner."""
    return CadencePlanner(company)


# Pair states planning retries on the check rhythm (a week): nothing was created, and it may work next time.
RETRIED_STATES = frozenset({"no-overlap", "zone-unknown", "free-busy-unknown", "mailbox-unavailable"})


def decide(
    record: Record | None, planned: Sequence[Planned], now: datetime, policy: SchedulingPolicy, notified: bool = False
) -> tuple[str, str] | None:
    """The action and reason for one pair, or None when nothing is due.

    ``notified``: both people's mailboxes have live change notifications, so the routine check is the backstop.
    """
    if not planned:
        return None
    reason, state = planned[0].reason, record.data.get("state") if record is not None else None
    if record is None or state == "cancelled":
        return "create", reason
    if state == "restore-requested":
        return "create", f"{reason} (the manager asked for the series back)"
    checked = str(record.data.get("checked_at") or "")
    due = not checked or datetime.fromisoformat(checked) <= now - timedelta(days=policy.repair_check_days)
    if state == "no-slot":
        return ("create", f"{reason} (retry: {record.data.get('reason', 'no slot')} last time)") if due else None
    if state == "no-mailbox":
        return _retry_no_mailbox(record, checked, reason, now, policy)
    if state == "removed-by-organiser":
        return None  # the manager deleted the series in Outlook: it stays deleted until they ask again
    if state in RETRIED_STATES:
        return ("create", f"{reason} (retry: {record.data.get('reason', state)})") if due else None
    until = str(record.data.get("until") or "")
    horizon_end = (now + policy.horizon).date()
    if until and date.fromisoformat(until) < horizon_end - timedelta(weeks=policy.rhythm_weeks):
        return "extend", f"series ends {until}, horizon is {horizon_end.isoformat()}"
    if notified:
        last = datetime.fromisoformat(checked) if checked else None
        due = backstop_due(Pair(record.partition, record.row).key, last, now, notified_period(policy.repair_check_days))
    if due:
        return "check", "look for declines, conflicts and hand edits"
    return None


def _retry_no_mailbox(
    record: Record, checked: str, reason: str, now: datetime, policy: SchedulingPolicy
) -> tuple[str, str] | None:
    """Without a mailbox nothing can be sent: retry when sync saw either person change, or after a long while."""
    if record.data.get("recheck"):
        return "create", f"{reason} (retry: the directory changed since there was no mailbox)"
    if not checked or datetime.fromisoformat(checked) <= now - timedelta(days=policy.no_mailbox_retry_days):
        return "create", f"{reason} (retry: no mailbox {policy.no_mailbox_retry_days} days ago)"
    return None


def plan_cycle(
    store: Store,
    queues: Queues | None,
    planner: Planner,
    now: datetime,
    policy: SchedulingPolicy,
    progress: Callable[[int, int], None] | None = None,
    *,
    pilot: PilotConfig | None = None,
    notified: Collection[str] | None = None,
) -> Plan:
    """Build the plan; with ``queues`` (not a dry run) send one ``schedule-pair`` message per manager (≤ 20 pairs).

    ``pilot``: the pilot groups the caller is configured with; when the stored membership was read for other
    groups, planning does nothing (None: trust the stored membership). ``notified``: the users whose mailboxes have
    a live change-notification subscription (None: notifications are off).
    """
    pairs = active_pairs(store)
    plan = Plan(pairs=len(pairs))
    scope = load_pilot_scope(store)
    cadence = planner if isinstance(planner, CadencePlanner) else None
    plan.pilot_error = scope.problem(pilot, cadence.pilot_groups if cadence is not None else ())
    series = {(r.partition, r.row): r for r in store.query(SERIES)} if plan.pilot_error is None else {}
    horizon_end = (now + policy.horizon).date()
    for done, pair in enumerate(pairs, start=1):
        if plan.pilot_error is not None or not _in_pilot(scope, cadence, pair):
            plan.skip(pair)
        else:
            groups = scope.groups_of(pair.report_id)
            planned = (
                cadence(pair, now.date(), horizon_end, groups) if cadence else planner(pair, now.date(), horizon_end)
            )
            both = notified is not None and pair.manager_id in notified and pair.report_id in notified
            decision = decide(series.get((pair.manager_id, pair.report_id)), planned, now, policy, both)
            if decision is not None:
                item = PlanItem(pair, *decision)
                plan.items.append(item)
                plan.per_unit.setdefault(pair.org_unit, Counter())[item.action] += 1
        if progress is not None:
            progress(done, len(pairs))
    if queues is not None:
        for message in manager_messages(_body(item) for item in plan.items):
            queues.send(SCHEDULE_PAIR, message)
    return plan


def _in_pilot(scope: PilotScope, cadence: CadencePlanner | None, pair: Pair) -> bool:
    """In ``WEGROW_PILOT_GROUP_ID`` (both people), and covered by a pilot of the company config."""
    if not scope.in_pilot_group(pair.manager_id, pair.report_id):
        return False
    return cadence is None or cadence.in_scope(pair, scope.groups_of(pair.report_id))


def _body(item: PlanItem) -> dict[str, Any]:
    pair = item.pair
    return {"manager_id": pair.manager_id, "report_id": pair.report_id, "org_unit": pair.org_unit} | {
        "action": item.action,
        "reason": item.reason,
    }
