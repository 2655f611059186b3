"""The coach request's pure parts: states, card references (parsed from anything), HR numbers."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.coach import (
    CoachRequest,
    CoachStatus,
    NotTakeable,
    NotYours,
    card_ref,
    coach_request_stats,
    parse_card_ref,
)

pytestmark = pytest.mark.unit
T0 = datetime(2026, 3, 10, 9, tzinfo=UTC)


def test_open_then_taken_then_done_and_nothing_else() -> None:
    request = CoachRequest.new("ada", T0)
    taken = request.take("cora", T0 + timedelta(hours=2))
    with pytest.raises(NotTakeable):
        taken.take("cole", T0)
    with pytest.raises(NotYours):
        taken.close("cole", T0)
    with pytest.raises(NotYours):
        request.close("cora", T0)  # an open request has no coach to close it
    done = taken.close("cora", T0 + timedelta(days=1))
    assert done.status is CoachStatus.DONE and not done.is_open and taken.is_open
    assert CoachRequest.from_data(done.request_id, done.to_data()) == done


@given(st.text(max_size=300))
def test_any_occurrence_id_parses_to_a_request_id_or_none(text: str) -> None:
    found = parse_card_ref(text)
    assert found is None or (len(found) == 32 and text.startswith(f"coach:{found}"))


@given(st.emails())
def test_a_card_reference_round_trips(upn: str) -> None:
    rid = CoachRequest.new("ada", T0).request_id
    assert parse_card_ref(card_ref(rid)) == rid
    assert parse_card_ref(card_ref(rid, upn)) == rid


@given(st.dictionaries(st.sampled_from(["employee_id", "status", "created_at", "taken_at", "coach_id"]), st.text()))
def test_a_malformed_row_raises_only_key_or_value_errors(data: dict[str, str]) -> None:
    with contextlib.suppress(KeyError, ValueError):
        CoachRequest.from_data("r1", data)


def test_hr_numbers_are_counts_and_the_median_hours_to_first_contact() -> None:
    requests = [
        CoachRequest.new("ada", T0),
        CoachRequest.new("bob", T0).take("cora", T0 + timedelta(hours=1)),
        CoachRequest.new("cy", T0).take("cora", T0 + timedelta(hours=5)).close("cora", T0 + timedelta(days=2)),
        CoachRequest.new("di", T0).take("cole", T0 + timedelta(hours=30)),
    ]
    stats = coach_request_stats(requests)
    assert (stats.requests, stats.open, stats.taken, stats.done) == (4, 1, 2, 1)
    assert stats.median_hours_to_first_contact == 5.0
    assert coach_request_stats([]).median_hours_to_first_contact is None
