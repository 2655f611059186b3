"""The year plan and the series body for one pair, from a manager's cached view (pure apart from the view).

Every conversation of the horizon is planned before the series exists: the weekly time that holds for most
weeks in both people's own zones, the weeks that must move, and the extra conversations milestones need.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from shared.domain.calendar import Busy, SeriesSpec
from shared.domain.people import Person
from shared.domain.planning import YearPlan, YearRequest, plan_year
from shared.domain.series import body_teaser, subject, weekly_recurrence
from shared.domain.slots import attendee
from shared.domain.timezones import resolve_zone
from shared.services.scheduling_cache import ManagerView

if TYPE_CHECKING:
    from shared.services.schedule_pair import ScheduleContext


def search_window(ctx: ScheduleContext) -> tuple[datetime, datetime]:
    """Where the first conversation of a new series may start."""
    start = ctx.now + timedelta(days=1)
    return start, start + timedelta(days=ctx.policy.search_days)


def busy_window(ctx: ScheduleContext) -> tuple[datetime, datetime]:
    """The free/busy a year plan needs: from the search window to the end of the horizon."""
    start, _ = search_window(ctx)
    return start, ctx.now + ctx.policy.horizon


def year_request(ctx: ScheduleContext, manager: Person, report: Person, view: ManagerView, sid: str) -> YearRequest:
    """The plan request for a pair (raises UnknownTimeZone: the caller records the pair, never guesses UTC)."""
    people = tuple(
        attendee(person.address, person.display_name, view.hours.get(person.id, person.working_hours))
        for person in (manager, report)
    )
    start, end = search_window(ctx)
    horizon_end = ctx.now + ctx.policy.horizon
    policy = ctx.policy
    return YearRequest(
        people=people,
        busy=view.busy,
        window_start=start,
        window_end=end,
        horizon_end=horizon_end,
        rhythm_weeks=policy.rhythm_weeks,
        rules=policy.rules,
        booked_days=view.booked,
        milestones=policy.milestone_windows(start.date(), horizon_end.date()),
        min_gap_days=policy.min_gap_days,
        max_gap_days=policy.max_gap_days,
        spread_key=sid,
    )


def plan_pair(ctx: ScheduleContext, manager: Person, report: Person, view: ManagerView, sid: str) -> YearPlan:
    return plan_year(year_request(ctx, manager, report, view, sid))


def book(ctx: ScheduleContext, view: ManagerView, manager: Person, report: Person, plan: YearPlan) -> None:
    """Count the plan's conversations in this run's views, so no later pair collides with them or overfills a day.

    Both people become busy in every cached view that shows them: someone who is a report in one view may be
    the manager of another (their own team's conversations are chosen from that view, before any series of
    this run is on a calendar).
    """
    zone = resolve_zone(view.hours.get(manager.id, manager.working_hours).time_zone)
    views = {id(v): v for v in (view, *ctx.cache.views.values())}.values()
    for conversation in plan.conversations:
        view.booked[conversation.start.astimezone(zone).date()] += 1
        taken = Busy(conversation.start, conversation.end, "busy")
        for shown in views:
            for person in (manager, report):
                if shown is view or person.id in shown.hours:
                    shown.busy.setdefault(person.address, []).append(taken)


def build_spec(
    ctx: ScheduleContext,
    manager: Person,
    report: Person,
    sid: str,
    first_start: datetime,
    reason: str,
    zone_name: str | None = None,
    plan: YearPlan | None = None,
) -> SeriesSpec:
    """The series without an end date, in the organiser's zone (start, end and ``recurrenceTimeZone``); its body
    names the milestones the plan's conversations prepare for."""
    zone = resolve_zone(zone_name or manager.working_hours.time_zone)
    milestones = [
        f"{c.milestone_label}, {c.start.astimezone(zone).strftime('%d %b %Y')}"
        for c in (plan.conversations if plan is not None else ())
        if c.milestone_label
    ]
    return SeriesSpec(
        series_id=sid,
        organizer_id=manager.id,
        attendee_upn=report.address,
        attendee_name=report.display_name,
        subject=subject(manager.display_name, report.display_name),
        body_html=body_teaser(report.display_name, reason, milestones=milestones),
        first_start=first_start,
        duration_minutes=ctx.policy.rules.duration_minutes,
        recurrence=weekly_recurrence(first_start, zone, ctx.policy.rhythm_weeks),
    )
