"""Storing an accepted card submission: a prep card with its agenda in one transaction, other cards claimed first.

``card_actions`` decides whether a submission may be stored (actor, verb, pair, expiry, validation); this module
writes it. A prep card's row and the actor's agenda are read together beforehand (:func:`prep_rows`), so the
submission costs one read and one transaction (``prep_submit``). An outcome or confirmation card is claimed with
an ETag-guarded write, stored, and marked submitted by the caller; a claim that stored nothing is given back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from shared.domain.agenda import AgendaFull
from shared.ports.clock import Clock
from shared.ports.storage import StaleWrite, Store
from shared.services import agenda_store
from shared.services.card_records import CardKind, CardRecord, claim, plausible_card_id, release

if TYPE_CHECKING:
    from shared.services.prep_submit import PrepRows


def prep_rows(store: Store, kind: CardKind | None, data: Mapping[str, Any], actor_id: str | None) -> PrepRows | None:
    """For a prep card's submission (``kind``: the verb's card kind): the card's row and the agenda in the actor's
    partition, in one read. None for any other submission, or one without a plausible card id."""
    card_ref = data.get("cardId")
    if kind is not CardKind.PREP or not actor_id or not plausible_card_id(card_ref):
        return None
    from shared.services.prep_submit import read_rows

    return read_rows(store, card_ref, actor_id)


def store_submission(
    store: Store, clock: Clock, card: CardRecord, submission: Any, rows: PrepRows | None
) -> CardRecord:
    """Store a submission; returns the card row as written (raises ClaimRefused, AgendaFull, ValidationError,
    StaleWrite). ``rows``: what :func:`prep_rows` read for a prep card."""
    if card.kind is CardKind.PREP:
        from shared.services.prep_submit import submit_prep

        return submit_prep(store, card, submission, clock.now(), rows)
    claimed = claim(store, card, clock.now())
    try:
        _STORERS[card.kind](store, clock, claimed, submission)
    except (AgendaFull, ValidationError, StaleWrite):
        release(store, claimed)
        raise
    return claimed


def _store_outcomes(store: Store, clock: Clock, card: CardRecord, submission: Any) -> None:
    from shared.services.outcome_cards import store_log  # the outcome, its note and earlier actions closed

    store_log(store, card, submission, clock.now())


def _store_confirmation(store: Store, clock: Clock, card: CardRecord, submission: Any) -> None:
    from shared.services.outcome_cards import store_answer

    agenda_store.save_confirmation(store, card.occurrence_id, submission, card.recipient_id, clock.now())
    store_answer(store, card, submission, clock.now())


_STORERS: dict[CardKind, Callable[[Store, Clock, CardRecord, Any], None]] = {  # prep: prep_submit
    CardKind.OUTCOME: _store_outcomes,
    CardKind.CONFIRM: _store_confirmation,
}
