"""Fire timer functions on their NCRONTAB schedules (UTC), and on demand."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from shared.adapters.functions_runtime import past_due_timer
from shared.services.triggers import TimerTrigger, call_user_function

log = logging.getLogger("functions_host")


async def fire(timer: TimerTrigger) -> None:
    log.info("timer %s: running", timer.name)
    await call_user_function(timer, past_due_timer())
    log.info("timer %s: done", timer.name)


async def run_schedule(timer: TimerTrigger) -> None:
    """Sleep until each next fire time and run; a run never overlaps the previous one (like the host)."""
    schedule = timer.cron
    while True:
        due = schedule.next_after(datetime.now(UTC))
        await asyncio.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()))
        try:
            await fire(timer)
        except Exception:
            log.exception("timer %s failed", timer.name)
