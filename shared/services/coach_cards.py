"""Coach cards: the coach's card (rebuilt from the request row at every send and refresh), its two verbs, and
the employee's "a coach will contact you" card.

Verbs (Action.Execute, checked by ``card_actions`` against the card's recipient before they get here):
- ``coach.accept`` ("I'll take it"): the first coach wins (ETag claim, ``coach_requests.take``); a later coach gets
  their card back saying who took it; the winner's take queues the employee's ``coach_taken`` card.
- ``coach.done``: the coach who took it closes it.
Every other coach's card refreshes (Universal Actions) into "taken by <coach>", from the row as it is then.
Coach cards say who asks and when, never agenda content and never the manager.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from shared.domain.card_verdicts import COACH_GONE as GONE
from shared.domain.coach import CoachRequest, CoachStatus, NotYours, parse_card_ref
from shared.domain.people import Person
from shared.ports.clock import Clock
from shared.ports.storage import Queues, StaleWrite, Store
from shared.services import agenda_store
from shared.services import card_content as content
from shared.services.card_records import CardRecord
from shared.services.coach_requests import Stored, close, load_request, queue_employee_notice, take
from shared.services.scheduling_records import load_person

if TYPE_CHECKING:
    from shared.domain.company import CompanyConfig
    from shared.services.card_actions import CardReply

logger = logging.getLogger(__name__)
ACCEPT_VERB = "coach.accept"
DONE_VERB = "coach.done"
COACH_VERBS = (ACCEPT_VERB, DONE_VERB)


def _name(store: Store, person_id: str) -> str:
    person = load_person(store, person_id) if person_id else None
    return person.display_name if person is not None else "another coach"


def coach_card_data(
    store: Store, config: CompanyConfig | None, employee_id: str, occurrence_id: str, coach_id: str, notice: str = ""
) -> dict[str, Any] | None:
    """A coach's card data as the request is now (None when the request or the requester is unknown)."""
    stored = load_request(store, employee_id, parse_card_ref(occurrence_id) or "")
    employee = load_person(store, employee_id)
    if stored is None or employee is None:
        return None
    request = stored.request
    data = _who_asks(config, employee, coach_id, request.created_at)
    taken_by = _name(store, request.coach_id) if request.coach_id else ""
    return {
        **data,
        "status": str(request.status),
        "mine": bool(request.coach_id) and request.coach_id == coach_id,
        "takenBy": taken_by,
        "statusLabel": _status_label(request, coach_id, taken_by),
        "notice": notice,
    }


def _who_asks(config: CompanyConfig | None, employee: Person, coach_id: str, asked: datetime) -> dict[str, Any]:
    """Who asks and when (the card's only content); without the company config, the department as unit."""
    if config is not None:
        return content.coach_data(config, employee, [coach_id], asked)
    return {
        "recipients": content.recipients(coach_id),
        "requester": {"displayName": employee.display_name, "unit": employee.department or ""},
        "requestedOn": asked.date().isoformat(),
        "tenureLabel": "",
    }


def _status_label(request: CoachRequest, coach_id: str, taken_by: str) -> str:
    if request.status is CoachStatus.OPEN:
        return "Open: the first coach to take it gets it."
    if request.status is CoachStatus.DONE:
        return f"Closed by {taken_by}."
    return "You took it. Contact them, then mark it done." if request.coach_id == coach_id else f"Taken by {taken_by}."


def coach_view(store: Store, config: CompanyConfig | None, card: CardRecord, notice: str = "") -> dict[str, Any] | None:
    """The coach card for refresh and for the reply to a verb."""
    data = coach_card_data(store, config, card.employee_id, card.occurrence_id, card.recipient_id, notice)
    return {**data, "cardId": card.card_id} if data is not None else None


def taken_card_data(store: Store, employee_id: str, occurrence_id: str) -> dict[str, Any] | None:
    """The employee's card: which coach will contact them (None before a coach took the request)."""
    stored = load_request(store, employee_id, parse_card_ref(occurrence_id) or "")
    if stored is None or not stored.request.coach_id or stored.request.taken_at is None:
        return None
    request = stored.request
    return {
        "coach": {"displayName": _name(store, request.coach_id)},
        "requestedOn": request.created_at.date().isoformat(),
        "takenOn": request.taken_at.date().isoformat() if request.taken_at else "",
    }


def handle_coach_action(
    store: Store,
    clock: Clock,
    verb: str,
    card: CardRecord,
    queues: Queues | None,
    config: CompanyConfig | None = None,
) -> CardReply:
    """``coach.accept`` or ``coach.done`` by the card's own recipient (already checked by the caller)."""
    from shared.services.card_actions import CardReply, Verdict

    stored = load_request(store, card.employee_id, parse_card_ref(card.occurrence_id) or "")
    if stored is None:
        logger.warning("coach card %s: no request behind it", card.card_id)
        return CardReply(Verdict.REFUSED, GONE, card.kind)
    now, coach = clock.now(), card.recipient_id
    if verb == ACCEPT_VERB:
        request, won = take(store, stored, coach, now)
        notice = _accept_notice(store, request, coach, won)
        if request.coach_id == coach and queues is not None:  # won now, or a retry of a win: tell the employee
            queue_employee_notice(queues, request)
    else:
        request, notice = _done(store, stored, coach, now)
        if request.status is CoachStatus.DONE and request.coach_id == coach:
            _clear_agenda_flag(store, request.employee_id, now)
    view = coach_view(store, config, card, notice)
    if view is None:
        return CardReply(Verdict.REFUSED, GONE, card.kind, card.card_id)
    return CardReply(Verdict.EDITABLE, notice, card.kind, card.card_id, view)


def _accept_notice(store: Store, request: CoachRequest, coach: str, won: bool) -> str:
    if won or (request.coach_id == coach and request.status is CoachStatus.TAKEN):
        return "You took it. The requester is told you will contact them."
    if request.status is CoachStatus.DONE:
        return f"Already closed by {_name(store, request.coach_id)}. Nothing was changed."
    return f"Already taken by {_name(store, request.coach_id)}. Nothing was changed."


def _done(store: Store, stored: Stored, coach: str, now: datetime) -> tuple[CoachRequest, str]:
    if stored.request.status is CoachStatus.DONE and stored.request.coach_id == coach:
        return stored.request, "Closed. Thank you."
    try:
        return close(store, stored, coach, now), "Closed. Thank you."
    except NotYours:
        return stored.request, "Only the coach who took this request can close it. Nothing was changed."
    except StaleWrite:
        return stored.request, "This request changed meanwhile. Please try again. Nothing was changed."


def _clear_agenda_flag(store: Store, employee_id: str, now: datetime) -> None:
    """The prep card's "talk to a coach" toggle goes back off once the request is closed."""
    agenda = agenda_store.load_agenda(store, employee_id)
    if agenda.coach_request is not None:
        agenda_store.save_agenda(store, agenda.withdraw_coach_request(), now)
