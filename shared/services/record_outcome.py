"""Store the outcome the manager logs and its outbox entry atomically (one ``Store.transact`` in one partition);
the employee's confirmation or dispute later updates it in place.

Table ``outcomes``, partition = the pair key (``manager__report``):
- row ``outcome:<outcome id>``: the pair, org unit, tenure stage, conversation date, the actions (id, text,
  quadrant, type, gap, initiative, owner role, due date, status, and ``worked`` once answered), ``confirmation``
  (``unconfirmed`` | ``confirmed`` | ``disputed``) and ``employee_comment`` (shared with the manager only);
- row ``note:<outcome id>``: the manager's private note (``{"text", "manager_id"}``): only the manager sees it;
- row ``outbox:<outcome id>``: what the export still has to write to the HR workbook, status ``pending``
  (``refresh`` when the outcome changed after it was first written; a changed outcome whose first export is
  still pending keeps it a first export but rewrites the entry, so an export already under way leaves it pending;
  rows already in the workbook are rewritten in place);
- row ``conversation:<conversation id>`` moves to ``held`` (``conversation_lifecycle.py``; the held
  Conversations row is exported with the outcome, so no ticket of its own).
Writing them in one transaction means an outcome is never stored without its export ticket, and a log that
closes earlier actions (``outcome_review``) closes them in the same transaction. The outbox rows live in the
``outcomes`` table because a Table Storage transaction spans one table.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from shared.domain.actions import Confirmation, outcome_id
from shared.domain.conversation_status import ConversationStatus
from shared.domain.people import pair_key
from shared.ports.storage import StaleWrite, Store, TransactionOp, Where
from shared.services.card_submissions import DOMAIN_TYPES, OutcomeConfirmation, OutcomeLog
from shared.services.conversation_lifecycle import (
    EXPORTED,
    OUTBOX_PREFIX,
    OUTCOME_PREFIX,
    OUTCOMES,
    PENDING,
    conversation_context,
    conversation_id,
    outbox_op,
    record_conversation,
    status_ops,
)

__all__ = [
    "EXPORTED",
    "NOTE_PREFIX",
    "OUTBOX_PREFIX",
    "OUTCOMES",
    "OUTCOME_PREFIX",
    "OUTCOME_ROWS",
    "PENDING",
    "conversation_id",
    "outbox_op",
    "pair_key",
    "private_note",
    "record_confirmation",
    "record_conversation",
    "requeue_outcome",
    "store_outcome",
]

NOTE_PREFIX = "note:"
_RACE_RETRIES = 3
# a pair's outcome rows, and no other row of its partition (conversations, outbox entries, notes): every outcome row
# says where the employee stands on it, and nothing else does; a query with it reads a year's outcomes, not its rows
OUTCOME_ROWS: Where = {"confirmation": tuple(str(state) for state in Confirmation)}


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
            "type": str(DOMAIN_TYPES[action.type]),
            "gap": action.gap,
            "initiative": action.initiative,
            "owner": _owner_role(action.owner, manager_id, report_id),
            "due": action.due.isoformat(),
            "status": "open",
        }
        for n, action in enumerate(log.actions, start=1)
    ]


def store_outcome(
    store: Store,
    manager_id: str,
    report_id: str,
    day: date,
    log: OutcomeLog,
    now: datetime,
    occurrence: str = "",
    *,
    note: str = "",
    more: Sequence[TransactionOp] = (),
) -> str:
    """Write the outcome row (``unconfirmed``), its outbox entry, the held conversation, the private note (when
    there is one) and ``more`` (earlier actions closed) in one transaction; returns the outcome id (stable)."""
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
        "confirmation": str(Confirmation.UNCONFIRMED),
        "employee_comment": "",
        "recorded_at": now.isoformat(),
        **conversation_context(store, manager_id, report_id, day),
    }
    held = status_ops(store, manager_id, report_id, day, ConversationStatus.HELD, now, occurrence, ticket=False)
    ops = [TransactionOp("upsert", row, data), outbox_op(row, "outcome", now), *held, *more]
    if note:
        ops.append(TransactionOp("upsert", f"{NOTE_PREFIX}{ident}", {"text": note, "manager_id": manager_id}))
    store.transact(OUTCOMES, key, ops)
    return ident


def private_note(store: Store, manager_id: str, report_id: str, ident: str) -> str:
    """The manager's private note on an outcome ('' when none): for that manager's own card only."""
    found = store.find(OUTCOMES, pair_key(manager_id, report_id), f"{NOTE_PREFIX}{ident}")
    return str(found.data.get("text") or "") if found is not None else ""


def record_confirmation(
    store: Store, manager_id: str, report_id: str, day: date, answer: OutcomeConfirmation, now: datetime
) -> bool:
    """The employee confirmed or disputed: update the outcome in place and re-queue its rows (``refresh``).

    A disputed outcome keeps its actions. Returns False when the pair has no outcome for that day.
    """
    key = pair_key(manager_id, report_id)
    row = f"{OUTCOME_PREFIX}{outcome_id(key, day)}"
    state = Confirmation.CONFIRMED if answer.confirmed else Confirmation.DISPUTED
    for _ in range(_RACE_RETRIES):
        found = store.find(OUTCOMES, key, row)
        if found is None:
            return False
        data = {**found.data, "confirmation": str(state), "employee_comment": answer.comment,
                "confirmed_at": now.isoformat()}  # fmt: skip
        try:
            ops = [TransactionOp("update", row, data, found.etag), *refresh_ops(store, key, row, now)]
            store.transact(OUTCOMES, key, ops)
            return True
        except StaleWrite:
            continue
    raise StaleWrite(f"outcome {row} kept changing; the confirmation was not stored")


def refresh_ops(store: Store, partition: str, row: str, now: datetime) -> list[TransactionOp]:
    """The outbox entry that brings an outcome's workbook rows up to date after it changed.

    A first export still pending stays a first export (it writes the held Conversations row and emits the logged
    events once), but is written again: an export reading the older outcome right now then fails to mark it
    exported (its eTag changed), and the next export finds the rows there and rewrites them in place. Otherwise
    the entry asks for a ``refresh``.
    """
    entry = store.find(OUTCOMES, partition, f"{OUTBOX_PREFIX}{row.removeprefix(OUTCOME_PREFIX)}")
    if entry is not None and entry.data.get("status") == PENDING and not entry.data.get("refresh"):
        return [TransactionOp("upsert", entry.row, {**entry.data, "changed_at": now.isoformat()})]
    return [outbox_op(row, "outcome", now, refresh=True)]


def requeue_outcome(store: Store, partition: str, ident: str, now: datetime) -> None:
    """An action of the outcome changed status: queue its Outcomes rows to be rewritten (see :func:`refresh_ops`)."""
    store.transact(OUTCOMES, partition, refresh_ops(store, partition, f"{OUTCOME_PREFIX}{ident}", now))
