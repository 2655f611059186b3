"""One CardMailer contract suite, run against FakeCardMailer and GraphCardMailer on the Graph emulator.

Both enforce our rules before anything is sent (one plain address, a person's mailbox) and report Graph's refusals
of the sender (404 unknown, 403 outside the application access policy). What arrives is read back from the
recipient's mailbox and parsed with the product's own parser, so the card that went in is the card that came out.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from shared.domain.actionable_email import card_email_html, card_from_html
from shared.ports.mail import CardMailer, RecipientNotAllowed, SenderRefused
from tests.fakes.mail import FakeCardMailer

pytestmark = pytest.mark.contract
ORIGINATOR = "6f0c5d35-6c1f-4c0c-9f0e-0e3b2a9c5e11"  # the emulator's registered local originator


@dataclass
class MailWorld:
    mailer: CardMailer
    sender: str  # the dedicated sender mailbox (user id)
    recipient: str  # a person's address
    other_person: str
    group: str  # a group's address
    unknown: str  # an address in the tenant's domain that nobody has
    deny_sender: Callable[[], None]
    received: Callable[[str], list[str]]  # address -> HTML bodies delivered there


def fake_world() -> MailWorld:
    fake = FakeCardMailer(["ann@x.test", "bob@x.test"], senders=["cards"])
    return MailWorld(
        fake,
        "cards",
        "ann@x.test",
        "bob@x.test",
        "pilot@x.test",
        "nobody@x.test",
        lambda: fake.denied.add("cards"),
        lambda address: [mail.html for mail in fake.received_by(address)],
    )


def graph_world(graph: Any, mailer: CardMailer) -> MailWorld:
    people = [p for p in graph.tenant()["people"] if p["hasMailbox"] and p["accountEnabled"]]
    sender, ann, bob = people[0], people[1], people[2]
    domain = ann["mail"].rpartition("@")[2]

    def deny() -> None:
        httpx.post(f"{graph.root}/_emulator/access-policy", json={"denied": [sender["id"]]}).raise_for_status()

    def received(address: str) -> list[str]:
        owner = next(p["id"] for p in people if p["mail"] == address)
        inbox = httpx.get(f"{graph.root}/_emulator/mail/{owner}/inbox").json()["value"]
        return [str(message["body"]["content"]) for message in inbox]

    return MailWorld(
        mailer, sender["id"], ann["mail"], bob["mail"], f"wegrow-pilot@{domain}", f"nobody@{domain}", deny, received
    )


@pytest.fixture(params=["fake", "graph"])
async def world(request: pytest.FixtureRequest) -> AsyncIterator[MailWorld]:
    if request.param == "fake":
        yield fake_world()
        return
    from shared.adapters.graph.client import aclose_graph_client, build_graph_client
    from shared.adapters.graph.mail import GraphCardMailer
    from shared.config import load_settings
    from tests.contract.test_graph_adapter_support import FAST_POLICY

    graph = request.getfixturevalue("graph")
    settings = load_settings(storage_connection="UseDevelopmentStorage=true", graph_base_url=graph.base_url)
    client = build_graph_client(settings, http_client=httpx.AsyncClient(timeout=30))
    try:
        yield graph_world(graph, GraphCardMailer(client, policy=FAST_POLICY))
    finally:
        await aclose_graph_client(client)


def prep_card(text: str) -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [{"type": "TextBlock", "text": text}],
        "actions": [{"type": "Action.Execute", "verb": "prep.save", "data": {"occurrence": "o-1"}}],
    }


async def test_a_card_sent_by_email_arrives_once_and_parses_back(world: MailWorld) -> None:
    card = prep_card("Your growth agenda </script> <b>is ready</b>")
    html = card_email_html(card, ORIGINATOR, "Open this message in Outlook to fill in your agenda.")
    await world.mailer.send_card_email(world.sender, world.recipient, "Prepare your growth conversation", html)
    (body,) = world.received(world.recipient)
    assert card_from_html(body) == {**card, "originator": ORIGINATOR}
    assert world.received(world.other_person) == []


@pytest.mark.parametrize(
    "recipients",
    [
        "{recipient};{other_person}",
        "{recipient}, {other_person}",
        "Ann <{recipient}>",
        "{group}",
        "{unknown}",
        "not-an-address",
    ],
)
async def test_only_one_persons_address_is_a_recipient(world: MailWorld, recipients: str) -> None:
    address = recipients.format(**vars(world))
    html = card_email_html(prep_card("x"), ORIGINATOR, "")
    with pytest.raises(RecipientNotAllowed):
        await world.mailer.send_card_email(world.sender, address, "Prepare", html)
    assert world.received(world.recipient) == [] and world.received(world.other_person) == []


async def test_a_sender_outside_the_access_policy_is_refused_and_nothing_goes(world: MailWorld) -> None:
    world.deny_sender()
    with pytest.raises(SenderRefused) as refused:
        await world.mailer.send_card_email(world.sender, world.recipient, "Prepare", "<p>x</p>")
    assert refused.value.status == 403
    assert world.received(world.recipient) == []


async def test_an_unknown_sender_mailbox_is_refused(world: MailWorld) -> None:
    with pytest.raises(SenderRefused) as refused:
        await world.mailer.send_card_email("no-such-sender@nowhere.example", world.recipient, "Prepare", "<p>x</p>")
    assert refused.value.status == 404
    assert world.received(world.recipient) == []
