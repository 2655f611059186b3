"""One Agents SDK connector client per connector URL, shared by the sends and conversation openings in flight.

The SDK's ``continue_conversation`` builds a connector client (a new aiohttp session, a token from the
connection's provider, the SDK version read through ``importlib.metadata``), a user-token client, a TurnContext
and its middleware for every proactive message, and closes them after it: most of a later card's CPU. Here the
client comes from the same SDK factory with the same claims, audience and token provider, and is kept:

- while sends keep coming: a keeper task closes it once it has been idle for ``linger`` seconds, and when the
  event loop shuts down (``asyncio.run`` and pytest cancel pending tasks), so no session is left unclosed;
- for at most ``max_age`` seconds, so its bearer token is never stale: MSAL hands out a cached token only while
  it has more than 5 minutes left, so a client younger than 4 minutes always carries a valid one. An older
  client is retired (closed once its last request is answered) and the next use gets a new one;
- until the connector answers 401 (``discard``), so a revoked token is fetched again on the next try.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

MAX_AGE_SECONDS = 240.0  # under MSAL's 5-minute refresh margin: a client's token is always valid
LINGER_SECONDS = 5.0  # an idle client is closed after this long


@dataclass
class _Lease:
    client: Any
    created: float
    last_used: float
    users: int = 0
    retired: bool = False
    keeper: asyncio.Task[None] | None = field(default=None, repr=False)


class ConnectorClients:
    """Connector clients from ``factory`` (``create_connector_client``), one per service URL and event loop."""

    def __init__(
        self,
        factory: Any,
        claims: Any,
        *,
        max_age: float = MAX_AGE_SECONDS,
        linger: float = LINGER_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._factory = factory
        self._claims = claims
        self._max_age = max_age
        self._linger = linger
        self._clock = clock
        self._loop: asyncio.AbstractEventLoop | None = None
        self._leases: dict[str, _Lease] = {}
        self._creating: dict[str, asyncio.Lock] = {}

    @asynccontextmanager
    async def client(self, service_url: str) -> AsyncIterator[Any]:
        """The SDK connector client for ``service_url``, held for one request."""
        lease = await self._lease(service_url)
        lease.users += 1
        try:
            yield lease.client
        finally:
            lease.users -= 1
            lease.last_used = self._clock()

    def discard(self, service_url: str) -> None:
        """Stop handing out the current client for ``service_url`` (e.g. its token was refused)."""
        lease = self._leases.pop(service_url, None)
        if lease is not None:
            lease.retired = True

    async def aclose(self) -> None:
        """Close every client now (the keepers would close them once idle)."""
        leases = list(self._leases.values())
        self._leases.clear()
        for lease in leases:
            lease.retired = True
            if lease.keeper is not None:
                lease.keeper.cancel()
                with suppress(asyncio.CancelledError):
                    await lease.keeper

    async def _lease(self, service_url: str) -> _Lease:
        self._forget_other_loops()
        lease = self._current(service_url)
        if lease is not None:
            return lease
        async with self._creating.setdefault(service_url, asyncio.Lock()):
            return self._current(service_url) or await self._create(service_url)

    def _current(self, service_url: str) -> _Lease | None:
        lease = self._leases.get(service_url)
        if lease is not None and self._clock() - lease.created >= self._max_age:
            self.discard(service_url)
            return None
        return lease

    async def _create(self, service_url: str) -> _Lease:
        claims = self._claims
        client = await self._factory.create_connector_client(
            None, claims, service_url, claims.get_token_audience(), use_anonymous=claims.allow_anonymous
        )
        now = self._clock()
        lease = _Lease(client, now, now)
        lease.keeper = asyncio.get_running_loop().create_task(self._keep(service_url, lease))
        self._leases[service_url] = lease
        return lease

    async def _keep(self, service_url: str, lease: _Lease) -> None:
        """Close ``lease``'s client once it is idle (or retired and idle), or when the loop shuts down."""
        try:
            closing = False
            while not closing:
                await asyncio.sleep(self._linger)  # a periodic check: uses come and go without notifying
                closing = self._may_close(lease)
        finally:
            if self._leases.get(service_url) is lease:
                del self._leases[service_url]
            await lease.client.close()

    def _may_close(self, lease: _Lease) -> bool:
        return not lease.users and (lease.retired or self._clock() - lease.last_used >= self._linger)

    def _forget_other_loops(self) -> None:
        """Clients belong to the loop that made them; a new loop (a new ``asyncio.run``) starts afresh."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._loop = loop
            self._leases = {}
            self._creating = {}
