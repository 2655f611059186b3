"""Sliding-window rate limits as the Teams docs describe them for bots, with a clock tests can drive."""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field

# msteams-docs bots/how-to/rate-limit.md: per bot per conversation.
CONVERSATION_WINDOWS: tuple[tuple[float, int], ...] = ((1.0, 7), (2.0, 8), (30.0, 60), (3600.0, 1800))


class Clock:
    """Monotonic seconds; in manual mode time moves only when ``advance`` is called."""

    def __init__(self) -> None:
        self.manual: float | None = None

    def now(self) -> float:
        return self.manual if self.manual is not None else time.monotonic()

    def freeze(self) -> None:
        self.manual = time.monotonic() if self.manual is None else self.manual

    def advance(self, seconds: float) -> None:
        self.freeze()
        assert self.manual is not None
        self.manual += seconds

    def thaw(self) -> None:
        self.manual = None


@dataclass
class SlidingWindows:
    """Accepted-operation times for one key, checked against several (window seconds, max) limits."""

    windows: tuple[tuple[float, int], ...]
    times: deque[float] = field(default_factory=deque)

    def retry_after(self, now: float) -> float:
        """0 when one more operation fits in every window, else the seconds until it would."""
        longest = max(seconds for seconds, _ in self.windows)
        while self.times and self.times[0] <= now - longest:
            self.times.popleft()
        wait = 0.0
        for seconds, limit in self.windows:
            inside = [t for t in self.times if t > now - seconds]
            if len(inside) >= limit:
                wait = max(wait, inside[-limit] + seconds - now)
        return wait

    def record(self, now: float) -> None:
        self.times.append(now)


@dataclass
class RateLimits:
    """Per-conversation windows plus one global per-app window (requests per second, configurable)."""

    global_rps: int = 30
    conversations: dict[str, SlidingWindows] = field(default_factory=dict)
    app: SlidingWindows | None = None

    def _app(self) -> SlidingWindows:
        if self.app is None or self.app.windows != ((1.0, self.global_rps),):
            self.app = SlidingWindows(((1.0, self.global_rps),))
        return self.app

    def admit(self, conversation_id: str | None, now: float) -> int:
        """Record the operation and return 0, or return the Retry-After seconds (at least 1) without recording."""
        buckets = [self._app()]
        if conversation_id is not None:
            buckets.append(self.conversations.setdefault(conversation_id, SlidingWindows(CONVERSATION_WINDOWS)))
        wait = max(bucket.retry_after(now) for bucket in buckets)
        if wait > 0:
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.record(now)
        return 0
