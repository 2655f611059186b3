"""The outcome card (manager) and the confirmation card (employee) once ``card_actions`` has checked who acted:
store what they sent, answer a refused submission with the card itself, rebuild either card from the store.

- The manager's log stores the outcome at once (``unconfirmed``, the conversation ``held``), its private note and
  the earlier actions closed, in one transaction (``record_outcome.store_outcome``), plus the per-occurrence log
  row the employee's confirmation card is built from (actions only: never the note).
- The employee confirms, or disputes with a comment: the outcome is updated in place and re-queued (``refresh``);
  a disputed outcome keeps its actions.
- A refused submission (a type that does not fit the gap, a missing field, a dispute without a comment) stores
  nothing and comes back as the same card, refilled with what was typed and the reason next to each action.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from shared.domain.company import CompanyConfig
from shared.domain.people import pair_key
from shared.ports.storage import StaleWrite, Store
from shared.services import agenda_store
from shared.services.card_conversations import conversation_date
from shared.services.card_records import CardKind, CardRecord
from shared.services.card_submissions import (
    DISPUTE_NEEDS_COMMENT,
    OutcomeConfirmation,
    OutcomeSubmission,
    used_slots,
)
from shared.services.outcome_review import closing_ops
from shared.services.record_outcome import OUTCOME_PREFIX, OUTCOME_ROWS, OUTCOMES, record_confirmation, store_outcome

logger = logging.getLogger(__name__)
_RACE_RETRIES = 3
FIELD_NAMES = {"text": "what will happen", "quadrant": "quadrant", "type": "type", "gap": "gap",
               "initiative": "initiative", "owner": "owner", "due": "due date"}  # fmt: skip
DISPUTE_MESSAGE = "To dispute, please say in the comment what is not right. Nothing was saved."
CHECK_MESSAGE = "Please check the marked answers. Nothing was saved."


def _day(card: CardRecord, now: datetime) -> date:
    known = conversation_date(card)
    return date.fromisoformat(known) if known else now.date()


def store_log(store: Store, card: CardRecord, submission: OutcomeSubmission, now: datetime) -> None:
    """The manager's outcome card: the confirmation card's log row, then the outcome (one transaction)."""
    manager, employee, day = card.recipient_id, card.employee_id, _day(card, now)
    agenda_store.save_outcomes(store, card.occurrence_id, submission.log, manager, now)
    for _ in range(_RACE_RETRIES):
        more = closing_ops(store, manager, employee, day, submission.earlier, now)
        try:
            store_outcome(
                store, manager, employee, day, submission.log, now, card.occurrence_id, note=submission.note, more=more
            )
            return
        except StaleWrite:  # an earlier action changed meanwhile (the employee's prep card): read it again
            continue
    raise StaleWrite("the pair's earlier actions kept changing; the outcome was not stored")


def store_answer(store: Store, card: CardRecord, answer: OutcomeConfirmation, now: datetime) -> None:
    """The employee's confirmation card: update the outcome the manager logged for this conversation."""
    manager = _manager_of(store, card)
    day = _outcome_day(store, manager, card) or _day(card, now)
    if not record_confirmation(store, manager, card.recipient_id, day, answer, now):
        _store_logged_late(store, card, manager, day, now)  # logged before outcomes were stored at log time
        record_confirmation(store, manager, card.recipient_id, day, answer, now)


def _manager_of(store: Store, card: CardRecord) -> str:
    given = str(card.template_data.get("managerId") or "")
    if given:
        return given
    log = store.find(OUTCOMES, card.occurrence_id, "log")
    return str(log.data.get("logged_by") or "") if log is not None else ""


def _outcome_day(store: Store, manager: str, card: CardRecord) -> date | None:
    """The conversation date of the pair's outcome logged for this card's occurrence (None when there is none)."""
    for record in store.query(OUTCOMES, pair_key(manager, card.recipient_id), where=OUTCOME_ROWS):
        if record.row.startswith(OUTCOME_PREFIX) and record.data.get("occurrence_id") == card.occurrence_id:
            return date.fromisoformat(str(record.data["conversation_date"])[:10])
    return None


def _store_logged_late(store: Store, card: CardRecord, manager: str, day: date, now: datetime) -> None:
    log = agenda_store.load_outcome_log(store, card.occurrence_id)
    if log is not None and manager:
        store_outcome(store, manager, card.recipient_id, day, log, now, card.occurrence_id)


