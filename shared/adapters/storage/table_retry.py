"""The table calls' retry policy (tenacity), as azure-core's defaults had it.

A dropped or refused connection, or an answer of 408, 429, 500, 502, 503 or 504, is tried again at most 3 times,
0.8 s, 1.6 s and 3.2 s apart (+-20%), or after the server's Retry-After. When the retries run out, a connection
error is raised and a retryable answer is returned as it came (the caller maps it to the Store's errors).

Most calls succeed at once, so the first attempt runs before tenacity is set up (``first_try.once_then``).
"""

from __future__ import annotations

import http.client
import random
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Protocol

from tenacity import RetryCallState, Retrying, retry_if_exception_type, retry_if_result, stop_after_attempt

from shared.first_try import once_then

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
RETRIES = 3
BACKOFF_S = 0.8
CONNECTION_ERRORS = (OSError, http.client.HTTPException)


class Answered(Protocol):
    @property
    def status(self) -> int: ...

    @property
    def headers(self) -> dict[str, str]: ...


def with_retries[A: Answered](send: Callable[[], A], sleep: Callable[[float], None]) -> A:
    """``send()``'s answer, tried again under the policy when the connection fails or the answer is retryable."""

    def policy() -> Retrying:
        return Retrying(
            retry=retry_if_exception_type(CONNECTION_ERRORS) | retry_if_result(_retryable),
            wait=_wait,
            stop=stop_after_attempt(RETRIES + 1),
            sleep=sleep,
            retry_error_callback=_last_outcome,
        )

    return once_then(send, policy, _connection_error, _retryable)


def _connection_error(error: BaseException) -> bool:
    return isinstance(error, CONNECTION_ERRORS)


def _retryable(answer: Answered) -> bool:
    return answer.status in RETRY_STATUSES


def _last_outcome(state: RetryCallState) -> object:
    assert state.outcome is not None
    return state.outcome.result()  # the last answer, or its connection error raised again


def _wait(state: RetryCallState) -> float:
    outcome = state.outcome
    answer = None if outcome is None or outcome.failed else outcome.result()
    after = retry_after(answer.headers.get("retry-after")) if answer is not None else None
    return after if after is not None else backoff(state.attempt_number)


def backoff(failures: int) -> float:
    return float(BACKOFF_S * 2 ** (failures - 1) * random.uniform(0.8, 1.2))


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (seconds or an HTTP date), or None."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None
