"""Send a card as an Outlook actionable email, once, from the one sender mailbox (Graph ``sendMail``).

The same card that Teams would show, with the provider's ``originator``, goes to the person's own mailbox (one
recipient, never a group: ``shared.ports.mail``). Actions in Outlook reach the same bot endpoint and handlers as
Teams (channel ``outlook``), so the recipient checks are the same.

sendMail has no idempotency key, so a send whose answer was lost (``DeliveryUncertain``) is not repeated: the card
counts as sent (at most once), with a warning. A sender Graph refuses is a setup error: it is raised, so the queue
retries and the health summary shows it, and nothing is marked sent.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.domain import bot_texts as texts
from shared.domain.actionable_email import card_email_html
from shared.ports.clock import Clock
from shared.ports.mail import CardMailer, DeliveryUncertain, RecipientNotAllowed
from shared.ports.storage import Store
from shared.services.card_records import CardKind, CardStatus, mark_sent, set_status
from shared.services.scheduling_records import load_person
from shared.services.send_cards import Claimed, SendCard, SendResult, claim_card_row

logger = logging.getLogger(__name__)
SUBJECTS = {
    CardKind.PREP: texts.SUBJECT_PREP,
    CardKind.AGENDA: texts.SUBJECT_AGENDA,
    CardKind.OUTCOME: texts.SUBJECT_OUTCOME,
    CardKind.CONFIRM: texts.SUBJECT_CONFIRM,
}


class NoMailbox(Exception):
    """The recipient has no address to mail the card to."""


@dataclass(frozen=True)
class EmailSender:
    mailer: CardMailer
    sender: str
    originator: str


async def email_card(
    store: Store,
    clock: Clock,
    email: EmailSender,
    message: SendCard,
    card: Mapping[str, Any],
    language: str,
    claimed: Claimed | None = None,
) -> SendResult:
    record = claim_card_row(store, message, claimed)
    if record.status in (CardStatus.SENT, CardStatus.SUBMITTED):
        return SendResult.ALREADY_SENT
    person = load_person(store, message.recipient_id)
    if person is None or not person.address:
        raise NoMailbox(f"no mailbox address for the recipient of card {record.card_id}")
    subject = texts.say(language, SUBJECTS.get(message.kind, texts.SUBJECT_OTHER))
    body = card_email_html(card, email.originator, texts.say(language, texts.EMAIL_FALLBACK))
    try:
        await email.mailer.send_card_email(email.sender, person.address, subject, body)
    except RecipientNotAllowed:
        logger.warning("card %s: the recipient's address is not a person's mailbox", record.card_id)
        set_status(store, record, CardStatus.UNREACHABLE, clock.now(), channel="email")
        return SendResult.UNREACHABLE
    except DeliveryUncertain:
        logger.warning("card %s: the email may or may not have gone out; not sent again", record.card_id)
    mark_sent(store, record, clock.now(), channel="email")
    return SendResult.SENT
