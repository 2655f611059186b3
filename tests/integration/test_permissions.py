"""Least privilege: the Graph operations the app's adapters call are exactly those infra/permissions.json covers.

How the operations are found: a scripted session drives every Graph adapter the app uses (directory sync,
working hours, free/busy, the series lifecycle, the Teams app catalog lookup and install, the HR workbook
export and the privacy rewrite, cards by email, Viva Learning contents and assignments) through the real
msgraph-sdk against the Graph emulator, then reads the emulator's request log
(operations as route templates, e.g. ``GET /users/{id}/mailboxSettings``). A session-wide union of every
test's log was not used: the emulator's own contract tests call routes the app never does, and the log is
reset before each test. ``test_every_graph_adapter_module_is_in_the_session`` keeps the script in step when
a Graph adapter module is added.

Also: a mailbox outside the application access policy answers 403, and scheduling skips that pair with a log.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from devstack.graph_emulator import learning_catalog
from shared.adapters.graph.calendar import GraphCalendar
from shared.adapters.graph.client import aclose_graph_client, build_graph_client
from shared.adapters.graph.directory import GraphDirectory
from shared.adapters.graph.learning import GraphLearningCatalog
from shared.adapters.graph.mail import GraphCardMailer
from shared.adapters.graph.subscriptions import GraphSubscriptions
from shared.adapters.graph.teamwork import GraphTeamsInstaller
from shared.adapters.graph.workbook import GraphWorkbook
from shared.adapters.workbook.template import build_template
from shared.config import load_settings
from shared.config_values import LOCAL_TEAMS_APP_MANIFEST_ID
from shared.domain.calendar import OccurrenceMove, Recurrence, RecurrenceKind, SeriesSpec
from shared.domain.notifications import CHANGE_TYPES
from shared.domain.people import Pair, Weekday
from shared.ports.directory import MailboxUnavailable
from shared.ports.learning import AssignmentRequest
from shared.ports.subscriptions import SubscriptionSpec
from shared.ports.workbook import COLUMNS, OUTCOMES_TABLE
from shared.services.schedule_pair import ScheduleContext, schedule_pair
from shared.services.scheduling_policy import SchedulingPolicy
from shared.services.sync_org import sync_org
from tests.contract.test_graph_adapter_support import FAST_POLICY, pairs
from tests.contract.test_subscriptions_contract import receiver
from tests.fakes.storage import InMemoryQueues, InMemoryStore
from tests.fixtures.graph import GraphEmulator

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
PERMISSIONS = REPO / "infra" / "permissions.json"
START = datetime(2030, 3, 4, 14, 0, tzinfo=UTC)
TEAMS_APP = LOCAL_TEAMS_APP_MANIFEST_ID  # the manifest id; the installer looks up the catalog id (AppCatalog.Read.All)
# Modules of shared/adapters/graph that call Graph, each driven by the session below; the rest are helpers.
SESSION_MODULES = {"calendar", "calendar_batch", "calendar_schedules", "directory", "teamwork", "workbook"}
SESSION_MODULES |= {"calendar_occurrences", "calendar_copies", "directory_groups", "subscriptions"}
SESSION_MODULES |= {"calendar_events_read", "mail", "learning"}
HELPER_MODULES = {"__init__", "batch", "calendar_requests", "client", "limits", "mapping", "mapping_events", "retry"}
HELPER_MODULES |= {"mapping_users", "mapping_zones", "workbook_requests"}  # delta JSON -> changes; custom zones
HELPER_MODULES |= {"raw", "wire"}  # raw JSON requests through the SDK adapter; JSON readers
HELPER_MODULES |= {"coalesce"}  # requests made together sent as one $batch (teamwork installs and chat reads)
HELPER_MODULES |= {"batch_items"}  # $batch item URLs and bodies built as plain strings from the ids


def declared() -> dict[str, dict[str, Any]]:
    return dict(json.loads(PERMISSIONS.read_text())["permissions"])


def no_permission_needed() -> set[str]:
    return set(json.loads(PERMISSIONS.read_text())["no_permission_needed"])


@asynccontextmanager
async def graph_client(base_url: str) -> AsyncIterator[Any]:
    settings = load_settings(storage_connection="UseDevelopmentStorage=true", graph_base_url=base_url)
    client = build_graph_client(settings, http_client=httpx.AsyncClient(timeout=30))
    try:
        yield client
    finally:
        await aclose_graph_client(client)


def series_spec(manager: dict[str, Any], report: dict[str, Any]) -> SeriesSpec:
    recurrence = Recurrence(
        kind=RecurrenceKind.WEEKLY,
        interval=1,
        start_date=date(2030, 3, 4),
        days_of_week=(Weekday.MONDAY,),
        occurrences=4,
        time_zone="UTC",
    )
    return SeriesSpec(
        series_id="permissions-session",
        organizer_id=manager["id"],
        attendee_upn=report.get("mail") or report["userPrincipalName"],
        attendee_name=report["displayName"],
        subject="Growth conversation",
        body_html="<p>Growth agenda</p>",
        first_start=START,
        duration_minutes=30,
        recurrence=recurrence,
    )


async def scripted_session(graph: GraphEmulator) -> set[str]:
    """Every Graph call path of the app, once; returns the operations the emulator logged."""
    manager, report = pairs(graph.tenant())[0]
    graph.clear_log()
    async with graph_client(graph.base_url) as client:
        directory = GraphDirectory(client, policy=FAST_POLICY)
        await directory.delta(None)
        await directory.working_hours([manager["id"], report["id"]])
        await directory.group_member_ids(graph.tenant()["groups"][0]["id"])  # directory_groups: pilot scope
        calendar = GraphCalendar(client, policy=FAST_POLICY)
        upns = [manager["userPrincipalName"], report["userPrincipalName"]]
        await calendar.busy_times(manager["id"], upns, START, START + timedelta(days=14))
        # calendar_schedules: the same getSchedule, several managers' calls in one $batch
        await calendar.busy_times_many([(manager["id"], upns)], START, START + timedelta(days=14))
        spec = series_spec(manager, report)
        created = await calendar.create_series(spec)
        await calendar.find_series(manager["id"], spec.series_id)
        await calendar.update_series(created.event_id, replace(spec, subject="Growth conversation (moved)"))
        first = (await calendar.occurrences(manager["id"], created.event_id, START, START + timedelta(days=30)))[0]
        await calendar.move_occurrence(manager["id"], first.event_id, first.start + timedelta(hours=1), first.end)
        # calendar_events_read: one event as a mailbox sees it, and that mailbox's instances (notification handling)
        await calendar.get_event(manager["id"], created.event_id)
        await calendar.mailbox_occurrences(manager["id"], created.event_id, START, START + timedelta(days=30))
        # calendar_occurrences: instances and moves in $batch; one instance cancelled
        listed = await calendar.occurrences_many([(manager["id"], created.event_id)], START, START + timedelta(days=60))
        [_, second, *_] = listed[created.event_id]
        moved = OccurrenceMove(manager["id"], second.event_id, second.start + timedelta(hours=1), second.end)
        await calendar.move_occurrences_many([moved])
        await calendar.cancel_occurrence(manager["id"], second.event_id, "permissions session")
        # calendar_copies: the report's own copy, when the organiser has left
        await calendar.remove_attendee_copy(report["id"], created.ical_uid or "")
        await calendar.cancel(manager["id"], created.event_id, "permissions session")
        other = replace(spec, series_id="permissions-session-2", first_start=START + timedelta(hours=2))
        await calendar.find_series_many([(manager["id"], spec.series_id), (manager["id"], other.series_id)])
        batched = await calendar.create_series_many([spec, other])  # calendar_batch: $batch of events POSTs
        for event in batched.values():
            assert not isinstance(event, MailboxUnavailable)
            await calendar.cancel(manager["id"], event.event_id, "permissions session")
        installer = GraphTeamsInstaller(client, TEAMS_APP, policy=FAST_POLICY)
        await installer.install(report["id"])
        await installer.install(report["id"])  # a re-run: 409, already installed
        book = GraphWorkbook(client, "hr", "WeGrow/permissions-session.xlsx", build_template)
        row = ["Pat Doe" if column == "Employee" else "" for column in COLUMNS[OUTCOMES_TABLE]]
        await book.append_rows(OUTCOMES_TABLE, [["row-1", *row[1:]]])
        await book.existing_row_ids(OUTCOMES_TABLE)
        await book.replace_values({"Pat Doe": "person-1"}, ["Employee"])  # wegrow forget-person
        await book.download()
        await book.aclose()
        await subscription_session(client, manager["id"])
        await mail_session(client, graph.tenant())
        await learning_session(client, manager["id"], report["id"])
    log = graph.log()
    assert log["statuses"].get("500", 0) == 0
    return set(log["operations"])


async def subscription_session(client: Any, user_id: str) -> None:
    """subscriptions: create (the handshake reaches a loopback receiver), renew, delete."""
    subscriptions = GraphSubscriptions(client, policy=FAST_POLICY)
    async with receiver() as base:
        expires = datetime.now(UTC) + timedelta(hours=1)
        spec = SubscriptionSpec(user_id, CHANGE_TYPES, f"{base}/ok", f"{base}/ok/lifecycle", "state", expires)
        created = await subscriptions.create(spec)
        await subscriptions.renew(created.id, expires + timedelta(hours=1))
        await subscriptions.delete(created.id)


async def mail_session(client: Any, tenant: dict[str, Any]) -> None:
    """mail: a card by email from the sender mailbox (the recipient is looked up in the directory first)."""
    sender, recipient = [p for p in tenant["people"] if p["hasMailbox"] and p["accountEnabled"]][:2]
    await GraphCardMailer(client, policy=FAST_POLICY).send_card_email(sender["id"], recipient["mail"], "Prep", "<p/>")


async def learning_session(client: Any, manager_id: str, learner_id: str) -> None:
    """learning: a provider's contents, one recommended assignment (looked up by key first), read back."""
    catalog = GraphLearningCatalog(client, policy=FAST_POLICY)
    provider = learning_catalog.provider_id("contoso-academy")
    [first, *_] = await catalog.contents(provider)
    due = START + timedelta(days=30)
    assigned = await catalog.assign(AssignmentRequest("permissions:learning", provider, first.id, learner_id,
                                                      manager_id, due))  # fmt: skip
    await catalog.activity(assigned.id)


