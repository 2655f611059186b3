"""The emulator's calendars: meetings shared by an organiser and attendees, each seen through a mailbox entry.

The records live in calendar_model.py. This store keeps them, and applies changes the way Exchange does:

- a PATCH of the organiser's event that changes its start, end or recurrence is a *significant change*
  (MS-OXOCAL 3.1.4.7.3.1): a series loses its exceptions and cancelled occurrences (3.1.4.7.3.5, "removes every
  exception"), and the attendees' responses go back to none (3.1.4.7.3.2, "Clearing Previous Responses");
- moving one occurrence clears the responses for that occurrence only;
- an attendee's PATCH changes their own copy only;
- an answer sent without a response (``sendResponse: false``), or an attendee deleting an occurrence, changes the
  attendee's own copy only: the organiser's view of that attendee stays as it was (calendar_answers.py).

Every change to a mailbox's entry is told to ``listeners`` (``state.calendar_listeners``: change notifications)
as ``(entry, "created" | "updated" | "deleted")``. A change to an occurrence is an update of the series master,
the only item Exchange stores (notifications name the master: microsoft-graph-docs issue #5520).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from devstack.graph_emulator.calendar_model import RESPONSES, Entry, Meeting, Target, stable_id
from devstack.graph_emulator.recurrence import parse_rule
from devstack.graph_emulator.state import CalendarListener

__all__ = ["RESPONSES", "CalendarStore", "Entry", "Meeting", "Target", "stable_id"]


class CalendarStore:
    """All calendars of the emulated tenant, in memory."""

    def __init__(self, listeners: list[CalendarListener] | None = None) -> None:
        self.listeners = listeners if listeners is not None else []
        self.entries: dict[str, Entry] = {}
        self.by_user: dict[str, list[str]] = {}
        self.meetings: dict[str, list[str]] = {}  # meeting id -> entry ids
        self.transactions: dict[tuple[str, str], str] = {}  # (organiser id, transactionId) -> organiser entry id
        self._counter = 0

    def _next(self) -> int:
        self._counter += 1
        return self._counter

    def _tell(self, entries: Iterable[Entry], change: str) -> None:
        for entry in list(entries):
            for listener in self.listeners:
                listener(entry, change)

    def create(self, organizer_id: str, data: dict[str, Any], attendee_ids: list[str], now: datetime) -> Entry:
        """Store a new meeting, its organiser entry, and an entry per attendee who has a mailbox."""
        n = self._next()
        recurrence = data.get("recurrence")
        meeting = Meeting(
            meeting_id=stable_id("m", n),
            ical_uid="040000008200E00074C5B7101A82E008" + "00000000" + stable_id("", "uid", n)[:24].upper(),
            organizer_id=organizer_id,
            data=data,
            created=now,
            modified=now,
            number=n,
            rule=parse_rule(recurrence) if recurrence else None,
            responses={a: "none" for a in attendee_ids if a != organizer_id},
        )
        entry = self._add_entry(organizer_id, meeting)
        self._ensure_entries(meeting)
        if data.get("transactionId"):
            self.transactions[(organizer_id, str(data["transactionId"]))] = entry.event_id
        return entry

    def by_transaction(self, organizer_id: str, transaction_id: object) -> Entry | None:
        """The organiser's live event created with ``transactionId``: Graph answers a repeated POST with it."""
        if not transaction_id:
            return None
        event_id = self.transactions.get((organizer_id, str(transaction_id)))
        return self.entries.get(event_id) if event_id is not None else None

    def _add_entry(self, user_id: str, meeting: Meeting) -> Entry:
        entry = Entry(stable_id("AAMkAG", meeting.number, user_id), user_id, meeting)
        self.entries[entry.event_id] = entry
        self.by_user.setdefault(user_id, []).append(entry.event_id)
        self.meetings.setdefault(meeting.meeting_id, []).append(entry.event_id)
        self._tell([entry], "created")
        return entry

    def meeting_entries(self, meeting: Meeting) -> list[Entry]:
        return [self.entries[e] for e in self.meetings.get(meeting.meeting_id, [])]

    def entry_of(self, meeting: Meeting, user_id: str) -> Entry | None:
        return next((e for e in self.meeting_entries(meeting) if e.user_id == user_id), None)

    def _ensure_entries(self, meeting: Meeting) -> None:
        """Every attendee has a copy (an organiser's update re-delivers one an attendee had deleted)."""
        present = {e.user_id for e in self.meeting_entries(meeting)}
        for attendee in meeting.responses:
            if attendee not in present:
                self._add_entry(attendee, meeting)

    def resolve(self, user_id: str, event_id: str) -> Target | None:
        """The entry or occurrence ``event_id`` names in ``user_id``'s mailbox, or None."""
        entry = self.entries.get(event_id)
        if entry is not None:
            return Target(entry) if entry.user_id == user_id else None
        base, _, suffix = event_id.rpartition("_")
        entry = self.entries.get(base)
        if entry is None or entry.user_id != user_id or len(suffix) != 8 or not suffix.isdigit():
            return None
        try:
            day = date(int(suffix[:4]), int(suffix[4:6]), int(suffix[6:]))
        except ValueError:
            return None
        return Target(entry, day) if entry.meeting.occurrence_exists(day) else None

    def find_any(self, event_id: str) -> Target | None:
        """Resolve an id without knowing the mailbox (for the control API)."""
        base = event_id if event_id in self.entries else event_id.rpartition("_")[0]
        entry = self.entries.get(base)
        return self.resolve(entry.user_id, event_id) if entry else None

    def user_entries(self, user_id: str) -> list[Entry]:
        return [self.entries[e] for e in self.by_user.get(user_id, [])]

    def remove_entry(self, entry: Entry) -> None:
        self.entries.pop(entry.event_id, None)
        self.by_user.get(entry.user_id, []).remove(entry.event_id)
        self.meetings.get(entry.meeting.meeting_id, []).remove(entry.event_id)
        self._tell([entry], "deleted")

    def cancel_meeting(self, meeting: Meeting) -> None:
        """Remove a meeting from every mailbox (organiser delete or cancel)."""
        for event_id in list(self.meetings.pop(meeting.meeting_id, [])):
            entry = self.entries.pop(event_id)
            self.by_user[entry.user_id].remove(event_id)
            self._tell([entry], "deleted")

    def set_attendees(self, meeting: Meeting, attendee_ids: list[str]) -> None:
        """The organiser changed the attendee list: new attendees get a copy, removed ones lose theirs."""
        meeting.responses = {a: meeting.responses.get(a, "none") for a in attendee_ids if a != meeting.organizer_id}
        meeting.occurrence_responses = {
            k: v for k, v in meeting.occurrence_responses.items() if k[0] in meeting.responses
        }
        meeting.own_answers.keep_only(meeting.responses)
        for entry in self.meeting_entries(meeting):
            if not entry.is_organizer and entry.user_id not in meeting.responses:
                self.remove_entry(entry)
        self._ensure_entries(meeting)

    def patch(self, target: Target, changes: dict[str, Any], now: datetime) -> None:
        """Apply a PATCH: the organiser's to the meeting or one occurrence, an attendee's to their own copy."""
        entry, day = target.entry, target.day
        extended = changes.pop("singleValueExtendedProperties", None)
        if extended is not None:
            entry.extended.update({p["id"]: str(p.get("value", "")) for p in extended})
        if not entry.is_organizer:
            (entry.own if day is None else entry.own_days.setdefault(day, {})).update(changes)
        elif day is not None:
            self._patch_occurrence(entry.meeting, day, changes)
        else:
            self._patch_meeting(entry.meeting, changes)
        entry.meeting.modified = now
        entry.meeting.version += 1
        reaches_copies = entry.is_organizer and bool(changes)  # extended properties stay on the organiser's item
        self._tell(self.meeting_entries(entry.meeting) if reaches_copies else [entry], "updated")

    def _patch_meeting(self, meeting: Meeting, changes: dict[str, Any]) -> None:
        before = meeting.timing()
        if "recurrence" in changes:
            meeting.rule = parse_rule(changes["recurrence"]) if changes["recurrence"] else None
        meeting.data.update(changes)
        if meeting.timing() != before:
            self._significant_change(meeting)

    def _significant_change(self, meeting: Meeting) -> None:
        meeting.exceptions.clear()
        meeting.cancelled.clear()
        for entry in self.meeting_entries(meeting):
            entry.own_days.clear()
            entry.forget_show_as()
        if meeting.asks_for_responses():
            meeting.responses = dict.fromkeys(meeting.responses, "none")
            meeting.occurrence_responses.clear()
            meeting.own_answers.clear(meeting.responses)
            meeting.proposals.clear()
        self._ensure_entries(meeting)

    def _patch_occurrence(self, meeting: Meeting, day: date, changes: dict[str, Any]) -> None:
        before = meeting.occurrence_times(day)
        meeting.exceptions.setdefault(day, {}).update(changes)
        if meeting.occurrence_times(day) != before and meeting.asks_for_responses():
            for attendee in meeting.responses:
                meeting.occurrence_responses[(attendee, day)] = "none"
                meeting.proposals.pop((attendee, day), None)
            meeting.own_answers.clear_day(day, meeting.responses)
            for entry in self.meeting_entries(meeting):
                entry.forget_show_as(day)

    def respond(
        self,
        entry: Entry,
        day: date | None,
        response: str,
        proposal: dict[str, Any] | None = None,
        send_response: bool = True,
    ) -> None:
        """Record an attendee's answer for the series (or single event), or for one occurrence, with the new time
        they proposed, if any (a later answer without a proposal withdraws it). An answer not sent changes the
        attendee's own copy only."""
        meeting = entry.meeting
        meeting.own_answers.record(entry.user_id, day, response)
        entry.forget_show_as(day)
        if not send_response:
            self._tell([entry], "updated")
            return
        if proposal is not None:
            meeting.proposals[(entry.user_id, day)] = proposal
        else:
            meeting.proposals.pop((entry.user_id, day), None)
        if day is None:
            meeting.responses[entry.user_id] = response
            meeting.occurrence_responses = {
                k: v for k, v in meeting.occurrence_responses.items() if k[0] != entry.user_id
            }
        else:
            meeting.occurrence_responses[(entry.user_id, day)] = response
        organiser = [e for e in self.meeting_entries(meeting) if e.is_organizer]
        self._tell([entry, *organiser], "updated")

    def remove_occurrence(self, target: Target) -> None:
        """The organiser deletes or cancels one occurrence: it goes from every copy of the series."""
        assert target.day is not None
        target.entry.meeting.cancelled.add(target.day)
        target.entry.meeting.exceptions.pop(target.day, None)
        self._tell(self.meeting_entries(target.entry.meeting), "updated")

    def drop_occurrence_copy(self, target: Target) -> None:
        """An attendee deletes one occurrence from their calendar: no response goes to the organiser."""
        assert target.day is not None
        target.entry.meeting.own_answers.record(target.entry.user_id, target.day, "declined")
        self._tell([target.entry], "updated")
