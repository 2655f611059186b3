"""A prep card's submission in two writes: the card row, then the employee's agenda (issue 20).

The prep card and the agenda live in different tables, so they cannot share a transaction. The order keeps the
card's guarantees with one write each:

1. everything is checked first: the agenda is read and the card applied to it in memory, so a submission that does
   not fit (the domain's limits, a full agenda) writes nothing;
2. the card row is marked submitted with the ETag it was read with: of two submits of one card, one wins, the
   other gets StaleWrite and writes nothing (this write is the claim and the submission at once);
3. the agenda and the prep row are written in one transaction of the employee's partition
   (``agenda_store.save_prep``, ETag-guarded, read again when a chat message changed the agenda meanwhile).

When step 3 fails, the card row is put back as it was read (ETag-guarded, best effort), so a failed action leaves
nothing half-written. Four Table round trips in all: GET card (the caller's), GET agenda, PUT card, POST $batch.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime

from shared.ports.storage import StaleWrite, Store, StoreError
from shared.services import agenda_store, prep_reopen
from shared.services.agenda_changes import close_prep_actions, prep_day
from shared.services.card_records import CLAIM_TTL, CardRecord, CardStatus, ClaimRefused, set_status
from shared.services.card_submissions import PrepSubmission

logger = logging.getLogger(__name__)


def submit_prep(store: Store, card: CardRecord, prep: PrepSubmission, now: datetime) -> CardRecord:
    """Store the prep card and mark it submitted; returns the card row as written.

    Raises ClaimRefused (another submission holds or took the card: nothing written), ValidationError or
    AgendaFull (nothing written), or the store's error after putting the card row back.
    """
    held = card.claimed_at()
    if held is not None and now - held < CLAIM_TTL:
        raise ClaimRefused(card.card_id)  # a submission of an earlier version is in flight
    prepared = agenda_store.prepare_prep(store, card.recipient_id, card.occurrence_id, prep, now, prep_day(card))
    try:
        submitted = set_status(store, card, CardStatus.SUBMITTED, now, **prep_reopen.after_submit(card, now))
    except StaleWrite as lost:
        raise ClaimRefused(card.card_id) from lost
    try:
        agenda_store.save_prep(
            store, card.recipient_id, card.occurrence_id, prep, now, prep_day(card), prepared=prepared
        )
    except Exception:
        _put_back(store, submitted, card)
        raise
    close_prep_actions(store, submitted, prep, now)
    return submitted


def _put_back(store: Store, written: CardRecord, read: CardRecord) -> None:
    """The card row as it was before this submission, unless someone changed it since (then theirs stays)."""
    if written.record is None or read.record is None:
        return
    with contextlib.suppress(StoreError):
        store.update(written.record, read.record.data)
        logger.info("card %s: the agenda write failed, the card is back as it was", read.card_id)
