"""Silent declines: the organiser's instances against the report's copy, paired by originalStart (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.calendar import Response
from shared.domain.mailbox_events import EventKind, MailboxEvent, silent_declines

pytestmark = pytest.mark.unit

T0 = datetime(2026, 6, 2, 8, 0, tzinfo=UTC)
WEEKS = [T0 + timedelta(weeks=6 * i) for i in range(4)]
LENGTH = timedelta(minutes=45)


def organisers(moved: dict[int, datetime] | None = None) -> list[MailboxEvent]:
    moved = moved or {}
    found = []
    for i, original in enumerate(WEEKS):
        start = moved.get(i, original)
        kind = EventKind.EXCEPTION if i in moved else EventKind.OCCURRENCE
        found.append(
            MailboxEvent(f"o{i}", kind, start, start + LENGTH, f"u{i}", "m", True, Response.ORGANIZER, False, original)
        )
    return found


def copy_of(organiser: list[MailboxEvent], answers: dict[int, Response] | None = None) -> list[MailboxEvent]:
    answers = answers or {}
    return [
        MailboxEvent(f"c{i}", o.kind, o.start, o.end, f"u{i}", "cm", False, answers.get(i, Response.NONE), False,
                     o.original_start)
        for i, o in enumerate(organiser)
    ]  # fmt: skip


def test_a_copy_that_matches_declines_nothing() -> None:
    organiser = organisers()
    assert silent_declines(organiser, copy_of(organiser)) == frozenset()


def test_an_occurrence_missing_from_the_copy_or_shown_declined_there_is_declined() -> None:
    organiser = organisers()
    copy = copy_of(organiser, {2: Response.DECLINED})
    del copy[1]
    assert silent_declines(organiser, copy) == {(WEEKS[1], WEEKS[1] + LENGTH), (WEEKS[2], WEEKS[2] + LENGTH)}


def test_a_moved_occurrence_missing_from_a_lagging_copy_is_not_declined_again() -> None:
    """After WeGrow moved it, the copy may not have the update yet: never a reason to move it once more."""
    moved = organisers({1: WEEKS[1] + timedelta(days=1)})
    settling = frozenset({moved[1].event_id})  # WeGrow moved it moments ago
    copy = copy_of(organisers(), {1: Response.DECLINED})  # still the old time, still declined
    assert silent_declines(moved, copy, settling) == frozenset()
    assert silent_declines(moved, [c for c in copy if c.event_id != "c1"], settling) == frozenset()


def test_a_week_the_plan_moved_and_the_report_deleted_from_their_copy_is_declined() -> None:
    """The year plan moves weeks as exceptions; a silent decline of one of them must not go unseen."""
    moved = organisers({1: WEEKS[1] + timedelta(days=1)})
    copy = [c for c in copy_of(moved) if c.event_id != "c1"]
    assert silent_declines(moved, copy) == {(moved[1].start, moved[1].end)}


def test_a_moved_occurrence_declined_at_its_new_time_is_declined() -> None:
    moved = organisers({1: WEEKS[1] + timedelta(days=1)})
    assert silent_declines(moved, copy_of(moved, {1: Response.DECLINED})) == {(moved[1].start, moved[1].end)}


@given(st.sets(st.integers(0, 3)), st.sets(st.integers(0, 3)), st.sets(st.integers(0, 3)), st.sets(st.integers(0, 3)))
def test_only_settled_missing_or_same_time_declines_count(
    moved: set[int], settling: set[int], missing: set[int], declined: set[int]
) -> None:
    organiser = organisers({i: WEEKS[i] + timedelta(days=2) for i in moved})
    ids = frozenset(organiser[i].event_id for i in settling)
    copy = [c for i, c in enumerate(copy_of(organiser, dict.fromkeys(declined, Response.DECLINED))) if i not in missing]
    expected = {i for i in missing if i not in (moved & settling)} | (declined - missing)
    assert silent_declines(organiser, copy, ids) == {(organiser[i].start, organiser[i].end) for i in expected}
