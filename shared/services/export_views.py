"""Rebuild the HR workbook's view tables on each export: Plateau risk, Learning needs and Coaching.

Read from the Store: active pairs and people (who, which unit, hired when), held conversation records
(dates), current agendas (only the number of *shared* micro-needs per person: a private item is never
counted and no item text is read into a row), outcome actions (quadrant per unit) and coach requests
(instants only). The roll-up and its fewer-than-5 rule live in ``shared.domain.hr_views``.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterator
from datetime import date, datetime

from shared.domain.agenda import ItemKind, Visibility
from shared.domain.conversation_status import ConversationStatus
from shared.domain.hr_views import Member, plateau_risk, roll_up
from shared.domain.status import Progress
from shared.domain.tenure import TenureThresholds
from shared.ports.storage import Store
from shared.ports.workbook import COACHING_TABLE, LEARNING_TABLE, PLATEAU_TABLE, Row, Workbook
from shared.services.agenda_store import load_agenda
from shared.services.coach_requests import all_requests
from shared.services.conversation_lifecycle import CONVERSATION_PREFIX, OUTCOME_PREFIX, OUTCOMES
from shared.services.export_rows import People
from shared.services.scheduling_records import active_pairs, load_person


def members(store: Store) -> list[Member]:
    """Every report of an active pair (their unit is the pair's org unit)."""
    people, found = People(store), []
    for pair in active_pairs(store):
        person = load_person(store, pair.report_id)
        if person is None:
            continue
        found.append(Member(person.id, person.upn, pair.org_unit, people.upn(pair.manager_id), person.hire_date))
    return found


def last_held(store: Store) -> dict[str, date]:
    """The date of each report's last held conversation, by report id."""
    held: dict[str, date] = {}
    for record in store.query(OUTCOMES, where={"status": [str(ConversationStatus.HELD)]}):  # the service filters
        if record.row.startswith(CONVERSATION_PREFIX):
            report, day = str(record.data["report_id"]), date.fromisoformat(str(record.data["conversation_date"]))
            held[report] = max(day, held.get(report, day))
    return held


def shared_micro_needs(store: Store, people: list[Member]) -> dict[str, int]:
    """How many shared, not dropped micro-needs each person has (private items are skipped unread)."""
    counts: dict[str, int] = {}
    for member in people:
        items = load_agenda(store, member.person_id).items
        counts[member.person_id] = sum(
            1
            for item in items
            if item.kind is ItemKind.MICRO_NEED
            and item.visibility is Visibility.SHARED
            and item.status is not Progress.DROPPED
        )
    return counts


def action_quadrants(store: Store) -> Iterator[tuple[str, str]]:
    """``(org unit, quadrant)`` of every logged action that was not dropped."""
    for record in store.query(OUTCOMES):
        if not record.row.startswith(OUTCOME_PREFIX):
            continue
        unit = str(record.data.get("org_unit") or "unassigned")
        for action in json.loads(str(record.data.get("actions") or "[]")):
            if action.get("status") != Progress.DROPPED:
                yield unit, str(action.get("quadrant") or "")


def coaching_rows(store: Store) -> list[Row]:
    """Counts of coach requests and the median hours to first contact (a coach taking it); never content."""
    requests = all_requests(store)
    hours = [h for h in (r.hours_to_first_contact() for r in requests) if h is not None]
    median = round(statistics.median(hours), 1) if hours else ""
    return [
        ["Requests", len(requests)],
        ["Taken", sum(1 for r in requests if r.taken_at is not None)],
        ["Closed", sum(1 for r in requests if r.done_at is not None)],
        ["Median hours to first contact", median],
    ]


async def refresh_views(
    store: Store, workbook: Workbook, now: datetime, thresholds: TenureThresholds | None = None
) -> None:
    """Rewrite the three view tables; the Plateau risk band follows ``thresholds`` (the company config's)."""
    people = members(store)
    plateau = plateau_risk(people, last_held(store), now.date(), thresholds)
    await workbook.replace_view(PLATEAU_TABLE, [list(row) for row in plateau])
    needs = roll_up(people, shared_micro_needs(store, people), action_quadrants(store))
    await workbook.replace_view(LEARNING_TABLE, [list(unit.shown()) for unit in needs])
    await workbook.replace_view(COACHING_TABLE, coaching_rows(store))
