"""Work-arounds for the Microsoft 365 Agents SDK 1.9.0 (pinned in requirements.txt).

``ChannelServiceAdapter.create_conversation`` builds a connector client and calls the connector before it
registers the client's cleanup; when the connector refuses (429, 403, a dropped connection) the client's
aiohttp session is never closed. Every throttled conversation opening leaked one session ("Unclosed client
session"). The factory wrapper below closes the client when that first call fails, and otherwise leaves the
client to the SDK's own cleanup.

``client_factory`` hands the messenger the adapter's factory without that guard: the messenger keeps one
connector client for many requests (``connector_clients``), so a refused call must not close it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any


class ClosesClientOnFailedCreate:
    """Delegates to the SDK's channel service client factory; guards ``conversations.create_conversation``."""

    def __init__(self, factory: Any) -> None:
        self._factory = factory

    def __getattr__(self, name: str) -> Any:
        return getattr(self._factory, name)

    @property
    def wrapped(self) -> Any:
        return self._factory

    async def create_connector_client(self, *args: Any, **kwargs: Any) -> Any:
        client = await self._factory.create_connector_client(*args, **kwargs)
        conversations = client.conversations
        conversations.create_conversation = _closing_on_failure(conversations.create_conversation, client.close)
        return client


def _closing_on_failure(
    call: Callable[..., Awaitable[Any]], close: Callable[[], Awaitable[None]]
) -> Callable[..., Awaitable[Any]]:
    async def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return await call(*args, **kwargs)
        except BaseException:
            await close()
            raise

    return guarded


def client_factory(adapter: Any) -> Any:
    """The adapter's channel service client factory (SDK 1.9.0 keeps it in an underscored attribute), unguarded."""
    factory = adapter._channel_service_client_factory
    return factory.wrapped if isinstance(factory, ClosesClientOnFailedCreate) else factory
