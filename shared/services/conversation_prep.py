"""The conversation record's ``prep``: ``submitted`` (the employee saved their prep card) or ``overdue`` (the
conversation started without it, after its one reminder).

The first fact stays: once set, ``prep`` never changes (a prep saved after the start does not turn an overdue
prep into a submitted one). A record not written yet is created as scheduled. While the conversation is only
scheduled it has no workbook row, and ``prep`` travels with its next status change (``status_ops`` keeps it);
once its row exists, an outbox entry with ``refresh`` asks the export to rewrite that row in place (no new event).
"""

from __future__ import annotations

from datetime import date, datetime

from shared.domain.conversation_status import ConversationStatus, PrepState
from shared.domain.people import pair_key
from shared.ports.storage import Store, TransactionOp
from shared.services.conversation_lifecycle import (
    CONVERSATION_PREFIX,
    OUTCOMES,
    conversation_id,
    outbox_op,
    status_ops,
    ticket_fields,
)


def record_prep(
    store: Store, manager_id: str, report_id: str, day: date, prep: PrepState, now: datetime, occurrence: str = ""
) -> bool:
    """Set the conversation's ``prep`` unless it is set already; True when something changed."""
    key = pair_key(manager_id, report_id)
    ident = conversation_id(key, day)
    found = store.find(OUTCOMES, key, CONVERSATION_PREFIX + ident)
    if found is not None and found.data.get("prep"):
        return False
    scheduled: list[TransactionOp] = []
    if found is None:  # no record yet (a series older than the lifecycle records): start it as scheduled
        scheduled = status_ops(store, manager_id, report_id, day, ConversationStatus.SCHEDULED, now, occurrence)
    base = dict(found.data) if found is not None else dict(scheduled[0].data)
    data = {**base, "prep": str(prep), "updated_at": now.isoformat()}
    ops = [TransactionOp("upsert", CONVERSATION_PREFIX + ident, data), *scheduled[1:]]
    status = str(data["status"])
    if status != ConversationStatus.SCHEDULED:  # its row is in the workbook: rewrite it in place
        fields = ticket_fields(data)
        ops.append(outbox_op(f"{ident}:prep", "conversation", now, state=status, refresh=True, **fields))
    store.transact(OUTCOMES, key, ops)
    return True


def prep_state(store: Store, manager_id: str, report_id: str, day: date) -> str:
    """The stored ``prep`` of one conversation ("" when not set or no record)."""
    key = pair_key(manager_id, report_id)
    found = store.find(OUTCOMES, key, CONVERSATION_PREFIX + conversation_id(key, day))
    return str(found.data.get("prep") or "") if found is not None else ""
