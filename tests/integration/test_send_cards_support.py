"""The real card-delivery stack for the send-card tests: Graph emulator + Azurite + connector emulator.

Not a test module (no tests inside): shared by tests/integration/test_send_cards_e2e.py and test_privacy_canary.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from devstack.connector_emulator.client import ConnectorEmulatorClient
from shared.adapters.config_file import load_company_config
from shared.adapters.graph.client import aclose_graph_client, build_graph_client
from shared.adapters.graph.retry import RetryStats
from shared.adapters.graph.teamwork import GraphTeamsInstaller, InstallRefused
from shared.adapters.teams.agent import connection_manager
from shared.adapters.teams.http import FunctionsAdapter
from shared.adapters.teams.messenger import TeamsMessenger
from shared.config import load_settings
from shared.container.cards import render_kind
from shared.domain.people import Person
from shared.services.card_delivery import CardDeps
from shared.services.card_rate import CardRateLimiter
from shared.services.card_records import CardKind
from shared.services.due_cards import DueCard, occurrence_key
from shared.services.scheduling_records import PEOPLE, PEOPLE_PARTITION, person_row
from tests.contract.test_graph_adapter_support import FAST_POLICY

TEAMS_APP = "7759898a-d19c-5e24-9bc1-2ddeb2ceebdd"  # manifest id the emulator catalog holds (config default)
START = datetime(2030, 3, 12, 10, 0, tzinfo=UTC)


@dataclass
class FixedClock:
    at: datetime

    def now(self) -> datetime:
        return self.at


@dataclass
class CountingInstaller:
    """The Graph installer, counting installs (a stale conversation must reinstall)."""

    inner: GraphTeamsInstaller
    installs: list[str] = field(default_factory=list)

    async def install(self, user_id: str) -> None:
        self.installs.append(user_id)
        await self.inner.install(user_id)


@dataclass
class Stack:
    deps: CardDeps
    messenger: TeamsMessenger
    installer: CountingInstaller
    connector: ConnectorEmulatorClient
    people: dict[str, Person]

    def sent_for(self, card: str) -> list[dict[str, Any]]:
        """Activities the connector accepted for one card (by the message id WeGrow sent with it)."""
        return [
            s for s in self.connector.sent() if (s["activity"].get("channelData") or {}).get("wegrowCardId") == card
        ]


def people(graph_tenant: dict[str, Any]) -> dict[str, Person]:
    """Employee, manager and three others from the emulator's tenant (ids are real Graph user ids)."""
    rows = [p for p in graph_tenant["people"] if p["accountEnabled"]]
    by_id = {p["id"]: p for p in rows}
    employee = next(p for p in rows if p.get("managerId") in by_id)
    manager = by_id[employee["managerId"]]
    others = [p for p in rows if p["id"] not in {employee["id"], manager["id"]}][:3]
    chosen = {"employee": employee, "manager": manager, **{f"other{n}": p for n, p in enumerate(others)}}
    return {
        role: Person(
            id=p["id"],
            upn=p["userPrincipalName"].lower(),
            display_name=p["displayName"],
            manager_id=manager["id"] if role == "employee" else None,
            department=p.get("department"),
            mail=(p.get("mail") or "").lower(),
        )
        for role, p in chosen.items()
    }


@asynccontextmanager
async def card_stack(
    graph_url: str,
    graph_tenant: dict[str, Any],
    store: Any,
    connector: ConnectorEmulatorClient,
    coach_upns: tuple[str, ...] = (),
) -> AsyncIterator[Stack]:
    settings = load_settings(
        storage_connection="UseDevelopmentStorage=true", graph_base_url=graph_url, connector_url=connector.url
    )
    client = build_graph_client(settings, http_client=httpx.AsyncClient(timeout=30))
    installer = CountingInstaller(GraphTeamsInstaller(client, TEAMS_APP, policy=FAST_POLICY, stats=RetryStats()))
    messenger = TeamsMessenger(
        FunctionsAdapter(connection_manager(settings)),
        installer,
        store,
        bot_app_id=settings.bot_app_id,
        service_url=connector.url,
        tenant_id="00000000-0000-4000-8000-00000000e111",
        refused=(InstallRefused,),
    )
    chosen = people(graph_tenant)
    for person in chosen.values():
        store.upsert(PEOPLE, PEOPLE_PARTITION, person.id, person_row(person))
    deps = CardDeps(
        store=store,
        messenger=messenger,
        clock=FixedClock(START - timedelta(days=2)),
        limiter=CardRateLimiter(),
        config=load_company_config(None),
        render=render_kind,
        coach_upns=coach_upns,
    )
    try:
        yield Stack(deps, messenger, installer, connector, chosen)
    finally:
        await aclose_graph_client(client)


def due(stack: Stack, kind: CardKind, event_id: str = "event-1", start: datetime = START) -> dict[str, Any]:
    """A send-card body as the cards timer queues it."""
    employee, manager = stack.people["employee"], stack.people["manager"]
    recipient = employee.id if kind in (CardKind.PREP, CardKind.CONFIRM) else manager.id
    return DueCard(kind, occurrence_key(event_id), recipient, employee.id, manager.id, start).message()