def test_every_graph_adapter_module_is_in_the_session() -> None:
    modules = {p.stem for p in (REPO / "shared" / "adapters" / "graph").glob("*.py")}
    new = modules - SESSION_MODULES - HELPER_MODULES
    assert not new, f"new Graph adapter modules {sorted(new)}: drive them in scripted_session and update permissions"


async def test_declared_permissions_cover_exactly_the_operations_the_app_calls(graph: GraphEmulator) -> None:
    called = await scripted_session(graph) - no_permission_needed()
    permissions = declared()
    covered = {op for p in permissions.values() for op in p["operations"]}
    assert called - covered == set(), "operations without a declared permission"
    unused = {name for name, p in permissions.items() if not set(p["operations"]) & called}
    assert unused == set(), "declared permissions the app never needs"
    assert covered - called == set(), "declared operations the app never calls"


def test_permissions_doc_explains_every_declared_permission() -> None:
    doc = (REPO / "docs" / "permissions.md").read_text()
    for name, permission in declared().items():
        assert f"`{name}`" in doc, f"docs/permissions.md does not explain {name}"
        assert permission["why"] and permission["code"], f"{name} needs a why and a code path"
        for module in permission["code"]:
            assert (REPO / module).is_file(), f"{name}: code path {module} does not exist"


