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

from aiohttp import web

from devstack.demo_relay import relay_app, serve_app


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
    return relay_app(lambda _path: target, lambda body: in_locale(body, tag))


async def serve(port: int, target: str, tag: str) -> None:
    await serve_app(build_app(target, tag), port)


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
