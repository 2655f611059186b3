"""Slot choice and the series body for one pair, from a manager's cached view (pure apart from the view)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from shared.domain.calendar import Busy, SeriesSpec
from shared.domain.people import Person
from shared.domain.series import body_teaser, subject, weekly_recurrence
from shared.domain.slots import SlotRequest, SlotResult, attendee, choose
from shared.domain.timezones import UnknownTimeZone, resolve_zone_or_default
from shared.services.scheduling_cache import ManagerView

if TYPE_CHECKING:
    from shared.services.schedule_pair import ScheduleContext


def search_window(ctx: ScheduleContext) -> tuple[datetime, datetime]:
    start = ctx.now + timedelta(days=1)
    return start, start + timedelta(days=ctx.policy.search_days)


def zone_of(ctx: ScheduleContext, person: Person) -> ZoneInfo:
    return resolve_zone_or_default(person.working_hours.time_zone, ctx.policy.default_zone)[0]


def choose_slot(ctx: ScheduleContext, manager: Person, report: Person, view: ManagerView) -> SlotResult:
    people = []
    for person in (manager, report):
        hours = view.hours.get(person.id, person.working_hours)
        try:
            people.append(attendee(person.address, person.display_name, hours))
        except UnknownTimeZone:
            fallback = type(hours)(ctx.policy.default_zone, hours.start, hours.end, hours.days)
            people.append(attendee(person.address, person.display_name, fallback))
    start, end = search_window(ctx)
    request = SlotRequest(tuple(people), start, end, busy=view.busy, booked=view.booked, rules=ctx.policy.rules)
    return choose(request)


def book(ctx: ScheduleContext, view: ManagerView, manager: Person, report: Person, result: SlotResult) -> None:
    """Count the chosen slot in this run's views, so no later pair collides with it or overfills the day.

    Both people become busy in every cached view that shows them: someone who is a report in one view may be
    the manager of another (their own team's conversations are chosen from that view, before any series of
    this run is on a calendar).
    """
    assert result.slot is not None
    view.booked[result.slot.start.astimezone(zone_of(ctx, manager)).date()] += 1
    taken = Busy(result.slot.start, result.slot.end, "busy")
    views = {id(v): v for v in (view, *ctx.cache.views.values())}.values()
    for shown in views:
        for person in (manager, report):
            if shown is view or person.id in shown.hours:
                shown.busy.setdefault(person.address, []).append(taken)


def build_spec(
    ctx: ScheduleContext, manager: Person, report: Person, sid: str, first_start: datetime, reason: str
) -> SeriesSpec:
    until = (ctx.now + ctx.policy.horizon).date()
    return SeriesSpec(
        series_id=sid,
        organizer_id=manager.id,
        attendee_upn=report.address,
        attendee_name=report.display_name,
        subject=subject(manager.display_name, report.display_name),
        body_html=body_teaser(report.display_name, reason),
        first_start=first_start,
        duration_minutes=ctx.policy.rules.duration_minutes,
        recurrence=weekly_recurrence(first_start, zone_of(ctx, manager), ctx.policy.rhythm_weeks, until),
    )
