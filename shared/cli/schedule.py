"""``wegrow plan --dry-run`` and ``wegrow cycle --steps sync,plan,schedule,cards,subscribe [--json]``."""

from __future__ import annotations

import asyncio
import json
import os
from collections import Counter
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from shared.cli.main import app
from shared.services.plan_cycle import Plan

if TYPE_CHECKING:
    from shared.container import Container
    from shared.services.scheduling_handlers import CycleSummary
    from shared.services.subscriptions import SubscribeSummary

PROGRESS_FROM = 500  # pairs; smaller tenants plan in a blink


def _plan_table(plan: Plan) -> Table:
    title = f"Plan: {plan.pairs} pairs, {len(plan.items)} need work, {plan.out_of_pilot} out of pilot"
    table = Table(title=title)
    for column in ("org unit", "create", "extend", "check", "out of pilot"):
        table.add_column(column, justify="left" if column == "org unit" else "right")
    for unit in sorted({*plan.per_unit, *plan.out_of_pilot_per_unit}):
        counts = plan.per_unit.get(unit, Counter())
        row = [str(counts.get(a, 0)) for a in ("create", "extend", "check")]
        table.add_row(unit, *row, str(plan.out_of_pilot_per_unit.get(unit, 0)))
    return table


def _items_table(plan: Plan, limit: int) -> Table:
    table = Table(title=f"First {min(limit, len(plan.items))} pairs")
    for column in ("manager", "report", "org unit", "action", "reason"):
        table.add_column(column)
    for item in plan.first(limit):
        table.add_row(item.pair.manager_id, item.pair.report_id, item.pair.org_unit, item.action, item.reason)
    return table


@app.command("plan")
def plan_command(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="print the plan; queue nothing, touch no calendar")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", min=0, help="how many pairs to list")] = 20,
) -> None:
    """Plan the cycle: which pairs need a series created, extended or checked, and why."""
    from shared.container import container
    from shared.container.scheduling import planner_from, policy_from
    from shared.services.plan_cycle import plan_cycle
    from shared.services.scheduling_records import active_pairs

    c, out = container(), Console(highlight=False, soft_wrap=True)
    queues = None if dry_run else c.queues
    total = len(active_pairs(c.store))
    with Progress(console=out, transient=True, disable=total < PROGRESS_FROM) as bar:
        task = bar.add_task("planning", total=total)
        plan = plan_cycle(
            c.store,
            queues,
            planner_from(c),
            c.clock.now(),
            policy_from(c),
            lambda d, _: bar.update(task, completed=d),
            pilot=c.pilot,
        )
    if plan.pilot_error:
        out.print(f"pilot: {plan.pilot_error}; nothing planned", markup=False)
    out.print(_plan_table(plan))
    out.print(_items_table(plan, limit))
    if dry_run:
        from shared.cli.schedule_views import unscheduled_table, upcoming_table

        out.print(upcoming_table(c.store, c.clock.now(), limit))
        out.print(unscheduled_table(c.store, limit))
        out.print("dry run: nothing queued, no calendar touched", markup=False)


@app.command("restore-series")
def restore_series_command(
    manager_id: Annotated[str, typer.Argument(help="the manager's Entra object id")],
    report_id: Annotated[str, typer.Argument(help="the report's Entra object id")],
) -> None:
    """Schedule a pair again after the manager deleted its series in Outlook (at the next plan)."""
    from shared.container import container
    from shared.container.scheduling import policy_from
    from shared.domain.people import Pair
    from shared.services.series_restore import NotRemoved, request_restore

    c = container()
    try:
        new_id = request_restore(c.store, Pair(manager_id, report_id), policy_from(c), c.clock.now())
    except NotRemoved as error:
        raise typer.BadParameter(str(error)) from None
    Console(highlight=False).print(f"restore requested: the next plan creates series {new_id}", markup=False)


