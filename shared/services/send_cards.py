"""One ``send-card`` queue message: deliver a card once per (occurrence, kind), even across retries.

Order of effects: the ``cards`` row is written (pending, with its recipient) before the send and
marked ``sent`` after, so a retry finds it and does not send twice once it is marked. A 429 backs
off (tenacity, honouring Retry-After); a 403 is permanent ("not reachable in Teams"); a stale
conversation is re-created (app reinstalled) and the card sent again, never reported as sent.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt

from shared.first_try import once_then_async
from shared.ports.clock import Clock
from shared.ports.messenger import (
    ConversationRef,
    Messenger,
    Recipient,
    RecipientUnreachable,
    StaleConversation,
    Throttled,
)
from shared.ports.storage import AlreadyExists, Record, Store, StoreError, TransactionOp, Write
from shared.services.card_rate import CardRateLimiter
from shared.services.card_records import (
    CARDS,
    ROW,
    CardKind,
    CardRecord,
    CardStatus,
    card_id,
    card_row,
    insert_card,
    mark_sent,
    set_status,
)

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
Claimed = Record | StoreError  # what the pending row's insert gave, when it went with the card's reads


class SendCard(BaseModel):
    """The ``send-card`` queue message."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    kind: CardKind
    occurrence_id: str = Field(min_length=1, max_length=512)
    recipient_id: str = Field(min_length=1, max_length=64)
    recipient_upn: str = ""
    employee_id: str = ""
    template_data: dict[str, Any] = Field(default_factory=dict)


class SendResult(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already_sent"
    UNREACHABLE = "unreachable"


def _wait_retry_after(retry_state: Any) -> float:
    error = retry_state.outcome.exception() if retry_state.outcome else None
    return float(error.retry_after) if isinstance(error, Throttled) else 1.0


async def send_card(
    store: Store,
    messenger: Messenger,
    clock: Clock,
    limiter: CardRateLimiter,
    message: SendCard,
    card: Mapping[str, Any],
    claimed: Claimed | None = None,
) -> SendResult:
    """Send the card once: ``claimed`` is the pending row's insert when it went with the card's reads
    (``deliver_card``), else the row is claimed here."""
    record = _claim(store, message, claimed)
    if record.status in (CardStatus.SENT, CardStatus.SUBMITTED):
        return SendResult.ALREADY_SENT
    if record.status is CardStatus.UNREACHABLE:
        return SendResult.UNREACHABLE
    recipient = Recipient(message.recipient_id, message.recipient_upn)
    try:
        ref = await messenger.ensure_conversation(recipient)
        try:
            await _send_with_backoff(messenger, limiter, ref, card, record.card_id)
        except StaleConversation:
            logger.info("card %s: stale conversation, reinstalling", record.card_id)
            ref = await messenger.ensure_conversation(recipient, refresh=True)
            await _send_with_backoff(messenger, limiter, ref, card, record.card_id)
    except RecipientUnreachable:
        logger.warning("card %s: recipient not reachable in Teams", record.card_id)
        set_status(store, record, CardStatus.UNREACHABLE, clock.now())
        return SendResult.UNREACHABLE
    mark_sent(store, record, clock.now(), conversation_id=ref.conversation_id)
    return SendResult.SENT


def pending_write(message: SendCard) -> Write:
    """The insert that claims the card's row, for a caller that sends it with its reads (one wait): pass its result
    to :func:`send_card` as ``claimed``."""
    card = _pending(message)
    return Write(CARDS, card.card_id, TransactionOp("insert", ROW, card.to_data()))


def _pending(message: SendCard) -> CardRecord:
    cid = card_id(message.occurrence_id, message.kind)
    data = {**message.template_data, "cardId": cid}
    return CardRecord(
        cid, message.kind, message.occurrence_id, message.recipient_id, message.employee_id, CardStatus.PENDING, data
    )


def _claim(store: Store, message: SendCard, claimed: Claimed | None = None) -> CardRecord:
    """The card's row: written now (pending, with its recipient), or by ``claimed`` (the same insert, sent earlier),
    or found from an earlier attempt.

    The insert comes first: a message is nearly always a card's first attempt, whose row does not exist yet, so
    that is one Table request; a retry's insert is refused (409) and its row is then read, as a read first would.
    """
    pending = _pending(message)
    try:
        if claimed is None:
            return insert_card(store, pending)
        if isinstance(claimed, StoreError):
            raise claimed
        return CardRecord.from_record(claimed)
    except AlreadyExists:
        found = card_row(store, pending.card_id)
        if found is None:  # deleted between the two requests (retention): this attempt writes it again
            return insert_card(store, pending)
        return found


async def _send_with_backoff(
    messenger: Messenger, limiter: CardRateLimiter, ref: ConversationRef, card: Mapping[str, Any], message_id: str
) -> None:
    async def send() -> None:
        async with limiter.sending(ref.conversation_id):
            await messenger.send_card(ref, card, message_id)

    await once_then_async(send, _backoff, lambda error: isinstance(error, Throttled))


def _backoff() -> AsyncRetrying:
    """429s: waits as Retry-After says, MAX_ATTEMPTS in all (set up only after a first attempt was throttled)."""
    return AsyncRetrying(
        retry=retry_if_exception_type(Throttled),
        wait=_wait_retry_after,
        stop=stop_after_attempt(MAX_ATTEMPTS),
        reraise=True,
    )


def claim_card_row(store: Store, message: SendCard, claimed: Claimed | None = None) -> CardRecord:
    """The card's row for ``message`` (written now as pending, or by ``claimed``, or found): for senders other than
    Teams."""
    return _claim(store, message, claimed)
