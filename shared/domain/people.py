"""People as the directory describes them, and manager–report pairs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum


class Weekday(StrEnum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"

    @property
    def number(self) -> int:
        """Monday is 0, as in ``datetime.weekday()``."""
        return _WEEKDAY_NUMBERS[self]


_WEEKDAY_NUMBERS = {day: number for number, day in enumerate(Weekday)}
WORKWEEK = frozenset({Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY})


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """Working hours in the person's own IANA time zone."""

    time_zone: str = "UTC"
    start: time = time(9, 0)
    end: time = time(17, 0)
    days: frozenset[Weekday] = WORKWEEK


@dataclass(frozen=True, slots=True)
class Person:
    """A directory user. ``upn`` is the sign-in name; ``mail`` the primary SMTP address Exchange delivers to."""

    id: str
    upn: str
    display_name: str
    manager_id: str | None = None
    department: str | None = None
    job_title: str | None = None
    hire_date: date | None = None
    account_enabled: bool = True
    working_hours: WorkingHours = field(default_factory=WorkingHours)
    mail: str = ""

    @property
    def address(self) -> str:
        """The SMTP address for calendars (attendees, getSchedule), lower-case.

        Exchange resolves mailboxes by SMTP address (primary or proxy), never by UPN; a UPN is only a last
        resort for a person whose directory entry has no ``mail`` (Graph will then report the mailbox unknown).
        """
        return (self.mail or self.upn).lower()


def pair_key(manager_id: str, report_id: str) -> str:
    """A pair's key: its partition in ``outcomes``, its lease, its message and card ids (``manager__report``)."""
    return f"{manager_id}__{report_id}"


@dataclass(frozen=True, slots=True)
class Pair:
    """A manager and one direct report: the unit WeGrow schedules conversations for."""

    manager_id: str
    report_id: str
    org_unit: str = "unassigned"

    @property
    def key(self) -> str:
        return pair_key(self.manager_id, self.report_id)
