"""Store a confirmed outcome and its outbox entry atomically (one ``Store.transact`` in one partition).

Table ``outcomes``, partition = the pair key (``manager__report``):
- row ``outcome:<outcome id>``: the pair, org unit, tenure stage, conversation date and the actions
  (id, text, quadrant, type, initiative, owner role, due date, status);
- row ``outbox:<outcome id>``: what the export still has to write to the HR workbook, status ``pending``;
- row ``conversation:<conversation id>`` moves to ``held`` (``conversation_lifecycle.py``; the held
  Conversations row is exported with the outcome, so no ticket of its own).
Writing both in one transaction means an outcome is never stored without its export ticket. The
outbox rows live in the ``outcomes`` table because a Table Storage transaction spans one table.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from shared.domain.actions import outcome_id
from shared.domain.conversation_status import ConversationStatus
from shared.ports.storage import Store, TransactionOp
from shared.services.card_submissions import OutcomeConfirmation, OutcomeLog
from shared.services.conversation_lifecycle import (
    EXPORTED,
    OUTBOX_PREFIX,
    OUTCOME_PREFIX,
    OUTCOMES,
    PENDING,
    conversation_context,
    conversation_id,
    outbox_op,
    pair_key,
    record_conversation,
    status_ops,
)

__all__ = [
    "EXPORTED",
    "OUTBOX_PREFIX",
    "OUTCOMES",
    "OUTCOME_PREFIX",
    "PENDING",
    "conversation_id",
    "outbox_op",
    "pair_key",
    "record_confirmed_outcome",
    "record_conversation",
    "requeue_outcome",
    "store_outcome",
]

CARD_TYPES = {
    "training": "training",
    "stretch": "stretch_assignment",
    "mentoring": "mentoring",
    "network": "learning_network",
    "manage": "manage",
}


def _owner_role(owner: str, manager_id: str, report_id: str) -> str:
    """Keep who owns an action as a role only: the card's owner field must not leak free text."""
    lowered = owner.strip().lower()
    if lowered in {manager_id.lower(), "manager"}:
        return "manager"
    return "employee" if lowered in {report_id.lower(), "employee"} else "other"


def _actions(log: OutcomeLog, manager_id: str, report_id: str) -> list[dict[str, Any]]:
    return [
        {
            "id": f"a{n}",
            "text": action.text,
            "quadrant": action.quadrant,
            "type": CARD_TYPES[action.type],
            "initiative": action.initiative,
            "owner": _owner_role(action.owner, manager_id, report_id),
            "due": action.due.isoformat(),
            "status": "open",
        }
        for n, action in enumerate(log.actions, start=1)
    ]


def store_outcome(
    store: Store, manager_id: str, report_id: str, day: date, log: OutcomeLog, now: datetime, occurrence: str = ""
) -> str:
    """Write the outcome row and its outbox entry in one transaction; returns the outcome id (stable on retry)."""
    key = pair_key(manager_id, report_id)
    ident = outcome_id(key, day)
    row = f"{OUTCOME_PREFIX}{ident}"
    data = {
        "outcome_id": ident,
        "manager_id": manager_id,
        "report_id": report_id,
        "conversation_date": day.isoformat(),
        "occurrence_id": occurrence,
        "actions": json.dumps(_actions(log, manager_id, report_id)),
        "recorded_at": now.isoformat(),
        **conversation_context(store, manager_id, report_id, day),
    }
    held = status_ops(store, manager_id, report_id, day, ConversationStatus.HELD, now, occurrence, ticket=False)
    store.transact(OUTCOMES, key, [TransactionOp("upsert", row, data), outbox_op(row, "outcome", now), *held])
    return ident


def _conversation_date(template_data: Mapping[str, Any], log_data: Mapping[str, Any]) -> date:
    given = template_data.get("conversationDate")
    if isinstance(given, str) and given:
        return date.fromisoformat(given[:10])
    return datetime.fromisoformat(str(log_data["logged_at"])).date()


def record_confirmed_outcome(
    store: Store,
    occurrence_id: str,
    employee_id: str,
    confirmation: OutcomeConfirmation,
    now: datetime,
    template_data: Mapping[str, Any] | None = None,
) -> str | None:
    """After the employee confirms: store the manager's logged actions as the pair's outcome.

    Returns the outcome id, or None when nothing is recorded (not confirmed, or no log for the occurrence).
    """
    if not confirmation.confirmed:
        return None
    log_record = store.find(OUTCOMES, occurrence_id, "log")
    if log_record is None:
        return None
    log = OutcomeLog.model_validate_json(str(log_record.data["actions"]))
    manager_id = str(log_record.data["logged_by"])
    day = _conversation_date(template_data or {}, log_record.data)
    return store_outcome(store, manager_id, employee_id, day, log, now, occurrence_id)


def requeue_outcome(store: Store, partition: str, ident: str, now: datetime) -> None:
    """An action of the outcome changed status: queue its Outcomes rows to be rewritten in place (idempotent)."""
    ref = f"{OUTCOME_PREFIX}{ident}"
    store.transact(OUTCOMES, partition, [outbox_op(ref, "outcome", now, refresh=True)])
