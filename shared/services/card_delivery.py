"""The ``send-card`` queue handler: resolve the recipient, build the card, send it once.

Coach requests arrive with a coach UPN (the bot only knows ``settings.coach_pool``); the UPN is
resolved through the ``people`` table, and only a UPN that is in the coach pool, and is not the
requester or the requester's manager, ever receives one.

Privacy: a ``cards`` row keeps the message's ids only (manager id, start), never the card's content: a
refresh rebuilds every card from the store as it is then (docs/cards.md, "Refresh rebuilds, never replays").
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.domain.card_channel import Channel
from shared.domain.company import CompanyConfig
from shared.domain.language import DEFAULT_LANGUAGE
from shared.ports.clock import Clock
from shared.ports.messenger import Messenger, Recipient
from shared.ports.storage import EntityKey, PartitionRead, Record, Store, StoreError, TransactionOp
from shared.services import agenda_store
from shared.services import card_content as content
from shared.services import card_outcome_content as outcome_content
from shared.services.card_channels import delivery_key, mark_teams_unreachable
from shared.services.card_conversations import CONVERSATION_KINDS, conversation_reads
from shared.services.card_email import EmailSender, email_card
from shared.services.card_rate import CardRateLimiter
from shared.services.card_records import CardKind, card_id, ids_only
from shared.services.languages import language_key
from shared.services.scheduling_records import load_person, people_with_upn
from shared.services.send_cards import Claimed, SendCard, SendResult, pending_write, send_card

logger = logging.getLogger(__name__)
Render = Callable[[CardKind, dict[str, Any], str], dict[str, Any]]  # kind, data, language


class Undeliverable(ValueError):
    """The message names someone who cannot get this card (unknown person, not in the coach pool)."""


@dataclass(frozen=True)
class CardDeps:
    store: Store
    messenger: Messenger
    clock: Clock
    limiter: CardRateLimiter
    config: CompanyConfig
    render: Render
    coach_upns: tuple[str, ...] = ()
    language_of: Callable[[str], str] | None = None  # a person's reading language (default: the company's)
    email: EmailSender | None = None  # cards by Outlook actionable email; None = Teams only
    channel_of: Callable[[str], Channel] | None = None  # where a person's cards go (default: Teams)
    on_sent: Callable[[Channel, str], None] | None = None  # told each card that went out: channel, language


async def deliver_card(deps: CardDeps, body: Mapping[str, Any]) -> SendResult:
    """Handle one ``send-card`` message; raises Undeliverable or ValidationError for a bad message."""
    if body.get("kind") == CardKind.COACH_REQUEST and not body.get("recipient_upn"):
        return await _deliver_to_pool(deps, body)
    message = SendCard.model_validate(_with_recipient(deps, dict(body)))
    kept = message.model_copy(update={"template_data": ids_only(message.template_data)})
    keys, partitions = _reads_ahead(deps, message)
    claims = [pending_write(kept)] if keys or partitions else []  # the card's row claimed in the reads' wait
    with deps.store.read_ahead(keys, partitions, claims) as written:
        claimed = written[0] if written else None
        with _given_back_unless_built(deps.store, claimed):
            data = build_template_data(deps, message)
            language = deps.language_of(message.recipient_id) if deps.language_of else DEFAULT_LANGUAGE
            card = deps.render(message.kind, {**data, "cardId": card_id(message.occurrence_id, message.kind)}, language)
        channel, result = await _send(deps, kept, card, language, claimed)
    logger.info("card %s (%s): %s by %s", card_id(message.occurrence_id, message.kind), message.kind, result, channel)
    if result is SendResult.SENT and deps.on_sent is not None:
        deps.on_sent(channel, language)
    return result


@contextmanager
def _given_back_unless_built(store: Store, claimed: Claimed | None) -> Iterator[None]:
    """The card's row, claimed with its reads, goes again when the card cannot be built (an Undeliverable message, a
    card over its budget): nothing was sent, so nothing stays written. Only the row as this attempt wrote it (its
    ETag): one another attempt took over since is left as it is."""
    try:
        yield
    except BaseException:
        if isinstance(claimed, Record):
            with suppress(StoreError):
                store.transact(
                    claimed.table, claimed.partition, [TransactionOp("delete", claimed.row, etag=claimed.etag)]
                )
        raise


def _reads_ahead(deps: CardDeps, message: SendCard) -> tuple[list[EntityKey], list[PartitionRead]]:
    """What a conversation's card reads one after another, to read at once (issue 20: one wait instead of six): the
    two people and the pair's outcomes, the employee's agenda, the recipient's language, delivery row (with email
    on) and stored conversation."""
    manager_id = str(message.template_data.get("managerId") or "")
    if message.kind not in CONVERSATION_KINDS or not manager_id:
        return [], []
    outcomes_only = message.kind in (CardKind.PREP, CardKind.AGENDA)  # they read the earlier actions alone
    keys, partitions = conversation_reads(manager_id, message.employee_id, outcomes_only=outcomes_only)
    if message.kind in (CardKind.PREP, CardKind.AGENDA):
        keys.append(agenda_store.agenda_key(message.employee_id))
    if deps.language_of is not None:
        keys.append(language_key(message.recipient_id))
    if deps.email is not None:  # the channel is then chosen from the person's delivery row
        keys.append(delivery_key(message.recipient_id))
    keys += deps.messenger.stored_keys(Recipient(message.recipient_id, message.recipient_upn))
    return keys, partitions


async def _send(
    deps: CardDeps, message: SendCard, card: dict[str, Any], language: str, claimed: Claimed | None
) -> tuple[Channel, SendResult]:
    """Teams, or email when the person's channel says so; email too when Teams turns out unreachable for good (its
    row read again then: Teams changed it since ``claimed``)."""
    channel = deps.channel_of(message.recipient_id) if deps.channel_of else Channel.TEAMS
    if channel is Channel.EMAIL and deps.email is not None:
        return channel, await email_card(deps.store, deps.clock, deps.email, message, card, language, claimed)
    result = await send_card(deps.store, deps.messenger, deps.clock, deps.limiter, message, card, claimed)
    if result is SendResult.UNREACHABLE and deps.email is not None:
        mark_teams_unreachable(deps.store, message.recipient_id, deps.clock.now())
        return Channel.EMAIL, await email_card(deps.store, deps.clock, deps.email, message, card, language)
    return Channel.TEAMS, result


async def _deliver_to_pool(deps: CardDeps, body: Mapping[str, Any]) -> SendResult:
    """One coach request card per coach in the pool (each once, by card id); a coach who may not get it is skipped."""
    results: list[SendResult] = []
    for upn in deps.coach_upns:
        occurrence = f"{body.get('occurrence_id')}:{upn}"
        try:
            results.append(await deliver_card(deps, {**body, "occurrence_id": occurrence, "recipient_upn": upn}))
        except Undeliverable as skipped:
            logger.warning("coach request card not sent to one coach: %s", skipped)
    return SendResult.SENT if SendResult.SENT in results else (results[0] if results else SendResult.UNREACHABLE)


def _with_recipient(deps: CardDeps, body: dict[str, Any]) -> dict[str, Any]:
    if body.get("kind") != CardKind.COACH_REQUEST:
        return body
    upn = str(body.get("recipient_upn") or "").strip().lower()
    if upn not in deps.coach_upns:
        raise Undeliverable("a coach request may go to the coach pool only")
    coach_id = _person_id_by_upn(deps.store, upn)
    employee = load_person(deps.store, str(body.get("employee_id") or ""))
    if coach_id is None or employee is None:
        raise Undeliverable("coach or requester is not in the people table")
    if coach_id in {employee.id, employee.manager_id}:
        raise Undeliverable("the requester's manager (or the requester) never gets a coach request")
    return {**body, "recipient_id": coach_id}


def _person_id_by_upn(store: Store, upn: str) -> str | None:
    found = people_with_upn(store, upn)
    return found[0].row if found else None


def build_template_data(deps: CardDeps, message: SendCard) -> dict[str, Any]:
    if message.kind is CardKind.COACH_REQUEST:
        employee = load_person(deps.store, message.employee_id)
        if employee is None:
            raise Undeliverable("requester is not in the people table")
        from shared.services.coach_cards import coach_card_data

        built = coach_card_data(deps.store, deps.config, employee.id, message.occurrence_id, message.recipient_id)
        if built is None:  # a message queued before requests were stored: an open card, nothing to take
            legacy = content.coach_data(deps.config, employee, [message.recipient_id], deps.clock.now())
            return {**legacy, "status": "open", "mine": False, "takenBy": "", "statusLabel": "", "notice": ""}
        return built
    if message.kind is CardKind.COACH_TAKEN:
        from shared.services.coach_cards import taken_card_data

        taken = taken_card_data(deps.store, message.employee_id, message.occurrence_id)
        if taken is None or message.recipient_id != message.employee_id:
            raise Undeliverable("a coach-taken card goes to the requester, once a coach took the request")
        return taken
    if message.kind is CardKind.NO_SLOT:
        from shared.services.no_slot_cards import card_data

        now = deps.clock.now()
        built = card_data(deps.store, message.recipient_id, message.employee_id, message.occurrence_id, now)
        if built is None:
            raise Undeliverable("the pair's no-slot record has changed since the card was queued")
        return built
    if message.kind is CardKind.REMINDER:
        from shared.services.reminder_cards import reminder_data

        reminder = reminder_data(deps.store, message.occurrence_id, message.recipient_id, _meeting(deps.store, message))
        if reminder is None or reminder["done"]:
            raise Undeliverable("a reminder goes to its card's recipient, and only while that card is not submitted")
        return reminder
    if message.kind not in CONVERSATION_KINDS:
        return dict(message.template_data)
    meeting = _meeting(deps.store, message)
    if message.kind is CardKind.CONFIRM:
        log = agenda_store.load_outcome_log(deps.store, message.occurrence_id)
        if log is None:
            raise Undeliverable("no outcome log for this conversation yet")
        return outcome_content.confirm_data(deps.config, meeting, log)
    if message.kind is CardKind.PREP:
        return content.prep_data(deps.store, deps.config, meeting)
    if message.kind is CardKind.AGENDA:
        return content.agenda_data(deps.store, deps.config, meeting)
    return outcome_content.outcome_data(deps.store, deps.config, meeting)


def _meeting(store: Store, message: SendCard) -> content.Meeting:
    data = message.template_data
    employee = load_person(store, message.employee_id)
    manager = load_person(store, str(data.get("managerId") or ""))
    if employee is None or manager is None or not data.get("start"):
        raise Undeliverable("employee, manager or start of the conversation is unknown")
    return content.Meeting(employee, manager, datetime.fromisoformat(str(data["start"])))
