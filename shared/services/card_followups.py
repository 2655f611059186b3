"""What follows a card action: the confirmation card after an outcome log, the outcome-log card opened from the
agenda card, and every card rebuilt at refresh time.

Each card row in ``cards`` keeps the conversation's ids (``managerId``, ``start``) and the employee, never
content; the people come from table ``people``. A refresh rebuilds the card from the store as it is now
(:func:`current_view`): the manager's agenda card from the employee's *current* shared view, so an item made
private since the send is gone. Before that, ``card_conversations.conversation_state`` says whether the card's pair
still exists (same manager, both still here) and whether the conversation has passed (``start`` + expiry).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from shared.domain.company import CompanyConfig
from shared.ports.storage import AlreadyExists, Queues, Store
from shared.services import agenda_store
from shared.services import card_content as content
from shared.services import card_outcome_content as outcome_content
from shared.services.card_records import CardKind, CardRecord, CardStatus, card_id, find_card, insert_card
from shared.services.due_cards import SEND_CARD
from shared.services.scheduling_records import load_person

logger = logging.getLogger(__name__)


def current_view(store: Store, config: CompanyConfig, card: CardRecord, now: datetime) -> dict[str, Any] | None:
    """The card's data rebuilt from the store now, for its recipient (None when it cannot be built)."""
    if card.kind is CardKind.PREP:
        return prep_view(store, config, card)
    if card.kind is CardKind.COACH_REQUEST:
        return _coach_view(store, config, card, now)
    meeting = meeting_of(store, card)
    if meeting is None:
        return None
    ids = {"cardId": card.card_id}
    if card.kind is CardKind.AGENDA and meeting.manager.id == card.recipient_id:
        return {**content.agenda_data(store, config, meeting), **ids}
    if card.kind is CardKind.OUTCOME and meeting.manager.id == card.recipient_id:
        return {**outcome_content.outcome_data(store, config, meeting), **ids}
    if card.kind is CardKind.REMINDER:
        from shared.services.reminder_cards import reminder_data  # the reminded card's status decides: to do, done

        reminder = reminder_data(store, card.occurrence_id, card.recipient_id, meeting)
        return {**reminder, **ids} if reminder is not None else None
    if card.kind is CardKind.CONFIRM and meeting.employee.id == card.recipient_id:
        log = agenda_store.load_outcome_log(store, card.occurrence_id)
        return {**outcome_content.confirm_data(config, meeting, log), **ids} if log is not None else None
    return None


def _coach_view(store: Store, config: CompanyConfig, card: CardRecord, now: datetime) -> dict[str, Any] | None:
    from shared.services.coach_cards import coach_view  # the request row decides: open, taken by whom, done

    return coach_view(store, config, card)


def queue_confirmation(queues: Queues, outcome_card: CardRecord, now: datetime) -> None:
    """Queue the employee's ``outcome-confirm`` card (ids only; built from the stored log when it is sent).

    The card id is derived from (occurrence, ``confirm``), so a repeated message sends it once.
    """
    employee = outcome_card.employee_id
    if not employee:
        logger.warning("card %s: no employee stored, no confirmation card queued", outcome_card.card_id)
        return
    start = str(outcome_card.template_data.get("start") or now.isoformat())
    queues.send(
        SEND_CARD,
        {
            "kind": str(CardKind.CONFIRM),
            "occurrence_id": outcome_card.occurrence_id,
            "recipient_id": employee,
            "employee_id": employee,
            "template_data": {"managerId": outcome_card.recipient_id, "start": start},
        },
    )
    logger.info("card %s: confirmation card queued", card_id(outcome_card.occurrence_id, CardKind.CONFIRM))


def meeting_of(store: Store, card: CardRecord) -> content.Meeting | None:
    """The conversation a card belongs to, from the ids its row keeps (None when someone is unknown)."""
    data = card.template_data
    employee = load_person(store, card.employee_id)
    manager = load_person(store, str(data.get("managerId") or ""))
    start = data.get("start")
    if employee is None or manager is None or not isinstance(start, str) or not start:
        return None
    try:
        return content.Meeting(employee, manager, datetime.fromisoformat(start))
    except ValueError:
        return None


def prep_view(store: Store, config: CompanyConfig, card: CardRecord) -> dict[str, Any] | None:
    """The employee's prep card data as it is now (their own agenda, private items too), or None."""
    meeting = meeting_of(store, card)
    if meeting is None or meeting.employee.id != card.recipient_id:
        return None
    return {**content.prep_data(store, config, meeting), "cardId": card.card_id}


def outcome_card_for(store: Store, config: CompanyConfig | None, agenda: CardRecord) -> CardRecord | None:
    """The outcome-log card of the agenda card's conversation: the stored one, or a new row for the same manager.

    A new row is written as ``sent`` (the manager gets it in the reply), so the timer does not send it again.
    """
    cid = card_id(agenda.occurrence_id, CardKind.OUTCOME)
    found = find_card(store, cid)
    if found is not None or config is None:
        return found
    meeting = meeting_of(store, agenda)
    if meeting is None or meeting.manager.id != agenda.recipient_id:
        return None
    ids = {"managerId": meeting.manager.id, "start": meeting.start.isoformat(), "cardId": cid}
    record = CardRecord(
        cid, CardKind.OUTCOME, agenda.occurrence_id, agenda.recipient_id, agenda.employee_id, CardStatus.SENT, ids
    )
    try:
        return insert_card(store, record)
    except AlreadyExists:
        return find_card(store, cid)
