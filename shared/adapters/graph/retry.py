"""The one retry policy for Graph calls (tenacity), shared by every Graph adapter module.

What is retried: HTTP 429, 503 and 504 (from ``ODataError``/``APIError`` or from a ``$batch`` item,
see :class:`RetryableStatus`), and transport failures (connection errors, timeouts, dropped
connections: ``httpx.TransportError``). Everything else (400, 403, 404, 409, ...) is raised at once.

How long to wait: the server's ``Retry-After`` (seconds or an HTTP date) when present, capped at
``RetryPolicy.max_retry_after``, plus up to ``backoff_min`` of jitter; otherwise exponential
backoff with full jitter. Attempts are bounded by ``RetryPolicy.max_attempts``; after the last
one the original error is re-raised.

Only wrap operations that are idempotent, or made idempotent by the caller: GETs, getSchedule,
PATCH/DELETE of a known id, and event creation carrying a deterministic ``transactionId``.
Never wrap a plain POST that creates something without such a key.

Counting: every retry is added to a :class:`RetryStats` (a process-wide one by default), so
reports and benchmarks can show retries and throttled responses.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt, wait_random_exponential

from shared.first_try import once_then_async

RETRYABLE_STATUSES = frozenset({429, 503, 504})


class RetryableStatus(Exception):
    """A retryable status seen outside the HTTP layer (e.g. inner ``$batch`` items)."""

    def __init__(self, status: int, retry_after: float | None = None, detail: str = "") -> None:
        super().__init__(f"Graph answered {status}{': ' + detail if detail else ''}")
        self.response_status_code = status
        self.retry_after = retry_after


@dataclass
class RetryStats:
    """Retry counters for reports: total retries and retries by cause (status code or error type)."""

    retries: int = 0
    by_cause: Counter[str] = field(default_factory=Counter)

    def record(self, cause: str) -> None:
        self.retries += 1
        self.by_cause[cause] += 1

    @property
    def throttled(self) -> int:
        return self.by_cause["429"]


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds of the policy. Tests shrink the waits; production uses the defaults."""

    max_attempts: int = 6
    max_retry_after: float = 60.0
    backoff_min: float = 0.2
    backoff_max: float = 20.0
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep


DEFAULT_POLICY = RetryPolicy()
STATS = RetryStats()
# Called with the Retry-After (seconds, or None) of every 429 about to be retried; the container adds telemetry.
THROTTLE_LISTENERS: list[Callable[[float | None], None]] = []


def status_of(error: BaseException) -> int | None:
    """The HTTP status an SDK error (or RetryableStatus) carries, if any."""
    status = getattr(error, "response_status_code", None)
    return status if isinstance(status, int) else None


def is_retryable(error: BaseException) -> bool:
    """True for 429/503/504 and for transport failures (connect, timeout, dropped connection)."""
    if isinstance(error, httpx.TransportError):
        return True
    return status_of(error) in RETRYABLE_STATUSES


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header value (delta-seconds or HTTP date); None if absent/bad."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def header(headers: Mapping[str, Any] | None, name: str) -> str | None:
    """A header value, looked up case-insensitively (SDK errors carry httpx.Headers or plain dicts)."""
    if not headers:
        return None
    wanted = name.lower()
    for key, value in headers.items():
        if str(key).lower() == wanted:
            return str(value[0] if isinstance(value, list | tuple) and value else value)
    return None


def retry_after_of(error: BaseException) -> float | None:
    """The server-requested wait carried by an error, if any."""
    if isinstance(error, RetryableStatus):
        return error.retry_after
    return parse_retry_after(header(getattr(error, "response_headers", None), "retry-after"))


def _cause(error: BaseException) -> str:
    status = status_of(error)
    return str(status) if status is not None else type(error).__name__


def _wait_for(policy: RetryPolicy) -> Callable[[RetryCallState], float]:
    backoff = wait_random_exponential(multiplier=policy.backoff_min, max=policy.backoff_max)

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        asked = retry_after_of(error) if error else None
        if asked is not None:
            # a little jitter on top, so callers throttled together do not all come back at once
            return min(asked, policy.max_retry_after) + random.uniform(0, policy.backoff_min)
        return float(backoff(state))

    return wait


def retrying(policy: RetryPolicy = DEFAULT_POLICY, stats: RetryStats = STATS) -> AsyncRetrying:
    """A tenacity ``AsyncRetrying`` configured with the policy; counts each retry into ``stats``."""

    def count(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        stats.record(_cause(error) if error else "unknown")
        if error is not None and status_of(error) == 429:
            for listener in THROTTLE_LISTENERS:
                listener(retry_after_of(error))

    return AsyncRetrying(
        retry=retry_if_exception(is_retryable),
        stop=stop_after_attempt(policy.max_attempts),
        wait=_wait_for(policy),
        sleep=policy.sleep,
        before_sleep=count,
        reraise=True,
    )


async def with_retries[T](
    operation: Callable[[], Awaitable[T]], *, policy: RetryPolicy = DEFAULT_POLICY, stats: RetryStats = STATS
) -> T:
    """Run ``operation`` (an idempotent Graph call) under the policy and return its result; a first attempt that
    succeeds skips tenacity's set-up (``first_try``)."""
    return await once_then_async(operation, partial(retrying, policy, stats), is_retryable)
