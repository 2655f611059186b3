"""``wegrow cycle --steps cards`` through the real container wiring: it sends the due cards and says how many."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from typer.testing import CliRunner

from devstack.connector_emulator.client import ConnectorEmulatorClient
from shared.config import load_settings
from shared.container import Container
from shared.domain.people import Pair
from shared.services.languages import TEAMS, remember
from shared.services.schedule_pair import ScheduleContext, schedule_pair
from shared.services.scheduling_policy import SchedulingPolicy
from shared.services.scheduling_records import PEOPLE, PEOPLE_PARTITION, person_row
from tests.contract.test_graph_adapter_support import adapters_for
from tests.fixtures.graph import GraphEmulator
from tests.integration.test_send_cards_support import TEAMS_APP, FixedClock, people

pytestmark = pytest.mark.integration


async def _schedule(graph: GraphEmulator, store: Any, pair: Pair) -> datetime:
    async with adapters_for(graph.base_url) as adapters:
        ctx = ScheduleContext(
            adapters.calendar, adapters.directory, store, SchedulingPolicy(), datetime.now(UTC), "cli"
        )
        assert (await schedule_pair(ctx, pair)).status == "created"
        event = await adapters.calendar.find_series(pair.manager_id, store.query("series")[0].data["series_id"])
    assert event is not None
    return event.first_start


def test_cycle_steps_cards_sends_the_due_cards_and_prints_the_count(
    graph: GraphEmulator,
    azurite: str,
    azurite_store: Any,
    azurite_queues: Any,
    connector_emulator: ConnectorEmulatorClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from shared.cli import schedule  # noqa: F401  (registers the cycle command)
    from shared.cli.main import app

    chosen = people(graph.tenant())
    for person in chosen.values():
        azurite_store.upsert(PEOPLE, PEOPLE_PARTITION, person.id, person_row(person))
    start = asyncio.run(_schedule(graph, azurite_store, Pair(chosen["manager"].id, chosen["employee"].id)))
    settings = load_settings(
        storage_connection=azurite, graph_base_url=graph.base_url, connector_url=connector_emulator.url,
        teams_app_id=TEAMS_APP, card_lead_days=3,
    )  # fmt: skip
    c = Container(settings)
    c.store, c.queues, c.clock = azurite_store, azurite_queues, FixedClock(start - timedelta(hours=20))
    monkeypatch.setattr("shared.container.container", lambda: c)

    remember(azurite_store, chosen["employee"].id, TEAMS, "de-DE")  # the employee's Teams speaks German
    first = CliRunner().invoke(app, ["cycle", "--steps", "cards", "--json"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.output.strip().splitlines()[-1])["cards"]
    assert (summary["sent"], summary["queued"]) == (2, 2)  # prep to the employee, agenda to the manager
    assert len(connector_emulator.sent()) == 2
    assert summary["cards_by_channel"] == {"teams": 2}
    assert summary["cards_by_language"] == {"de": 1, "en": 1}
    again = CliRunner().invoke(app, ["cycle", "--steps", "cards"])
    assert "cards sent 0 (queued 0" in again.output and "by channel none, by language none" in again.output
    assert len(connector_emulator.sent()) == 2
