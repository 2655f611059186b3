"""Attendees' answers to one meeting as one side sees them: to the series (or single event) and to occurrences.

A meeting keeps two of these views. The organiser's (``Meeting.responses`` and ``Meeting.occurrence_responses``)
changes only when an answer is *sent*; the attendee's own copy (``Meeting.own_answers``, an ``Answers``) changes
with every answer, sent or not. Exchange works this way: ``sendResponse: false`` (or deleting an occurrence of
a meeting one was invited to) sends the organiser no meeting response, so the organiser's item keeps the old
status (MS-OXOCAL: the attendee's copy alone records the answer; clientIntent ``DELETED_EXCEPTION_WITH_NO_RESPONSE``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

NO_ANSWER = "none"


@dataclass
class Answers:
    series: dict[str, str] = field(default_factory=dict)  # attendee user id -> answer to the series / event
    days: dict[tuple[str, date], str] = field(default_factory=dict)  # (attendee, original date) -> answer

    def of(self, user_id: str, day: date | None = None) -> str:
        if day is not None and (user_id, day) in self.days:
            return self.days[(user_id, day)]
        return self.series.get(user_id, NO_ANSWER)

    def record(self, user_id: str, day: date | None, answer: str) -> None:
        """An answer to one occurrence, or to the whole series (which replaces the answers to its occurrences)."""
        if day is not None:
            self.days[(user_id, day)] = answer
            return
        self.series[user_id] = answer
        self.days = {k: v for k, v in self.days.items() if k[0] != user_id}

    def clear(self, attendees: Iterable[str]) -> None:
        """A significant change: every attendee is asked again."""
        self.series = dict.fromkeys(attendees, NO_ANSWER)
        self.days.clear()

    def clear_day(self, day: date, attendees: Iterable[str]) -> None:
        """One occurrence moved: every attendee is asked again for that occurrence."""
        for attendee in attendees:
            self.days[(attendee, day)] = NO_ANSWER

    def keep_only(self, attendees: Iterable[str]) -> None:
        """The attendee list changed: drop the answers of people no longer invited, add the newcomers."""
        wanted = list(attendees)
        self.series = {a: self.series.get(a, NO_ANSWER) for a in wanted}
        self.days = {k: v for k, v in self.days.items() if k[0] in self.series}
