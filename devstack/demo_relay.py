"""``python -m devstack.demo_relay --port P --target URL``: a loopback relay from the bot to the Playground's connector.

Why it exists: the Agents SDK 1.9 sets ``activity.id = None`` before every send and serialises with
``exclude_unset``, so a proactive send carries ``"id": null``. The real Bot Connector accepts that;
the Agents Playground's mock connector (0.2.28) validates with ``optional()`` fields and answers
``400 BadArgument`` to any ``null``. The relay drops top-level ``null`` members of JSON bodies and
passes everything else through unchanged. Prints ``ready http://127.0.0.1:P`` once it listens.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
from collections.abc import Callable

from aiohttp import ClientSession, web

HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection"}


def without_nulls(body: bytes) -> bytes:
    """The JSON object minus its top-level ``null`` members; anything else unchanged."""
    try:
        data = json.loads(body)
    except ValueError:
        return body
    if not isinstance(data, dict):
        return body
    return json.dumps({key: value for key, value in data.items() if value is not None}).encode()


def relay_app(url_for: Callable[[str], str], rewrite: Callable[[bytes], bytes]) -> web.Application:
    """Forward every request to ``url_for(path)`` with its body passed through ``rewrite``; answers unchanged."""

    async def relay(request: web.Request) -> web.StreamResponse:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        body = await request.read()
        session: ClientSession = request.app["session"]
        url = url_for(request.match_info["tail"])
        async with session.request(request.method, url, headers=headers, data=rewrite(body) if body else None,
                                   params=request.query) as answer:  # fmt: skip
            payload = await answer.read()
            return web.Response(body=payload, status=answer.status, content_type=answer.content_type)

    async def session_context(app: web.Application):  # type: ignore[no-untyped-def]
        app["session"] = ClientSession()
        yield
        await app["session"].close()

    app = web.Application()
    app.cleanup_ctx.append(session_context)
    app.router.add_route("*", "/{tail:.*}", relay)
    return app


def build_app(target: str) -> web.Application:
    target = target.rstrip("/")
    return relay_app(lambda tail: f"{target}/{tail}", without_nulls)


async def serve_app(app: web.Application, port: int) -> None:
    """Serve ``app`` on 127.0.0.1:``port`` until cancelled; prints ``ready http://127.0.0.1:P`` once it listens."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print(f"ready http://127.0.0.1:{port}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def serve(port: int, target: str) -> None:
    await serve_app(build_app(target), port)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devstack.demo_relay", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--target", required=True, help="e.g. http://127.0.0.1:56150/_connector")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.target))


if __name__ == "__main__":
    main()
