"""A card posted through the SDK connector client: the same JSON text as the SDK makes from the whole activity.

The messenger hands ``send_to_conversation`` a ``CardActivity`` (the card is put in after the SDK's dump, not
walked by pydantic); what aiohttp would write (``json.dumps`` of the ``json=`` value) must equal what it wrote when
the SDK dumped the activity holding the card.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core import CardFactory, MessageFactory
from microsoft_agents.hosting.core.connector.client.connector_client import ConnectorClient

from shared.adapters.cards.renderer import TEMPLATE_DIR, render_card
from shared.adapters.teams.messenger import TeamsMessenger
from shared.ports.messenger import ConversationRef
from tests.fakes.storage import InMemoryStore

pytestmark = pytest.mark.unit

SERVICE_URL = "https://smba.trafficmanager.net/teams/"
REF = ConversationRef("u1", "a:conversation-1", SERVICE_URL, "tenant-1")


class Answer:
    status = 201

    async def text(self, encoding: str = "utf-8") -> str:
        return '{"id": "1"}'


class Session:
    """Stands in for the aiohttp session: keeps each post's ``json=`` value, answers 201."""

    def __init__(self) -> None:
        self.headers: dict[str, str] = {}
        self.posted: list[Any] = []

    def post(self, url: str, **options: Any) -> Any:
        self.posted.append(options["json"])
        return _answer()


@asynccontextmanager
async def _answer() -> AsyncIterator[Answer]:
    yield Answer()


class Connectors:
    def __init__(self, session: Session) -> None:
        self.sdk_client = ConnectorClient(SERVICE_URL, "", session=session)  # type: ignore[arg-type]

    @asynccontextmanager
    async def client(self, service_url: str) -> AsyncIterator[Any]:
        yield self.sdk_client

    def discard(self, service_url: str) -> None:
        return None


def messenger(session: Session) -> TeamsMessenger:
    return TeamsMessenger(
        adapter=None,  # type: ignore[arg-type]  # not used: the connector clients are given
        installer=None,  # type: ignore[arg-type]
        store=InMemoryStore(),
        bot_app_id="bot",
        service_url=SERVICE_URL,
        connectors=Connectors(session),  # type: ignore[arg-type]
    )


def whole_activity(messenger: TeamsMessenger, card: dict[str, Any], message_id: str) -> Activity:
    """The activity as the messenger built it before, the card inside: what the SDK dumped then."""
    activity: Activity = MessageFactory.attachment(CardFactory.adaptive_card(dict(card)))
    activity.channel_data = {"wegrowCardId": message_id}
    activity.apply_conversation_reference(messenger._reference(REF))
    activity.input_hint = "acceptingInput"
    activity.id = None
    return activity


async def posted_text(card: dict[str, Any]) -> tuple[str, str]:
    """(the text posted now, the text the SDK made from the whole activity)."""
    session = Session()
    sender = messenger(session)
    await sender.send_card(REF, card, "card-1")
    before = whole_activity(sender, card, "card-1").model_dump(by_alias=True, exclude_unset=True, mode="json")
    return json.dumps(session.posted[0]), json.dumps(before)


def sample_cards() -> Iterator[tuple[str, dict[str, Any]]]:
    for data_file in sorted(Path(TEMPLATE_DIR).glob("*.data.json")):
        name = data_file.name.removesuffix(".data.json")
        yield name, render_card(name, json.loads(data_file.read_text(encoding="utf-8")))


@pytest.mark.parametrize(("name", "card"), list(sample_cards()))
async def test_every_template_card_goes_out_as_the_sdk_wrote_it(name: str, card: dict[str, Any]) -> None:
    now, before = await posted_text(card)
    assert now == before
    assert json.loads(now)["attachments"][0]["content"] == card


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@given(body=st.dictionaries(st.text(max_size=8), json_values, max_size=6))
@settings(max_examples=60)
async def test_any_json_card_goes_out_as_the_sdk_wrote_it(body: dict[str, Any]) -> None:
    now, before = await posted_text({"type": "AdaptiveCard", "version": "1.5", **body})
    assert now == before
