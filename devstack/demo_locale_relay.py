"""``python -m devstack.demo_locale_relay --port P --target URL --locale TAG``: the Playground's activities in a locale.

Why it exists: the Agents Playground (0.2.28) writes ``"locale": "en-US"`` into every message and invoke it
posts to the bot, whatever its own or the browser's locale (Teams sends the user's client locale). This relay
sits between the Playground and the bot's ``/api/messages`` and sets the activity's ``locale`` and its
``clientInfo`` entity's locale to TAG, so a browser test can be a German (or Japanese) Teams user. Everything else
passes through unchanged, answers included. Prints ``ready http://127.0.0.1:P`` once it listens.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
from typing import Any

from aiohttp import ClientSession, web

from devstack.demo_relay import HOP_HEADERS


def in_locale(body: bytes, tag: str) -> bytes:
    """The activity with ``locale`` (top level and clientInfo entities) set to ``tag``; anything else unchanged."""
    try:
        activity = json.loads(body)
    except ValueError:
        return body
    if not isinstance(activity, dict):
        return body
    entities = [_entity_in_locale(e, tag) for e in activity.get("entities") or []]
    return json.dumps({**activity, "locale": tag, **({"entities": entities} if entities else {})}).encode()


def _entity_in_locale(entity: Any, tag: str) -> Any:
    if isinstance(entity, dict) and entity.get("type") == "clientInfo":
        return {**entity, "locale": tag}
    return entity


def build_app(target: str, tag: str) -> web.Application:
    async def relay(request: web.Request) -> web.StreamResponse:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        body = await request.read()
        session: ClientSession = request.app["session"]
        async with session.request(request.method, target, headers=headers, data=in_locale(body, tag) if body else None,
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


async def serve(port: int, target: str, tag: str) -> None:
    runner = web.AppRunner(build_app(target, tag), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print(f"ready http://127.0.0.1:{port}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devstack.demo_locale_relay", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--target", required=True, help="the bot endpoint, e.g. http://127.0.0.1:7071/api/messages")
    parser.add_argument("--locale", required=True, help="a BCP 47 tag, e.g. de-DE")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.target, args.locale))


if __name__ == "__main__":
    main()
