"""Cards by Outlook actionable email, end to end on the emulators, and Outlook's card actions at the bot endpoint.

Delivery: a person whose channel is email gets the prep card once, from the sender mailbox, with the provider's
originator; the card parses back out of the delivered mail. Someone Teams cannot reach gets email instead.
Actions: an ``adaptiveCard/action`` invoke in the Outlook channel's shape completes the prep with the same
recipient check as Teams; a forged one (another user), a message, or another tenant is refused.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from devstack.connector_emulator.client import ConnectorEmulatorClient
from devstack.graph_emulator.mail_cards import LOCAL_ORIGINATOR
from shared.adapters.cards.renderer import TEMPLATE_DIR
from shared.adapters.cards.validate import schema_problems
from shared.adapters.graph.client import aclose_graph_client, build_graph_client
from shared.adapters.graph.mail import GraphCardMailer
from shared.config import load_settings
from shared.container import Container
from shared.container.cards import render_kind
from shared.domain.actionable_email import card_email_html, card_from_html
from shared.domain.card_channel import Channel
from shared.services.agenda_store import load_agenda
from shared.services.card_channels import DELIVERY, ROW, UNREACHABLE
from shared.services.card_delivery import deliver_card
from shared.services.card_email import EmailSender
from shared.services.card_records import CardKind, CardStatus, card_id, find_card
from shared.services.send_cards import SendResult
from tests.contract.test_graph_adapter_support import FAST_POLICY
from tests.fixtures.graph import GraphEmulator
from tests.fixtures.jwks import TENANT_ID, KeyServer
from tests.integration.test_bot_endpoint import ADA, GRACE, action, card_text, post, sent_card
from tests.integration.test_bot_endpoint import env as env
from tests.integration.test_send_cards_support import Stack, card_stack, due

pytestmark = pytest.mark.integration
OTHER_TENANT = "11111111-1111-1111-1111-111111111111"


@pytest.fixture
async def stack(
    graph: GraphEmulator, azurite_store: Any, connector_emulator: ConnectorEmulatorClient
) -> AsyncIterator[tuple[Stack, GraphEmulator]]:
    """The card stack with an email sender: a mailbox of the tenant that is none of the card's people."""
    async with card_stack(graph.base_url, graph.tenant(), azurite_store, connector_emulator) as built:
        people = [p for p in graph.tenant()["people"] if p["hasMailbox"] and p["accountEnabled"]]
        chosen = {p.id for p in built.people.values()}
        sender = next(p for p in people if p["id"] not in chosen)
        settings = load_settings(storage_connection="UseDevelopmentStorage=true", graph_base_url=graph.base_url)
        client = build_graph_client(settings, http_client=httpx.AsyncClient(timeout=30))
        email = EmailSender(GraphCardMailer(client, policy=FAST_POLICY), sender["userPrincipalName"], LOCAL_ORIGINATOR)
        try:
            yield replace(built, deps=replace(built.deps, email=email)), graph
        finally:
            await aclose_graph_client(client)


def delivered(graph: GraphEmulator, user_id: str) -> list[dict[str, Any]]:
    return list(httpx.get(f"{graph.root}/_emulator/mail/{user_id}/inbox").json()["value"])


async def test_a_prep_card_goes_by_email_once_and_parses_back(stack: tuple[Stack, GraphEmulator]) -> None:
    built, graph = stack
    employee = built.people["employee"]
    deps = replace(built.deps, channel_of=lambda _: Channel.EMAIL)
    body = due(built, CardKind.PREP)
    assert await deliver_card(deps, body) is SendResult.SENT
    assert await deliver_card(deps, body) is SendResult.ALREADY_SENT
    inbox = delivered(graph, employee.id)
    assert len(inbox) == 1
    card = card_from_html(inbox[0]["body"]["content"])
    assert card is not None and card["originator"] == LOCAL_ORIGINATOR and card["version"] >= "1.4"
    assert schema_problems({k: v for k, v in card.items() if k != "originator"}) == []
    cid = card_id(body["occurrence_id"], CardKind.PREP)
    assert any(a.get("data") == {"cardId": cid} for a in card["actions"])
    assert not built.sent_for(cid)  # nothing went to Teams
    record = find_card(deps.store, cid)
    assert record is not None and record.status is CardStatus.SENT
    assert record.record is not None and record.record.data["channel"] == "email"


