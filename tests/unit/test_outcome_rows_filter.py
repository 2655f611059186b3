"""The prep and agenda cards read a pair's outcome rows alone (``record_outcome.OUTCOME_ROWS``, the service filters):
by mid-year a pair's partition holds a year of conversation rows and outbox entries beside its outcomes. The filter
holds only while every outcome row, and no other row, says where the employee stands: checked here on whatever the
product writes to the partition."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.people import pair_key
from shared.ports.storage import matches
from shared.services.card_open_actions import open_actions
from shared.services.card_submissions import OutcomeConfirmation, OutcomeLog
from shared.services.conversation_lifecycle import record_conversation
from shared.services.record_outcome import (
    OUTCOME_PREFIX,
    OUTCOME_ROWS,
    OUTCOMES,
    record_confirmation,
    store_outcome,
)
from tests.fakes.storage import InMemoryStore

pytestmark = pytest.mark.unit

START = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
LOG = OutcomeLog.model_validate(
    {"actions": [{"text": "Pair on the release checklist", "quadrant": "sweet_spot", "type": "stretch",
                  "gap": "knowledge", "owner": "employee", "due": "2026-09-30"}]}
)  # fmt: skip
ANSWERS = st.sampled_from(
    [None, OutcomeConfirmation(confirmed=True), OutcomeConfirmation(confirmed=False, comment="No")]
)


@settings(max_examples=40, deadline=None)
@given(
    held=st.lists(st.tuples(st.integers(1, 26), st.booleans(), ANSWERS), max_size=8, unique_by=lambda held: held[0]),
    scheduled=st.lists(st.integers(1, 26), max_size=10, unique=True),
)
def test_the_filter_keeps_exactly_the_outcome_rows(
    held: list[tuple[int, bool, OutcomeConfirmation | None]], scheduled: list[int]
) -> None:
    store = InMemoryStore()
    for weeks, with_note, answer in held:
        day = START - timedelta(weeks=weeks)
        store_outcome(store, "m", "e", day, LOG, NOW, note="A private note" if with_note else "")
        if answer is not None:
            record_confirmation(store, "m", "e", day, answer, NOW)
    for weeks in scheduled:
        record_conversation(store, "m", "e", START + timedelta(weeks=weeks), "scheduled", NOW)
    rows = store.query(OUTCOMES, pair_key("m", "e"))
    assert {r.row for r in rows if matches(r.data, OUTCOME_ROWS)} == {
        r.row for r in rows if r.row.startswith(OUTCOME_PREFIX)
    }
    assert len(open_actions(store, "m", "e", before=START)) == len(held)
