"""Opening a conversation: a 429 is retried after its Retry-After (5 attempts in all), a 403 is not retried."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp import ClientResponseError, RequestInfo
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from shared.adapters.teams.messenger import OPEN_ATTEMPTS, TeamsMessenger
from shared.ports.messenger import Recipient, RecipientUnreachable, Throttled
from tests.fakes.storage import InMemoryStore

pytestmark = pytest.mark.unit

SERVICE_URL = "https://smba.trafficmanager.net/teams/"


def refused(status: int) -> ClientResponseError:
    url = URL(SERVICE_URL + "v3/conversations")
    info = RequestInfo(url, "POST", CIMultiDictProxy(CIMultiDict()), url)
    return ClientResponseError(info, (), status=status, headers=CIMultiDictProxy(CIMultiDict({"Retry-After": "0"})))


class Connector:
    """Answers ``create_conversation`` with the given statuses first, then with a conversation id."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.opened = 0
        self.conversations = self

    async def create_conversation(self, params: Any) -> Any:
        self.opened += 1
        if self.statuses:
            raise refused(self.statuses.pop(0))
        return SimpleNamespace(id="a:conversation-1")

    @asynccontextmanager
    async def client(self, service_url: str) -> AsyncIterator[Any]:
        yield self

    def discard(self, service_url: str) -> None:
        return None


class Installer:
    async def install(self, user_id: str) -> None:
        return None


def messenger(connector: Connector) -> TeamsMessenger:
    return TeamsMessenger(
        adapter=None,  # type: ignore[arg-type]  # not used: the connector clients are given
        installer=Installer(),
        store=InMemoryStore(),
        bot_app_id="bot",
        service_url=SERVICE_URL,
        connectors=connector,  # type: ignore[arg-type]
    )


async def test_a_throttled_opening_is_tried_again_until_it_opens() -> None:
    connector = Connector([429, 429])
    ref = await messenger(connector).ensure_conversation(Recipient("u1", "u1@x.com"))
    assert (ref.conversation_id, connector.opened) == ("a:conversation-1", 3)


async def test_an_opening_throttled_every_time_gives_up_after_the_last_attempt() -> None:
    connector = Connector([429] * (OPEN_ATTEMPTS + 2))
    with pytest.raises(Throttled):
        await messenger(connector).ensure_conversation(Recipient("u1", "u1@x.com"))
    assert connector.opened == OPEN_ATTEMPTS


async def test_a_blocked_bot_is_unreachable_at_once() -> None:
    connector = Connector([403])
    with pytest.raises(RecipientUnreachable):
        await messenger(connector).ensure_conversation(Recipient("u1", "u1@x.com"))
    assert connector.opened == 1
