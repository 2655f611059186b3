"""``python -m devstack.functions_host --port PORT``: prints ``ready http://127.0.0.1:PORT`` once it serves."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import secrets
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

from aiohttp import web

from devstack.functions_host import queues as queue_feed
from devstack.functions_host import timers
from devstack.functions_host.http import RunByName, build_app
from devstack.functions_host.registry import load_app, load_triggers
from shared.ports.storage import QueueMessage, Queues
from shared.services.triggers import QueueTrigger, TimerTrigger, Triggers, call_user_function


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devstack.functions_host", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--app", default="function_app:app", help="module:attribute of the FunctionApp")
    parser.add_argument("--no-schedule", action="store_true", help="fire timers only on demand")
    parser.add_argument("--retry-delay", type=int, default=30, help="seconds before a failed message is retried")
    parser.add_argument("--poll-interval", type=float, default=0.5, help="seconds between polls of an empty queue")
    parser.add_argument(
        "--key-file",
        type=Path,
        default=None,
        help="where the function key is written (default: <tmp>/wegrow-functions-host/<port>.key); "
        "when WEGROW_FUNCTION_KEY is not set, a new key is generated",
    )
    args = parser.parse_args(argv)
    if args.key_file is None:
        args.key_file = Path(tempfile.gettempdir()) / "wegrow-functions-host" / f"{args.port}.key"
    return args


def function_key(key_file: Path) -> str:
    """The key for authLevel=function routes: ``WEGROW_FUNCTION_KEY``, else a new random one written to ``key_file``.

    Azure keeps host keys in storage and hands them out in the portal or ``az functionapp keys list``;
    locally the file (mode 600) stands in for that.
    """
    key = os.environ.get("WEGROW_FUNCTION_KEY") or secrets.token_urlsafe(32)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(key + "\n", encoding="utf-8")
    key_file.chmod(0o600)
    return key


def queue_client() -> Queues:
    """Queues from WEGROW_STORAGE_CONNECTION (Azurite); the triggers' ``connection`` is not consulted."""
    from azure.storage.queue import QueueServiceClient

    from shared.adapters.storage.queues import StorageQueues

    connection = os.environ.get("WEGROW_STORAGE_CONNECTION")
    if not connection:
        raise SystemExit("WEGROW_STORAGE_CONNECTION: expected a connection string to feed the queue triggers")
    return StorageQueues(QueueServiceClient.from_connection_string(connection))


def runner_for(triggers: Triggers) -> RunByName:
    """What ``POST /admin/functions/<name>`` runs: a timer now, or a queue function on ``{"input": json}``."""

    async def run_by_name(name: str, payload: str) -> None:
        trigger = triggers.by_name(name)
        if isinstance(trigger, TimerTrigger):
            await timers.fire(trigger)
        elif isinstance(trigger, QueueTrigger):
            body: dict[str, Any] = json.loads(payload) if payload else {}
            message = QueueMessage("admin", "", body, 1)
            await call_user_function(trigger, queue_feed.as_function_message(message))
        else:
            raise KeyError(name)  # HTTP functions are called on their route

    return run_by_name


async def serve(args: argparse.Namespace) -> None:
    triggers = load_triggers(load_app(args.app))
    policy = queue_feed.QueuePolicy(retry_delay=args.retry_delay, poll_interval=args.poll_interval)
    queues = queue_client() if triggers.queues else None
    key = function_key(args.key_file)
    logging.getLogger("functions_host").info("function key in %s", args.key_file)
    runner = web.AppRunner(build_app(triggers, runner_for(triggers), key), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", args.port).start()
    tasks = [asyncio.create_task(queue_feed.pump(queues, q, policy)) for q in triggers.queues if queues]
    if not args.no_schedule:
        tasks += [asyncio.create_task(timers.run_schedule(t)) for t in triggers.timers]
    print(f"ready http://127.0.0.1:{args.port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("azure").setLevel(logging.WARNING)  # the SDK logs every HTTP request and response at INFO
    asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
