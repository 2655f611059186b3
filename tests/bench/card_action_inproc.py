"""Card actions (``prep.submit``) through the ``messages`` function in this process, tables on Azurite: CPU per action.

No runner and no HTTP server: the function from ``function_app`` is called with a ``func.HttpRequest`` per action, so
the figure is the bot endpoint, the Agents SDK turn and the services (and the Table client's CPU), without the local
Functions runner's aiohttp server. ``--profile FILE`` writes cProfile stats (process time) of the measured actions.

    python -m tests.bench.card_action_inproc [--actions 300] [--profile FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import time
from typing import Any

from devstack.azurite import Azurite

WARM_UP = 20


async def measure(connection: str, actions: int, profile: str | None) -> dict[str, Any]:
    import azure.functions as func

    import function_app
    from devstack.functions_host.registry import load_triggers
    from shared.services.triggers import call_user_function
    from tests.bench.bot_latency import TENANT, seed_cards

    os.environ.update({"WEGROW_ENV": "local", "WEGROW_BOT_AUTH": "anonymous", "WEGROW_STORAGE_CONNECTION": connection,
                       "WEGROW_TENANT_ID": TENANT})  # fmt: skip
    (trigger,) = [t for t in load_triggers(function_app.app).http if t.route == "messages"]
    bodies = [body for client in seed_cards(connection, actions + WARM_UP, 1, "inproc") for body in client]

    def request(body: dict[str, Any]) -> func.HttpRequest:
        url, headers = "http://127.0.0.1/api/messages", {"Content-Type": "application/json"}
        return func.HttpRequest("POST", url, headers=headers, body=json.dumps(body).encode())

    for body in bodies[:WARM_UP]:
        await call_user_function(trigger, request(body))
    measured = [request(body) for body in bodies[WARM_UP:]]
    profiler = cProfile.Profile(time.process_time) if profile else None
    saved, started = 0, time.process_time()
    if profiler:
        profiler.enable()
    for req in measured:
        answer = await call_user_function(trigger, req)
        saved += isinstance(answer, func.HttpResponse) and b"Saved" in answer.get_body()
    if profiler and profile:
        profiler.disable()
        profiler.dump_stats(profile)
    cpu = time.process_time() - started
    return {"actions": len(measured), "saved": saved, "cpu_ms_per_action": cpu * 1000 / len(measured)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=300)
    parser.add_argument("--profile", default=None, help="write cProfile stats of the measured actions here")
    args = parser.parse_args()
    with Azurite() as azurite:
        print(json.dumps(asyncio.run(measure(azurite.connection_string, args.actions, args.profile))))
