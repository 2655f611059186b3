"""When the one reminder for a missing prep or outcome is due, and when the item then counts as overdue.

Every instant is UTC and every rule is absolute time: "24 hours before the start" is the same instant whatever
zone either person works in, across a DST change too (the local date on the card is only a label).

- Prep: the employee's prep card went out and is not saved. From ``prep_before`` ahead of the start until the
  start, one reminder is due. A conversation that starts with the prep still missing after that reminder has
  ``prep`` = overdue.
- Outcome: the manager's outcome-log card went out and nothing was logged. From ``outcome_after`` past the start,
  until the conversation would count as missed, one reminder is due; the conversation is then ``overdue``.
- Neither reminder comes within ``quiet`` of the card it is about, so a card sent late is not chased at once.

Whether a reminder was already sent is the service's business (the reminder's card row is the marker).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from shared.domain.conversation_status import MISSED_AFTER_DAYS, PrepState

PREP_BEFORE_HOURS = 24  # default of settings.reminder_prep_hours
OUTCOME_AFTER_HOURS = 24  # default of settings.reminder_outcome_hours
QUIET = timedelta(hours=6)


class ReminderTarget(StrEnum):
    """What a reminder is about: the employee's preparation or the manager's outcome log."""

    PREP = "prep"
    OUTCOME = "outcome"


@dataclass(frozen=True, slots=True)
class ReminderPolicy:
    prep_before: timedelta = timedelta(hours=PREP_BEFORE_HOURS)
    outcome_after: timedelta = timedelta(hours=OUTCOME_AFTER_HOURS)
    quiet: timedelta = QUIET
    missed_after: timedelta = timedelta(days=MISSED_AFTER_DAYS)

    @classmethod
    def from_hours(cls, prep_hours: int, outcome_hours: int) -> ReminderPolicy:
        return cls(prep_before=timedelta(hours=prep_hours), outcome_after=timedelta(hours=outcome_hours))

    @property
    def lookback(self) -> timedelta:
        """How far back the cards timer must look for conversations whose outcome may still be reminded."""
        return self.missed_after


def _utc(instant: datetime) -> datetime:
    """Python adds to an aware datetime on its own wall clock (24 h across a DST change is then 23 or 25 real
    hours), and a time in a repeated hour equals nothing in another zone: every rule works on UTC instead."""
    return instant.astimezone(UTC)


def _quiet_since(card_sent_at: datetime | None, now: datetime, quiet: timedelta) -> bool:
    return card_sent_at is not None and _utc(now) - _utc(card_sent_at) >= quiet


def prep_reminder_due(start: datetime, now: datetime, card_sent_at: datetime | None, policy: ReminderPolicy) -> bool:
    """True while the prep reminder may go: ``prep_before`` ahead of the start until the start (prep not saved)."""
    start, now = _utc(start), _utc(now)
    return start - policy.prep_before <= now < start and _quiet_since(card_sent_at, now, policy.quiet)


def outcome_reminder_due(start: datetime, now: datetime, card_sent_at: datetime | None, policy: ReminderPolicy) -> bool:
    """True while the outcome reminder may go: ``outcome_after`` past the start, until it would be missed."""
    start, now = _utc(start), _utc(now)
    due = start + policy.outcome_after
    return due <= now < start + policy.missed_after and _quiet_since(card_sent_at, now, policy.quiet)


def reminder_due(
    target: ReminderTarget, start: datetime, now: datetime, card_sent_at: datetime | None, policy: ReminderPolicy
) -> bool:
    rule = prep_reminder_due if target is ReminderTarget.PREP else outcome_reminder_due
    return rule(start, now, card_sent_at, policy)


def due_at(target: ReminderTarget, start: datetime, policy: ReminderPolicy) -> datetime:
    """When the reminded item is due: the prep by the start, the outcome ``outcome_after`` past the start."""
    return _utc(start) if target is ReminderTarget.PREP else _utc(start) + policy.outcome_after


def prep_state(start: datetime, now: datetime, reminded: bool, submitted_at: datetime | None) -> PrepState | None:
    """Submitted when saved before the start; overdue once the conversation started unprepared after its reminder
    (a prep first saved after the start is still overdue); None while neither is known yet."""
    if submitted_at is not None and _utc(submitted_at) < _utc(start):
        return PrepState.SUBMITTED
    if reminded and _utc(now) >= _utc(start):
        return PrepState.OVERDUE
    return None
