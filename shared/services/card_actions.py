"""A card action from Teams: verify who acted, check the card is still current, say what to show.

Security rules (docs/bot.md): the actor is the signed activity's ``from.aadObjectId``; it must be
the ``recipient_id`` stored for the card id when the card was sent. Data in the card is never
trusted for that. A card is submitted once: an unknown card, another user, a verb that does not
belong to the card, or a second submission gets a refusal and changes nothing.

Further rules (issue 18, docs/cards.md):
- a card whose pair has ended (manager change, leaver) is refused, at submit and at refresh, nothing stored;
- a card expires ``expiry`` after its conversation: a refresh shows "this conversation has passed";
- a refresh rebuilds the card from the store now (rows keep ids, not content), never replays it;
- a submission claims the row with its ETag before anything is stored, so a double submit applies once (a prep
  card's claim is its one write as submitted, after everything is checked: ``prep_submit``);
- a submission that fails validation anywhere (parsing or the domain's limits) is an answer on the card.

Here: the replies, the checks every action makes, a refresh and the agenda card's "Log outcomes". A submission
(validate, claim, store, mark submitted) is ``card_action_submit.handle_card_action``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from shared.domain.card_verdicts import (
    ALREADY_SUBMITTED,
    NOT_KNOWN,
    OUTCOMES_LOGGED,
    PAIR_ENDED,
    PASSED,
    SOMEONE_ELSE,
    WRONG_ACTION,
)
from shared.ports.clock import Clock, SystemClock
from shared.ports.storage import Store
from shared.services import prep_reopen
from shared.services.card_conversations import CardState, conversation_date, conversation_state
from shared.services.card_records import CardKind, CardRecord, CardStatus, card_row, find_card

if TYPE_CHECKING:
    from shared.domain.company import CompanyConfig
    from shared.services.prep_submit import PrepRows

logger = logging.getLogger(__name__)

REFRESH_VERB = "refresh"
CARD_EXPIRY_DAYS = 14  # default of settings.card_expiry_days: a card expires this long after its conversation
DEFAULT_EXPIRY = timedelta(days=CARD_EXPIRY_DAYS)
LOG_OUTCOMES_VERB = "agenda.logOutcomes"  # the agenda card's button: answers with the outcome-log card
ConfigSource = Callable[[], "CompanyConfig"]  # the company config, loaded only when a card must be built
VERB_KINDS: dict[str, CardKind] = {
    "prep.submit": CardKind.PREP,
    "outcome.log": CardKind.OUTCOME,
    "outcome.confirm": CardKind.CONFIRM,
    "outcome.dispute": CardKind.CONFIRM,  # the confirmation card's second button (a comment is required)
    "coach.accept": CardKind.COACH_REQUEST,  # shared.services.coach_cards: "I'll take it" ...
    "coach.done": CardKind.COACH_REQUEST,  # ... and "Done"
}


class Verdict(StrEnum):
    ACCEPTED = "accepted"  # stored; show the read-only summary
    REFUSED = "refused"  # forged, replayed or unknown; nothing changed
    INVALID = "invalid"  # the recipient sent malformed data; nothing changed
    EDITABLE = "editable"  # refresh by the recipient of a card not yet submitted
    READ_ONLY = "read_only"  # refresh of a submitted card by its recipient
    EXPIRED = "expired"  # the conversation has passed: a short read-only card, nothing changed


@dataclass(frozen=True, slots=True)
class CardReply:
    verdict: Verdict
    message: str
    kind: CardKind | None = None
    card_id: str = ""
    view: Mapping[str, Any] = field(default_factory=dict)
    rebuilt: bool = False  # ``view`` is the card's full template data: show the card itself, not a text card
    stored: CardRecord | None = None  # an accepted submission's card row as written (``handle_refresh(authorised=)``)


def refuse(message: str) -> CardReply:
    return CardReply(Verdict.REFUSED, message)


def _authorised_card(
    store: Store, data: Mapping[str, Any], actor_id: str | None, *, prep: bool = False, rows: PrepRows | None = None
) -> CardRecord | CardReply:
    """The card the action names, if it was sent to the actor. ``prep``: look in the actor's agenda partition first
    (a prep card's own row); ``rows``: that partition already read (``prep_submit.read_rows``)."""
    card_ref = data.get("cardId")
    if not isinstance(card_ref, str):
        card = None
    elif rows is not None:  # the actor's partition is read: else the card is someone else's, or sent before the move
        card = rows.card or card_row(store, card_ref)
    else:
        card = find_card(store, card_ref, actor_id if prep else None)
    if card is None:
        logger.warning("card action refused: unknown card")
        return refuse(NOT_KNOWN)
    if not actor_id or actor_id != card.recipient_id:
        logger.warning("card action refused: actor is not the recipient of card %s", card.card_id)
        return refuse(SOMEONE_ELSE)
    return card


authorised_card = _authorised_card  # the same actor check for actions handled elsewhere (no_slot_booking)


ANSWERED_WITH_THE_CARD = (CardKind.OUTCOME, CardKind.CONFIRM)


def rebuilt_card(store: Store, card: CardRecord, config: ConfigSource | None, clock: Clock) -> dict[str, Any] | None:
    """The outcome or confirmation card rebuilt from the store (None for other cards or without config)."""
    if config is None or card.kind not in ANSWERED_WITH_THE_CARD:
        return None
    from shared.services.outcome_cards import rebuilt_view

    return rebuilt_view(store, config(), card, clock.now())


def stale_reply(store: Store, card: CardRecord, clock: Clock, expiry: timedelta) -> CardReply | None:
    """A refusal when the card's pair has ended, the passed-conversation card when it expired, else None."""
    state = conversation_state(store, card, clock.now(), expiry)
    if state is CardState.PAIR_ENDED:
        logger.warning("card %s refused: its pair has ended", card.card_id)
        return CardReply(Verdict.REFUSED, PAIR_ENDED, card.kind)
    if state is CardState.EXPIRED:
        logger.info("card %s: its conversation has passed", card.card_id)
        return CardReply(Verdict.EXPIRED, PASSED, card.kind, card.card_id, {"meetingDate": conversation_date(card)})
    return None


def handle_refresh(
    store: Store,
    data: Mapping[str, Any],
    actor_id: str | None,
    *,
    config: ConfigSource | None = None,
    clock: Clock | None = None,
    expiry: timedelta = DEFAULT_EXPIRY,
    authorised: CardRecord | None = None,
    prep: bool = False,
) -> CardReply:
    """Universal Actions refresh: the recipient gets their card rebuilt from the store now; anyone else a refusal.

    Rows keep ids only, so without ``config`` an editable card cannot be rebuilt and the reply carries no view
    (the bot then shows a short text card). Nothing stored is ever replayed. ``authorised``: the card row this
    request has just checked and written for ``actor_id`` (``CardReply.stored``), so it is not read and checked
    again (the answer to a submission). ``prep``: the request is a prep card's (its row in the actor's agenda
    partition is read first).
    """
    card = authorised or _authorised_card(store, data, actor_id, prep=prep)
    if isinstance(card, CardReply):
        return card
    stale = (
        None if authorised else stale_reply(store, card, clock or SystemClock(), prep_reopen.expiry_for(card, expiry))
    )
    if stale is not None:
        return stale
    if card.status is CardStatus.SUBMITTED and not prep_reopen.reopenable(card, (clock or SystemClock()).now()):
        shown = rebuilt_card(store, card, config, clock or SystemClock())  # outcome / confirmation: what was stored
        return CardReply(Verdict.READ_ONLY, ALREADY_SUBMITTED, card.kind, card.card_id, shown or {}, bool(shown))
    view: Mapping[str, Any] = {}
    if config is not None:
        from shared.services import card_followups

        view = card_followups.current_view(store, config(), card, (clock or SystemClock()).now()) or {}
    return CardReply(Verdict.EDITABLE, "", card.kind, card.card_id, view)


def handle_log_outcomes(
    store: Store,
    data: Mapping[str, Any],
    actor_id: str | None,
    *,
    config: ConfigSource | None = None,
    clock: Clock | None = None,
    expiry: timedelta = DEFAULT_EXPIRY,
) -> CardReply:
    """The agenda card's "Log outcomes": its manager gets the conversation's outcome-log card; anyone else a refusal."""
    agenda = _authorised_card(store, data, actor_id)
    if isinstance(agenda, CardReply):
        return agenda
    if agenda.kind is not CardKind.AGENDA:
        logger.warning("card action refused: verb does not match card %s", agenda.card_id)
        return refuse(WRONG_ACTION)
    now = (clock or SystemClock()).now()
    stale = stale_reply(store, agenda, clock or SystemClock(), expiry)
    if stale is not None:
        return stale
    from shared.services import card_followups

    outcome = card_followups.outcome_card_for(store, config() if config else None, agenda)
    if outcome is None:
        logger.warning("card %s: no outcome-log card could be built", agenda.card_id)
        return refuse("WeGrow could not prepare the outcome card for this conversation yet. Nothing was saved.")
    if outcome.recipient_id != actor_id:
        return refuse("The outcome card of this conversation was sent to someone else. Nothing was saved.")
    if outcome.status is CardStatus.SUBMITTED:
        shown = rebuilt_card(store, outcome, config, clock or SystemClock())
        message = OUTCOMES_LOGGED
        return CardReply(Verdict.READ_ONLY, message, outcome.kind, outcome.card_id, shown or {}, bool(shown))
    view = card_followups.current_view(store, config(), outcome, now) if config is not None else None
    logger.info("card %s: outcome-log card %s opened", agenda.card_id, outcome.card_id)
    return CardReply(Verdict.EDITABLE, "", CardKind.OUTCOME, outcome.card_id, view or {})
