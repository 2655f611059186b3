"""The ``cards`` table: one row per card we send, with the recipient it was sent to.

A card id is derived from (occurrence, kind), so a retry finds the row it wrote before. The row is
written (status ``pending``) before the send and marked ``sent`` after; a card action is checked
against its ``recipient_id``, never against anything the card itself carries.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from shared.ports.storage import Record, Store

CARDS = "cards"
ROW = "card"


class CardKind(StrEnum):
    PREP = "prep"
    AGENDA = "agenda"
    OUTCOME = "outcome"
    CONFIRM = "confirm"
    REMINDER = "reminder"
    COACH_REQUEST = "coach_request"


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
        return cls(
            card_id=record.partition,
            kind=CardKind(str(data["kind"])),
            occurrence_id=str(data["occurrence_id"]),
            recipient_id=str(data["recipient_id"]),
            employee_id=str(data.get("employee_id", "")),
            status=CardStatus(str(data["status"])),
            template_data=json.loads(str(data.get("template_data", "{}"))),
            record=record,
        )

    def to_data(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "occurrence_id": self.occurrence_id,
            "recipient_id": self.recipient_id,
            "employee_id": self.employee_id,
            "status": str(self.status),
            "template_data": json.dumps(dict(self.template_data)),
        }


def find_card(store: Store, card: str) -> CardRecord | None:
    if not card or len(card) > 64:
        return None
    record = store.find(CARDS, card, ROW)
    return CardRecord.from_record(record) if record else None


def insert_card(store: Store, card: CardRecord) -> CardRecord:
    """Write a new pending card; raises AlreadyExists when a previous attempt wrote it."""
    return CardRecord.from_record(store.insert(CARDS, card.card_id, ROW, card.to_data()))


def set_status(store: Store, card: CardRecord, status: CardStatus, now: datetime, **extra: Any) -> CardRecord:
    """Move the card to ``status`` if nobody changed it since it was read (else StaleWrite)."""
    if card.record is None:
        raise ValueError("set_status needs a card read from the store")
    data = {**card.record.data, "status": str(status), f"{status}_at": now.isoformat(), **extra}
    return CardRecord.from_record(store.update(card.record, data))
