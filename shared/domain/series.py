"""The conversation series: its deterministic id, subject, body teaser and recurrence.

The series id comes from (tenant, manager, report, policy version), so a retry, a re-run or a second
worker computes the same id and finds the event it already created. The body carries no private data:
only the employee's display name, the cadence reason and a hint where to prepare.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from shared.domain.calendar import Recurrence, RecurrenceKind
from shared.domain.people import Weekday

SERIES_NAMESPACE = uuid.UUID("5b0f8f52-4a8e-4c59-9a57-0e3c2b7f6a10")
SUBJECT_PREFIX = "Growth conversation"


def series_id(tenant_id: str, manager_id: str, report_id: str, policy_version: str) -> str:
    """A UUIDv5 that is the same for the same pair under the same policy version (ids compared lower-case)."""
    name = "|".join(part.strip().lower() for part in (tenant_id, manager_id, report_id, policy_version))
    return str(uuid.uuid5(SERIES_NAMESPACE, name))


def subject(manager_name: str, report_name: str) -> str:
    """Plain text (Graph does not render HTML in subjects); whitespace collapsed, length capped."""
    clean = " ".join(f"{manager_name} & {report_name}".split())
    return f"{SUBJECT_PREFIX}: {clean}"[:255]


def body_teaser(
    report_name: str,
    reason: str,
    prepare_hint: str = "the WeGrow app in Teams",
    milestones: Sequence[str] = (),
) -> str:
    """A short HTML agenda teaser; every value is escaped and nothing private goes in. ``milestones`` names the
    business-cycle moments (e.g. "FY27 Q3 planning, by 14 Jan") the series' conversations prepare for."""
    name, why, where = (escape(" ".join(value.split())) for value in (report_name, reason, prepare_hint))
    cycle = ""
    if milestones:
        cycle = f"<p>Also ahead of: {escape('; '.join(' '.join(m.split()) for m in milestones))}.</p>"
    return (
        f"<p>A regular growth conversation with {name} ({why}).</p>"
        f"{cycle}"
        "<p>Agenda: learning goals, micro-needs since last time, and what to share.</p>"
        f"<p>Prepare in {where}: you will get a card a few days before.</p>"
    )


def milestone_body(report_name: str, milestone_label: str, prepare_hint: str = "the WeGrow app in Teams") -> str:
    """The body of one conversation moved or added to prepare for a milestone (escaped, nothing private)."""
    name, label, where = (escape(" ".join(value.split())) for value in (report_name, milestone_label, prepare_hint))
    return (
        f"<p>A growth conversation with {name} ahead of {label}: where the business is heading, and what "
        "you want to learn for it.</p>"
        "<p>Agenda: learning goals, micro-needs since last time, and what to share.</p>"
        f"<p>Prepare in {where}: you will get a card a few days before.</p>"
    )


def weekly_recurrence(
    first_start: datetime, zone: ZoneInfo, interval_weeks: int, until: date | None = None
) -> Recurrence:
    """Every ``interval_weeks`` on the first occurrence's local weekday in ``zone`` (the organiser's), up to
    ``until`` (inclusive), or without an end (Graph ``noEnd``) when ``until`` is None."""
    local = first_start.astimezone(zone)
    return Recurrence(
        kind=RecurrenceKind.WEEKLY,
        interval=interval_weeks,
        start_date=local.date(),
        days_of_week=(list(Weekday)[local.weekday()],),
        end_date=None if until is None else max(until, local.date()),
        time_zone=zone.key,
    )
