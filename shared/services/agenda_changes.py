"""Agenda items and actions that move: edit, done, drop, carry-over and the employee's own learning log.

Everything here works on the employee's own agenda (``agendas/<employee>/current``, see ``agenda_store``) and on
the pair's stored outcomes (``outcomes/<pair>/outcome:<id>``, written by ``record_outcome``). A change is
validated in full before anything is written, so bad input (unknown number, text too long) writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime

from shared.domain.actions import OutcomeAction, Owner
from shared.domain.agenda import GrowthAgenda, ItemKind, ItemStatus
from shared.domain.agenda_edits import CHOICES
from shared.domain.people import pair_key
from shared.domain.status import Progress
from shared.ports.storage import StaleWrite, Store
from shared.services import agenda_store
from shared.services.card_conversations import conversation_date
from shared.services.card_open_actions import open_actions
from shared.services.card_records import CardRecord
from shared.services.card_submissions import PrepSubmission
from shared.services.record_outcome import OUTCOME_PREFIX, OUTCOMES, requeue_outcome
from shared.services.scheduling_records import load_person

_RACE_RETRIES = 3


class UnknownItem(LookupError):
    """The number or id names no open item (the message says what to do)."""


def agenda_for_conversation(store: Store, employee_id: str, day: date, now: datetime) -> GrowthAgenda:
    """The employee's agenda prepared for the conversation on ``day``: carried over from the one before once."""
    agenda = agenda_store.load_agenda(store, employee_id)
    prepared = agenda.for_conversation(day)
    if prepared != agenda:
        agenda_store.save_agenda(store, prepared, now)
    return prepared


def mark_numbered(store: Store, employee_id: str, number: int, status: ItemStatus, now: datetime) -> str:
    """Mark the ``number``-th open item (as "my agenda" lists them) done or dropped; returns its text."""
    agenda = agenda_store.load_agenda(store, employee_id)
    items = agenda.open_items()
    if not 1 <= number <= len(items):
        raise UnknownItem(_no_such_item(number, len(items)))
    item = items[number - 1]
    agenda_store.save_agenda(store, agenda.set_status(item.id, status, now.date()), now)
    return item.text


def _no_such_item(number: int, count: int) -> str:
    if count == 0:
        return f"There is no item {number}: your growth agenda has no open items. Nothing was changed."
    return f'There is no item {number}: "my agenda" lists items 1 to {count}. Nothing was changed.'


def log_learning(store: Store, employee_id: str, text: str, now: datetime) -> GrowthAgenda:
    """Log something the employee learned (private until they share it); it shows on their next agenda."""
    agenda = agenda_store.load_agenda(store, employee_id).add_item(ItemKind.LEARNED, text, now.date())
    agenda_store.save_agenda(store, agenda, now)
    return agenda


def employee_actions(store: Store, employee_id: str, before: date) -> list[OutcomeAction]:
    """The employee's open actions from earlier conversations with their current manager."""
    person = load_person(store, employee_id)
    if person is None or not person.manager_id:
        return []
    return open_actions(store, person.manager_id, employee_id, before=before)


def set_action_statuses(
    store: Store, manager_id: str, employee_id: str, statuses: Mapping[str, Progress], now: datetime
) -> int:
    """Write new statuses (and nothing else) into the pair's stored actions; returns how many changed.

    Action ids are ``<outcome id>:<stored id>`` (``card_open_actions``). Each outcome row is written with its ETag.
    """
    by_outcome: dict[str, dict[str, Progress]] = {}
    for action_id, status in statuses.items():
        outcome, _, stored = action_id.rpartition(":")
        by_outcome.setdefault(outcome, {})[stored] = status
    changed = 0
    for outcome, wanted in by_outcome.items():
        changed += _update_outcome(store, pair_key(manager_id, employee_id), outcome, wanted, now)
    return changed


def _update_outcome(store: Store, partition: str, outcome: str, wanted: Mapping[str, Progress], now: datetime) -> int:
    for _ in range(_RACE_RETRIES):
        record = store.find(OUTCOMES, partition, f"{OUTCOME_PREFIX}{outcome}")
        if record is None:
            return 0
        actions = json.loads(str(record.data.get("actions") or "[]"))
        changed = 0
        for action in actions:
            status = wanted.get(str(action.get("id")))
            if status is not None and action.get("status") != status.value:
                action["status"], action["status_changed_at"] = status.value, now.isoformat()
                changed += 1
        if not changed:
            return 0
        try:
            store.update(record, {**record.data, "actions": json.dumps(actions)})
            requeue_outcome(store, partition, outcome, now)  # the HR workbook's row shows the new status
            return changed
        except StaleWrite:
            continue
    return 0


def prep_day(card: CardRecord) -> date | None:
    """The day of the prep card's conversation (the agenda is carried over for it), None when the row has none."""
    day = conversation_date(card)
    return date.fromisoformat(day) if day else None


def close_prep_actions(store: Store, card: CardRecord, prep: PrepSubmission, now: datetime) -> None:
    """The prep card's keep/done/drop of the employee's own open actions, within the card's own pair only."""
    manager = str(card.template_data.get("managerId") or "")
    if not manager or not prep.action_choices:
        return
    own = {a.id for a in open_actions(store, manager, card.recipient_id, date.max) if a.owner is Owner.EMPLOYEE}
    statuses = {
        action: status
        for action, choice in prep.action_choices.items()
        if action in own and (status := CHOICES[choice]) is not None
    }
    if statuses:
        set_action_statuses(store, manager, card.recipient_id, statuses, now)
