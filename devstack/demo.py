"""``make demo``: the local stack and one full WeGrow cycle, with progress bars and a summary.

``python -m devstack.demo [--people N] [--out DIR] [--ui]``. With ``--ui`` the stack stays up after the
cycle and the Microsoft 365 Agents Playground serves the bot in a browser until Ctrl-C. Every process
the demo starts is stopped on exit, also on Ctrl-C or an error (``devstack.stack``).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from types import FrameType

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from devstack import demo_learning as learning
from devstack import demo_loop as loop
from devstack import demo_mail as mail
from devstack import demo_report as report
from devstack import demo_steps as steps
from devstack.demo_workbook import loop_counts, missing
from devstack.stack import Stack, StackOptions
from shared.config import load_settings
from shared.container import Container
from shared.domain.conversation_status import MISSED_AFTER_DAYS
from shared.services.card_records import CardKind
from shared.services.scheduling_records import load_person

OUTCOME_SHIFTS = (timedelta(days=1, hours=2), timedelta(days=3, hours=2))  # after the conversations in the lead time


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devstack.demo", description=__doc__)
    parser.add_argument("--people", type=int, default=300, help="size of the demo tenant")
    parser.add_argument("--out", type=Path, default=Path("out"), help="where the workbook and PNG go")
    parser.add_argument("--ui", action="store_true", help="then serve the Agents Playground until Ctrl-C")
    return parser.parse_args(argv)


def progress(out: Console) -> Progress:
    columns = (TextColumn("{task.description:<34}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, console=out)


async def run_cycle(demo: steps.Demo, out: Console) -> dict[str, int]:
    with progress(out) as bars:

        async def step(label: str, total: int, act: Callable[[steps.Tick], Awaitable[object]]) -> None:
            task = bars.add_task(label, total=max(total, 1))
            await act(lambda n: bars.update(task, completed=n))
            bars.update(task, completed=max(total, 1))

        await step("sync, plan, schedule", 1, lambda tick: steps.schedule(demo, lambda _: tick(1)))
        movers = loop.decliners(demo)
        await step(
            "reports decline, repair moves", len(movers), lambda tick: loop.decline_and_repair(demo, movers, tick)
        )
        soon = steps.soon_employees(demo)
        await step("micro-needs by chat", len(soon), lambda tick: steps.micro_needs(demo, soon, tick))
        await step("some ask for cards by email", len(soon), lambda tick: mail.ask_for_email(demo, soon, tick))
        await step("prep cards sent", 1, lambda tick: _cards(demo, tick))
        await step("employees answer prep cards", len(demo.cards(CardKind.PREP)),
                   lambda tick: steps.answer_preps(demo, tick))  # fmt: skip
        await step("agenda cards sent", 1, lambda tick: _cards(demo, tick))
        await step("Viva Learning sync", 1, lambda tick: learning.sync(demo, tick))
        for shift in OUTCOME_SHIFTS:
            demo.clock.offset = shift
            await step(f"outcome cards (+{shift.days} d)", 1, lambda tick: _cards(demo, tick))
        await step("managers log outcomes", len(demo.cards(CardKind.OUTCOME)),
                   lambda tick: steps.log_outcomes(demo, tick))  # fmt: skip
        await step("learning suggested and assigned", len(demo.cards(CardKind.OUTCOME, "submitted")),
                   lambda tick: learning.suggestions_and_assign(demo, tick))  # fmt: skip
        await step("employees confirm or dispute", len(demo.cards(CardKind.OUTCOME, "submitted")),
                   lambda tick: loop.confirm_or_dispute(demo, tick))  # fmt: skip
        demo.clock.offset = OUTCOME_SHIFTS[-1] + timedelta(days=MISSED_AFTER_DAYS)
        await step(f"reminders, missed sweep (+{demo.clock.offset.days} d)", 1, lambda tick: _missed(demo, tick))
        demo.clock.offset = loop.next_conversation(demo)
        await step(f"next prep cards (+{demo.clock.offset.days} d)", 1, lambda tick: _cards(demo, tick))
        await step("employees close their actions", len(demo.cards(CardKind.PREP)),
                   lambda tick: loop.close_actions(demo, tick))  # fmt: skip
        appended: dict[str, int] = {}
        await step("export to the HR workbook", 1, lambda tick: _export(demo, appended, tick))
    for kind in (CardKind.PREP, CardKind.AGENDA, CardKind.OUTCOME, CardKind.CONFIRM):
        sent = len(demo.cards(kind)) + len(demo.cards(kind, "submitted"))
        demo.counts[f"{kind} cards delivered"] = sent
    return appended


async def _cards(demo: steps.Demo, tick: steps.Tick) -> None:
    await steps.send_due_cards(demo)
    tick(1)


async def _missed(demo: steps.Demo, tick: steps.Tick) -> None:
    await steps.send_due_cards(demo)  # the reminders, then the outcomes timer's sweep
    loop.sweep_missed(demo)
    tick(1)


async def _export(demo: steps.Demo, appended: dict[str, int], tick: steps.Tick) -> None:
    appended |= await steps.export(demo)
    tick(1)


async def cycle(stack: Stack, out: Console) -> tuple[steps.Demo, dict[str, int]]:
    os.environ.update(stack.env)
    container = Container(load_settings())
    clock = steps.ShiftedClock()
    container.__dict__["clock"] = clock  # the demo's clock moves; the container is ours alone
    async with httpx.AsyncClient(timeout=60) as http:
        demo = steps.Demo(stack, container, clock, http)
        appended = await run_cycle(demo, out)
    return demo, appended


def files(stack: Stack, out_dir: Path, out: Console) -> dict[str, Path | str]:
    from devstack.render_workbook import render_summary_png, save_emulator_workbook

    xlsx = save_emulator_workbook(stack.graph_url, out_dir / "hr-outcomes.xlsx")
    found: dict[str, Path | str] = {"HR workbook": xlsx}
    try:
        found["its Summary sheet"] = render_summary_png(xlsx, out_dir / "hr-summary.png")
    except (OSError, subprocess.SubprocessError) as error:  # LibreOffice missing or failing: say so, keep going
        found["its Summary sheet"] = f"not rendered ({type(error).__name__}: run `make office`)"
    found["stack logs"] = stack.log_dir
    return found


def serve_ui(stack: Stack, container: Container, out_dir: Path, out: Console) -> None:
    """The Playground signed in as the busiest manager: chat with the bot ("help", "add a micro-need: ...")."""
    from devstack.azurite import free_port
    from devstack.demo_playground import Playground, PlaygroundUser

    manager = load_person(container.store, report.busiest_manager(container))
    if manager is None:
        raise RuntimeError("no manager with a series: nothing to show in the Playground")
    user = PlaygroundUser(manager.id, manager.display_name, manager.upn)
    playground = Playground(stack.bot_endpoint, free_port(), free_port(), out_dir / "playground")
    try:
        playground.start(user)
        out.print(f"\nAgents Playground: {playground.url} (signed in as {user.display_name}). Ctrl-C stops.")
        while True:
            time.sleep(1)
    finally:
        playground.close()


def _log_to_file(path: Path) -> None:
    """Library warnings (e.g. a connector 429 that is then retried) go to a file, not between the progress bars."""
    path.parent.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(filename=path, level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out = Console(highlight=False)
    signal.signal(signal.SIGTERM, _interrupt)
    started = time.monotonic()
    _log_to_file(args.out / "stack" / "demo.log")
    out.print(f"Starting the local stack (Azurite, Graph emulator with {args.people} people, connector, runner)...")
    options = StackOptions(
        people=args.people, log_dir=args.out / "stack", extra_env=mail.demo_env(args.people, StackOptions.seed)
    )
    with Stack(options) as stack:
        demo, appended = asyncio.run(cycle(stack, out))
        out.print(report.summary_table(demo.counts, appended))
        out.print(report.card_reach(demo.counts), markup=False)
        out.print(report.calendar_table(demo.container, stack.graph_url, steps.ShiftedClock().now()))
        found = files(stack, args.out, out)
        counts = loop_counts(Path(found["HR workbook"]))
        out.print(report.loop_table(counts))
        report.where_to_look(out, found)
        out.print(f"\nDone in {time.monotonic() - started:.0f} s.")
        if empty := missing(counts):
            out.print(
                f"\nThe growth loop is incomplete: nothing in the workbook for {', '.join(empty)}.", style="bold red"
            )
            return 1
        if gaps := mail.problems(demo.counts):
            out.print(f"\nCards by email, languages or learning fell short: {'; '.join(gaps)}.", style="bold red")
            return 1
        if args.ui:
            serve_ui(stack, demo.container, args.out, out)
    return 0


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
