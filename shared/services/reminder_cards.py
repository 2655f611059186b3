"""The reminder card: its data (built at send and at every refresh from the store), and its "open" button.

A reminder is about one card (the employee's prep card or the manager's outcome-log card) and goes only to that
card's recipient. "Open" answers with that card, rebuilt now, after the same checks as a refresh of it: the
actor must be the reminder's recipient and the reminded card's recipient, the pair still current, the
conversation not passed. Once the reminded card is submitted, the reminder says so and offers nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shared.domain.card_verdicts import WRONG_ACTION
from shared.domain.people import Person
from shared.domain.reminders import ReminderPolicy, ReminderTarget, due_at
from shared.domain.timezones import resolve_zone_or_default
from shared.ports.clock import Clock
from shared.ports.storage import Store
from shared.services import card_content as content
from shared.services.card_actions import (
    DEFAULT_EXPIRY,
    CardReply,
    ConfigSource,
    Verdict,
    authorised_card,
    handle_refresh,
)
from shared.services.card_records import CardKind, CardStatus
from shared.services.reminders import split_reminder, target_card

logger = logging.getLogger(__name__)
OPEN_VERB = "reminder.open"
TEXTS = {
    ReminderTarget.PREP: ("Prepare your growth agenda", "Open my preparation"),
    ReminderTarget.OUTCOME: ("Log the outcomes and the actions you agreed", "Log outcomes"),
}


def local_day(instant: datetime, person: Person) -> str:
    """The instant's date where ``person`` works (their mailbox zone, UTC when unknown)."""
    zone, _ = resolve_zone_or_default(person.working_hours.time_zone, "UTC")
    return instant.astimezone(ZoneInfo(zone.key)).date().isoformat()


def reminder_data(
    store: Store, occurrence: str, recipient_id: str, meeting: content.Meeting, policy: ReminderPolicy | None = None
) -> dict[str, Any] | None:
    """The reminder's template data, or None when it names no card of this recipient."""
    split = split_reminder(occurrence)
    if split is None:
        return None
    occurrence_id, target = split
    reminded = target_card(store, occurrence_id, target, owner=recipient_id)
    owner = meeting.employee if target is ReminderTarget.PREP else meeting.manager
    other = meeting.manager if target is ReminderTarget.PREP else meeting.employee
    if reminded is None or reminded.recipient_id != recipient_id or owner.id != recipient_id:
        return None
    task, action = TEXTS[target]
    return {
        "recipients": content.recipients(recipient_id),
        "what": "Your growth conversation",
        "withName": other.display_name,
        "meetingDate": content.meeting_label(meeting.start, owner),
        "task": task,
        "dueDate": local_day(due_at(target, meeting.start, policy or ReminderPolicy()), owner),
        "actionTitle": action,
        "done": reminded.status is CardStatus.SUBMITTED,
    }


def open_reminded(
    store: Store,
    data: Mapping[str, Any],
    actor_id: str | None,
    *,
    config: ConfigSource | None = None,
    clock: Clock | None = None,
    expiry: timedelta = DEFAULT_EXPIRY,
) -> CardReply:
    """The reminder's button: its recipient gets the reminded card rebuilt now; anyone else a refusal."""
    reminder = authorised_card(store, data, actor_id)
    if isinstance(reminder, CardReply):
        return reminder
    split = split_reminder(reminder.occurrence_id) if reminder.kind is CardKind.REMINDER else None
    reminded = target_card(store, *split, owner=actor_id) if split is not None else None
    if reminded is None:
        logger.warning("card action refused: card %s reminds of no card", reminder.card_id)
        return CardReply(Verdict.REFUSED, WRONG_ACTION)
    prep = reminded.kind is CardKind.PREP
    data = {"cardId": reminded.card_id}
    return handle_refresh(store, data, actor_id, config=config, clock=clock, expiry=expiry, prep=prep)
