"""The outcome card's look back: the pair's open actions from earlier conversations, which the manager may close
(done or dropped) and, for a training action being closed, answer "Did it work?".

Only the first :data:`MAX_EARLIER` open actions (oldest due date first, as ``card_open_actions`` sorts them) are
on the card and may be closed from it, so the card stays within its size budget and a log's transaction within
Table Storage's 100 operations. An id the card sends that is not one of them (closed meanwhile, another pair's,
made up) is ignored. Each changed outcome row is an ETag-guarded ``update`` in the same transaction as the new
outcome (``record_outcome.store_outcome``), with a ``refresh`` outbox entry so the workbook rows change in place.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from shared.domain.actions import ActionType, OutcomeAction, asks_if_it_worked
from shared.domain.people import pair_key
from shared.ports.storage import Store, TransactionOp
from shared.services.card_open_actions import open_actions
from shared.services.card_submissions import EarlierAction
from shared.services.conversation_lifecycle import OUTCOME_PREFIX, OUTCOMES
from shared.services.record_outcome import refresh_ops

MAX_EARLIER = 15


def earlier_actions(store: Store, manager_id: str, report_id: str, day: date) -> list[OutcomeAction]:
    """The open actions of the pair's conversations before ``day`` that the outcome card lists."""
    return open_actions(store, manager_id, report_id, before=day)[:MAX_EARLIER]


def closing_ops(
    store: Store, manager_id: str, report_id: str, day: date, answers: Mapping[str, EarlierAction], now: datetime
) -> list[TransactionOp]:
    """The updates that close the listed actions the manager marked done or dropped (none for "keep")."""
    listed = {action.id: action for action in earlier_actions(store, manager_id, report_id, day)}
    by_outcome: dict[str, dict[str, EarlierAction]] = {}
    for ref, answer in answers.items():
        if ref in listed and answer.close != "keep":
            outcome, _, stored = ref.rpartition(":")
            by_outcome.setdefault(outcome, {})[stored] = answer
    ops: list[TransactionOp] = []
    for outcome, changes in sorted(by_outcome.items()):
        ops += _outcome_ops(store, pair_key(manager_id, report_id), outcome, changes, now)
    return ops


def _outcome_ops(
    store: Store, partition: str, outcome: str, changes: Mapping[str, EarlierAction], now: datetime
) -> list[TransactionOp]:
    row = f"{OUTCOME_PREFIX}{outcome}"
    record = store.find(OUTCOMES, partition, row)
    if record is None:
        return []
    actions = [_closed(action, changes.get(str(action.get("id"))), now) for action in _stored(record.data)]
    data = {**record.data, "actions": json.dumps(actions)}
    return [TransactionOp("update", row, data, record.etag), *refresh_ops(store, partition, row, now)]


def _stored(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    return list(json.loads(str(data.get("actions") or "[]")))


def _closed(action: dict[str, Any], answer: EarlierAction | None, now: datetime) -> dict[str, Any]:
    if answer is None or answer.close == "keep":
        return action
    closed = {**action, "status": answer.close, "status_changed_at": now.isoformat()}
    if answer.worked is not None and _is_training(action):
        closed["worked"] = answer.worked
    return closed


def _is_training(action: Mapping[str, Any]) -> bool:
    kind = str(action.get("type") or "")
    return kind in set(ActionType) and asks_if_it_worked(ActionType(kind))
