"""Whether a conversation card may still be used, and what its conversation's cards read.

A card of a conversation (prep, agenda, outcome, confirmation) belongs to its pair: a manager change or a leaver
ends the pair, and the card with it (:func:`conversation_state`, ``CardState.PAIR_ENDED``). It also expires some
time after its conversation (``CardState.EXPIRED``), measured from the ``start`` its ``cards`` row keeps
(:func:`conversation_date`). Cards of no conversation (coach requests) are always current.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from shared.domain.people import pair_key
from shared.ports.storage import EntityKey, PartitionRead, Store
from shared.services.card_records import CardKind, CardRecord
from shared.services.scheduling_records import PAIRS, load_person, person_key

CONVERSATION_KINDS = frozenset({CardKind.PREP, CardKind.AGENDA, CardKind.OUTCOME, CardKind.CONFIRM})


class CardState(StrEnum):
    CURRENT = "current"
    PAIR_ENDED = "pair_ended"  # manager change or leaver: the card is no longer its recipient's
    EXPIRED = "expired"  # the conversation passed more than the expiry ago


def conversation_reads(
    manager_id: str, employee_id: str, *, outcomes_only: bool = False
) -> tuple[list[EntityKey], list[PartitionRead]]:
    """The rows the cards of a pair's conversation read (``Store.read_ahead``'s keys and partitions): both people's
    rows, and the pair's outcomes partition (earlier actions, the logged outcome). ``outcomes_only``: the partition's
    outcome rows alone (the service filters), for the cards that read only the earlier actions (prep, agenda): a
    year of conversation rows and outbox entries is most of the partition."""
    from shared.services.record_outcome import OUTCOME_ROWS, OUTCOMES  # not at cold start

    partition = (OUTCOMES, pair_key(manager_id, employee_id))
    read: PartitionRead = (*partition, OUTCOME_ROWS) if outcomes_only else partition
    return [person_key(employee_id), person_key(manager_id)], [read]


def pair_is_current(store: Store, manager_id: str, employee_id: str) -> bool:
    """Both people are still here and enabled, the employee still reports to that manager, the pair is open."""
    employee, manager = load_person(store, employee_id), load_person(store, manager_id)
    if employee is None or manager is None or not (employee.account_enabled and manager.account_enabled):
        return False
    if employee.manager_id != manager_id:
        return False
    pair = store.find(PAIRS, manager_id, employee_id)
    return pair is None or bool(pair.data.get("active"))


def conversation_state(store: Store, card: CardRecord, now: datetime, expiry: timedelta) -> CardState:
    """Whether a conversation card may still be used. Cards of no conversation (coach requests) are always current."""
    manager_id = str(card.template_data.get("managerId") or "")
    if card.kind not in CONVERSATION_KINDS or not manager_id:
        return CardState.CURRENT
    if not pair_is_current(store, manager_id, card.employee_id):
        return CardState.PAIR_ENDED
    start = _start_of(card)
    if start is not None and now > start + expiry:
        return CardState.EXPIRED
    return CardState.CURRENT


def _start_of(card: CardRecord) -> datetime | None:
    try:
        return datetime.fromisoformat(str(card.template_data.get("start") or ""))
    except ValueError:
        return None


def conversation_date(card: CardRecord) -> str:
    """The conversation's day (ISO), from the row's ``start``; empty when the row has none."""
    start = _start_of(card)
    return start.date().isoformat() if start is not None else ""
