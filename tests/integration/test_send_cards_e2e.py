"""Proactive delivery end to end: Graph emulator (app install), Azurite (cards, conversations), connector emulator.

At-least-once window (documented in docs/bot.md): the ``cards`` row is marked ``sent`` after the
connector accepted the card. A crash in between re-sends it once on the retry. The Bot Connector has
no idempotency key (the SDK even clears ``activity.id``), so WeGrow tags each activity with
``channelData.wegrowCardId`` = the deterministic card id: the duplicate is identifiable, not prevented.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from devstack.connector_emulator.client import ConnectorEmulatorClient
from shared.ports.messenger import ConversationRef
from shared.services.card_delivery import deliver_card
from shared.services.card_records import CardKind, CardStatus, card_id, find_card
from shared.services.send_cards import SendResult
from tests.fixtures.graph import GraphEmulator
from tests.integration.test_send_cards_support import Stack, card_stack, due

pytestmark = pytest.mark.integration


class Crash(RuntimeError):
    pass


@pytest.fixture
async def stack(
    graph: GraphEmulator, azurite_store: Any, connector_emulator: ConnectorEmulatorClient
) -> AsyncIterator[Stack]:
    connector_emulator.configure(strict_conversations=True)
    async with card_stack(graph.base_url, graph.tenant(), azurite_store, connector_emulator) as built:
        yield built


def the_id(body: dict[str, Any]) -> str:
    return card_id(body["occurrence_id"], body["kind"])


async def test_a_card_goes_out_once_across_retries(stack: Stack) -> None:
    body = due(stack, CardKind.PREP)
    assert await deliver_card(stack.deps, body) is SendResult.SENT
    for _ in range(3):  # the queue delivers the same message again
        assert await deliver_card(stack.deps, body) is SendResult.ALREADY_SENT
    sent = stack.sent_for(the_id(body))
    assert len(sent) == 1
    card = sent[0]["activity"]["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["actions"][0]["data"] == {"cardId": the_id(body)}
    record = find_card(stack.deps.store, the_id(body))
    assert record is not None and record.status is CardStatus.SENT
    assert record.recipient_id == stack.people["employee"].id


async def test_crash_before_the_send_sends_once_and_crash_after_it_sends_at_most_twice(stack: Stack) -> None:
    real_send = stack.messenger.send_card

    async def die_before(ref: ConversationRef, card: Any, message_id: str) -> None:
        raise Crash("worker killed before the connector was called")

    async def die_after(ref: ConversationRef, card: Any, message_id: str) -> None:
        await real_send(ref, card, message_id)
        raise Crash("worker killed after the connector accepted, before the row was marked sent")

    before, after = due(stack, CardKind.PREP, "event-a"), due(stack, CardKind.PREP, "event-b")
    for body, dying in ((before, die_before), (after, die_after)):
        stack.messenger.send_card = dying  # type: ignore[method-assign]
        with pytest.raises(Crash):
            await deliver_card(stack.deps, body)
        record = find_card(stack.deps.store, the_id(body))
        assert record is not None and record.status is CardStatus.PENDING
        stack.messenger.send_card = real_send  # type: ignore[method-assign]
        assert await deliver_card(stack.deps, body) is SendResult.SENT
        assert await deliver_card(stack.deps, body) is SendResult.ALREADY_SENT
    assert len(stack.sent_for(the_id(before))) == 1
    duplicates = stack.sent_for(the_id(after))
    assert len(duplicates) == 2  # the documented at-least-once window, identifiable by wegrowCardId
    assert duplicates[0]["conversationId"] == duplicates[1]["conversationId"]


async def test_429_is_backed_off_with_retry_after_and_every_card_arrives(stack: Stack) -> None:
    stack.connector.configure(global_rps=1)
    bodies = [due(stack, CardKind.AGENDA, "event-1"), due(stack, CardKind.OUTCOME, "event-1")]
    for body in bodies:
        assert await deliver_card(stack.deps, body) is SendResult.SENT
    assert stack.connector.log()["throttled"] >= 1
    for body in bodies:
        assert len(stack.sent_for(the_id(body))) == 1
        record = find_card(stack.deps.store, the_id(body))
        assert record is not None and record.status is CardStatus.SENT


async def test_403_is_recorded_as_not_reachable_and_never_retried(stack: Stack) -> None:
    stack.connector.block(user_id=stack.people["employee"].id)
    body = due(stack, CardKind.PREP)
    assert await deliver_card(stack.deps, body) is SendResult.UNREACHABLE
    record = find_card(stack.deps.store, the_id(body))
    assert record is not None and record.status is CardStatus.UNREACHABLE
    received = stack.connector.log()["received"]
    assert await deliver_card(stack.deps, body) is SendResult.UNREACHABLE
    assert stack.connector.log()["received"] == received  # the retry did not call the connector
    assert stack.sent_for(the_id(body)) == []


async def test_stale_conversation_is_reinstalled_and_the_card_sent_again(stack: Stack) -> None:
    manager = stack.people["manager"]
    first = due(stack, CardKind.AGENDA)
    assert await deliver_card(stack.deps, first) is SendResult.SENT
    ref = stack.messenger.stored_reference(manager.id)
    assert ref is not None and stack.installer.installs == [manager.id]
    stack.connector.forget(ref.conversation_id)
    stack.deps.store.upsert("conversations", manager.id, "teams", {
        "conversation_id": "a:gone-stale", "service_url": ref.service_url, "tenant_id": ref.tenant_id,
    })  # fmt: skip
    second = due(stack, CardKind.OUTCOME)
    assert await deliver_card(stack.deps, second) is SendResult.SENT
    assert stack.installer.installs == [manager.id, manager.id]  # reinstalled (Graph answered 409: fine)
    renewed = stack.messenger.stored_reference(manager.id)
    assert renewed is not None and renewed.conversation_id != "a:gone-stale"
    sent = stack.sent_for(the_id(second))
    assert [s["conversationId"] for s in sent] == [renewed.conversation_id]
    assert stack.connector.log()["not_found"] == 1


async def test_coach_request_goes_to_the_coach_pool_only(
    graph: GraphEmulator, azurite_store: Any, azurite_queues: Any, connector_emulator: ConnectorEmulatorClient
) -> None:
    from shared.adapters.teams.bot_messages import SEND_CARD_QUEUE, BotServices, _talk_to_coach
    from shared.config import load_settings
    from shared.services.card_delivery import Undeliverable

    tenant = graph.tenant()
    async with card_stack(graph.base_url, tenant, azurite_store, connector_emulator) as probe:
        coaches = [probe.people["other0"], probe.people["other1"]]
        manager, employee = probe.people["manager"], probe.people["employee"]
    pool = (*(c.upn for c in coaches), manager.upn)
    async with card_stack(graph.base_url, tenant, azurite_store, connector_emulator, coach_upns=pool) as stack:
        settings = load_settings(storage_connection="UseDevelopmentStorage=true", coach_pool=",".join(pool))
        services = BotServices(azurite_store, azurite_queues, stack.deps.clock, settings)
        _talk_to_coach(services, employee.id)
        results, refused = [], 0
        while messages := azurite_queues.receive(SEND_CARD_QUEUE):
            for message in messages:
                try:
                    results.append(await deliver_card(stack.deps, message.body))
                except Undeliverable:
                    refused += 1
                azurite_queues.complete(SEND_CARD_QUEUE, message)
        assert results == [SendResult.SENT, SendResult.SENT] and refused == 1  # the manager's UPN is refused
        conversations = {stack.messenger.stored_reference(c.id) for c in coaches}
        sent = connector_emulator.sent()
        assert {s["conversationId"] for s in sent} == {ref.conversation_id for ref in conversations if ref}
        assert stack.messenger.stored_reference(manager.id) is None
        assert sorted(stack.installer.installs) == sorted(c.id for c in coaches)
