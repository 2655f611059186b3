"""Growth agendas and outcomes in the Store, under the employee's own key.

``agendas``: partition = employee id; row ``current`` holds the employee's GrowthAgenda (micro-needs
from chat land there at once); row = occurrence id keeps the prep card as submitted. Private items stay here; the only
way out to a manager is :func:`manager_view`, which keeps shared items only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from shared.domain.agenda import GrowthAgenda, ItemKind, Visibility
from shared.domain.agenda_edits import apply_item_changes
from shared.ports.storage import EntityKey, Record, Store, TransactionOp
from shared.services.card_submissions import OutcomeConfirmation, OutcomeLog, PrepSubmission

AGENDAS = "agendas"
OUTCOMES = "outcomes"
CURRENT_ROW = "current"
PREP_WRITE_ATTEMPTS = 5  # the agenda changed between read and write (chat): read and apply again, this often
_TEXT_ITEMS = (
    ("learning_goal", ItemKind.LEARNING_GOAL),
    ("new_micro_need", ItemKind.MICRO_NEED),
    ("unlearn", ItemKind.UNLEARN),
    ("learning_network", ItemKind.LEARNING_NETWORK),
)


def agenda_key(employee_id: str) -> EntityKey:
    """Where the employee's current agenda is stored (what ``load_agenda`` reads)."""
    return AGENDAS, employee_id, CURRENT_ROW


def load_agenda(store: Store, employee_id: str) -> GrowthAgenda:
    record = store.find(AGENDAS, employee_id, CURRENT_ROW)
    if record is None:
        return GrowthAgenda(employee_id=employee_id)
    return _agenda_of(record.data)


def _agenda_of(data: Mapping[str, Any]) -> GrowthAgenda:
    return GrowthAgenda.model_validate_json(str(data["agenda"]))


def save_agenda(store: Store, agenda: GrowthAgenda, now: datetime) -> None:
    data = {"agenda": agenda.model_dump_json(), "updated_at": now.isoformat()}
    store.upsert(AGENDAS, agenda.employee_id, CURRENT_ROW, data)


def add_micro_need(store: Store, employee_id: str, text: str, now: datetime) -> GrowthAgenda:
    """Capture a micro-need into the employee's agenda at once (private until they share it)."""
    agenda = load_agenda(store, employee_id).add_micro_need(text, now.date())
    save_agenda(store, agenda, now)
    return agenda


def request_coach(store: Store, employee_id: str, now: datetime) -> GrowthAgenda:
    agenda = load_agenda(store, employee_id).request_coach(now.date())
    save_agenda(store, agenda, now)
    return agenda


def apply_prep(agenda: GrowthAgenda, prep: PrepSubmission, today: date) -> GrowthAgenda:
    """The agenda after the employee's prep card: edits and keep/done/drop, visibility toggles, new items, coach
    request. Raises (ValidationError, AgendaFull) before anything is stored."""
    agenda = apply_item_changes(agenda, prep.item_choices, prep.item_texts, today)
    known = {item.id for item in agenda.items}
    for item_id, shared in prep.shares.items():
        if item_id in known:
            visibility = Visibility.SHARED if shared else Visibility.PRIVATE
            agenda = agenda.update_item(item_id, today, visibility=visibility)
    for field_name, kind in _TEXT_ITEMS:
        text = getattr(prep, field_name)
        if text and not _already_open(agenda, kind, text):
            agenda = agenda.add_item(kind, text, today, _visibility(prep, field_name))
    if prep.share_learning and not _already_open(agenda, ItemKind.SHARE, prep.share_learning):
        visibility = _visibility(prep, "share_learning")
        agenda = agenda.add_item(ItemKind.SHARE, prep.share_learning, today, visibility, prep.share_with or None)
    return agenda.request_coach(today) if prep.wants_coach else agenda


def _already_open(agenda: GrowthAgenda, kind: ItemKind, text: str) -> bool:
    """A prep card saved again (it stays open until the conversation) does not add the same entry twice."""
    return any(item.kind is kind and item.text == text.strip() for item in agenda.open_items())


def _visibility(prep: PrepSubmission, field_name: str) -> Visibility:
    """A new entry is private unless the employee switched on its share toggle."""
    return Visibility.SHARED if prep.shares_new(field_name) else Visibility.PRIVATE


@dataclass(frozen=True, slots=True)
class PrepWrite:
    """The agenda after a prep card, and the operations that store it with the prep as saved."""

    agenda: GrowthAgenda
    ops: tuple[TransactionOp, ...]


def prep_write(
    current: Record | None, employee_id: str, occurrence_id: str, prep: PrepSubmission, now: datetime,
    day: date | None = None,
) -> PrepWrite:  # fmt: skip
    """Apply the prep card to the agenda row as read (``current``; None: no agenda yet), carried over for the
    conversation on ``day`` (``GrowthAgenda.for_conversation``). Raises (ValidationError, AgendaFull) before
    anything is written. The agenda's operation carries the ETag it was read with."""
    read = GrowthAgenda(employee_id=employee_id) if current is None else _agenda_of(current.data)
    agenda = apply_prep(read.for_conversation(day) if day else read, prep, now.date())
    data = {"agenda": agenda.model_dump_json(), "updated_at": now.isoformat()}
    agenda_op = (
        TransactionOp("insert", CURRENT_ROW, data)
        if current is None
        else TransactionOp("update", CURRENT_ROW, data, current.etag)
    )
    saved = TransactionOp("upsert", occurrence_id, {"prep": prep.model_dump_json(), "submitted_at": now.isoformat()})
    return PrepWrite(agenda, (agenda_op, saved))


def manager_view(agenda: GrowthAgenda) -> dict[str, Any]:
    """What a manager may see of an agenda: the shared items only (GrowthAgenda.shared_view)."""
    return {"shared_items": [item.text for item in agenda.shared_view().items]}


def save_outcomes(store: Store, occurrence_id: str, log: OutcomeLog, logged_by: str, now: datetime) -> None:
    store.upsert(
        OUTCOMES,
        occurrence_id,
        "log",
        {"actions": log.model_dump_json(), "logged_by": logged_by, "logged_at": now.isoformat()},
    )


def load_outcome_log(store: Store, occurrence_id: str) -> OutcomeLog | None:
    """The actions the manager logged for a conversation, or None before the log is in."""
    record = store.find(OUTCOMES, occurrence_id, "log")
    return OutcomeLog.model_validate_json(str(record.data["actions"])) if record is not None else None


def save_confirmation(
    store: Store, occurrence_id: str, confirmation: OutcomeConfirmation, employee_id: str, now: datetime
) -> None:
    store.upsert(
        OUTCOMES,
        occurrence_id,
        "confirmation",
        {"confirmation": confirmation.model_dump_json(), "employee_id": employee_id, "confirmed_at": now.isoformat()},
    )
