"""A year plan as series-record fields, and back: what the caps count, the dry run shows and a crash resumes.

``conversations`` (every start, for the manager's daily and weekly load), ``plan`` (each conversation with
where the pattern put it, why it moved and the milestone it serves; plus skipped weeks) and ``fixups``
(``pending`` until the moves, cancelled weeks and extras are on the calendar, then ``done``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from shared.domain.planning import Conversation, YearPlan
from shared.domain.slots import Explanation
from shared.services.scheduling_load import CONVERSATIONS, encode_starts
from shared.services.series_fixups import needs_fixups

PLAN, FIXUPS, CLOSEST, EXTRAS = "plan", "fixups", "closest", "extra_events"


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _conversation(c: Conversation) -> dict[str, Any]:
    return {
        "start": c.start.isoformat(),
        "end": c.end.isoformat(),
        "pattern": _when(c.pattern_start),
        "moved": c.moved_because,
        "milestone": c.milestone_id,
        "label": c.milestone_label,
    }


def plan_row(plan: YearPlan) -> dict[str, Any]:
    """The record fields for a created series' plan."""
    body = {
        "conversations": [_conversation(c) for c in plan.conversations],
        "skipped": [[start.isoformat(), why] for start, why in plan.skipped],
        "unmet": [list(item) for item in plan.unmet_milestones],
    }
    return {
        CONVERSATIONS: encode_starts(c.start for c in plan.conversations),
        PLAN: json.dumps(body, separators=(",", ":")),
        FIXUPS: "pending" if needs_fixups(plan) else "done",
    }


def plan_from_row(data: Mapping[str, Any]) -> YearPlan | None:
    """The plan a record holds (None for a record written before plans were kept)."""
    raw = data.get(PLAN)
    if not raw:
        return None
    body = json.loads(str(raw))
    conversations = tuple(
        Conversation(
            start=datetime.fromisoformat(c["start"]),
            end=datetime.fromisoformat(c["end"]),
            pattern_start=datetime.fromisoformat(c["pattern"]) if c.get("pattern") else None,
            moved_because=c.get("moved"),
            milestone_id=c.get("milestone"),
            milestone_label=c.get("label"),
        )
        for c in body.get("conversations", [])
    )
    skipped = tuple((datetime.fromisoformat(start), str(why)) for start, why in body.get("skipped", []))
    unmet = tuple((str(mid), str(why)) for mid, why in body.get("unmet", []))
    first = conversations[0].pattern_start if conversations else None
    explanation = Explanation("recorded plan", "the plan recorded with the series", 0)
    return YearPlan(first, conversations, skipped, explanation, unmet_milestones=unmet)


def closest_row(plan: YearPlan) -> dict[str, Any]:
    """The closest options of a pair with no slot (free for both, but outside someone's hours), for the
    dry run, the health summary and the manager's card."""
    options = [
        {"start": slot.start.isoformat(), "end": slot.end.isoformat(), "outside": list(slot.outside_hours)}
        for slot in plan.closest
    ]
    return {CLOSEST: json.dumps(options, separators=(",", ":"))}


def extras_row(events: Sequence[tuple[str, datetime, datetime]]) -> dict[str, Any]:
    """The single planning conversations created for milestones: event id, start and end each."""
    rows = [[event_id, start.isoformat(), end.isoformat()] for event_id, start, end in events]
    return {EXTRAS: json.dumps(rows, separators=(",", ":"))} if rows else {}


def extras_from_row(data: Mapping[str, Any]) -> list[tuple[str, datetime, datetime]]:
    raw = data.get(EXTRAS)
    if not raw:
        return []
    return [(str(e), datetime.fromisoformat(s), datetime.fromisoformat(t)) for e, s, t in json.loads(str(raw))]
