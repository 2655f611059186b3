""" "Assign as recommended" on the manager's logged outcome card (verb ``learning.assign``).

The card sends ``cardId``, ``actionId`` and ``contentId`` only. The rules of every card action hold: the card must
be known and the actor must be the manager it was sent to (never anything the card carries), its pair current and
its conversation not passed. Then the action must be a stored training action for a knowledge gap of this
conversation's outcome, and the content one the card offers for it now. The assignment goes through the
LearningCatalog port with our key (outcome id + action id), so a double click or a retry makes one; its id is
stored against the action (``learning_records``), and the manager gets the card back, showing it.
Viva Learning unavailable: the reason goes to the health summary once and the card says nothing was assigned.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from shared.domain.actions import outcome_id
from shared.domain.card_verdicts import ASSIGNED, NOT_OFFERED, PAIR_ENDED, PASSED
from shared.domain.card_verdicts import LEARNING_REFUSED as REFUSED
from shared.domain.card_verdicts import LEARNING_UNAVAILABLE as UNAVAILABLE
from shared.domain.card_verdicts import WRONG_CARD_LEARNING as WRONG_CARD
from shared.domain.company import CompanyConfig
from shared.domain.people import pair_key
from shared.ports.clock import Clock
from shared.ports.learning import AssignmentRefused, AssignmentRequest, LearningCatalog, LearningUnavailable
from shared.ports.storage import Store
from shared.services.card_actions import CardReply, Verdict, authorised_card
from shared.services.card_conversations import CardState, conversation_date, conversation_state
from shared.services.card_records import CardKind, CardRecord
from shared.services.learning_records import assignment, assignment_key, save_assignment, stored_contents
from shared.services.learning_sync import note_unavailable
from shared.services.learning_views import is_training_for_knowledge, offered
from shared.services.record_outcome import OUTCOME_PREFIX, OUTCOMES

logger = logging.getLogger(__name__)
Rebuild = Callable[[CardRecord], dict[str, Any] | None]


def _refuse(message: str, card: CardRecord | None = None) -> CardReply:
    return CardReply(Verdict.REFUSED, message, card.kind if card else None, card.card_id if card else "")


def _checked(store: Store, data: Mapping[str, Any], actor: str | None, now: datetime, expiry: timedelta) -> Any:
    card = authorised_card(store, data, actor)
    if isinstance(card, CardReply):
        return card
    if card.kind is not CardKind.OUTCOME:
        logger.warning("card action refused: verb does not match card %s", card.card_id)
        return _refuse(WRONG_CARD)
    state = conversation_state(store, card, now, expiry)
    if state is CardState.PAIR_ENDED:
        return _refuse(PAIR_ENDED, card)
    if state is CardState.EXPIRED:
        return CardReply(Verdict.EXPIRED, PASSED, card.kind, card.card_id, {"meetingDate": conversation_date(card)})
    return card


def _stored_action(store: Store, card: CardRecord, action_id: str) -> tuple[str, Mapping[str, Any]] | None:
    """(outcome id, stored action) of this card's logged outcome, for a training action of a knowledge gap."""
    manager, employee = card.recipient_id, card.employee_id
    start = str(card.template_data.get("start") or "")
    if not start or not action_id:
        return None
    key = pair_key(manager, employee)
    ident = outcome_id(key, date.fromisoformat(start[:10]))
    found = store.find(OUTCOMES, key, f"{OUTCOME_PREFIX}{ident}")
    if found is None or found.data.get("occurrence_id") not in (card.occurrence_id, "", None):
        return None
    actions = json.loads(str(found.data.get("actions") or "[]"))
    action = next((a for a in actions if a.get("id") == action_id), None)
    return (ident, action) if action is not None and is_training_for_knowledge(action) else None


def _due(action: Mapping[str, Any]) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(str(action.get("due"))[:10]), time(0), UTC)
    except ValueError:
        return None


async def assign_recommended(
    store: Store,
    catalog: LearningCatalog,
    clock: Clock,
    config: CompanyConfig,
    data: Mapping[str, Any],
    actor: str | None,
    rebuild: Rebuild,
    expiry: timedelta,
) -> CardReply:
    now = clock.now()
    card = _checked(store, data, actor, now, expiry)
    if isinstance(card, CardReply):
        return card
    found = _stored_action(store, card, str(data.get("actionId") or ""))
    if found is None:
        return _answer(card, rebuild, Verdict.REFUSED, WRONG_CARD)
    ident, action = found
    key = assignment_key(ident, str(action["id"]))
    if assignment(store, key) is not None:  # a double click or a retry: already made
        return _answer(card, rebuild, Verdict.ACCEPTED, ASSIGNED)
    chosen = next((c for c in offered(stored_contents(store), config, action) if c.id == data.get("contentId")), None)
    if chosen is None:
        return _answer(card, rebuild, Verdict.REFUSED, NOT_OFFERED)
    request = AssignmentRequest(key, chosen.provider_id, chosen.id, card.employee_id, card.recipient_id, _due(action))
    try:
        made = await catalog.assign(request)
    except LearningUnavailable as error:
        note_unavailable(store, error, now)
        return _answer(card, rebuild, Verdict.REFUSED, UNAVAILABLE)
    except AssignmentRefused:
        logger.info("card %s: Viva Learning refused the assignment %s", card.card_id, key)
        return _answer(card, rebuild, Verdict.REFUSED, REFUSED)
    save_assignment(store, key, made, chosen.title, now)
    logger.info("card %s: learning assignment %s made (%s)", card.card_id, key, made.id)
    return _answer(card, rebuild, Verdict.ACCEPTED, ASSIGNED)


def _answer(card: CardRecord, rebuild: Rebuild, verdict: Verdict, message: str) -> CardReply:
    """The manager's outcome card rebuilt now, with the message on top (a text card when it cannot be rebuilt)."""
    view = rebuild(card)
    if view is None:
        return CardReply(verdict, message, card.kind, card.card_id)
    shown = {**view, "error": "" if verdict is Verdict.ACCEPTED else message}
    return CardReply(verdict, message, card.kind, card.card_id, shown, rebuilt=True)
