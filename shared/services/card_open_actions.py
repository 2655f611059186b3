"""The open actions from a pair's earlier conversations, read back from table ``outcomes`` as domain actions.

``record_outcome`` stores each action the way the outcome card captured it: a card type mapped to the
domain's ``ActionType`` value, the owner as a role (``employee``, ``manager`` or ``other``), no gap. The
composition (``ConversationContext.open_actions``) wants ``shared.domain.actions.OutcomeAction``, so:
- the gap is the one the manager diagnosed on the outcome card; an action stored before the card asked has
  none, so it follows from the type: a learning type means a knowledge gap, ``manage`` a ``clarity`` gap;
- an ``other`` owner is shown as the employee's (the domain knows employee and manager only);
- text longer than an agenda item is shortened, so one long action cannot hide the others.
A stored action that still does not fit the domain is skipped and logged by id, never by content.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from typing import Any

from pydantic import ValidationError

from shared.domain.actions import ActionType, Gap, OutcomeAction, Owner
from shared.domain.agenda import ITEM_TEXT_MAX
from shared.domain.people import pair_key
from shared.ports.storage import Store
from shared.services.record_outcome import OUTCOME_PREFIX, OUTCOME_ROWS, OUTCOMES

logger = logging.getLogger(__name__)


def open_actions(store: Store, manager_id: str, report_id: str, before: date) -> list[OutcomeAction]:
    """Open actions the pair agreed in conversations before ``before``, oldest due date first."""
    found: list[OutcomeAction] = []
    for record in store.query(OUTCOMES, pair_key(manager_id, report_id), where=OUTCOME_ROWS):
        if not record.row.startswith(OUTCOME_PREFIX) or not _earlier(record.data, before):
            continue
        outcome = str(record.data.get("outcome_id") or record.row.removeprefix(OUTCOME_PREFIX))
        for stored in json.loads(str(record.data.get("actions") or "[]")):
            action = _domain_action(outcome, stored)
            if action is not None and action.status.is_open:
                found.append(action)
    return sorted(found, key=lambda action: (action.due, action.id))


def _earlier(data: Any, before: date) -> bool:
    held = str(data.get("conversation_date") or "")
    return bool(held) and date.fromisoformat(held[:10]) < before


def _gap(stored: dict[str, Any], kind: ActionType) -> Gap:
    given = str(stored.get("gap") or "")
    if given in set(Gap):
        return Gap(given)
    return Gap.CLARITY if kind is ActionType.MANAGE else Gap.KNOWLEDGE


def _domain_action(outcome: str, stored: dict[str, Any]) -> OutcomeAction | None:
    try:
        kind = ActionType(str(stored.get("type")))
        text = str(stored.get("text") or "")
        return OutcomeAction(
            id=f"{outcome}:{stored.get('id', '')}"[:40],
            text=text if len(text) <= ITEM_TEXT_MAX else text[: ITEM_TEXT_MAX - 1] + "…",
            quadrant=stored.get("quadrant"),
            type=kind,
            gap=_gap(stored, kind),
            initiative=str(stored.get("initiative") or "") or None,
            owner=Owner.MANAGER if stored.get("owner") == Owner.MANAGER else Owner.EMPLOYEE,
            due=stored.get("due"),
            status=stored.get("status") or "open",
            worked=stored.get("worked") or None,
        )
    except (ValueError, ValidationError):
        logger.warning("outcome %s: stored action %s does not fit the domain; skipped", outcome, stored.get("id"))
        return None
