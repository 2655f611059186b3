"""One record per conversation (an occurrence of a pair's series) and its status, with an export ticket per change.

Table ``outcomes``, partition = the pair key (``manager__report``):
- row ``conversation:<conversation id>``: manager and report ids, conversation date, org unit, tenure stage,
  occurrence id and ``status`` (``shared/domain/conversation_status.py``);
- row ``outbox:<conversation id>:<status>`` (kind ``conversation``), written in the same transaction, so the
  export writes the Conversations row (in place of the row of an earlier status) and emits the event. The
  conversations one transaction schedules share one such ticket (``scheduled_ticket``, with their ``count``): a
  new series schedules a year of them, and a scheduled conversation only counts as an event.

The conversation id is derived from (pair, conversation date). A change that does not outrank the stored
status writes nothing, so every writer can repeat itself: series creation and fix-ups (scheduled,
cancelled), repair (moved), a logged outcome (held, written by ``record_outcome.store_outcome``), the reminder
sweep (overdue, ``reminders.mark_overdue``) and the missed sweep (``conversation_changes.sweep_missed``). The
record's ``prep`` (``conversation_prep``) is kept through every status change and travels on each outbox entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from shared.domain.conversation_status import ConversationStatus, supersedes
from shared.domain.people import pair_key
from shared.domain.tenure import tenure_stage
from shared.ports.storage import TRANSACTION_LIMIT, Record, Store, TransactionOp
from shared.services.scheduling_records import PAIRS, load_person

OUTCOMES = "outcomes"
OUTCOME_PREFIX, OUTBOX_PREFIX, CONVERSATION_PREFIX = "outcome:", "outbox:", "conversation:"
PENDING, EXPORTED = "pending", "exported"
MAX_OPS = TRANSACTION_LIMIT  # a Table Storage transaction holds at most 100 operations


def conversation_id(key: str, day: date) -> str:
    return "c-" + hashlib.sha256(f"{key}|{day.isoformat()}".encode()).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class PairFacts:
    """What a conversation row says about its pair, when the caller has read it already: the pair's org unit and
    the report's hire date (scheduling has both, from the run's pair list and its people)."""

    org_unit: str
    hire_date: date | None


class _PairReads:
    """One pair's reads, made once for a group of changes: its pair row, the report and (optionally) its records.
    ``facts``: the pair row and the report as the caller read them (no read here)."""

    def __init__(
        self,
        store: Store,
        manager_id: str,
        report_id: str,
        rows: dict[str, Record] | None = None,
        facts: PairFacts | None = None,
    ) -> None:
        self.store, self.key, self.rows = store, pair_key(manager_id, report_id), rows
        self.facts = facts or _read_facts(store, manager_id, report_id)

    def record(self, row: str) -> Record | None:
        return self.rows.get(row) if self.rows is not None else self.store.find(OUTCOMES, self.key, row)

    def context(self, day: date) -> dict[str, Any]:
        hired = self.facts.hire_date
        stage = tenure_stage(hired, day) if hired else None
        return {"org_unit": self.facts.org_unit, "tenure_stage": str(stage) if stage is not None else ""}


def _read_facts(store: Store, manager_id: str, report_id: str) -> PairFacts:
    pair, person = store.find(PAIRS, manager_id, report_id), load_person(store, report_id)
    org_unit = str(pair.data.get("org_unit") or "unassigned") if pair is not None else "unassigned"
    return PairFacts(org_unit, person.hire_date if person is not None else None)


def conversation_context(store: Store, manager_id: str, report_id: str, day: date) -> dict[str, Any]:
    """Org unit (from ``pairs``) and the report's tenure stage on the conversation date (ids and labels only)."""
    return _PairReads(store, manager_id, report_id).context(day)


def outbox_op(ref: str, kind: str, now: datetime, **extra: Any) -> TransactionOp:
    data = {"kind": kind, "ref": ref, "status": PENDING, "created_at": now.isoformat(), **extra}
    return TransactionOp("upsert", f"{OUTBOX_PREFIX}{ref.removeprefix(OUTCOME_PREFIX)}", data)


def status_ops(
    store: Store,
    manager_id: str,
    report_id: str,
    day: date,
    status: ConversationStatus,
    now: datetime,
    occurrence: str = "",
    ticket: bool = True,
    reads: _PairReads | None = None,
) -> list[TransactionOp]:
    """The operations that move the conversation to ``status``; none when the stored status outranks it.

    ``ticket=False`` leaves out the outbox entry (a held conversation is exported with its outcome).
    """
    reads = reads or _PairReads(store, manager_id, report_id)
    ident = conversation_id(reads.key, day)
    found = reads.record(CONVERSATION_PREFIX + ident)
    current = ConversationStatus(str(found.data["status"])) if found is not None else None
    if not supersedes(status, current):
        return []
    data = {
        "conversation_id": ident,
        "manager_id": manager_id,
        "report_id": report_id,
        "conversation_date": day.isoformat(),
        "occurrence_id": occurrence or (str(found.data.get("occurrence_id") or "") if found is not None else ""),
        "status": str(status),
        "updated_at": now.isoformat(),
        **reads.context(day),
        **prep_of(found),
    }
    ops = [TransactionOp("upsert", CONVERSATION_PREFIX + ident, data)]
    if ticket:
        ops.append(outbox_op(f"{ident}:{status}", "conversation", now, state=str(status), **ticket_fields(data)))
    return ops


