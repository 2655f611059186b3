"""``python -m devstack.connector_emulator --port PORT``: serve on loopback and print ``ready URL``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from aiohttp import web

from devstack.connector_emulator.app import build_app
from devstack.connector_emulator.state import Switches


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devstack.connector_emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--global-rps", type=int, default=30, help="per-app sends per second (docs: 30)")
    parser.add_argument("--require-token", default=None, help="accept only 'Authorization: Bearer TOKEN'")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    switches = Switches(global_rps=args.global_rps)
    if args.require_token:
        switches.require_token, switches.token = True, args.require_token
    runner = web.AppRunner(build_app(switches), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, args.host, args.port)
    await site.start()
    port = runner.addresses[0][1]
    print(f"ready http://{args.host}:{port}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
