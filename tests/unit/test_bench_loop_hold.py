"""The loop-hold bench's ticker sees a hold, and its summary reads the holds it was given."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.bench.loop_hold import hold_summary, watched

pytestmark = pytest.mark.unit


async def _holds_the_loop() -> str:
    await asyncio.sleep(0.02)
    time.sleep(0.15)  # noqa: ASYNC251  (code that does not await, on purpose: the ticker cannot run meanwhile)
    await asyncio.sleep(0.02)
    return "done"


def test_a_blocking_stretch_shows_as_one_long_hold() -> None:
    result, lates = asyncio.run(watched(_holds_the_loop()))
    assert result == "done"
    summary = hold_summary(lates)
    assert summary["holds_over_100ms"] == 1
    assert summary["hold_ms_max"] >= 140


def test_the_summary_reads_percentiles_and_long_holds() -> None:
    summary = hold_summary([0.0001] * 98 + [0.05, 0.4])
    assert summary == {"ticks": 100, "hold_ms_p50": 0.1, "hold_ms_p99": 400.0, "hold_ms_max": 400.0,
                       "holds_over_100ms": 1}  # fmt: skip
    assert hold_summary([]) == {"ticks": 0}
