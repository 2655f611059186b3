"""The SDK work-around: a connector client whose first call (create conversation) fails is closed."""

from __future__ import annotations

from typing import Any

import pytest

from shared.adapters.teams.sdk_fixes import ClosesClientOnFailedCreate

pytestmark = pytest.mark.unit


class Throttled(Exception):
    pass


class FakeConversations:
    def __init__(self, fail: bool) -> None:
        self.fail = fail

    async def create_conversation(self, parameters: Any) -> str:
        if self.fail:
            raise Throttled("429")
        return "conversation-1"


class FakeClient:
    def __init__(self, fail: bool) -> None:
        self.conversations = FakeConversations(fail)
        self.closed = 0

    async def close(self) -> None:
        self.closed += 1


class FakeFactory:
    def __init__(self, client: FakeClient) -> None:
        self.client = client
        self.user_tokens = "user-token-client"

    async def create_connector_client(self, *args: Any, **kwargs: Any) -> FakeClient:
        return self.client


async def test_a_refused_create_closes_the_client() -> None:
    client = FakeClient(fail=True)
    created = await ClosesClientOnFailedCreate(FakeFactory(client)).create_connector_client(None)
    with pytest.raises(Throttled):
        await created.conversations.create_conversation({})
    assert client.closed == 1


async def test_a_successful_create_leaves_the_client_to_the_sdk() -> None:
    client = FakeClient(fail=False)
    factory = ClosesClientOnFailedCreate(FakeFactory(client))
    created = await factory.create_connector_client(None)
    assert await created.conversations.create_conversation({}) == "conversation-1"
    assert client.closed == 0
    assert factory.user_tokens == "user-token-client"
