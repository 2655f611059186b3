"""Template data of the manager's outcome card (``outcome-log``) and the employee's confirmation card
(``outcome-confirm``), rebuilt from the store each time (``card_outcome_content.outcome_data`` / ``confirm_data``).

The outcome card has two faces:
- editable: the pair's earlier open actions (close: done / dropped, "Did it work?" for training), empty action
  slots (gap, type, ...) and the private note. After a refused submission it comes back with what the manager
  typed and the reason next to each action (``problems``), so nothing typed is lost and nothing is stored;
- logged: what was stored, whether the employee confirmed or disputed it (with their comment: it is shared
  with the manager), and the manager's private note, shown to that manager only.
The confirmation card never carries the private note.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from shared.domain.actions import Confirmation, Gap, asks_if_it_worked, outcome_id
from shared.domain.company import CompanyConfig
from shared.domain.people import pair_key
from shared.domain.quadrants import Quadrant
from shared.ports.storage import Store
from shared.services.card_submissions import DOMAIN_TYPES, OutcomeLog
from shared.services.outcome_review import earlier_actions
from shared.services.record_outcome import OUTCOME_PREFIX, OUTCOMES, private_note

QUADRANT_LABELS = {"sweet_spot": "Sweet spot", "uphill": "Uphill", "gift": "Gift", "waste": "Waste"}
ACTION_TYPES = (
    ("training", "Training"),
    ("stretch", "Stretch assignment"),
    ("mentoring", "Mentoring"),
    ("network", "Network"),
    ("sharing", "Sharing session"),
    ("manage", "Not a training need: manage"),
)
GAPS = (
    (Gap.KNOWLEDGE, "Knowledge or skill: train"),
    (Gap.MOTIVATION, "Will: manage"),
    (Gap.TIME, "Time: manage"),
    (Gap.CLARITY, "Clarity: manage"),
    (Gap.TOOLS, "Resources: manage"),
)
CONFIRMATION_LABELS = {
    Confirmation.UNCONFIRMED: "Not confirmed yet",
    Confirmation.CONFIRMED: "Confirmed",
    Confirmation.DISPUTED: "Disputed",
}
STATUS_LABELS = {"open": "open", "in_progress": "in progress", "done": "done", "dropped": "dropped"}
SLOT_FIELDS = ("text", "quadrant", "type", "gap", "initiative", "owner")
OUTCOME_SLOTS = 3
SLOT_TEXT = 300  # the action text input's maxLength
EARLIER_TEXT = 160  # an earlier action is a reminder here: its full text is on the card it was logged with
_STORED_TYPE_LABELS = {str(DOMAIN_TYPES[key]): label for key, label in ACTION_TYPES}


def choices(config: CompanyConfig, people: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The choice lists of the editable card (the values the submission parser accepts)."""
    return {
        "quadrants": [{"id": q.value, "label": QUADRANT_LABELS[q.value]} for q in Quadrant],
        "actionTypes": [{"id": key, "label": label} for key, label in ACTION_TYPES],
        "gaps": [{"id": gap.value, "label": label} for gap, label in GAPS],
        "initiatives": [{"id": i.id, "title": i.name} for i in config.org_agenda.initiatives],
        "owners": [{"id": person_id, "name": name} for person_id, name in people],
    }


def slots(typed: Mapping[str, Any] | None = None, problems: Mapping[int, str] | None = None) -> list[dict[str, Any]]:
    """The action slots, empty or refilled with what was typed (strings only, cut to the card's limits)."""
    typed, problems = typed or {}, problems or {}
    count = max([OUTCOME_SLOTS, *problems])
    return [
        {
            **{name: _typed(typed, f"action_{n}_{name}") for name in SLOT_FIELDS},
            "n": n,
            "dueDate": _typed(typed, f"action_{n}_due")[:10],
            "problem": problems.get(n, ""),
        }
        for n in range(1, count + 1)
    ]


def _typed(typed: Mapping[str, Any], key: str) -> str:
    """What was typed into one input, cut to the card's own ``maxLength`` (the card must stay within budget)."""
    value = typed.get(key, "")
    return value[:SLOT_TEXT] if isinstance(value, str) else ""


