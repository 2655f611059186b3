"""The app-wide send window (``CardRateLimiter.app_slot``) on a fake clock: its limit, and who waits how."""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Awaitable
from typing import TypeVar

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.services.card_rate import CardRateLimiter

T = TypeVar("T")


class FakeTime:
    """Virtual time: a sleep ends when the clock reaches its deadline, and the clock jumps to the next deadline
    once every task is waiting (``run``). Each sleep is recorded."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self._due: list[tuple[float, int, asyncio.Future[None]]] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._due, (self.now + seconds, len(self.sleeps), woken))
        await woken

    async def run(self, work: Awaitable[T]) -> T:
        task = asyncio.ensure_future(work)
        while not task.done():
            for _ in range(50):  # let every task that can run get to its next wait
                await asyncio.sleep(0)
            if self._due and not task.done():
                self.now, _, woken = heapq.heappop(self._due)
                woken.set_result(None)
        return task.result()


async def send_all(limiter: CardRateLimiter, time: FakeTime, answer_s: list[float]) -> list[tuple[float, float]]:
    """Each operation takes its place, waits its answer time, and gives it back; (granted, answered) times."""
    held: list[tuple[float, float]] = []

    async def one(answer: float) -> None:
        async with limiter.app_slot():
            granted = time.now
            await (time.sleep(answer) if answer else asyncio.sleep(0))
            held.append((granted, time.now))

    await asyncio.gather(*(one(a) for a in answer_s))
    return held


async def test_waiters_queue_so_only_the_first_in_line_keeps_waking() -> None:
    time = FakeTime()
    limiter = CardRateLimiter(global_rate=2, clock=time.clock, sleep=time.sleep)
    await time.run(send_all(limiter, time, [0.0] * 8))
    # 8 operations, 2 a second: the two granted are still in flight (one poll), then three one-second waits, each
    # by the first waiter in line only (without the line, all six waiters slept each time: 18 sleeps)
    assert time.sleeps == [0.02, 0.98, 1.0, 1.0]


@settings(max_examples=60, deadline=None)
@given(
    limit=st.integers(min_value=1, max_value=5),
    answer_s=st.lists(st.sampled_from([0.0, 0.05, 0.3, 0.9, 1.5]), min_size=1, max_size=14),
)
def test_no_second_holds_more_operations_than_the_limit(limit: int, answer_s: list[float]) -> None:
    time = FakeTime()
    limiter = CardRateLimiter(global_rate=limit, clock=time.clock, sleep=time.sleep)
    held = asyncio.run(time.run(send_all(limiter, time, answer_s)))
    assert len(held) == len(answer_s)
    for granted, _ in held:  # an operation holds its place from its grant until a second after its answer
        overlapping = [h for h in held if h[0] <= granted < h[1] + 1.0]
        assert len(overlapping) <= limit
