"""A card submitted from Teams: verify the actor and the pair, validate, claim the card, store, mark it submitted.

The rules are ``card_actions``' (docs/bot.md, docs/cards.md): the actor must be the card's stored recipient, a
card is submitted once, a card of an ended pair is refused and an expired one answered with the passed-conversation
card, and a submission that fails validation anywhere (parsing or the domain's limits) is an answer on the card.
Storing is ``card_storing``'s (a claim with the row's ETag first, so a double submit applies once).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from shared.domain.agenda import AgendaFull
from shared.domain.card_verdicts import ALREADY, BUSY, SAVED, WRONG_ACTION
from shared.ports.clock import Clock
from shared.ports.storage import Queues, StaleWrite, Store
from shared.services import card_storing, prep_reopen
from shared.services.card_actions import (
    ANSWERED_WITH_THE_CARD,
    DEFAULT_EXPIRY,
    VERB_KINDS,
    CardReply,
    ConfigSource,
    Verdict,
    authorised_card,
    rebuilt_card,
    refuse,
    stale_reply,
)
from shared.services.card_records import CardKind, CardRecord, CardStatus, ClaimRefused, set_status
from shared.services.card_submissions import parse_confirmation, parse_outcome_submission, parse_prep, with_decision

if TYPE_CHECKING:
    from shared.services.prep_submit import PrepRows

logger = logging.getLogger(__name__)


def handle_card_action(
    store: Store,
    clock: Clock,
    verb: str,
    data: Mapping[str, Any],
    actor_id: str | None,
    *,
    queues: Queues | None = None,
    expiry: timedelta = DEFAULT_EXPIRY,
    config: ConfigSource | None = None,
) -> CardReply:
    """Submit a card: verify the actor and the pair, validate, claim the card, store, mark it submitted.

    With ``queues``, an outcome log queues the employee's confirmation card (before the card is marked
    submitted: a crash in between repeats the queueing, and the send itself happens once per card id).
    With ``config``, the outcome and confirmation cards answer with the card itself (refilled with the reason
    next to each answer when refused; what was stored when accepted).
    """
    rows = card_storing.prep_rows(store, VERB_KINDS.get(verb), data, actor_id)
    card = authorised_card(store, data, actor_id, rows=rows)
    if isinstance(card, CardReply):
        return card
    if VERB_KINDS.get(verb) is not card.kind:
        logger.warning("card action refused: verb does not match card %s", card.card_id)
        return refuse(WRONG_ACTION)
    if card.kind is CardKind.COACH_REQUEST:
        from shared.services.coach_cards import handle_coach_action

        return handle_coach_action(store, clock, verb, card, queues)
    if card.status is CardStatus.SUBMITTED and not prep_reopen.reopenable(card, clock.now()):
        return CardReply(Verdict.REFUSED, ALREADY, card.kind)
    stale = stale_reply(store, card, clock, prep_reopen.expiry_for(card, expiry))
    if stale is not None:
        return stale
    return _submit(store, clock, card, with_decision(verb, data), rows, queues, config)


def _submit(
    store: Store,
    clock: Clock,
    card: CardRecord,
    data: Mapping[str, Any],
    rows: PrepRows | None,
    queues: Queues | None,
    config: ConfigSource | None,
) -> CardReply:
    """Validate and store a card its recipient may submit now, set going what follows, mark it submitted."""
    try:
        submission = _PARSERS[card.kind](data)
    except ValidationError as error:
        return _refused_card(store, card, data, error, config) or _invalid(card, error)
    stored = _store(store, clock, card, submission, rows, data, config)
    if isinstance(stored, CardReply):
        return stored
    _follow_up(store, clock, queues, card, submission, stored)
    if card.kind is not CardKind.PREP:  # a prep card is marked submitted as it is stored (prep_submit)
        try:
            stored = set_status(
                store, stored, CardStatus.SUBMITTED, clock.now(), **prep_reopen.after_submit(card, clock.now())
            )
        except StaleWrite:
            return CardReply(Verdict.REFUSED, ALREADY, card.kind)
    logger.info("card %s submitted (%s)", card.card_id, card.kind)
    shown = rebuilt_card(store, card, config, clock)
    if shown is not None:
        return CardReply(Verdict.ACCEPTED, SAVED, card.kind, card.card_id, shown, rebuilt=True, stored=stored)
    summary = _summary(card, submission)
    return CardReply(Verdict.ACCEPTED, SAVED, card.kind, card.card_id, summary, stored=stored)


def _store(
    store: Store,
    clock: Clock,
    card: CardRecord,
    submission: BaseModel,
    rows: PrepRows | None,
    data: Mapping[str, Any],
    config: ConfigSource | None,
) -> CardRecord | CardReply:
    """The card row as the submission was stored (claimed first), or the answer when nothing could be stored."""
    try:
        return card_storing.store_submission(store, clock, card, submission, rows)
    except ClaimRefused:
        logger.info("card %s: submission refused, the card is claimed by another submission", card.card_id)
        return CardReply(Verdict.REFUSED, ALREADY, card.kind)
    except AgendaFull as full:
        logger.info("card action on card %s: agenda full", card.card_id)
        return CardReply(Verdict.INVALID, f"Nothing was saved: {full}.", card.kind, card.card_id)
    except ValidationError as error:  # the domain's own limits: an answer on the card, never a 400
        return _refused_card(store, card, data, error, config) or _invalid(card, error)
    except StaleWrite:  # the agenda kept changing under the write (agenda_store.PREP_WRITE_ATTEMPTS)
        logger.info("card %s: the agenda changed during every attempt to store it", card.card_id)
        return CardReply(Verdict.REFUSED, BUSY, card.kind, card.card_id)


def _follow_up(
    store: Store, clock: Clock, queues: Queues | None, card: CardRecord, submission: BaseModel, stored: CardRecord
) -> None:
    """With ``queues``: a prep card asking for a coach opens a coach request; an outcome log queues the employee's
    confirmation card."""
    if card.kind is CardKind.PREP and queues is not None and getattr(submission, "wants_coach", False):
        from shared.services.coach_requests import open_request  # one request while open; pool fan-out on send

        open_request(store, queues, card.recipient_id, clock.now())
    if card.kind is CardKind.OUTCOME and queues is not None:
        from shared.services import card_followups  # builds cards: imported when needed, not at bot start

        card_followups.queue_confirmation(queues, stored, clock.now())


def _refused_card(
    store: Store, card: CardRecord, data: Mapping[str, Any], error: ValidationError, config: ConfigSource | None
) -> CardReply | None:
    """A refused outcome or confirmation card comes back refilled, with the reasons (nothing is stored)."""
    if config is None or card.kind not in ANSWERED_WITH_THE_CARD:
        return None
    from shared.services.outcome_cards import refused_view

    message, view = refused_view(store, config(), card, data, error)
    return CardReply(Verdict.INVALID, message, card.kind, card.card_id, view or {}, rebuilt=view is not None)


def _invalid(card: CardRecord, error: ValidationError) -> CardReply:
    fields = sorted({".".join(str(part) for part in issue["loc"]) for issue in error.errors()})
    logger.info("card action invalid on card %s: %s", card.card_id, ", ".join(fields))
    return CardReply(Verdict.INVALID, f"Please check: {', '.join(fields) or 'the form'}.", card.kind, card.card_id)


def _summary(card: CardRecord, submission: BaseModel) -> dict[str, Any]:
    """The recipient's own read-only view of what they sent (shown only to them, in this reply; never stored)."""
    return {**card.template_data, "submitted": submission.model_dump(mode="json")}


_PARSERS: dict[CardKind, Callable[[Mapping[str, Any]], BaseModel]] = {
    CardKind.PREP: parse_prep,
    CardKind.OUTCOME: parse_outcome_submission,
    CardKind.CONFIRM: parse_confirmation,
}
