"""The ``cards`` table: one row per card we send, with the recipient it was sent to.

A card id is derived from (occurrence, kind), so a retry finds the row it wrote before. The row is
written (status ``pending``) before the send and marked ``sent`` after; a card action is checked
against its ``recipient_id``, never against anything the card itself carries.

A row keeps ids, never content (docs/cards.md, "Refresh rebuilds, never replays"): ``template_data`` is cut
to :data:`STORED_KEYS` (the manager's id and the conversation's start), and every refresh rebuilds the card
from the store as it is now. A submission first *claims* the row with its ETag (:func:`claim`), so two
concurrent submits of one card cannot both apply.

A prep card, once sent, also has a row in its recipient's partition of the ``agendas`` table (row
``card-<card id>``, :func:`mark_sent`). That row is the one its actions read and write: the card, the agenda and
the saved prep share one partition, so a submission is one read and one transaction (``prep_submit``). The
``cards`` row keeps the sending (pending, sent, unreachable); the agenda's row keeps the answering (submitted).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypeGuard

from shared.ports.storage import AlreadyExists, Record, StaleWrite, Store, StoreError, TransactionOp, Write
from shared.services.agenda_store import AGENDAS

CARDS = "cards"
ROW = "card"
IN_AGENDA = "card-"  # row-key prefix of a prep card's row in its recipient's agenda partition
STORED_KEYS = ("managerId", "start", "cardId")  # ids only: what a card row may keep of its template data
CLAIM_TTL = timedelta(minutes=2)  # a claim older than this was left by a crashed attempt and may be taken over


class CardKind(StrEnum):
    PREP = "prep"
    AGENDA = "agenda"
    OUTCOME = "outcome"
    CONFIRM = "confirm"
    REMINDER = "reminder"
    COACH_REQUEST = "coach_request"
    COACH_TAKEN = "coach_taken"  # to the employee: which coach took their request (read-only)
    NO_SLOT = "no_slot"  # to a manager: no time found for a report, with the closest options to book


class CardStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    SUBMITTED = "submitted"
    UNREACHABLE = "unreachable"


def card_id(occurrence_id: str, kind: CardKind | str) -> str:
    """Deterministic, key-safe id of the card for one occurrence and kind."""
    return hashlib.sha256(f"{occurrence_id}\x1f{kind}".encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class CardRecord:
    card_id: str
    kind: CardKind
    occurrence_id: str
    recipient_id: str
    employee_id: str
    status: CardStatus
    template_data: Mapping[str, Any]
    record: Record | None = None

    @classmethod
    def from_record(cls, record: Record) -> CardRecord:
        data = record.data
        in_agenda = record.row.startswith(IN_AGENDA)
        return cls(
            card_id=record.row.removeprefix(IN_AGENDA) if in_agenda else record.partition,
            kind=CardKind(str(data["kind"])),
            occurrence_id=str(data["occurrence_id"]),
            recipient_id=str(data["recipient_id"]),
            employee_id=str(data.get("employee_id", "")),
            status=CardStatus(str(data["status"])),
            template_data=ids_only(json.loads(str(data.get("template_data", "{}")))),
            record=record,
        )

    def to_data(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "occurrence_id": self.occurrence_id,
            "recipient_id": self.recipient_id,
            "employee_id": self.employee_id,
            "status": str(self.status),
            "template_data": json.dumps(ids_only(self.template_data)),
        }

    def claimed_at(self) -> datetime | None:
        held = self.record.data.get("claimed_at") if self.record is not None else None
        return datetime.fromisoformat(held) if isinstance(held, str) and held else None


def ids_only(template_data: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a card's data a row may keep: ids and the start, never text anyone typed or a name."""
    return {key: template_data[key] for key in STORED_KEYS if isinstance(template_data.get(key), str)}


def agenda_row(card: str) -> str:
    """The row key of a prep card's row in its recipient's agenda partition."""
    return IN_AGENDA + card


MAX_CARD_ID = 64  # longer ids are never ours: no read is spent on them


def plausible_card_id(card: object) -> TypeGuard[str]:
    """A card id worth a read: a non-empty string no longer than any id WeGrow makes."""
    return isinstance(card, str) and 0 < len(card) <= MAX_CARD_ID


