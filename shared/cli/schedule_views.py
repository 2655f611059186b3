"""The dry run's per-pair views: the next conversations (and the milestone each serves), and the pairs without a
series with why and the three closest options, in the manager's local time."""

from __future__ import annotations

from datetime import datetime

from rich.table import Table

from shared.domain.timezones import UnknownTimeZone, resolve_zone
from shared.ports.storage import Store
from shared.services.pair_states import Unscheduled, Upcoming, state_counts, unscheduled, upcoming
from shared.services.scheduling_records import load_person


def _name_and_zone(store: Store, person_id: str) -> tuple[str, str]:
    person = load_person(store, person_id)
    if person is None:
        return person_id, "UTC"
    return person.display_name, person.working_hours.time_zone


def _local(moment: datetime, zone_name: str) -> str:
    try:
        zone = resolve_zone(zone_name)
    except UnknownTimeZone:
        return moment.strftime("%a %d %b %Y %H:%M UTC")
    return moment.astimezone(zone).strftime("%a %d %b %Y %H:%M ") + zone.key


def upcoming_table(store: Store, now: datetime, limit: int) -> Table:
    rows: list[Upcoming] = upcoming(store, now)
    pairs = list(dict.fromkeys((u.manager_id, u.report_id) for u in rows))[:limit]
    table = Table(title=f"Next conversations of the first {len(pairs)} scheduled pairs (manager's local time)")
    for column in ("manager", "report", "when", "serves", "note"):
        table.add_column(column)
    for u in (u for u in rows if (u.manager_id, u.report_id) in set(pairs)):
        manager, zone = _name_and_zone(store, u.manager_id)
        note = "planning conversation (single event)" if u.extra else (f"moved: {u.moved}" if u.moved else "")
        table.add_row(manager, _name_and_zone(store, u.report_id)[0], _local(u.start, zone), u.serves, note)
    return table


def unscheduled_table(store: Store, limit: int) -> Table:
    rows: list[Unscheduled] = unscheduled(store)
    counts = state_counts(store)
    summary = ", ".join(f"{state} {count}" for state, count in sorted(counts.items()))
    table = Table(title=f"Pairs without a series ({len(rows)}; all pairs by state: {summary})")
    for column in ("manager", "report", "state", "why", "closest options (not booked)"):
        table.add_column(column)
    for u in rows[:limit]:
        manager, zone = _name_and_zone(store, u.manager_id)
        options = "; ".join(
            _local(start, zone) + (f" (outside {', '.join(outside)}'s hours)" if outside else "")
            for start, outside in u.closest
        )
        table.add_row(manager, _name_and_zone(store, u.report_id)[0], u.state, u.reason, options or "-")
    return table
