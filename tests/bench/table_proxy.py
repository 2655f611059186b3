"""A counting HTTP proxy in front of Azurite's table service: Table round trips per card action, as requests.

It runs on its own event loop in a thread of the bench process and forwards each request unchanged (Shared Key
signs the path, not the host, so only the port in the connection string differs). Used only to count: the load
figures come from a host that talks to Azurite directly.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from devstack.azurite import free_port

_HOP = frozenset({"host", "content-length", "transfer-encoding", "connection", "keep-alive"})


@dataclass
class TableProxy:
    upstream: str  # http://127.0.0.1:PORT
    port: int = field(default_factory=free_port)
    counts: Counter[str] = field(default_factory=Counter)
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def total(self) -> int:
        return sum(self.counts.values())

    def start(self) -> TableProxy:
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, args=(ready,), daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the table proxy did not start")
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        if not self._thread.is_alive():
            self._loop.close()  # an unclosed loop is a ResourceWarning, an error under the test suite's settings

    def _serve(self, ready: threading.Event) -> None:
        assert self._loop is not None
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._open())
        ready.set()
        self._loop.run_forever()

    async def _open(self) -> None:
        session = aiohttp.ClientSession(auto_decompress=False)

        async def forward(request: web.Request) -> web.Response:
            self.counts[f"{request.method} {request.path.split('(')[0]}"] += 1
            headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP}
            async with session.request(
                request.method, self.upstream + str(request.rel_url), headers=headers, data=await request.read(),
                skip_auto_headers=("User-Agent", "Accept-Encoding", "Content-Type"),
            ) as answer:  # fmt: skip
                body = await answer.read()
                kept = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP}
                return web.Response(status=answer.status, body=body, headers=kept)

        async def close_session(_: web.Application) -> None:
            await session.close()

        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", forward)
        app.on_cleanup.append(close_session)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
