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


def test_the_bot_signs_in_as_the_managed_identity_when_there_is_no_secret() -> None:
    """Azure: one user-assigned identity for Graph and the bot, no client secret (infra/modules/bot.bicep)."""
    from microsoft_agents.authentication.msal import MsalConnectionManager
    from microsoft_agents.hosting.core import AuthTypes

    from shared.adapters.teams.agent import connection_manager
    from shared.config import load_settings

    identity = "11111111-2222-4333-8444-555555555555"
    settings = load_settings(storage_connection="UseDevelopmentStorage=true", managed_identity_client_id=identity)
    manager = connection_manager(settings)
    assert isinstance(manager, MsalConnectionManager)
    config = manager.get_default_connection_configuration()
    auth_type, client_id = config.AUTH_TYPE, config.CLIENT_ID
    assert auth_type is AuthTypes.user_managed_identity and client_id == identity
    local = connection_manager(load_settings(storage_connection="UseDevelopmentStorage=true"))
    assert not isinstance(local, MsalConnectionManager)
