"""Bot send limits: a token bucket per conversation and one for the whole app.

Teams documents about 7 messages a second per conversation (burst-limited further per 2 s and 30 s
windows) and a few dozen a second per app and tenant; we stay under both (docs/bot.md).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

PER_CONVERSATION_PER_SECOND = 7.0
GLOBAL_PER_SECOND = 30.0


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
class CardRateLimiter:
    per_conversation: float = PER_CONVERSATION_PER_SECOND
    global_rate: float = GLOBAL_PER_SECOND
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    async def acquire(self, conversation_id: str) -> None:
        """Wait until one more message may go to ``conversation_id`` under both limits."""
        for key, rate in (("*", self.global_rate), (conversation_id, self.per_conversation)):
            while (delay := self._bucket(key, rate).wait_time(self.clock())) > 0:
                await self.sleep(delay)

    def _bucket(self, key: str, rate: float) -> _Bucket:
        if key not in self._buckets:
            self._buckets[key] = _Bucket(rate, rate, rate, self.clock())
        return self._buckets[key]
