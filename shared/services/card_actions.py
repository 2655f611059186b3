"""A card action from Teams: verify who acted, validate what they sent, store it, say what to show.

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
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from shared.domain.agenda import AgendaFull
from shared.domain.card_verdicts import (
    ALREADY,
    ALREADY_SUBMITTED,
    BUSY,
    NOT_KNOWN,
    OUTCOMES_LOGGED,
    PAIR_ENDED,
    PASSED,
    SAVED,
    SOMEONE_ELSE,
    WRONG_ACTION,
)
from shared.ports.clock import Clock, SystemClock
from shared.ports.storage import Queues, StaleWrite, Store
from shared.services import card_storing, prep_reopen
from shared.services.card_records import (
    CardKind,
    CardRecord,
    CardState,
    CardStatus,
    ClaimRefused,
    card_row,
    conversation_date,
    conversation_state,
    find_card,
    set_status,
)
from shared.services.card_submissions import parse_confirmation, parse_outcome_submission, parse_prep, with_decision

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


def _refuse(message: str) -> CardReply:
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
        return _refuse(NOT_KNOWN)
    if not actor_id or actor_id != card.recipient_id:
        logger.warning("card action refused: actor is not the recipient of card %s", card.card_id)
        return _refuse(SOMEONE_ELSE)
    return card


authorised_card = _authorised_card  # the same actor check for actions handled elsewhere (no_slot_booking)


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
    card = _authorised_card(store, data, actor_id, rows=rows)
    if isinstance(card, CardReply):
        return card
    if VERB_KINDS.get(verb) is not card.kind:
        logger.warning("card action refused: verb does not match card %s", card.card_id)
        return _refuse(WRONG_ACTION)
    if card.kind is CardKind.COACH_REQUEST:
        from shared.services.coach_cards import handle_coach_action

        return handle_coach_action(store, clock, verb, card, queues)
    if card.status is CardStatus.SUBMITTED and not prep_reopen.reopenable(card, clock.now()):
        return CardReply(Verdict.REFUSED, ALREADY, card.kind)
    stale = _stale(store, card, clock, prep_reopen.expiry_for(card, expiry))
    if stale is not None:
        return stale
    data = with_decision(verb, data)
    try:
        submission = _PARSERS[card.kind](data)
    except ValidationError as error:
        return _refused_card(store, card, data, error, config) or _invalid(card, error)
    try:
        stored = card_storing.store_submission(store, clock, card, submission, rows)
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
    if card.kind is CardKind.PREP and queues is not None and getattr(submission, "wants_coach", False):
        from shared.services.coach_requests import open_request  # one request while open; pool fan-out on send

        open_request(store, queues, card.recipient_id, clock.now())
    if card.kind is CardKind.OUTCOME and queues is not None:
        from shared.services import card_followups  # builds cards: imported when needed, not at bot start

        card_followups.queue_confirmation(queues, stored, clock.now())
    if card.kind is not CardKind.PREP:  # a prep card is marked submitted as it is stored (prep_submit)
        try:
            stored = set_status(
                store, stored, CardStatus.SUBMITTED, clock.now(), **prep_reopen.after_submit(card, clock.now())
            )
        except StaleWrite:
            return CardReply(Verdict.REFUSED, ALREADY, card.kind)
    logger.info("card %s submitted (%s)", card.card_id, card.kind)
    shown = _rebuilt(store, card, config, clock)
    if shown is not None:
        return CardReply(Verdict.ACCEPTED, SAVED, card.kind, card.card_id, shown, rebuilt=True, stored=stored)
    summary = _summary(card, submission)
    return CardReply(Verdict.ACCEPTED, SAVED, card.kind, card.card_id, summary, stored=stored)


_ANSWERED_WITH_THE_CARD = (CardKind.OUTCOME, CardKind.CONFIRM)


def _rebuilt(store: Store, card: CardRecord, config: ConfigSource | None, clock: Clock) -> dict[str, Any] | None:
    """The outcome or confirmation card rebuilt from the store (None for other cards or without config)."""
    if config is None or card.kind not in _ANSWERED_WITH_THE_CARD:
        return None
    from shared.services.outcome_cards import rebuilt_view

    return rebuilt_view(store, config(), card, clock.now())


def _refused_card(
    store: Store, card: CardRecord, data: Mapping[str, Any], error: ValidationError, config: ConfigSource | None
) -> CardReply | None:
    """A refused outcome or confirmation card comes back refilled, with the reasons (nothing is stored)."""
    if config is None or card.kind not in _ANSWERED_WITH_THE_CARD:
        return None
    from shared.services.outcome_cards import refused_view

    message, view = refused_view(store, config(), card, data, error)
    return CardReply(Verdict.INVALID, message, card.kind, card.card_id, view or {}, rebuilt=view is not None)


def _invalid(card: CardRecord, error: ValidationError) -> CardReply:
    fields = sorted({".".join(str(part) for part in issue["loc"]) for issue in error.errors()})
    logger.info("card action invalid on card %s: %s", card.card_id, ", ".join(fields))
    return CardReply(Verdict.INVALID, f"Please check: {', '.join(fields) or 'the form'}.", card.kind, card.card_id)


def _stale(store: Store, card: CardRecord, clock: Clock, expiry: timedelta) -> CardReply | None:
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
    stale = None if authorised else _stale(store, card, clock or SystemClock(), prep_reopen.expiry_for(card, expiry))
    if stale is not None:
        return stale
    if card.status is CardStatus.SUBMITTED and not prep_reopen.reopenable(card, (clock or SystemClock()).now()):
        shown = _rebuilt(store, card, config, clock or SystemClock())  # outcome / confirmation: what was stored
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
        return _refuse(WRONG_ACTION)
    now = (clock or SystemClock()).now()
    stale = _stale(store, agenda, clock or SystemClock(), expiry)
    if stale is not None:
        return stale
    from shared.services import card_followups

    outcome = card_followups.outcome_card_for(store, config() if config else None, agenda)
    if outcome is None:
        logger.warning("card %s: no outcome-log card could be built", agenda.card_id)
        return _refuse("WeGrow could not prepare the outcome card for this conversation yet. Nothing was saved.")
    if outcome.recipient_id != actor_id:
        return _refuse("The outcome card of this conversation was sent to someone else. Nothing was saved.")
    if outcome.status is CardStatus.SUBMITTED:
        shown = _rebuilt(store, outcome, config, clock or SystemClock())
        message = OUTCOMES_LOGGED
        return CardReply(Verdict.READ_ONLY, message, outcome.kind, outcome.card_id, shown or {}, bool(shown))
    view = card_followups.current_view(store, config(), outcome, now) if config is not None else None
    logger.info("card %s: outcome-log card %s opened", agenda.card_id, outcome.card_id)
    return CardReply(Verdict.EDITABLE, "", CardKind.OUTCOME, outcome.card_id, view or {})


def _summary(card: CardRecord, submission: BaseModel) -> dict[str, Any]:
    """The recipient's own read-only view of what they sent (shown only to them, in this reply; never stored)."""
    return {**card.template_data, "submitted": submission.model_dump(mode="json")}


_PARSERS: dict[CardKind, Callable[[Mapping[str, Any]], BaseModel]] = {
    CardKind.PREP: parse_prep,
    CardKind.OUTCOME: parse_outcome_submission,
    CardKind.CONFIRM: parse_confirmation,
}
