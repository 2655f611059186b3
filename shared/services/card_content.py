"""Template data for each proactive card, built at send time from the Store and the company config.

A ``send-card`` message carries ids only (employee, manager, conversation start). The prep card is
built from the employee's own agenda (private items included: it goes to them only); the manager's
agenda card only ever sees ``GrowthAgenda.shared_view()`` through ``compose_manager_agenda``. The outcome and
confirmation cards' data is ``card_outcome_content``'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from shared.domain.actions import OutcomeAction
from shared.domain.agenda import ItemKind
from shared.domain.company import CompanyConfig
from shared.domain.composition import ConversationContext, ItemView, compose_manager_agenda, compose_prep
from shared.domain.people import Person
from shared.domain.talking_points import CapabilityView
from shared.domain.tenure import tenure_stage
from shared.domain.timezones import resolve_zone_or_default
from shared.ports.storage import Store
from shared.services import agenda_store
from shared.services.card_open_actions import open_actions
from shared.services.learning_views import learning_status

ACTION_STATUS_LABELS = {"open": "Open", "in_progress": "In progress"}  # an open action's status as a card shows it


@dataclass(frozen=True, slots=True)
class Meeting:
    """Who meets and when; ``start`` is UTC."""

    employee: Person
    manager: Person
    start: datetime


def recipients(*user_ids: str) -> list[str]:
    """Universal Actions ``refresh.userIds``: Teams user MRIs built from Entra object ids."""
    return [f"8:orgid:{user_id}" for user_id in user_ids]


def meeting_label(start: datetime, person: Person) -> str:
    zone, _ = resolve_zone_or_default(person.working_hours.time_zone, "UTC")
    local = start.astimezone(ZoneInfo(zone.key))
    return f"{local:%a %d %b %Y, %H:%M} ({zone.key})"


def meeting_when(start: datetime) -> str:
    """The start as Adaptive Cards date and time functions: each client shows it in its own zone and locale."""
    instant = start.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"
    return f"{{{{DATE({instant}, LONG)}}}} {{{{TIME({instant})}}}}"


def _context(config: CompanyConfig, meeting: Meeting, actions: Sequence[OutcomeAction] = ()) -> ConversationContext:
    hired = meeting.employee.hire_date
    day = meeting.start.date()
    return ConversationContext(
        open_actions=actions,
        config=config,
        employee_name=meeting.employee.display_name,
        manager_name=meeting.manager.display_name,
        department=meeting.employee.department,
        conversation_date=day,
        tenure_stage=tenure_stage(hired, day, config.tenure.thresholds) if hired else None,
    )


def _prep_item(item: ItemView, position: int) -> dict[str, Any]:
    return {
        "id": item.id,
        "position": position,
        "text": item.text,
        "shared": item.visibility == "shared",
        "kindLabel": item.kind_label,
        "carried": item.carried,
    }


def growth_agenda(unit: str, needs: Sequence[CapabilityView]) -> dict[str, Any]:
    """The unit's growth agenda for the employee: each initiative in the company's words (why it matters), with
    the capabilities the unit needs for it."""
    initiatives: dict[str, dict[str, Any]] = {}
    for need in needs:
        entry = initiatives.setdefault(
            need.initiative_id, {"name": need.initiative_name, "why": need.why_it_matters, "needs": []}
        )
        entry["needs"].append(need.name)
    return {
        "unit": unit,
        "initiatives": [{**entry, "needs": ", ".join(entry["needs"])} for entry in initiatives.values()],
    }


def prep_data(store: Store, config: CompanyConfig, meeting: Meeting) -> dict[str, Any]:
    """The employee's prep card (their own items, private ones too): sent to the employee only."""
    agenda = agenda_store.load_agenda(store, meeting.employee.id).for_conversation(meeting.start.date())
    earlier = open_actions(store, meeting.manager.id, meeting.employee.id, before=meeting.start.date())
    context = _context(config, meeting, earlier)
    view = compose_prep(context, agenda)
    items = [item for prompt in view.prompts for item in prompt.items]
    numbered = [_prep_item(item, n) for n, item in enumerate(items, start=1)]
    tenure = view.tenure
    return {
        "recipients": recipients(meeting.employee.id),
        "manager": {"displayName": view.manager_name},
        "meetingDate": meeting_label(meeting.start, meeting.employee),
        "meetingWhen": meeting_when(meeting.start),
        "agendaItems": [i for i, item in zip(numbered, items, strict=True) if item.kind is not ItemKind.MICRO_NEED],
        "microNeeds": [i for i, item in zip(numbered, items, strict=True) if item.kind is ItemKind.MICRO_NEED],
        "learningGoals": "",
        "prompts": {"unlearn": "", "learningNetwork": "", "shareLearning": "", "shareWith": ""},
        "tenure": {
            "stage": str(tenure.stage) if tenure else "",
            "label": tenure.label if tenure else "",
            "prompt": tenure.prompt if tenure else "",
            "answer": "",
        },
        "wantsCoach": view.coach_requested,
        "whenWeGrow": view.when_we_grow,
        "orgAgenda": growth_agenda(context.org_unit, view.org_needs),
        "saved": False,  # the reply to a save says so (prep_reopen.saved_prep_card)
        "openActions": [  # the employee's own open actions from earlier conversations, each keep / done / drop
            {
                "id": a.id,
                "position": n,
                "text": a.text,
                "typeLabel": a.type_label,
                "dueDate": a.due.isoformat(),
                "status": a.status.replace("_", " "),
            }
            for n, a in enumerate((a for a in view.open_actions if a.owner == "employee"), start=1)
        ],
    }


