"""The prep reminder on the real stack (Graph emulator series, Azurite, connector emulator): one reminder card to
the employee a day before, never a second, and prep overdue on the conversation record once it starts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from devstack.connector_emulator.client import ConnectorEmulatorClient
from shared.domain.people import Pair
from shared.services.card_delivery import deliver_card
from shared.services.card_records import CardKind, card_id
from shared.services.conversation_lifecycle import utc_day
from shared.services.conversation_prep import prep_state
from shared.services.due_cards import SEND_CARD, sweep_due_cards
from shared.services.schedule_pair import ScheduleContext, schedule_pair
from shared.services.scheduling_policy import SchedulingPolicy
from shared.services.send_cards import SendResult
from tests.contract.test_graph_adapter_support import adapters_for
from tests.fixtures.graph import GraphEmulator
from tests.integration.test_send_cards_support import card_stack

pytestmark = pytest.mark.integration


async def drain(queues: Any, deps: Any) -> list[tuple[str, SendResult]]:
    results = []
    while messages := queues.receive(SEND_CARD):
        for message in messages:
            results.append((message.body["kind"], await deliver_card(deps, message.body)))
            queues.complete(SEND_CARD, message)
    return results


async def test_one_prep_reminder_then_prep_overdue(
    graph: GraphEmulator, azurite_store: Any, azurite_queues: Any, connector_emulator: ConnectorEmulatorClient
) -> None:
    async with card_stack(graph.base_url, graph.tenant(), azurite_store, connector_emulator) as stack:
        manager, employee = stack.people["manager"], stack.people["employee"]
        async with adapters_for(graph.base_url) as adapters:
            ctx = ScheduleContext(
                adapters.calendar, adapters.directory, azurite_store, SchedulingPolicy(), datetime.now(UTC), "rem"
            )
            assert (await schedule_pair(ctx, Pair(manager.id, employee.id))).status == "created"
            series = await adapters.calendar.find_series(manager.id, azurite_store.query("series")[0].data["series_id"])
            assert series is not None
            start, calendar = series.first_start, adapters.calendar

            first = await sweep_due_cards(azurite_store, calendar, azurite_queues, start - timedelta(days=2), 3)
            assert first.reminders == 0
            stack.deps.clock.at = start - timedelta(days=2)  # the prep card goes out two days before
            assert await drain(azurite_queues, stack.deps) == [("prep", SendResult.SENT)]

            eve = start - timedelta(hours=20)
            stack.deps.clock.at = eve
            swept = await sweep_due_cards(azurite_store, calendar, azurite_queues, eve, 3)
            assert swept.reminders == 1
            sent = await drain(azurite_queues, stack.deps)
            assert ("reminder", SendResult.SENT) in sent
            occurrence = next(r.data["occurrence_id"] for r in azurite_store.query("cards") if r.data["kind"] == "prep")
            reminder_id = card_id(f"{occurrence}:prep", CardKind.REMINDER)
            assert len(stack.sent_for(reminder_id)) == 1
            again = await sweep_due_cards(azurite_store, calendar, azurite_queues, eve + timedelta(hours=2), 3)
            assert again.reminders == 0  # the sent reminder's row is the marker
            assert ("reminder", SendResult.SENT) not in await drain(azurite_queues, stack.deps)
            assert len(stack.sent_for(reminder_id)) == 1

            started = await sweep_due_cards(azurite_store, calendar, azurite_queues, start + timedelta(minutes=5), 3)
            assert started.preps_overdue == 1
            assert prep_state(azurite_store, manager.id, employee.id, utc_day(start)) == "overdue"
