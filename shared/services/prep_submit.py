"""A prep card's submission in one read and one transaction of the employee's agenda partition (issue 20).

The prep card's row (``card_records.mark_sent``), the employee's agenda and the prep as saved all live in the
employee's partition of ``agendas``, so:

1. one read gets the card's row and the agenda (:func:`read_rows`, two Table round trips in all with step 3);
2. the card is applied to the agenda in memory first: a submission that does not fit (the domain's limits, a full
   agenda) writes nothing;
3. one transaction writes the card row as submitted (guarded by the ETag it was read with), the agenda (guarded the
   same way) and the prep row. Of two submits of one card, one transaction wins; the other finds the card row
   changed and is refused (ClaimRefused). When only the agenda changed meanwhile (a micro-need from chat), the card
   is applied to the agenda as it is now, :data:`~agenda_store.PREP_WRITE_ATTEMPTS` times at most (then StaleWrite).

A prep card sent before its row lived in the agenda partition has only its ``cards`` row (one more read, by the
caller); the same transaction then inserts its agenda row. Either way nothing is half-written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.ports.storage import AlreadyExists, Record, StaleWrite, Store, TransactionOp
from shared.services import agenda_store, prep_reopen
from shared.services.agenda_changes import close_prep_actions, prep_day
from shared.services.card_records import CLAIM_TTL, CardRecord, CardStatus, ClaimRefused, agenda_row
from shared.services.card_submissions import PrepSubmission


@dataclass(frozen=True, slots=True)
class PrepRows:
    """What one read of a person's agenda partition found for a prep card."""

    card: CardRecord | None  # the card's row in the partition (None: not there, e.g. someone else's card)
    agenda: Record | None  # the current agenda row (None: no agenda yet)


def read_rows(store: Store, card_id: str, owner: str) -> PrepRows:
    """The prep card's row and the current agenda of ``owner``'s partition, in one round trip."""
    found = store.find_rows(agenda_store.AGENDAS, owner, (agenda_store.CURRENT_ROW, agenda_row(card_id)))
    card = found.get(agenda_row(card_id))
    return PrepRows(CardRecord.from_record(card) if card else None, found.get(agenda_store.CURRENT_ROW))


def submit_prep(
    store: Store, card: CardRecord, prep: PrepSubmission, now: datetime, rows: PrepRows | None = None
) -> CardRecord:
    """Store the prep card and mark it submitted; returns the card's row as written.

    ``rows``: the caller's read of the partition (else it is read here). Raises ClaimRefused (another submission
    holds or took the card), ValidationError or AgendaFull, or StaleWrite (the agenda kept changing): in each case
    nothing was written.
    """
    held = card.claimed_at()
    if held is not None and now - held < CLAIM_TTL:
        raise ClaimRefused(card.card_id)  # a submission of an earlier version is in flight
    rows = rows or read_rows(store, card.card_id, card.recipient_id)
    for attempt in range(1, agenda_store.PREP_WRITE_ATTEMPTS + 1):
        write = agenda_store.prep_write(rows.agenda, card.recipient_id, card.occurrence_id, prep, now, prep_day(card))
        submitted = _submitted(card, now)
        try:
            card_op = _card_op(card.card_id, rows.card, submitted)
            store.transact(agenda_store.AGENDAS, card.recipient_id, (card_op, *write.ops))
        except (StaleWrite, AlreadyExists):
            again = read_rows(store, card.card_id, card.recipient_id)
            if _changed(rows.card, again.card):
                raise ClaimRefused(card.card_id) from None
            if attempt == agenda_store.PREP_WRITE_ATTEMPTS:
                raise StaleWrite(f"agenda of card {card.card_id} kept changing") from None
            rows = again
            continue
        written = _as_written(card, submitted)
        close_prep_actions(store, written, prep, now)
        return written
    raise AssertionError("unreachable")


def _submitted(card: CardRecord, now: datetime) -> dict[str, Any]:
    read = card.record.data if card.record is not None else card.to_data()
    extra = prep_reopen.after_submit(card, now)
    return {**read, "status": str(CardStatus.SUBMITTED), f"{CardStatus.SUBMITTED}_at": now.isoformat(), **extra}


def _card_op(card_id: str, in_partition: CardRecord | None, data: Mapping[str, Any]) -> TransactionOp:
    """Update the card's agenda row as read, or insert it (a card sent before such rows existed)."""
    if in_partition is None or in_partition.record is None:
        return TransactionOp("insert", agenda_row(card_id), data)
    return TransactionOp("update", agenda_row(card_id), data, in_partition.record.etag)


def _changed(before: CardRecord | None, after: CardRecord | None) -> bool:
    """The card's row is not as this submission read it: another submission (or a sweep) wrote it."""
    if before is None or after is None:
        return before is not after
    return before.record is None or after.record is None or before.record.etag != after.record.etag


def _as_written(card: CardRecord, data: Mapping[str, Any]) -> CardRecord:
    record = Record(agenda_store.AGENDAS, card.recipient_id, agenda_row(card.card_id), data)
    return CardRecord.from_record(record)
