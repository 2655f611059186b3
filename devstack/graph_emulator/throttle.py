"""Outlook-style throttling per app per mailbox: requests per sliding window and concurrent requests."""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field

from devstack.graph_emulator.state import Switches

Key = tuple[str, str]  # (app, mailbox user id)


@dataclass
class Throttle:
    windows: dict[Key, deque[float]] = field(default_factory=dict)
    in_flight: dict[Key, int] = field(default_factory=dict)

    def admit(self, key: Key, switches: Switches, now: float | None = None) -> tuple[str, int] | None:
        """Reserve a slot for one request, or say why not: (limit name, Retry-After seconds).

        Only admitted requests count against the window. A rejected request holds no concurrency slot.
        """
        now = time.monotonic() if now is None else now
        if switches.throttle:
            window = self.windows.setdefault(key, deque())
            while window and window[0] <= now - switches.throttle_window_s:
                window.popleft()
            if len(window) >= switches.throttle_requests:
                return "IncomingRequests", max(1, math.ceil(window[0] + switches.throttle_window_s - now))
            if self.in_flight.get(key, 0) >= switches.throttle_concurrency:
                return "MailboxConcurrency", 1
            window.append(now)
        self.in_flight[key] = self.in_flight.get(key, 0) + 1
        return None

    def clear(self) -> None:
        """Forget the windows (on reset); requests still in flight keep their slots until they finish."""
        self.windows.clear()

    def release(self, key: Key) -> None:
        self.in_flight[key] = max(0, self.in_flight.get(key, 0) - 1)

    def concurrency(self, key: Key) -> int:
        return self.in_flight.get(key, 0)
