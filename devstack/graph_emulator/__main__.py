"""`python -m devstack.graph_emulator --host 127.0.0.1 --port PORT --people N --seed S [switches]`.

Prints exactly one line, `ready http://HOST:PORT/v1.0`, once it accepts requests; runs until interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys

from devstack.graph_emulator.state import VALIDATION_MODES, Switches


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devstack.graph_emulator", description="Microsoft Graph emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--people", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--throttle", action="store_true", help="enforce the Outlook per-mailbox limits")
    parser.add_argument("--throttle-requests", type=int, default=10_000)
    parser.add_argument("--throttle-window-s", type=float, default=600.0)
    parser.add_argument("--throttle-concurrency", type=int, default=4)
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--fault-seed", type=int, default=0)
    parser.add_argument("--validation", choices=VALIDATION_MODES, default="off")
    parser.add_argument("--page-size", type=int, default=None)
    return parser.parse_args(argv)


def switches_from(args: argparse.Namespace) -> Switches:
    return Switches(
        latency_ms=args.latency_ms,
        throttle=args.throttle,
        throttle_requests=args.throttle_requests,
        throttle_window_s=args.throttle_window_s,
        throttle_concurrency=args.throttle_concurrency,
        fault_rate=args.fault_rate,
        fault_seed=args.fault_seed,
        validation=args.validation,
        page_size=args.page_size,
    )


async def serve(args: argparse.Namespace) -> None:
    from devstack.graph_emulator.app import build_app
    from devstack.graph_emulator.server import start_site

    app = build_app(people=args.people, seed=args.seed, switches=switches_from(args))
    if args.validation != "off":
        from devstack.graph_emulator.validation import openapi

        openapi()  # load the description before saying ready
    runner, port = await start_site(app, args.host, args.port)
    print(f"ready http://{args.host}:{port}/v1.0", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    args = parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