def card_row(store: Store, card: str) -> CardRecord | None:
    """The card's ``cards`` row: how it was sent (for a prep card, not whether it was answered)."""
    if not plausible_card_id(card):
        return None
    record = store.find(CARDS, card, ROW)
    return CardRecord.from_record(record) if record else None


def find_card(store: Store, card: str, owner: str | None = None) -> CardRecord | None:
    """The card as it stands: a sent prep card's row in its recipient's agenda partition, else its ``cards`` row.

    ``owner``: whose agenda partition to look in first (the actor, the employee), saving a round trip for a prep
    card; any other card then costs one read more.
    """
    if not plausible_card_id(card):
        return None
    if owner and (in_agenda := store.find(AGENDAS, owner, agenda_row(card))) is not None:
        return CardRecord.from_record(in_agenda)
    row = card_row(store, card)
    if row is None or row.kind is not CardKind.PREP or row.status is not CardStatus.SENT or row.recipient_id == owner:
        return row
    in_agenda = store.find(AGENDAS, row.recipient_id, agenda_row(card))
    return CardRecord.from_record(in_agenda) if in_agenda is not None else row


def mark_sent(store: Store, card: CardRecord, now: datetime, **extra: Any) -> CardRecord:
    """The card went out: its ``cards`` row says so, and a prep card gets its row in the recipient's agenda
    partition (kept as it is when a retry finds it there already). The two writes go at once (one wait): neither
    reads the other, and each is what it would be alone."""
    if card.kind is not CardKind.PREP:
        return set_status(store, card, CardStatus.SENT, now, **extra)
    if card.record is None:
        raise ValueError("mark_sent needs a card read from the store")
    data = _with_status(card.record, CardStatus.SENT, now, **extra)
    row = card.record
    status, in_agenda = store.write_at_once(
        [
            Write(row.table, row.partition, TransactionOp("update", row.row, data, row.etag)),
            Write(AGENDAS, card.recipient_id, TransactionOp("insert", agenda_row(card.card_id), data)),
        ]
    )
    if isinstance(status, StoreError):
        raise status
    if isinstance(in_agenda, StoreError) and not isinstance(in_agenda, AlreadyExists):
        raise in_agenda
    return CardRecord.from_record(status)


def insert_card(store: Store, card: CardRecord) -> CardRecord:
    """Write a new pending card; raises AlreadyExists when a previous attempt wrote it."""
    return CardRecord.from_record(store.insert(CARDS, card.card_id, ROW, card.to_data()))


def set_status(store: Store, card: CardRecord, status: CardStatus, now: datetime, **extra: Any) -> CardRecord:
    """Move the card to ``status`` if nobody changed it since it was read (else StaleWrite)."""
    if card.record is None:
        raise ValueError("set_status needs a card read from the store")
    return CardRecord.from_record(store.update(card.record, _with_status(card.record, status, now, **extra)))


def _with_status(record: Record, status: CardStatus, now: datetime, **extra: Any) -> dict[str, Any]:
    return {**record.data, "status": str(status), f"{status}_at": now.isoformat(), **extra}


class ClaimRefused(Exception):
    """Someone else holds (or just took) the card: this submission must not apply."""


def claim(store: Store, card: CardRecord, now: datetime) -> CardRecord:
    """Take the card for one submission: an ETag-guarded write of ``claimed_at`` (ClaimRefused if taken).

    Two submits that read the same row race on its ETag: one update wins, the other gets StaleWrite. A submit
    that reads the row after a claim sees a live ``claimed_at``; only a claim older than CLAIM_TTL (a crash
    between claim and submit) may be taken over.
    """
    if card.record is None:
        raise ValueError("claim needs a card read from the store")
    held = card.claimed_at()
    if held is not None and now - held < CLAIM_TTL:
        raise ClaimRefused(card.card_id)
    try:
        return CardRecord.from_record(store.update(card.record, {**card.record.data, "claimed_at": now.isoformat()}))
    except StaleWrite as lost:
        raise ClaimRefused(card.card_id) from lost


def release(store: Store, card: CardRecord) -> None:
    """Give a claim back after a submission that saved nothing (best effort: a stale claim expires anyway)."""
    if card.record is None:
        return
    data = {key: value for key, value in card.record.data.items() if key != "claimed_at"}
    with contextlib.suppress(StaleWrite):
        store.update(card.record, data)
