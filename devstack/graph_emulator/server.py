"""Running the emulator: in a background thread (in-process use) or as the CLI's foreground server."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from devstack.graph_emulator.app import build_app
from devstack.graph_emulator.state import STATE_KEY, EmulatorState


@dataclass
class RunningEmulator:
    """An emulator serving on a background thread; `stop()` shuts it down."""

    host: str
    port: int
    app: web.Application
    _loop: asyncio.AbstractEventLoop
    _thread: threading.Thread
    _runner: web.AppRunner
    _stopped: bool = field(default=False)

    @property
    def root(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root}/v1.0"

    @property
    def state(self) -> EmulatorState:
        return self.app[STATE_KEY]

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)


async def start_site(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    server = site._server
    sockets = getattr(server, "sockets", None) or []
    bound = sockets[0].getsockname()[1] if sockets else port
    return runner, int(bound)


def serve_in_thread(host: str = "127.0.0.1", port: int = 0, **app_kwargs: Any) -> RunningEmulator:
    """Build the app (same keywords as build_app) and serve it on a daemon thread; port 0 picks a free one."""
    app = build_app(**app_kwargs)
    loop = asyncio.new_event_loop()
    started = threading.Event()
    result: dict[str, Any] = {}

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            result["runner"], result["port"] = loop.run_until_complete(start_site(app, host, port))
        except BaseException as exc:  # report start failures to the caller's thread
            result["error"] = exc
            started.set()
            return
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="graph-emulator", daemon=True)
    thread.start()
    started.wait(timeout=30)
    if "error" in result:
        raise RuntimeError(f"graph emulator did not start: {result['error']}") from result["error"]
    return RunningEmulator(host, result["port"], app, loop, thread, result["runner"])
