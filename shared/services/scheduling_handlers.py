"""The queue handlers the functions and ``wegrow cycle`` share, and one cycle that drains the queues."""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from shared.domain.people import Pair
from shared.ports.storage import Queues
from shared.services.plan_cycle import Planner, plan_cycle
from shared.services.repair import handle_pair_changed, repair_occurrences
from shared.services.schedule_pair import PairOutcome, ScheduleContext, schedule_pairs
from shared.services.scheduling_messages import SCHEDULE_PAIR, pair_bodies, requeue_leased
from shared.services.sync_org import PAIR_CHANGED, sync_org

STEPS = ("sync", "plan", "schedule")
GROUP_MESSAGES = 8  # schedule-pair messages (each up to 20 of one manager's pairs) handled together
GROUP_VISIBILITY_S = 600  # a group's messages stay hidden while its batched Graph calls run
LANES = 4  # groups of managers scheduled at once: Outlook limits each mailbox, so different managers may overlap


@dataclass(slots=True)
class CycleSummary:
    pairs: int = 0
    series_created: int = 0
    repaired: int = 0
    cancelled: int = 0
    no_slot: int = 0
    no_slot_reasons: list[str] = field(default_factory=list)
    graph_round_trips: int | None = None
    outcomes: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


async def handle_schedule_pair(ctx: ScheduleContext, body: dict[str, Any]) -> PairOutcome:
    """The ``schedule-pair`` handler: make sure the series exists; on ``check`` also repair occurrences."""
    [outcome] = await handle_schedule_pairs(ctx, [body])
    return outcome


async def handle_schedule_pairs(ctx: ScheduleContext, bodies: Sequence[dict[str, Any]]) -> list[PairOutcome]:
    """Many ``schedule-pair`` messages at once: their Graph look-ups and creates go in shared batches."""
    pairs = [_pair_of(body) for body in bodies]
    outcomes = await schedule_pairs(
        ctx, [(pair, str(b.get("reason") or "regular check-in")) for pair, b in zip(pairs, bodies, strict=True)]
    )
    for index, (pair, body) in enumerate(zip(pairs, bodies, strict=True)):
        outcome = outcomes[index]
        if body.get("action") == "check" and outcome.status in {"unchanged", "respected-edit", "resumed"}:
            repaired = await repair_occurrences(ctx, pair)
            if repaired.moved:
                outcomes[index] = PairOutcome(
                    "repaired", f"moved {len(repaired.moved)} occurrence(s)", outcome.event_id
                )
    return outcomes


async def handle_schedule_message(ctx: ScheduleContext, queues: Queues, message: dict[str, Any]) -> list[PairOutcome]:
    """One ``schedule-pair`` message (a manager's pairs): schedule them together; send leased pairs back delayed."""
    bodies = pair_bodies(message)
    outcomes = await handle_schedule_pairs(ctx, bodies)
    requeue_leased(ctx, queues, bodies, outcomes)
    return outcomes


def _pair_of(body: dict[str, Any]) -> Pair:
    return Pair(str(body["manager_id"]), str(body["report_id"]), str(body.get("org_unit") or "unassigned"))


def _tally(summary: CycleSummary, status: str, detail: str, pair: str) -> None:
    summary.outcomes[status] = summary.outcomes.get(status, 0) + 1
    if status == "created":
        summary.series_created += 1
    elif status == "repaired":
        summary.repaired += 1
    elif status == "no-slot":
        summary.no_slot += 1
        summary.no_slot_reasons.append(f"{pair}: {detail}")


async def drain(ctx: ScheduleContext, queues: Queues, summary: CycleSummary) -> None:
    """Handle ``pair-changed`` then ``schedule-pair`` messages until both queues are empty."""
    while True:
        changed = queues.receive(PAIR_CHANGED)
        for message in changed:
            if await handle_pair_changed(ctx, message.body) == "cancelled":
                summary.cancelled += 1
            queues.complete(PAIR_CHANGED, message)
        scheduled = queues.receive(SCHEDULE_PAIR, GROUP_MESSAGES * LANES, GROUP_VISIBILITY_S)
        bodies = [body for message in scheduled for body in pair_bodies(message.body)]
        outcomes = await schedule_in_lanes(ctx, bodies)
        requeue_leased(ctx, queues, bodies, outcomes)  # before completing: a crash here re-delivers, loses nothing
        for body, outcome in zip(bodies, outcomes, strict=True):
            _tally(summary, outcome.status, outcome.detail, f"{body['manager_id']}/{body['report_id']}")
        for message in scheduled:
            queues.complete(SCHEDULE_PAIR, message)
        if not changed and not scheduled:
            return


async def schedule_in_lanes(ctx: ScheduleContext, bodies: Sequence[dict[str, Any]]) -> list[PairOutcome]:
    """``handle_schedule_pairs`` on up to ``LANES`` groups at once; one manager's pairs always share a group.

    Keeping a manager in one group keeps that manager's view (busy times and the slots booked this run) in one
    place. If a group fails, the others are cancelled and its first error is raised, as one group would.
    """
    lanes = _lanes_by_manager(bodies, LANES)
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(handle_schedule_pairs(ctx, [bodies[i] for i in lane])) for lane in lanes]
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None
    outcomes: dict[int, PairOutcome] = {}
    for lane, task in zip(lanes, tasks, strict=True):
        outcomes.update(zip(lane, task.result(), strict=True))
    return [outcomes[i] for i in range(len(bodies))]


def _lanes_by_manager(bodies: Sequence[dict[str, Any]], lanes: int) -> list[list[int]]:
    """Body indexes split into at most ``lanes`` groups of whole managers, the largest managers placed first."""
    by_manager: dict[str, list[int]] = {}
    for index, body in enumerate(bodies):
        by_manager.setdefault(str(body["manager_id"]), []).append(index)
    groups: list[list[int]] = [[] for _ in range(lanes)]
    for indexes in sorted(by_manager.values(), key=len, reverse=True):
        min(groups, key=len).extend(indexes)
    return [sorted(group) for group in groups if group]


async def run_cycle(
    ctx: ScheduleContext,
    queues: Queues,
    planner: Planner,
    steps: Sequence[str] = STEPS,
    notified: Collection[str] | None = None,
) -> CycleSummary:
    """Run the steps once, in order, with the same handlers the functions use.

    ``notified``: the users whose mailboxes have live change notifications (planning's poll backstop), or None.
    """
    summary = CycleSummary()
    if "sync" in steps:
        synced = await sync_org(ctx.directory, ctx.store, queues)
        summary.graph_round_trips = synced.round_trips
    if "plan" in steps:
        summary.pairs = plan_cycle(ctx.store, queues, planner, ctx.now, ctx.policy, notified=notified).pairs
    if "schedule" in steps:
        await drain(ctx, queues, summary)
    return summary
