"""The HR workbook's rows, built from stored outcomes and conversation records (labels, never private text).

An Outcomes row per action: ids, date, org unit, tenure stage, people by UPN, the action's text, quadrant,
type, gap, initiative, owner, due date, status, the outcome's confirmation and "Did it work". The employee's
comment and the manager's private note are never read here. A Conversations row per conversation: ids,
date, org unit, tenure stage, people, prep (submitted/overdue) and status.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from shared.domain.people import pair_key
from shared.ports.storage import Store
from shared.ports.workbook import (
    CONFIRMATION_LABELS,
    GAP_LABELS,
    LEARNING,
    MANAGE,
    PREP_LABELS,
    QUADRANT_LABELS,
    TENURE_LABELS,
    WORKED_LABELS,
    Row,
)
from shared.services.conversation_lifecycle import CONVERSATION_PREFIX, OUTCOMES, conversation_id
from shared.services.scheduling_records import load_person

STATUS_LABELS = {"open": "Open", "in_progress": "In progress", "done": "Done", "dropped": "Dropped"}
TYPE_LABELS = {
    "training": "Training",
    "stretch_assignment": "Stretch assignment",
    "mentoring": "Mentoring",
    "learning_network": "Learning network",
    "sharing_session": "Sharing session",
    "manage": "Not a training need: manage",
}


class People:
    """UPNs by person id, read once per export (a forgotten person has none: their id is written instead)."""

    def __init__(self, store: Store) -> None:
        self.store, self.cache = store, dict[str, str]()

    def upn(self, person_id: str) -> str:
        if person_id not in self.cache:
            person = load_person(self.store, person_id)
            self.cache[person_id] = person.upn if person is not None else person_id
        return self.cache[person_id]


def _label(labels: Mapping[str, str], value: Any) -> str:
    return labels.get(str(value or ""), "")


def _common(data: Mapping[str, Any], people: People) -> list[Any]:
    day = str(data["conversation_date"])
    return [
        day,
        day[:7],
        str(data.get("org_unit") or "unassigned"),
        TENURE_LABELS.get(str(data.get("tenure_stage") or ""), ""),
        people.upn(str(data["manager_id"])),
        people.upn(str(data["report_id"])),
    ]


def action_row(outcome: Mapping[str, Any], action: Mapping[str, Any], people: People) -> Row:
    kind = str(action["type"])
    return [
        f"{outcome['outcome_id']}:{action['id']}",
        str(outcome["outcome_id"]),
        *_common(outcome, people),
        str(action["text"]),
        QUADRANT_LABELS.get(str(action["quadrant"]), str(action["quadrant"])),
        TYPE_LABELS.get(kind, kind),
        MANAGE if kind == "manage" else LEARNING,
        _label(GAP_LABELS, action.get("gap")),
        str(action.get("initiative") or ""),
        str(action.get("owner") or "").capitalize(),
        str(action["due"]),
        STATUS_LABELS.get(str(action.get("status") or "open"), "Open"),
        _label(CONFIRMATION_LABELS, outcome.get("confirmation")),
        _label(WORKED_LABELS, action.get("worked")),
    ]


def conversation_row(data: Mapping[str, Any], status: str, people: People, prep: str = "") -> Row:
    key = pair_key(str(data["manager_id"]), str(data["report_id"]))
    ident = conversation_id(key, datetime.fromisoformat(str(data["conversation_date"])).date())
    prep_label = _label(PREP_LABELS, prep or data.get("prep"))
    return [f"{ident}:{status}", *_common(data, people), prep_label, status.capitalize()]


def stored_prep(store: Store, partition: str, data: Mapping[str, Any]) -> str:
    """The prep state on the conversation record of an outcome's conversation ("" when none)."""
    ident = conversation_id(partition, datetime.fromisoformat(str(data["conversation_date"])).date())
    record = store.find(OUTCOMES, partition, CONVERSATION_PREFIX + ident)
    return str(record.data.get("prep") or "") if record is not None else ""