def problems_by_slot(data: Mapping[str, Any], error: ValidationError) -> tuple[dict[int, str], list[str]]:
    """A refused outcome card's reasons: per action slot (as the card numbers them), and for the card as a whole."""
    slots = used_slots(data)
    per_slot: dict[int, list[str]] = {}
    general: list[str] = []
    for issue in error.errors():
        loc = issue["loc"]
        if len(loc) >= 2 and loc[0] == "actions" and isinstance(loc[1], int) and loc[1] < len(slots):
            per_slot.setdefault(slots[loc[1]], []).append(_reason(loc[2:], issue["msg"]))
        elif tuple(loc) == ("actions",):
            general.append("add at least one action (what will happen, gap, type, quadrant, owner and due date)")
        else:
            general.append("check " + ".".join(str(part) for part in loc))
    return {slot: "; ".join(reasons) for slot, reasons in per_slot.items()}, general


def _reason(where: tuple[Any, ...], message: str) -> str:
    if where and str(where[0]) in FIELD_NAMES:
        return f"check the {FIELD_NAMES[str(where[0])]}"
    return re.sub(r"^Value error, ", "", message)


def refused_view(
    store: Store, config: CompanyConfig, card: CardRecord, data: Mapping[str, Any], error: ValidationError
) -> tuple[str, dict[str, Any] | None]:
    """A refused outcome or confirmation card: the message and the card refilled (logged by field names only)."""
    fields = sorted({".".join(str(part) for part in issue["loc"]) for issue in error.errors()})
    logger.info("card action invalid on card %s: %s", card.card_id, ", ".join(fields))
    refill = refused_outcome_view if card.kind is CardKind.OUTCOME else refused_confirm_view
    return refill(store, config, card, data, error)


def refused_outcome_view(
    store: Store, config: CompanyConfig, card: CardRecord, data: Mapping[str, Any], error: ValidationError
) -> tuple[str, dict[str, Any] | None]:
    """The message and the refilled outcome card (None when the conversation cannot be rebuilt)."""
    from shared.services import card_outcome_content
    from shared.services.card_followups import meeting_of

    problems, general = problems_by_slot(data, error)
    message = CHECK_MESSAGE if not general else f"Please {'; '.join(general)}. Nothing was saved."
    meeting = meeting_of(store, card)
    if meeting is None:
        return message, None
    view = card_outcome_content.outcome_data(store, config, meeting, typed=data, problems=problems, error=message)
    return message, {**view, "cardId": card.card_id}


def refused_confirm_view(
    store: Store, config: CompanyConfig, card: CardRecord, data: Mapping[str, Any], error: ValidationError
) -> tuple[str, dict[str, Any] | None]:
    dispute = any(DISPUTE_NEEDS_COMMENT in str(issue["msg"]) for issue in error.errors())
    message = DISPUTE_MESSAGE if dispute else "Please check your answer. Nothing was saved."
    comment = data.get("comment")
    view = confirm_view(store, config, card, error=message, comment=comment if isinstance(comment, str) else "")
    return message, view


def confirm_view(
    store: Store, config: CompanyConfig, card: CardRecord, *, error: str = "", comment: str = ""
) -> dict[str, Any] | None:
    """The employee's confirmation card as it is now: editable until they answered, then saying what they did."""
    from shared.services import card_outcome_content
    from shared.services.card_followups import meeting_of
    from shared.services.card_outcome_views import answer_of

    meeting = meeting_of(store, card)
    log = agenda_store.load_outcome_log(store, card.occurrence_id)
    if meeting is None or log is None or meeting.employee.id != card.recipient_id:
        return None
    day = _outcome_day(store, meeting.manager.id, card) or meeting.start.date()
    answer = answer_of(store, meeting.manager.id, card.recipient_id, day)
    view = card_outcome_content.confirm_data(config, meeting, log, answer=answer, error=error, comment=comment)
    return {**view, "cardId": card.card_id}


def rebuilt_view(store: Store, config: CompanyConfig, card: CardRecord, now: datetime) -> dict[str, Any] | None:
    """The outcome or confirmation card rebuilt from the store now, for its recipient."""
    if card.kind is CardKind.CONFIRM:
        return confirm_view(store, config, card)
    from shared.services.card_followups import current_view

    return current_view(store, config, card, now)
