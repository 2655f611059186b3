"""Drain the outbox into the HR workbook: read pending entries, append their rows, then mark them exported.

Idempotent: every row's first cell is its id (``<outcome id>:<action id>`` on Outcomes,
``<conversation id>:<status>`` on Conversations) and the rows already in the workbook are read
before appending, so a crash between the append and the marking, or a retried export, adds nothing twice.
One Conversations row per conversation: when its status changes (a late outcome turns a missed
conversation into a held one), the row of the earlier status is overwritten in place (``update_rows``),
and a row of a status that ranks lower than the one already written is left out. A ``scheduled``
entry writes no row (not a fact yet); it only emits its event, once per conversation it stands for (the
conversations one transaction schedules share a ticket: ``conversation_lifecycle.scheduled_ticket``).
An entry whose rows are in the workbook already (``refresh``: an action's status, the confirmation or the prep
changed; or an entry re-written while its export ran) has them overwritten in place and emits no event again,
so nothing is counted twice.
Only action data leaves: no agenda items, no confirmation comments; people appear by UPN.
Each export also rebuilds the view tables (Plateau risk, Learning needs, Coaching: ``export_views``) and
saves everything with one ``flush`` before any entry is marked exported.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.domain.conversation_status import RANK, ConversationStatus
from shared.domain.tenure import TenureThresholds
from shared.ports.storage import TRANSACTION_LIMIT, Record, StaleWrite, Store
from shared.ports.telemetry import (
    ACTION_LOGGED,
    CONVERSATION_CANCELLED,
    CONVERSATION_HELD,
    CONVERSATION_MISSED,
    CONVERSATION_MOVED,
    CONVERSATION_OVERDUE,
    CONVERSATION_SCHEDULED,
    OUTCOME_LOGGED,
    Events,
    NullEvents,
)
from shared.ports.workbook import CONVERSATIONS_TABLE, OUTCOMES_TABLE, Row, Workbook
from shared.services.export_rows import People, action_row, conversation_row, stored_prep
from shared.services.export_views import refresh_views
from shared.services.record_outcome import EXPORTED, OUTBOX_PREFIX, OUTCOMES, PENDING

logger = logging.getLogger(__name__)
CONVERSATION_EVENTS = {
    "scheduled": CONVERSATION_SCHEDULED,
    "held": CONVERSATION_HELD,
    "moved": CONVERSATION_MOVED,
    "missed": CONVERSATION_MISSED,
    "cancelled": CONVERSATION_CANCELLED,
    "overdue": CONVERSATION_OVERDUE,
}
TABLES = (OUTCOMES_TABLE, CONVERSATIONS_TABLE)
Written = dict[str, set[str]]


@dataclass
class ExportReport:
    entries: int = 0
    appended: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    updated: int = 0


@dataclass
class _Batch:
    entries: list[Record] = field(default_factory=list)
    rows: dict[str, list[Row]] = field(default_factory=lambda: {OUTCOMES_TABLE: [], CONVERSATIONS_TABLE: []})
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    refresh: set[str] = field(default_factory=set)  # row ids to overwrite when already written


def pending_entries(store: Store, limit: int | None = None) -> list[Record]:
    pending = store.query(OUTCOMES, where={"status": [PENDING]})  # the service filters: not the whole table back
    entries = [r for r in pending if r.row.startswith(OUTBOX_PREFIX)]
    return entries[:limit] if limit else entries


def _collect(store: Store, entries: Iterable[Record], people: People, written: Written) -> _Batch:
    """The rows and events of ``entries``; ``written`` holds the row ids already in the workbook, per table.

    An entry whose rows are there already (a ``refresh``, or an entry that changed while its export ran) has them
    rewritten in place and emits nothing: its events went out with the export that wrote them."""
    batch = _Batch()
    for entry in entries:
        batch.entries.append(entry)
        if entry.data.get("kind") == "conversation":
            _collect_conversation(batch, entry.data, people, written[CONVERSATIONS_TABLE])
        else:
            _collect_outcome(store, batch, entry, people, written[OUTCOMES_TABLE])
    return batch


def _collect_conversation(batch: _Batch, data: Mapping[str, Any], people: People, written: set[str]) -> None:
    state = str(data["state"])
    row = conversation_row(data, state, people) if state != ConversationStatus.SCHEDULED else None
    if row is not None:
        batch.rows[CONVERSATIONS_TABLE].append(row)
    if data.get("refresh") or (row is not None and str(row[0]) in written):  # a prep change, or a retry
        if row is not None:
            batch.refresh.add(str(row[0]))
        return
    if state in CONVERSATION_EVENTS:
        event = (CONVERSATION_EVENTS[state], {"org_unit": str(data.get("org_unit") or "")})
        batch.events.extend([event] * _conversations_of(data))


def _conversations_of(data: Mapping[str, Any]) -> int:
    """How many conversations a ticket stands for: ``count`` on one for conversations scheduled together, else 1."""
    count = data.get("count")
    # a ticket is written in its conversations' transaction, so it stands for fewer than a transaction's operations
    return count if type(count) is int and 1 <= count <= TRANSACTION_LIMIT else 1


def _collect_outcome(store: Store, batch: _Batch, entry: Record, people: People, written: set[str]) -> None:
    outcome = store.find(OUTCOMES, entry.partition, str(entry.data["ref"]))
    if outcome is None:  # purged or forgotten since: nothing left to export
        return
    actions = json.loads(str(outcome.data["actions"]))
    rows = [action_row(outcome.data, a, people) for a in actions]
    batch.rows[OUTCOMES_TABLE].extend(rows)
    ids = {str(row[0]) for row in rows}
    if ids & written:  # exported before (a status or the confirmation changed since): rewritten in place
        batch.refresh.update(ids)
        return
    prep = stored_prep(store, entry.partition, outcome.data)
    batch.rows[CONVERSATIONS_TABLE].append(conversation_row(outcome.data, "held", people, prep))
    unit = str(outcome.data.get("org_unit") or "")
    batch.events.append((CONVERSATION_HELD, {"org_unit": unit, "outcome_id": str(outcome.data["outcome_id"])}))
    batch.events.append((OUTCOME_LOGGED, {"org_unit": unit, "count": len(actions)}))
    batch.events.extend(
        (ACTION_LOGGED, {"org_unit": unit, "quadrant": str(a["quadrant"]), "type": str(a["type"])}) for a in actions
    )


def _rank(row_id: str) -> tuple[str, int]:
    """(conversation id, rank of its status) for a Conversations row id ``<conversation id>:<status>``."""
    ident, _, status = row_id.rpartition(":")
    return ident, RANK.get(ConversationStatus(status), -1) if status in ConversationStatus else -1


def _place(rows: list[Row], existing: set[str], table: str, refresh: set[str]) -> tuple[list[Row], dict[str, Row]]:
    """The rows to append and the rows to overwrite in place (by old row id); a row already there is neither,
    unless it is to be refreshed (an Outcomes row whose action status changed)."""
    if table != CONVERSATIONS_TABLE:
        unique = {str(row[0]): row for row in rows if str(row[0]) not in existing}
        return list(unique.values()), {str(r[0]): r for r in rows if str(r[0]) in existing and str(r[0]) in refresh}
    written = {_rank(i)[0]: i for i in sorted(existing, key=lambda i: _rank(i)[1])}  # highest status per conversation
    fresh: dict[str, Row] = {}
    in_place: dict[str, Row] = {}
    for row in sorted(rows, key=lambda r: _rank(str(r[0]))[1]):
        ident, rank = _rank(str(row[0]))
        old = written.get(ident)
        if old == str(row[0]) and old in refresh:  # the same row with a changed field (its prep)
            (in_place if old in existing else fresh)[old] = row
            continue
        if old is not None and _rank(old)[1] >= rank:
            continue  # already written, or a later status is
        if old is not None and old in existing:
            in_place.pop(old, None)
            in_place[old] = row
        else:
            fresh.pop(str(old), None)
            fresh[str(row[0])] = row
        written[ident] = str(row[0])
    return list(fresh.values()), in_place


async def _append_new(workbook: Workbook, table: str, rows: list[Row], report: ExportReport, refresh: set[str]) -> None:
    if not rows:
        return
    existing = await workbook.existing_row_ids(table)
    fresh, in_place = _place(rows, existing, table, refresh)
    report.skipped[table] = len(rows) - len(fresh) - len(in_place)
    report.appended[table] = await workbook.append_rows(table, fresh) if fresh else 0
    report.updated += await workbook.update_rows(table, in_place) if in_place else 0


def _mark_exported(store: Store, entries: Iterable[Record], now: datetime) -> None:
    for entry in entries:
        try:
            store.update(entry, {**entry.data, "status": EXPORTED, "exported_at": now.isoformat()})
        except StaleWrite:  # re-written (a newer version of the outcome): the next export takes it
            logger.info("outbox entry changed during export; left pending")


async def export_outcomes(
    store: Store,
    workbook: Workbook,
    now: datetime,
    events: Events | None = None,
    limit: int | None = None,
    *,
    thresholds: TenureThresholds | None = None,
) -> ExportReport:
    """Export every pending outbox entry (at most ``limit``); returns what was appended and skipped.

    ``thresholds``: the company config's tenure thresholds (the Plateau risk band); the defaults when None."""
    sink = events or NullEvents()
    entries = pending_entries(store, limit)
    report = ExportReport(entries=len(entries))
    await workbook.ensure()
    written = {table: await workbook.existing_row_ids(table) if entries else set() for table in TABLES}
    batch = _collect(store, entries, People(store), written)
    for table, rows in batch.rows.items():
        await _append_new(workbook, table, rows, report, batch.refresh)
    await refresh_views(store, workbook, now, thresholds)
    await workbook.flush()  # one save for the whole batch, before anything is marked exported
    _mark_exported(store, batch.entries, now)
    for name, attributes in batch.events:
        sink.emit(name, **attributes)
    logger.info("exported %d outbox entries: appended %s, skipped %s", len(entries), report.appended, report.skipped)
    return report
