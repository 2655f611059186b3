"""What ``make demo`` prints at the end: the summary, the files, one manager's calendar as a table."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from devstack.demo_steps import LANGUAGE_NAMES
from devstack.tenant_zones import is_custom, working_zone
from shared.container import Container
from shared.domain.series import SUBJECT_PREFIX as SERIES_TAG
from shared.domain.timezones import resolve_zone_or_default
from shared.services.scheduling_records import SERIES, load_person


def summary_table(counts: dict[str, int], appended: dict[str, int]) -> Table:
    table = Table(title="WeGrow demo: one full cycle", show_header=False)
    table.add_column("what")
    table.add_column("how many", justify="right")
    for name, value in counts.items():
        table.add_row(name, str(value))
    for sheet, rows in sorted(appended.items()):
        table.add_row(f"workbook rows appended ({sheet})", str(rows))
    return table


def card_reach(counts: dict[str, int]) -> str:
    """Cards by channel and by language, keyed as ``wegrow cycle --json`` reports them (``cards_by_channel``,
    ``cards_by_language``)."""
    codes = {name: code for code, name in LANGUAGE_NAMES.items()}
    channels = {k.removeprefix("cards by "): v for k, v in counts.items() if k.startswith("cards by ")}
    languages = {codes.get(k.removeprefix("cards in "), k.removeprefix("cards in ")): v
                 for k, v in counts.items() if k.startswith("cards in ")}  # fmt: skip
    return f"cards_by_channel: {json.dumps(channels)}\ncards_by_language: {json.dumps(languages)}"


def loop_table(counts: dict[str, int]) -> Table:
    """The growth loop as the HR workbook shows it (read back from the downloaded file)."""
    table = Table(title="The growth loop in the HR workbook", show_header=False)
    table.add_column("what")
    table.add_column("how many", justify="right")
    for name, value in counts.items():
        table.add_row(name, str(value), style="" if value else "bold red")
    return table


def busiest_manager(container: Container) -> str:
    reports = Counter(r.partition for r in container.store.query(SERIES) if r.data.get("state") == "active")
    return reports.most_common(1)[0][0]


def calendar_events(graph_url: str, user_id: str, start: datetime, days: int) -> list[dict[str, Any]]:
    """The manager's calendar view from the Graph emulator (what Outlook would show), all pages."""
    end = start + timedelta(days=days)
    url: str | None = f"{graph_url}/users/{user_id}/calendarView"
    params: dict[str, str] | None = {"startDateTime": start.isoformat(), "endDateTime": end.isoformat()}
    events: list[dict[str, Any]] = []
    while url:
        page = httpx.get(url, params=params, headers={"Prefer": 'outlook.timezone="UTC"'}, timeout=30).json()
        events += page.get("value", [])
        url, params = page.get("@odata.nextLink"), None
    return sorted(events, key=lambda e: str(e["start"]["dateTime"]))


def mailbox_zone(graph_url: str, user_id: str) -> tzinfo:
    """The user's Outlook time zone (Windows or IANA name in mailboxSettings, or the custom zone of their working
    hours), UTC when there is none."""
    settings = httpx.get(f"{graph_url}/users/{user_id}/mailboxSettings", timeout=30)
    found = settings.json() if settings.status_code == 200 else {}
    hours_zone = (found.get("workingHours") or {}).get("timeZone")
    if is_custom(hours_zone):
        return working_zone(hours_zone)
    return resolve_zone_or_default(str(found.get("timeZone") or "UTC"), "UTC")[0]


def _local(utc_text: str, zone: tzinfo) -> datetime:
    """A Graph dateTime given in UTC (as asked with Prefer), as wall-clock time in ``zone``."""
    return datetime.fromisoformat(utc_text[:19]).replace(tzinfo=UTC).astimezone(zone)


def calendar_table(container: Container, graph_url: str, start: datetime, days: int = 7) -> Table:
    manager_id = busiest_manager(container)
    manager = load_person(container.store, manager_id)
    name = manager.display_name if manager else manager_id
    zone = mailbox_zone(graph_url, manager_id)
    label = getattr(zone, "key", None) or zone.tzname(None)
    table = Table(title=f"{name}'s calendar, next {days} days ({label}; WeGrow conversations in bold)")
    for column in ("day", "from", "to", "subject"):
        table.add_column(column)
    for event in calendar_events(graph_url, manager_id, start, days):
        begins = _local(str(event["start"]["dateTime"]), zone)
        ends = _local(str(event["end"]["dateTime"]), zone)
        subject = str(event.get("subject") or "(busy)")
        style = "bold" if SERIES_TAG.lower() in subject.lower() else ""
        table.add_row(f"{begins:%a %d %b}", f"{begins:%H:%M}", f"{ends:%H:%M}", subject, style=style)
    return table


def where_to_look(out: Console, files: dict[str, Path | str]) -> None:
    out.print("\nWhere to look:", style="bold")
    for label, path in files.items():
        out.print(f"  {label}: {path}", markup=False)
