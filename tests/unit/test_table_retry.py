"""The table calls' retry policy: which outcomes are tried again, how often, and how long it waits."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.adapters.storage.table_retry import RETRIES, RETRY_STATUSES, retry_after, with_retries


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)


outcomes = st.one_of(
    st.sampled_from(sorted(RETRY_STATUSES | {200, 204, 404, 409, 412})).map(Reply),
    st.just(ConnectionResetError("reset")),
)


def run(script: list[Reply | OSError]) -> tuple[Reply | OSError, int, list[float]]:
    sent: list[int] = [0]
    waits: list[float] = []

    def send() -> Reply:
        outcome = script[sent[0]]
        sent[0] += 1
        if isinstance(outcome, OSError):
            raise outcome
        return outcome

    try:
        result: Reply | OSError = with_retries(send, waits.append)
    except OSError as error:
        result = error
    return result, sent[0], waits


def _final(outcome: Reply | OSError) -> bool:
    return isinstance(outcome, Reply) and outcome.status not in RETRY_STATUSES


@given(st.lists(outcomes, min_size=RETRIES + 1, max_size=RETRIES + 1))
def test_an_outcome_is_tried_again_until_a_final_answer_or_the_retries_run_out(script: list[Reply | OSError]) -> None:
    result, sent, waits = run(script)
    expected = next((n + 1 for n, outcome in enumerate(script) if _final(outcome)), RETRIES + 1)
    assert sent == expected  # the first attempt is never sent twice
    assert result is script[expected - 1]  # the last answer as it came, or its connection error
    assert len(waits) == sent - 1
    assert all(0.8 * 0.8 * 2**n <= wait <= 0.8 * 1.2 * 2**n for n, wait in enumerate(waits))


def test_a_throttled_answer_waits_as_long_as_the_server_asks() -> None:
    result, sent, waits = run([Reply(429, {"retry-after": "7"}), Reply(503, {"retry-after": "0"}), Reply(200)])
    assert (result, sent, waits) == (Reply(200), 3, [7.0, 0.0])


@pytest.mark.parametrize(
    ("header", "seconds"), [("3", 3.0), ("-2", 0.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("soon", None)]
)
def test_retry_after_reads_seconds_or_a_date(header: str, seconds: float | None) -> None:
    assert retry_after(header) == seconds
