"""Which cards are due, from a real series on the Graph emulator, and the ``cards`` step end to end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from devstack.connector_emulator.client import ConnectorEmulatorClient
from shared.domain.people import Pair
from shared.services.agenda_store import AGENDAS
from shared.services.card_delivery import deliver_card
from shared.services.card_records import CardKind
from shared.services.due_cards import SEND_CARD, enqueue_due_cards, find_due_cards
from shared.services.schedule_pair import ScheduleContext, schedule_pair
from shared.services.scheduling_policy import SchedulingPolicy
from shared.services.send_cards import SendResult
from tests.contract.test_graph_adapter_support import adapters_for
from tests.fixtures.graph import GraphEmulator
from tests.integration.test_send_cards_support import card_stack

pytestmark = pytest.mark.integration


async def test_due_cards_follow_the_occurrence_and_each_goes_out_once(
    graph: GraphEmulator, azurite_store: Any, azurite_queues: Any, connector_emulator: ConnectorEmulatorClient
) -> None:
    async with card_stack(graph.base_url, graph.tenant(), azurite_store, connector_emulator) as stack:
        manager, employee = stack.people["manager"], stack.people["employee"]
        async with adapters_for(graph.base_url) as adapters:
            ctx = ScheduleContext(
                adapters.calendar, adapters.directory, azurite_store, SchedulingPolicy(), datetime.now(UTC), "due"
            )
            created = await schedule_pair(ctx, Pair(manager.id, employee.id))
            assert created.status == "created"
            first = await adapters.calendar.find_series(manager.id, azurite_store.query("series")[0].data["series_id"])
            assert first is not None
            start, calendar = first.first_start, adapters.calendar

            far = await find_due_cards(azurite_store, calendar, start - timedelta(days=10), lead_days=3)
            assert far == []
            early = await find_due_cards(azurite_store, calendar, start - timedelta(days=2), lead_days=3)
            assert [(d.kind, d.recipient_id) for d in early] == [(CardKind.PREP, employee.id)]
            eve = await find_due_cards(azurite_store, calendar, start - timedelta(hours=20), lead_days=3)
            assert [(d.kind, d.recipient_id) for d in eve] == [
                (CardKind.PREP, employee.id),
                (CardKind.AGENDA, manager.id),
            ]
            azurite_store.upsert(AGENDAS, employee.id, early[0].occurrence_id, {"prep": "{}"})
            prepared = await find_due_cards(azurite_store, calendar, start - timedelta(days=2), lead_days=3)
            assert [d.kind for d in prepared] == [CardKind.PREP, CardKind.AGENDA]
            after = await find_due_cards(azurite_store, calendar, start + timedelta(hours=3), lead_days=3)
            assert [(d.kind, d.recipient_id) for d in after] == [(CardKind.OUTCOME, manager.id)]

            now = start - timedelta(days=2)
            assert await enqueue_due_cards(azurite_store, calendar, azurite_queues, now, 3) == 2
            results = []
            while messages := azurite_queues.receive(SEND_CARD):
                for message in messages:
                    results.append(await deliver_card(stack.deps, message.body))
                    azurite_queues.complete(SEND_CARD, message)
            assert results == [SendResult.SENT, SendResult.SENT]
            assert await enqueue_due_cards(azurite_store, calendar, azurite_queues, now, 3) == 0  # sent: not again
