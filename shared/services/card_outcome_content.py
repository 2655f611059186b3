"""Template data of the outcome card (to the manager) and the confirmation card (to the employee), built from the
Store each time: at send, at refresh and in the answer to a submission.

The shared parts (who meets, when, the recipients) are ``card_content``'s; the views of actions, choices and
slots are ``card_outcome_views``', imported when a card is built.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.domain.company import CompanyConfig
from shared.ports.storage import Store
from shared.services.card_content import Meeting, meeting_label, recipients
from shared.services.card_submissions import OutcomeLog


def outcome_data(
    store: Store,
    config: CompanyConfig,
    meeting: Meeting,
    *,
    typed: Mapping[str, Any] | None = None,
    problems: Mapping[int, str] | None = None,
    error: str = "",
) -> dict[str, Any]:
    """The manager's outcome card (manager only): editable (earlier open actions, action slots, private note), or
    once logged, what was stored with the employee's answer and the private note. ``typed`` and ``problems``
    refill a refused submission with the reason next to each action slot."""
    from shared.services import card_outcome_views as views

    day, manager, employee = meeting.start.date(), meeting.manager, meeting.employee
    done = None if typed is not None else views.logged(store, config, manager.id, employee.id, day)
    roles = {"employee": employee.display_name, "manager": manager.display_name}
    note = typed.get("note") if typed is not None else ""
    return {
        "recipients": recipients(manager.id),
        "employee": {"displayName": employee.display_name},
        "meetingDate": meeting_label(meeting.start, manager),
        **views.choices(config, [(employee.id, employee.display_name), (manager.id, manager.display_name)]),
        "logged": done is not None,
        "error": error,
        "earlier": [] if done is not None else views.earlier(store, manager.id, employee.id, day, roles),
        "slots": [] if done is not None else views.slots(typed, problems),
        "note": note[:1000] if isinstance(note, str) else "",
        "loggedActions": [],
        "confirmation": {"state": "unconfirmed", "label": "", "comment": ""},
        **(done or {}),
    }


def confirm_data(
    config: CompanyConfig,
    meeting: Meeting,
    log: OutcomeLog,
    *,
    answer: Mapping[str, Any] | None = None,
    error: str = "",
    comment: str = "",
) -> dict[str, Any]:
    """The employee's confirmation card: the actions as the manager logged them (never the manager's private
    note); with ``answer`` (their stored confirmation) it is read-only and says what they answered."""
    from shared.services import card_outcome_views as views

    owners = {meeting.employee.id: meeting.employee.display_name, meeting.manager.id: meeting.manager.display_name}
    given = answer or {"state": "unconfirmed", "label": "", "comment": ""}
    return {
        "recipients": recipients(meeting.employee.id),
        "manager": {"displayName": meeting.manager.display_name},
        "meetingDate": meeting_label(meeting.start, meeting.employee),
        "conversationDate": meeting.start.date().isoformat(),
        "actions": views.confirm_actions(config, log, owners),
        "answered": given["state"] != "unconfirmed",
        "answer": dict(given),
        "error": error,
        "comment": comment[:1000],
    }
