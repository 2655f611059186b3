"""The ``send-card`` queue message as the trigger runs it (``card_queue.handle_send_card``): the card goes out
once, ops hear of it, a message naming nobody who may get it is dropped, a failure is raised for the queue to
retry (and reported as poison on the last attempt), and the run is noted once a quiet minute, not per card."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from shared.adapters.telemetry import in_memory_telemetry
from shared.ports.messenger import ConversationRef
from shared.services.card_queue import handle_send_card
from shared.services.no_slot_cards import SEND_CARD, enqueue_no_slot_cards
from shared.services.runs import last_run
from tests.unit.scheduling_world import NOW, World
from tests.unit.test_no_slot_card import Clock, Messenger, deps, no_slot_world

pytestmark = pytest.mark.unit


class DownMessenger(Messenger):
    async def send_card(self, ref: ConversationRef, card: Mapping[str, Any], message_id: str) -> None:
        raise ConnectionError("the connector is down")


def queued(world: World) -> dict[str, Any]:
    assert enqueue_no_slot_cards(world.store, world.queues, NOW) == 1
    (body,) = world.drain(SEND_CARD)
    return dict(body)


def event_names(exporter: Any) -> list[str]:
    return [str(r.log_record.body).removeprefix("wegrow.") for r in exporter.get_finished_logs()]


async def test_a_card_goes_out_once_and_ops_hear_of_it_once() -> None:
    world, messenger = no_slot_world(), Messenger()
    events, exporter = in_memory_telemetry()
    body = queued(world)
    assert await handle_send_card(world.store, Clock(), lambda: (deps(world, messenger), events), body, 1) == "sent"
    assert (
        await handle_send_card(world.store, Clock(), lambda: (deps(world, messenger), events), body, 2)
        == "already_sent"
    )
    assert len(messenger.sent) == 1
    assert event_names(exporter) == ["card_sent"]
    run = last_run(world.store, "send_card")
    assert run is not None and (run.ok, run.detail) == (True, "sent"), "the second run fell in the quiet minute"


async def test_a_coach_request_outside_the_pool_is_dropped_and_told() -> None:
    world = no_slot_world()
    events, exporter = in_memory_telemetry()
    forged = {"kind": "coach_request", "occurrence_id": "x", "employee_id": "r1", "recipient_upn": "mallory@x.test"}
    assert (
        await handle_send_card(world.store, Clock(), lambda: (deps(world, Messenger()), events), forged, 1)
        == "undeliverable"
    )
    assert event_names(exporter) == ["card_failed"]
    run = last_run(world.store, "send_card")
    assert run is not None and (run.ok, run.detail) == (True, "undeliverable")


@pytest.mark.parametrize(("attempt", "told"), [(1, []), (5, ["poison_message"])])
async def test_a_failure_is_raised_for_the_queue_and_noted(attempt: int, told: list[str]) -> None:
    world = no_slot_world()
    events, exporter = in_memory_telemetry()
    with pytest.raises(ConnectionError):
        await handle_send_card(
            world.store, Clock(), lambda: (deps(world, DownMessenger()), events), queued(world), attempt
        )
    assert event_names(exporter) == told
    run = last_run(world.store, "send_card")
    assert run is not None and (run.ok, run.detail) == (False, "ConnectionError")
