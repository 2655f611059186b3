"""``python -m tests.bench.decline_repair [--declines 10]``: decline-to-repair time with Graph change notifications.

The local stack runs as processes (Azurite, the Graph emulator, the connector emulator, the Functions runner
without timers). ``wegrow cycle`` schedules and subscribes a 60-person tenant; then reports decline one
occurrence each, one after the other, through the emulator's Graph API. The figure is the wall time from the
decline's 202 to the organiser's occurrence showing its new time, read every 0.2 s. Without notifications the
same decline waits for the poll: a live pair is checked once a week (``repair_check_days``), or once every two
weeks as the backstop when both mailboxes are notified, so that bound is printed next to it. Prints JSON last.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from devstack.stack import Stack, StackOptions
from shared.config import load_settings
from shared.container import Container
from shared.services.notification_backstop import notified_period
from shared.services.scheduling_messages import SCHEDULE_PAIR
from shared.services.sync_org import PAIR_CHANGED
from tests.conftest import free_port
from tests.integration.test_notifications_acceptance import PEOPLE, World, decline, moved_start, run_cli, take_pair

POLL_DAYS = 7  # a live pair's check without notifications (plan_cycle's repair_check_days)


def measure(declines: int) -> dict[str, Any]:
    logs = Path(tempfile.mkdtemp(prefix="wegrow-decline-bench-"))
    stack = Stack(StackOptions(people=PEOPLE, notifications=True, functions_port=free_port(), log_dir=logs)).start()
    try:
        env = {**os.environ, **stack.env}
        run_cli(env, "sync", "plan", "schedule")
        settings = load_settings(**{k.removeprefix("WEGROW_").lower(): v for k, v in stack.env.items()
                                    if k.startswith("WEGROW_")})  # fmt: skip
        world = World(stack, Container(settings), set())
        _drain(world)
        run_cli(env, "subscribe")
        seconds = [_one(world) for _ in range(declines)]
    finally:
        stack.stop()
    ordered = sorted(seconds)
    return {
        "declines": declines,
        "median_s": statistics.median(ordered),
        "p95_s": ordered[max(0, round(0.95 * len(ordered)) - 1)],
        "max_s": ordered[-1],
        "poll_interval_days": POLL_DAYS,
        "backstop_interval_days": notified_period(POLL_DAYS),
    }


def _drain(world: World) -> None:
    deadline = time.monotonic() + 300
    while any(world.container.queues.length(q) for q in (SCHEDULE_PAIR, PAIR_CHANGED)):
        if time.monotonic() > deadline:
            raise RuntimeError("the scheduling queues did not drain within 300 s")
        time.sleep(0.5)


def _one(world: World) -> float:
    target = take_pair(world)
    started = time.monotonic()
    decline(world, target)
    while moved_start(world, target) is None:
        if time.monotonic() - started > 300:
            raise RuntimeError("a declined occurrence was not moved within 300 s")
        time.sleep(0.2)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.decline_repair", description=__doc__)
    parser.add_argument("--declines", type=int, default=10)
    print(json.dumps(measure(parser.parse_args().declines), indent=2))


if __name__ == "__main__":
    main()