def agenda_data(store: Store, config: CompanyConfig, meeting: Meeting) -> dict[str, Any]:
    """The manager's agenda card: built from the employee's shared view only."""
    agenda = agenda_store.load_agenda(store, meeting.employee.id).for_conversation(meeting.start.date())
    shared = agenda.shared_view()  # carried over for this conversation: done and dropped items have left
    earlier = open_actions(store, meeting.manager.id, meeting.employee.id, before=meeting.start.date())
    view = compose_manager_agenda(_context(config, meeting, earlier), shared)
    owners = {"employee": meeting.employee.display_name, "manager": meeting.manager.display_name}
    return {
        "recipients": recipients(meeting.manager.id),
        "employee": {"displayName": view.employee_name},
        "meetingDate": meeting_label(meeting.start, meeting.manager),
        "meetingWhen": meeting_when(meeting.start),
        "tenureLabel": view.tenure.label if view.tenure else "",
        "tenurePrompt": view.tenure.prompt if view.tenure else "",  # the stage's question for the manager
        "sharedItems": [
            {"id": i.id, "text": i.text, "kindLabel": i.kind_label, "carried": i.carried} for i in view.shared_items
        ],
        "orgAgenda": {
            "unit": view.org_unit,
            "items": [{"title": need.name, "initiative": need.initiative_name} for need in view.org_needs],
        },
        "talkingPoints": [
            {
                "quadrant": str(section.quadrant),
                "quadrantLabel": section.title,
                "framing": section.framing,
                "points": [{"text": point.text} for point in section.points],
            }
            for section in view.sections
            if section.points
        ],
        "openActions": [
            {
                "text": a.text,
                "typeLabel": a.type_label,
                "dueDate": a.due.isoformat(),
                "ownerName": owners[a.owner],
                "status": ACTION_STATUS_LABELS.get(a.status, a.status),
                "learning": learning_status(store, a.id, a.type),  # a recommended course: completed or not yet
            }
            for a in view.open_actions
        ],
        "whenWeGrow": view.when_we_grow,
    }


def coach_data(config: CompanyConfig, employee: Person, coach_ids: list[str], asked_on: datetime) -> dict[str, Any]:
    """The coach-request card: who asked, for the coach pool only (the manager is never a recipient)."""
    hired = employee.hire_date
    stage = tenure_stage(hired, asked_on.date(), config.tenure.thresholds) if hired else None
    unit = config.org_agenda.unit_for(employee.department)
    return {
        "recipients": recipients(*coach_ids),
        "requester": {"displayName": employee.display_name, "unit": unit.name if unit else employee.department or ""},
        "requestedOn": asked_on.date().isoformat(),
        "tenureLabel": config.tenure.text(stage).label if stage else "",
    }
