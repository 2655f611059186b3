"""Turn the growth domain's card views (``shared.domain.composition``) into template data.

Keys here are exactly what ``adaptivecards/employee-prep.json`` and ``manager-agenda.json`` bind to.
Texts are passed through untouched: templates show them in TextRuns or input values, which Teams
never reads as markdown (see docs/cards.md). Privacy comes from the views themselves:
:class:`ManagerAgendaView` holds shared items only, and nothing here adds any other item.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from shared.domain.agenda import ItemKind
from shared.domain.composition import ActionView, ItemView, ManagerAgendaView, PrepView

JsonDict = dict[str, Any]


def meeting_label(day: date) -> str:
    """``Tue 10 Mar 2026``: unambiguous in every locale the pilot covers."""
    return day.strftime("%a %d %b %Y")


def _toggle_items(items: Sequence[ItemView], first_position: int) -> list[JsonDict]:
    return [
        {
            "id": item.id,
            "position": first_position + offset,
            "text": item.text,
            "kindLabel": item.kind_label,
            "shared": item.visibility == "shared",
        }
        for offset, item in enumerate(items)
    ]


def _tenure(view: PrepView) -> JsonDict:
    if view.tenure is None:
        return {"stage": "", "label": "", "prompt": "", "answer": ""}
    return {"stage": view.tenure.stage.value, "label": view.tenure.label, "prompt": view.tenure.prompt, "answer": ""}


def _share_with(items: Sequence[ItemView]) -> str:
    return next((item.share_with for item in items if item.kind is ItemKind.SHARE and item.share_with), "")


def prep_card_data(view: PrepView, *, card_id: str, recipients: Sequence[str]) -> JsonDict:
    """Data for ``employee-prep``: the employee's own items (private ones too), each with a share toggle."""
    items = [item for prompt in view.prompts for item in prompt.items]
    agenda = [item for item in items if item.kind is not ItemKind.MICRO_NEED]
    needs = [item for item in items if item.kind is ItemKind.MICRO_NEED]
    return {
        "cardId": card_id,
        "recipients": list(recipients),
        "manager": {"displayName": view.manager_name},
        "meetingDate": meeting_label(view.conversation_date),
        "agendaItems": _toggle_items(agenda, 1),
        "microNeeds": _toggle_items(needs, len(agenda) + 1),
        "learningGoals": "",
        "prompts": {"unlearn": "", "learningNetwork": "", "shareLearning": "", "shareWith": _share_with(items)},
        "tenure": _tenure(view),
        "wantsCoach": view.coach_requested,
    }


def _open_action(action: ActionView, employee_name: str) -> JsonDict:
    return {
        "text": action.text,
        "typeLabel": action.type_label,
        "dueDate": action.due.isoformat(),
        "ownerName": employee_name if action.owner == "employee" else "You",
    }


def _talking_points(view: ManagerAgendaView) -> list[JsonDict]:
    return [
        {
            "quadrant": section.quadrant.value,
            "quadrantLabel": section.title,
            "framing": f"{section.framing} {section.message}" if section.message else section.framing,
            "points": [{"text": point.text} for point in section.points],
        }
        for section in view.sections
        if section.points
    ]


def agenda_card_data(view: ManagerAgendaView, *, card_id: str, recipients: Sequence[str]) -> JsonDict:
    """Data for ``manager-agenda``: only what the view holds, which is shared items only."""
    return {
        "cardId": card_id,
        "recipients": list(recipients),
        "employee": {"displayName": view.employee_name},
        "meetingDate": meeting_label(view.conversation_date),
        "tenureLabel": view.tenure.label if view.tenure else "",
        "sharedItems": [{"id": i.id, "text": i.text, "kindLabel": i.kind_label} for i in view.shared_items],
        "orgAgenda": {
            "unit": view.org_unit,
            "items": [{"title": need.name, "initiative": need.initiative_name} for need in view.org_needs],
        },
        "talkingPoints": _talking_points(view),
        "openActions": [_open_action(action, view.employee_name) for action in view.open_actions],
        "whenWeGrow": view.when_we_grow,
    }
