"""The audit rows occurrence repair writes, one per moved occurrence, and what notification handling reads back.

Each row (table ``audit``, partition = the pair's key, row = the organiser's occurrence id) says what moved, when,
and the note both people get. Notification handling asks which occurrences WeGrow moved moments ago: an
attendee's copy of those may still show the old time for a while, which is not a decline.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from shared.domain.people import Pair
from shared.services.schedule_context import ScheduleContext

AUDIT = "audit"
SETTLING = timedelta(hours=1)  # how long after WeGrow moves an occurrence an attendee's copy may still lag


def settling_moves(ctx: ScheduleContext, pair: Pair, occurrence_ids: Collection[str]) -> frozenset[str]:
    """Those of ``occurrence_ids`` (the organiser's) this repair moved within ``SETTLING`` (its audit rows)."""
    since = ctx.now - SETTLING
    recent = {
        row.row
        for row in ctx.store.query(AUDIT, pair.key)
        if row.data.get("kind") == "occurrence-moved" and _at(row.data.get("at")) >= since
    }
    return frozenset(event_id for event_id in occurrence_ids if audit_key(event_id) in recent)


def audit_key(event_id: str) -> str:
    return event_id.replace("/", "_")


def _at(value: object) -> datetime:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