def prep_of(record: Record | None) -> dict[str, str]:
    """The record's ``prep`` (submitted / overdue), kept through every status change; empty when not set."""
    prep = str(record.data.get("prep") or "") if record is not None else ""
    return {"prep": prep} if prep else {}


def ticket_fields(data: dict[str, Any]) -> dict[str, Any]:
    """What a conversation's outbox entry carries: ids, date, unit, stage and ``prep`` when set (no text)."""
    keys = ("manager_id", "report_id", "conversation_date", "org_unit", "tenure_stage", "prep")
    return {k: data[k] for k in keys if k in data}


def record_conversation(
    store: Store, manager_id: str, report_id: str, day: date, status: str, now: datetime, occurrence: str = ""
) -> bool:
    """Move one conversation to ``status`` (idempotent, never backwards); True when something changed."""
    ops = status_ops(store, manager_id, report_id, day, ConversationStatus(status), now, occurrence)
    if ops:
        store.transact(OUTCOMES, pair_key(manager_id, report_id), ops)
    return bool(ops)


def record_many(
    store: Store,
    manager_id: str,
    report_id: str,
    changes: Iterable[tuple[date, ConversationStatus]],
    now: datetime,
    facts: PairFacts | None = None,
) -> int:
    """Several changes of one pair, in transactions of at most 100 operations; returns how many changed.
    ``facts``: the pair's org unit and the report's hire date when the caller has them (else they are read)."""
    latest: dict[date, ConversationStatus] = {}
    for day, status in changes:  # one change per day: the highest-ranked
        if supersedes(status, latest.get(day)):
            latest[day] = status
    key = pair_key(manager_id, report_id)
    rows = {r.row: r for r in store.query(OUTCOMES, key) if r.row.startswith(CONVERSATION_PREFIX)}
    reads = _PairReads(store, manager_id, report_id, rows, facts)
    ops: list[TransactionOp] = []
    scheduled: list[Mapping[str, Any]] = []  # this transaction's newly scheduled conversations: one ticket for all
    changed = 0
    for day, status in sorted(latest.items()):
        grouped = status is ConversationStatus.SCHEDULED
        new = status_ops(store, manager_id, report_id, day, status, now, ticket=not grouped, reads=reads)
        changed += bool(new)
        if len(ops) + len(new) + 1 > MAX_OPS:  # room for the scheduled ticket
            _transact(store, key, ops, scheduled, now)
            ops, scheduled = [], []
        ops += new
        if grouped and new:
            scheduled.append(new[0].data)
    if ops:
        _transact(store, key, ops, scheduled, now)
    return changed


def _transact(
    store: Store, key: str, ops: list[TransactionOp], scheduled: list[Mapping[str, Any]], now: datetime
) -> None:
    """One transaction of a pair's changes, with one ticket for the conversations it schedules (if any)."""
    store.transact(OUTCOMES, key, [*ops, scheduled_ticket(scheduled, now)] if scheduled else ops)


def scheduled_ticket(scheduled: list[Mapping[str, Any]], now: datetime) -> TransactionOp:
    """One outbox entry for conversations newly scheduled together (a new series' year: about 26), written in their
    transaction: the export emits one ``conversation_scheduled`` event per conversation (``count``) and writes no
    row (a scheduled conversation is not a fact yet). Keyed by its first conversation, scheduled once only, so a
    repeat writes no ticket; dated by its last conversation, so retention keeps it while any of them is ahead."""
    first, last = scheduled[0], max(scheduled, key=lambda data: str(data["conversation_date"]))
    fields = {"manager_id": first["manager_id"], "report_id": first["report_id"], "org_unit": first["org_unit"]}
    return outbox_op(f"{first['conversation_id']}:{ConversationStatus.SCHEDULED}", "conversation", now,
                     state=str(ConversationStatus.SCHEDULED), count=len(scheduled),
                     conversation_date=last["conversation_date"], **fields)  # fmt: skip


def utc_day(instant: datetime) -> date:
    """The conversation date of an occurrence: its start's UTC date (as the outcome card's ``conversationDate``)."""
    return instant.astimezone(UTC).date()