def earlier(
    store: Store, manager_id: str, report_id: str, day: date, owners: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The pair's open actions from earlier conversations, each with keep / done / dropped (and "Did it work?")."""
    return [
        {
            "id": action.id,
            "text": action.text if len(action.text) <= EARLIER_TEXT else action.text[: EARLIER_TEXT - 1] + "…",
            "typeLabel": action.type.label,
            "dueDate": action.due.isoformat(),
            "status": STATUS_LABELS.get(action.status.value, action.status.value),
            "ownerName": owners.get(action.owner.value, ""),
            "asksWorked": asks_if_it_worked(action.type),
        }
        for action in earlier_actions(store, manager_id, report_id, day)
    ]


def logged(store: Store, config: CompanyConfig, manager_id: str, report_id: str, day: date) -> dict[str, Any] | None:
    """The logged face: the stored outcome, the employee's answer and the manager's private note (None: not logged)."""
    key = pair_key(manager_id, report_id)
    ident = outcome_id(key, day)
    found = store.find(OUTCOMES, key, f"{OUTCOME_PREFIX}{ident}")
    if found is None:
        return None
    stored = json.loads(str(found.data.get("actions") or "[]"))
    state = str(found.data.get("confirmation") or Confirmation.UNCONFIRMED)
    state = state if state in set(Confirmation) else str(Confirmation.UNCONFIRMED)
    from shared.services.learning_views import learning_of_logged  # suggestions / the assignment per action

    learning = learning_of_logged(store, config, ident, stored)
    return {
        "loggedActions": [_logged_action(config, action) | more for action, more in zip(stored, learning, strict=True)],
        "confirmation": {
            "state": state,
            "label": CONFIRMATION_LABELS[Confirmation(state)],
            "comment": str(found.data.get("employee_comment") or ""),
        },
        "note": private_note(store, manager_id, report_id, ident),
    }


def _logged_action(config: CompanyConfig, action: Mapping[str, Any]) -> dict[str, Any]:
    initiatives = {i.id: i.name for i in config.org_agenda.initiatives}
    gap = str(action.get("gap") or "")
    return {
        "id": str(action.get("id") or ""),
        "text": str(action.get("text") or ""),
        "quadrantLabel": QUADRANT_LABELS.get(str(action.get("quadrant")), ""),
        "typeLabel": _STORED_TYPE_LABELS.get(str(action.get("type")), ""),
        "gapLabel": dict(GAPS).get(Gap(gap), "") if gap in set(Gap) else "",
        "initiative": initiatives.get(str(action.get("initiative") or ""), str(action.get("initiative") or "")),
        "dueDate": str(action.get("due") or ""),
    }


def confirm_actions(config: CompanyConfig, log: OutcomeLog, owners: Mapping[str, str]) -> list[dict[str, Any]]:
    """The actions as the manager logged them, for the employee (owners and initiatives by name; no note)."""
    types = dict(ACTION_TYPES)
    initiatives = {i.id: i.name for i in config.org_agenda.initiatives}
    return [
        {
            "text": action.text,
            "quadrantLabel": QUADRANT_LABELS[action.quadrant],
            "typeLabel": types[action.type],
            "gapLabel": dict(GAPS)[Gap(action.gap)],
            "initiative": initiatives.get(action.initiative, action.initiative),
            "ownerName": owners.get(action.owner, action.owner),
            "dueDate": action.due.isoformat(),
        }
        for action in log.actions
    ]


def answer_of(store: Store, manager_id: str, report_id: str, day: date) -> dict[str, Any]:
    """The employee's own answer as stored: ``state`` (unconfirmed / confirmed / disputed) and their comment."""
    key = pair_key(manager_id, report_id)
    found = store.find(OUTCOMES, key, f"{OUTCOME_PREFIX}{outcome_id(key, day)}")
    data = found.data if found is not None else {}
    state = str(data.get("confirmation") or Confirmation.UNCONFIRMED)
    state = state if state in set(Confirmation) else str(Confirmation.UNCONFIRMED)
    label = CONFIRMATION_LABELS[Confirmation(state)]
    return {"state": state, "label": label, "comment": str(data.get("employee_comment") or "")}
