"""One reminder per missing prep or outcome, then overdue for HR (the ``cards`` timer's sweep, with the due cards).

The reminder is a ``reminder`` card whose occurrence id is ``<occurrence id>:<target>`` (target: prep or
outcome), so its card id, and with it the ``cards`` row written before the send, is the stored marker: a
reminder whose row is sent (or unreachable) is never queued again, and a repeated queue message is sent once
(``send_cards``). A reminder goes only to the recipient of the card it is about, while that card is sent and
not submitted. After it went out (``mark_overdue``), a missing outcome makes the conversation ``overdue``, and
a conversation that starts without prep gets ``prep`` = overdue; a prep saved before the start is ``submitted``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from shared.domain.conversation_status import ConversationStatus, PrepState
from shared.domain.people import pair_key
from shared.domain.reminders import ReminderPolicy, ReminderTarget, prep_state, reminder_due
from shared.ports.storage import Store
from shared.services.card_conversations import pair_is_current
from shared.services.card_records import CardKind, CardRecord, CardStatus, card_id, find_card
from shared.services.conversation_lifecycle import (
    CONVERSATION_PREFIX,
    OUTCOMES,
    conversation_id,
    record_conversation,
    utc_day,
)
from shared.services.conversation_prep import record_prep

logger = logging.getLogger(__name__)
TARGET_KINDS = {ReminderTarget.PREP: CardKind.PREP, ReminderTarget.OUTCOME: CardKind.OUTCOME}
WENT_OUT = frozenset({CardStatus.SENT, CardStatus.UNREACHABLE})  # the one reminder was tried: never again


@dataclass(frozen=True, slots=True)
class DueReminder:
    occurrence_id: str  # ``<occurrence id>:<target>``
    recipient_id: str
    target: ReminderTarget


@dataclass(frozen=True, slots=True)
class OverdueMarks:
    outcome: bool = False
    prep: bool = False


def reminder_occurrence(occurrence_id: str, target: ReminderTarget) -> str:
    return f"{occurrence_id}:{target}"


def split_reminder(occurrence: str) -> tuple[str, ReminderTarget] | None:
    """(occurrence id, target) of a reminder's occurrence id; None when it names no target."""
    base, _, target = occurrence.rpartition(":")
    return (base, ReminderTarget(target)) if base and target in ReminderTarget else None


def target_card(
    store: Store, occurrence_id: str, target: ReminderTarget, owner: str | None = None
) -> CardRecord | None:
    """The reminded card; with ``owner`` (its recipient), a prep card's row in their agenda partition, which keeps
    whether it was submitted (``card_records.mark_sent``)."""
    kind = TARGET_KINDS[target]
    return find_card(store, card_id(occurrence_id, kind), owner if kind is CardKind.PREP else None)


def reminder_card(store: Store, occurrence_id: str, target: ReminderTarget) -> CardRecord | None:
    return find_card(store, card_id(reminder_occurrence(occurrence_id, target), CardKind.REMINDER))


def _stamp(card: CardRecord, status: CardStatus) -> datetime | None:
    value = card.record.data.get(f"{status}_at") if card.record is not None else None
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _held(store: Store, manager_id: str, employee_id: str, start: datetime) -> bool:
    key = pair_key(manager_id, employee_id)
    found = store.find(OUTCOMES, key, CONVERSATION_PREFIX + conversation_id(key, utc_day(start)))
    return found is not None and found.data.get("status") == ConversationStatus.HELD


def reminders_due(
    store: Store, manager_id: str, employee_id: str, occurrence_id: str, start: datetime, now: datetime,
    policy: ReminderPolicy,
) -> list[DueReminder]:  # fmt: skip
    """The reminders of one conversation to queue now (none once each went out)."""
    due: list[DueReminder] = []
    for target in ReminderTarget:
        card = target_card(store, occurrence_id, target, owner=employee_id)
        if card is None or card.status is not CardStatus.SENT:  # not sent, unreachable, or done
            continue
        if not reminder_due(target, start, now, _stamp(card, CardStatus.SENT), policy):
            continue
        sent = reminder_card(store, occurrence_id, target)
        if sent is not None and sent.status is not CardStatus.PENDING:
            continue
        if target is ReminderTarget.OUTCOME and _held(store, manager_id, employee_id, start):
            continue
        if not pair_is_current(store, manager_id, employee_id):
            continue
        due.append(DueReminder(reminder_occurrence(occurrence_id, target), card.recipient_id, target))
    return due


def mark_overdue(
    store: Store, manager_id: str, employee_id: str, occurrence_id: str, start: datetime, now: datetime,
    policy: ReminderPolicy,
) -> OverdueMarks:  # fmt: skip
    """After its reminder: the outcome still missing makes the conversation overdue; the prep sets ``prep``."""
    return OverdueMarks(
        outcome=_mark_outcome(store, manager_id, employee_id, occurrence_id, start, now, policy),
        prep=_mark_prep(store, manager_id, employee_id, occurrence_id, start, now),
    )


def _mark_outcome(
    store: Store, manager_id: str, employee_id: str, occurrence_id: str, start: datetime, now: datetime,
    policy: ReminderPolicy,
) -> bool:  # fmt: skip
    reminder = reminder_card(store, occurrence_id, ReminderTarget.OUTCOME)
    if reminder is None or reminder.status not in WENT_OUT or now < start + policy.outcome_after:
        return False
    outcome = target_card(store, occurrence_id, ReminderTarget.OUTCOME)
    if outcome is not None and outcome.status is CardStatus.SUBMITTED:
        return False
    day = utc_day(start)
    changed = record_conversation(store, manager_id, employee_id, day, ConversationStatus.OVERDUE, now, occurrence_id)
    if changed:
        logger.info("conversation %s: outcome overdue after its reminder", occurrence_id)
    return changed


def _mark_prep(
    store: Store, manager_id: str, employee_id: str, occurrence_id: str, start: datetime, now: datetime
) -> bool:
    prep = target_card(store, occurrence_id, ReminderTarget.PREP, owner=employee_id)
    if prep is None:
        return False
    reminder = reminder_card(store, occurrence_id, ReminderTarget.PREP)
    reminded = reminder is not None and reminder.status in WENT_OUT
    submitted = _stamp(prep, CardStatus.SUBMITTED) if prep.status is CardStatus.SUBMITTED else None
    state = prep_state(start, now, reminded, submitted)
    if state is None:
        return False
    changed = record_prep(store, manager_id, employee_id, utc_day(start), state, now, occurrence_id)
    return changed and state is PrepState.OVERDUE
