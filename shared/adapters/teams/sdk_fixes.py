"""Work-arounds for the Microsoft 365 Agents SDK 1.9.0 (pinned in requirements.txt).

``ChannelServiceAdapter.create_conversation`` builds a connector client and calls the connector before it
registers the client's cleanup; when the connector refuses (429, 403, a dropped connection) the client's
aiohttp session is never closed. Every throttled conversation opening leaked one session ("Unclosed client
session"). The factory wrapper below closes the client when that first call fails, and otherwise leaves the
client to the SDK's own cleanup.

``client_factory`` hands the messenger the adapter's factory without that guard: the messenger keeps one
connector client for many requests (``connector_clients``), so a refused call must not close it.

Every turn also builds a connector client and a user-token client (each an aiohttp session, the connector's after
a token) before any handler runs, and closes them after: about 1 ms of CPU per card action (issue 20), whose
answer goes back in the HTTP response and needs neither. The wrapper hands the SDK ``Deferred`` clients: the SDK's
own client, built with the same arguments on the first call made through it (a chat reply, an OAuth step), and
closed by the SDK's cleanup only if it was built.

``send_to_conversation`` posts ``activity.model_dump(by_alias=True, exclude_unset=True, mode="json")`` as aiohttp's
``json=``, which aiohttp turns into text with ``json.dumps``: the card was walked twice, once by pydantic into a copy
and once by ``json.dumps``. The messenger hands the SDK a :class:`CardActivity` instead: the activity dumped with an
empty card, the card then put in as it is, so only ``json.dumps`` walks it and the same text goes on the wire (a send
of the 5 KB prep card: 1.7 to 1.4 ms of CPU on a loaded machine, issue 20).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
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
        return Deferred(partial(self._guarded_connector_client, *args, **kwargs))

    async def create_user_token_client(self, *args: Any, **kwargs: Any) -> Any:
        return Deferred(partial(self._factory.create_user_token_client, *args, **kwargs))

    async def _guarded_connector_client(self, *args: Any, **kwargs: Any) -> Any:
        client = await self._factory.create_connector_client(*args, **kwargs)
        conversations = client.conversations
        conversations.create_conversation = _closing_on_failure(conversations.create_conversation, client.close)
        return client


class Deferred:
    """An SDK client built on the first call made through it: ``await deferred.conversations.send_to_conversation(...)``
    builds the client (once, for concurrent callers too), then calls ``client.conversations.send_to_conversation``.

    Only calls are deferred (every use of these clients in SDK 1.9.0 is an awaited method call); ``close`` closes the
    client if it was built.
    """

    def __init__(self, create: Callable[[], Awaitable[Any]]) -> None:
        self._create = create
        self._built: asyncio.Future[Any] | None = None

    @property
    def built(self) -> bool:
        return self._built is not None

    async def client(self) -> Any:
        if self._built is None:
            self._built = asyncio.ensure_future(self._create())
        return await self._built

    async def close(self) -> None:
        if self._built is None:
            return
        try:
            client = await self._built
        except Exception:
            return  # building it failed: the caller got that error, there is nothing to close
        await client.close()

    def __getattr__(self, name: str) -> _Call:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Call(self, (name,))


class _Call:
    """A path of attributes on a deferred client, called once the client is built."""

    def __init__(self, deferred: Deferred, path: tuple[str, ...]) -> None:
        self._deferred, self._path = deferred, path

    def __getattr__(self, name: str) -> _Call:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Call(self._deferred, (*self._path, name))

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        target = await self._deferred.client()
        for name in self._path:
            target = getattr(target, name)
        return await target(*args, **kwargs)


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


class CardActivity:
    """``activity`` (one attachment, its content an empty card) with ``card`` put in when the SDK dumps it.

    Reads as the activity for everything else ``send_to_conversation`` looks at (id, type, channel, entities).
    ``card`` is the renderer's plain JSON data, which pydantic's JSON mode would copy as it is: what is posted is
    the SDK's own dump.
    """

    def __init__(self, activity: Any, card: dict[str, Any]) -> None:
        self._activity = activity
        self._card = card

    def __getattr__(self, name: str) -> Any:
        return getattr(self._activity, name)

    def model_dump(self, **options: Any) -> dict[str, Any]:
        dumped: dict[str, Any] = self._activity.model_dump(**options)
        dumped["attachments"][0]["content"] = self._card
        return dumped


def client_factory(adapter: Any) -> Any:
    """The adapter's channel service client factory (SDK 1.9.0 keeps it in an underscored attribute), unguarded."""
    factory = adapter._channel_service_client_factory
    return factory.wrapped if isinstance(factory, ClosesClientOnFailedCreate) else factory
