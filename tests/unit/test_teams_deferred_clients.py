"""The turn's SDK clients are built on their first call only (shared.adapters.teams.sdk_fixes.Deferred)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from shared.adapters.teams.sdk_fixes import ClosesClientOnFailedCreate, Deferred

pytestmark = pytest.mark.unit


class Conversations:
    def __init__(self) -> None:
        self.sent: list[Any] = []

    async def send_to_conversation(self, conversation: str, activity: Any) -> str:
        self.sent.append((conversation, activity))
        return "id-1"

    async def create_conversation(self, parameters: Any) -> str:
        return "a:1"


class Client:
    def __init__(self) -> None:
        self.conversations = Conversations()
        self.closed = 0

    async def get_user_token(self, user: str) -> str:
        return f"token-of-{user}"

    async def close(self) -> None:
        self.closed += 1


class Factory:
    def __init__(self) -> None:
        self.built: list[tuple[str, tuple[Any, ...]]] = []
        self.clients: list[Client] = []

    async def _build(self, kind: str, args: tuple[Any, ...]) -> Client:
        await asyncio.sleep(0)  # a concurrent first call must not build a second client
        self.built.append((kind, args))
        self.clients.append(Client())
        return self.clients[-1]

    async def create_connector_client(self, *args: Any) -> Client:
        return await self._build("connector", args)

    async def create_user_token_client(self, *args: Any) -> Client:
        return await self._build("user-token", args)


async def test_a_turn_that_sends_nothing_builds_and_closes_nothing() -> None:
    factory = Factory()
    wrapped = ClosesClientOnFailedCreate(factory)
    connector = await wrapped.create_connector_client("context", "claims", "https://service/")
    tokens = await wrapped.create_user_token_client("context", "claims", False)
    await connector.close()
    await tokens.close()
    assert factory.built == []


async def test_the_first_call_builds_the_client_once_with_the_turns_arguments() -> None:
    factory = Factory()
    wrapped = ClosesClientOnFailedCreate(factory)
    connector = await wrapped.create_connector_client("context", "claims", "https://service/")
    sent = await asyncio.gather(*(connector.conversations.send_to_conversation("a:1", n) for n in range(3)))
    assert sent == ["id-1"] * 3
    assert factory.built == [("connector", ("context", "claims", "https://service/"))]
    assert factory.clients[0].conversations.sent == [("a:1", 0), ("a:1", 1), ("a:1", 2)]
    await connector.close()
    assert factory.clients[0].closed == 1


async def test_a_method_of_the_client_itself_is_called_too() -> None:
    factory = Factory()
    tokens = await ClosesClientOnFailedCreate(factory).create_user_token_client("context")
    assert await tokens.get_user_token("ada") == "token-of-ada"
    assert factory.built == [("user-token", ("context",))]


async def test_a_client_that_could_not_be_built_fails_its_call_and_closes_quietly() -> None:
    async def refused() -> Any:
        raise ConnectionError("no token")

    deferred = Deferred(refused)
    with pytest.raises(ConnectionError):
        await deferred.conversations.send_to_conversation("a:1", {})
    await deferred.close()
    assert deferred.built