async def deny(graph: GraphEmulator, *users: str) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(f"{graph.root}/_emulator/access-policy", json={"denied": list(users)})
    assert response.status_code == 200, response.text


async def test_out_of_scope_mailbox_answers_403_for_exchange_only(graph: GraphEmulator) -> None:
    manager, _ = pairs(graph.tenant())[0]
    await deny(graph, manager["userPrincipalName"])
    async with graph_client(graph.base_url) as client:
        calendar = GraphCalendar(client, policy=FAST_POLICY)
        with pytest.raises(MailboxUnavailable, match="outside the app's access policy"):
            await calendar.find_series(manager["id"], "any")
    async with httpx.AsyncClient(base_url=graph.base_url) as http:
        events = await http.get(f"/users/{manager['id']}/events")
        user = await http.get(f"/users/{manager['id']}")
    assert events.status_code == 403 and events.json()["error"]["code"] == "ErrorAccessDenied"
    assert user.status_code == 200  # the directory is not an Exchange resource


async def test_scheduling_skips_an_out_of_scope_pair_with_a_clear_log(
    graph: GraphEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    (manager, report), (other_manager, other_report) = distinct_managers(graph.tenant())
    await deny(graph, manager["id"])
    store, queues = InMemoryStore(), InMemoryQueues()
    async with graph_client(graph.base_url) as client:
        directory, calendar = GraphDirectory(client, policy=FAST_POLICY), GraphCalendar(client, policy=FAST_POLICY)
        await sync_org(directory, store, queues)
        ctx = ScheduleContext(calendar, directory, store, SchedulingPolicy(), START - timedelta(days=1))
        with caplog.at_level(logging.WARNING, logger="shared.services.schedule_pair"):
            skipped = await schedule_pair(ctx, Pair(manager["id"], report["id"], "unassigned"))
        in_scope = await schedule_pair(ctx, Pair(other_manager["id"], other_report["id"], "unassigned"))
    assert skipped.status == "skipped" and "outside the application access policy" in skipped.detail
    assert any(manager["id"] in r.getMessage() and "skipped" in r.getMessage() for r in caplog.records)
    assert in_scope.status in {"created", "no-slot"}, in_scope


def distinct_managers(tenant: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    by_manager: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for manager, report in pairs(tenant):
        by_manager.setdefault(manager["id"], (manager, report))
    return list(by_manager.values())[:2]