@app.command("cycle")
def cycle_command(
    steps: Annotated[
        str | None,
        typer.Option(
            "--steps",
            help="some of sync,plan,schedule,cards,subscribe,learning (default: sync,plan,schedule, and subscribe when "
            "WEGROW_PUBLIC_BASE_URL and WEGROW_NOTIFICATION_SECRET are set)",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="last line: a JSON summary")] = False,
) -> None:
    """Run the steps once against WEGROW_GRAPH_BASE_URL and WEGROW_STORAGE_CONNECTION, draining the queues."""
    from shared.cli.cards import CARD_STEPS, run_card_steps
    from shared.cli.learning import LEARNING_STEPS, run_learning_step
    from shared.cli.subscribe import SUBSCRIBE_STEPS, check_subscribe, default_steps
    from shared.container import container
    from shared.services.scheduling_handlers import STEPS

    asked = [s.strip() for s in steps.split(",") if s.strip()] if steps is not None else None
    known = (*STEPS, *CARD_STEPS, *SUBSCRIBE_STEPS, *LEARNING_STEPS)
    unknown = [s for s in asked or () if s not in known]
    if unknown:
        raise typer.BadParameter(f"unknown step(s) {', '.join(unknown)}; expected some of {','.join(known)}")
    c = container()
    wanted = asked if asked is not None else default_steps(c.settings)
    check_subscribe(c.settings, wanted)
    scheduling = [s for s in wanted if s in STEPS]
    summary, pilot_error, subscribed = asyncio.run(_graph_steps(c, wanted))
    learned = run_learning_step(c, wanted)  # before the cards: they offer what it stored
    cards = run_card_steps(c, wanted)
    out = Console(highlight=False, soft_wrap=True)
    if as_json:
        extra = {"cards": cards.as_json()} if cards else {}
        extra |= {"subscriptions": subscribed.as_json()} if subscribed else {}
        extra |= {"learning": learned.as_json()} if learned else {}
        print(json.dumps({**summary.as_json(), **extra, **({"pilot_error": pilot_error} if pilot_error else {})},
                         sort_keys=True))  # fmt: skip
        return
    if cards is not None:
        out.print(cards.line(), markup=False)
    if subscribed is not None:
        out.print(subscribed.line(), markup=False)
    if learned is not None:
        out.print(learned.line(), markup=False)
    if not scheduling:
        return
    if pilot_error:
        out.print(f"pilot: {pilot_error}; nothing planned", markup=False)
    out.print(
        f"pairs {summary.pairs}, series created {summary.series_created}, repaired {summary.repaired}, "
        f"cancelled {summary.cancelled}, no-slot {summary.no_slot}",
        markup=False,
    )
    for reason in summary.no_slot_reasons:
        out.print(f"  no slot: {reason}", markup=False)


async def _graph_steps(c: Container, steps: list[str]) -> tuple[CycleSummary, str | None, SubscribeSummary | None]:
    """The scheduling steps, then the subscriptions pass (it follows the series the schedule step made), in one
    event loop; the sync step also reads the pilot groups' members for planning (pilot_scope.py), and its error
    (e.g. an unknown group) is returned beside the summary."""
    from shared.cli.subscribe import run_subscribe
    from shared.container.notifications import notified_users_from
    from shared.container.scheduling import context_from, planner_from
    from shared.services.pilot_scope import refresh_pilot_scope
    from shared.services.scheduling_handlers import STEPS, run_cycle

    scheduling = [s for s in steps if s in STEPS]
    pilot_error = (await refresh_pilot_scope(c.directory, c.store, c.pilot)).error if "sync" in steps else None
    ctx = context_from(c, f"cli-{os.getpid()}")
    notified = notified_users_from(c, ctx.now)  # the same poll backstop as the plan timer
    summary = await run_cycle(ctx, c.queues, planner_from(c), scheduling, notified)
    subscribed = await run_subscribe(c) if "subscribe" in steps else None
    return summary, pilot_error, subscribed