async def test_someone_teams_cannot_reach_gets_the_card_by_email(stack: tuple[Stack, GraphEmulator]) -> None:
    built, graph = stack
    employee = built.people["employee"]
    built.connector.block(user_id=employee.id)
    body = due(built, CardKind.PREP, event_id="event-blocked")
    assert await deliver_card(built.deps, body) is SendResult.SENT
    assert len(delivered(graph, employee.id)) == 1
    mark = built.deps.store.find(DELIVERY, employee.id, ROW)
    assert mark is not None and mark.data[UNREACHABLE]


# ------------------------------------------------------------------ Outlook's card actions at the bot endpoint


def outlook(invoke: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """An invoke as the Outlook channel sends it: no personal chat, the tenant on the conversation."""
    shaped = {**invoke, "channelId": "outlook"}
    shaped["conversation"] = {"id": f"outlook:{invoke['from']['aadObjectId']}", "tenantId": TENANT_ID}
    shaped.pop("channelData", None)
    return shaped | changes


def card_in_an_email(cid: str) -> dict[str, Any]:
    data = json.loads((TEMPLATE_DIR / "employee-prep.data.json").read_text(encoding="utf-8"))
    html = card_email_html(render_kind(CardKind.PREP, {**data, "cardId": cid}), LOCAL_ORIGINATOR, "open in Outlook")
    card = card_from_html(html)
    assert card is not None
    return card


async def test_an_outlook_action_completes_the_prep_for_its_recipient_only(
    env: Container,
    bot_jwks: KeyServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bot_jwks, "endorsements", ["msteams", "outlook"])
    cid = sent_card(env, CardKind.PREP, ADA)
    submit = next(a for a in card_in_an_email(cid)["actions"] if a.get("verb") == "prep.submit")
    data = {**submit["data"], "newMicroNeed": "Pairing with SRE", "wantsCoach": "false"}
    forged = await post(outlook(action(GRACE, "prep.submit", data)), bot_jwks.header())
    assert "sent to someone else" in card_text(forged)
    assert load_agenda(env.store, ADA).items == ()
    answered = await post(outlook(action(ADA, "prep.submit", data)), bot_jwks.header())
    assert answered.status_code == 200 and "Saved" in card_text(answered)
    assert [i.text for i in load_agenda(env.store, ADA).items] == ["Pairing with SRE"]
    stored = find_card(env.store, cid)
    assert stored is not None and stored.status is CardStatus.SUBMITTED


@pytest.mark.parametrize(
    "change",
    [
        {"type": "message", "text": "help"},  # Outlook carries card actions only
        {"conversation": {"id": "outlook:x", "tenantId": OTHER_TENANT}},
        {"conversation": {"id": "outlook:x"}},  # no tenant stated at all
    ],
)
async def test_anything_else_from_outlook_is_refused(
    env: Container,
    bot_jwks: KeyServer,
    change: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bot_jwks, "endorsements", ["msteams", "outlook"])
    cid = sent_card(env, CardKind.PREP, ADA)
    invoke = outlook(action(ADA, "prep.submit", {"cardId": cid, "newMicroNeed": "x"}), **change)
    response = await post(invoke, bot_jwks.header())
    assert response.status_code == 403
    assert load_agenda(env.store, ADA).items == ()


async def test_a_key_that_does_not_endorse_outlook_is_refused(env: Container, bot_jwks: KeyServer) -> None:
    cid = sent_card(env, CardKind.PREP, ADA)
    invoke = outlook(action(ADA, "prep.submit", {"cardId": cid, "newMicroNeed": "x"}))
    assert (await post(invoke, bot_jwks.header())).status_code == 403
