"""Bot send limits: a token bucket per conversation and a sliding window for the whole app.

Teams documents about 7 messages a second per conversation (burst-limited further per 2 s and 30 s
windows) and a few dozen a second per app and tenant; we stay under both (docs/bot.md).

The app limit is counted the way the connector counts it: at most ``global_rate`` operations in any
one-second window. The connector sees an operation somewhere between our grant and its answer, so an
operation holds its place from the grant until one second after the answer (``app_slot``). That never
overruns the connector's window, whatever the latency, and costs only the answer time per second.
A token bucket holding a second's worth of tokens let up to twice the limit through in the first second,
and each 429 costs a whole Retry-After second (measured with tests/bench/card_fanout.py).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

PER_CONVERSATION_PER_SECOND = 7.0
GLOBAL_PER_SECOND = 30.0
APP_WINDOW_SECONDS = 1.0
IN_FLIGHT_POLL_SECONDS = 0.02  # the window is full of operations still waiting for their answer
MIN_WAIT_SECONDS = 0.001


@dataclass
class _Bucket:
    rate: float
    capacity: float
    tokens: float
    updated: float

    def wait_time(self, now: float) -> float:
        """Take one token if there is one (0.0), else how long until there is."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


@dataclass
class _Window:
    """At most ``limit`` operations in flight or answered within the last ``seconds``."""

    limit: int
    seconds: float
    in_flight: int = 0
    answered: deque[float] = field(default_factory=deque)

    def wait_time(self, now: float) -> float:
        """Start one operation (0.0), or how long to wait before asking again."""
        while self.answered and self.answered[0] <= now - self.seconds:
            self.answered.popleft()
        if self.in_flight + len(self.answered) < self.limit:
            self.in_flight += 1
            return 0.0
        if not self.answered:
            return IN_FLIGHT_POLL_SECONDS
        # never 0.0, which means "started": when the oldest answer is exactly a window old, the test above and this
        # sum can round differently (1.05 + 1.0 == 2.0499999999999998), and a 0.0 here let one more through
        return max(self.answered[0] + self.seconds - now, MIN_WAIT_SECONDS)

    def finish(self, now: float) -> None:
        self.in_flight -= 1
        self.answered.append(now)


@dataclass
class CardRateLimiter:
    per_conversation: float = PER_CONVERSATION_PER_SECOND
    global_rate: float = GLOBAL_PER_SECOND
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _app: _Window | None = None
    _waiting: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    async def acquire(self, conversation_id: str) -> None:
        """Wait until one more message may go to ``conversation_id`` (counted as answered at once)."""
        async with self.sending(conversation_id):
            pass

    @asynccontextmanager
    async def sending(self, conversation_id: str) -> AsyncIterator[None]:
        """Hold one message's place under both limits while it is sent."""
        while (delay := self._bucket(conversation_id, self.per_conversation).wait_time(self.clock())) > 0:
            await self.sleep(delay)
        async with self.app_slot():
            yield

    @asynccontextmanager
    async def app_slot(self) -> AsyncIterator[None]:
        """Hold one connector operation's place (a message, or opening a conversation) under the app limit."""
        if self._app is None:
            self._app = _Window(max(1, int(self.global_rate)), APP_WINDOW_SECONDS)
        window = self._app
        if window.wait_time(self.clock()) > 0:
            async with self._queue():  # one waiter polls the window at a time, the others queue behind it
                while (delay := window.wait_time(self.clock())) > 0:
                    await self.sleep(delay)
        try:
            yield
        finally:
            window.finish(self.clock())

    def _queue(self) -> asyncio.Lock:
        """The app slot's waiting line (first come, first served): without it every waiter wakes each time a place
        may have come free, and all but one go back to sleep (about 13 wake-ups per card at 16 in flight). One per
        event loop: an asyncio lock belongs to the loop it was first used on."""
        loop = asyncio.get_running_loop()
        if self._waiting is None or self._waiting[0] is not loop:
            self._waiting = (loop, asyncio.Lock())
        return self._waiting[1]

    def _bucket(self, key: str, rate: float) -> _Bucket:
        if key not in self._buckets:
            self._buckets[key] = _Bucket(rate, rate, rate, self.clock())
        return self._buckets[key]
