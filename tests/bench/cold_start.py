"""Cold start: ``import function_app`` plus its first request, against a bare ``import azure.functions``.

The first request is what the first Teams call pays: POST /api/messages with a "help" message (anonymous local
auth, ``expectReplies`` so the reply comes back in the response). It builds the container and the Agents SDK bot
and runs a whole turn, against Azurite in its own processes: a message from a person reads their ``delivery`` row
(``teams_works_again``) and records the locale Teams sends with every message (``languages``: a read, and a write
on the warm-up run), so a measured turn makes two Table round trips. A request without a token (answered 401
before any turn) is measured too. Each is reported as wall time and as the interpreter's CPU.

    python -m tests.bench.cold_start [--runs 5] [--profile FILE]   (FILE: a pyinstrument text report of one turn)
    python -m tests.bench.cold_start --breakdown [--runs 5]          (CPU per stage of the same turn, in order)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from devstack.azurite import Azurite

ROOT = Path(__file__).resolve().parents[2]
_TENANT = "00000000-0000-0000-0000-0000000000aa"
_HELP = {"type": "message", "id": "a1", "channelId": "msteams", "serviceUrl": "http://127.0.0.1/", "text": "help",
         "locale": "en-US",
         "deliveryMode": "expectReplies", "from": {"id": "29:u", "aadObjectId": "u"}, "recipient": {"id": "28:bot"},
         "conversation": {"id": "a:u", "conversationType": "personal", "tenantId": _TENANT},
         "channelData": {"tenant": {"id": _TENANT}}}  # fmt: skip
_APP = """
import asyncio, json, os, sys, time
os.environ.update(WEGROW_STORAGE_CONNECTION=sys.argv[2], WEGROW_ENV="local",
                  WEGROW_TENANT_ID="00000000-0000-0000-0000-0000000000aa")
if sys.argv[1]:
    os.environ["WEGROW_BOT_AUTH"] = "anonymous"
start, cpu = time.perf_counter(), time.process_time()
import azure.functions as func
from function_app import app
(fn,) = [f for f in app.get_functions() if f.get_function_name() == "messages"]
request = func.HttpRequest("POST", "http://127.0.0.1/api/messages", headers={}, body=sys.argv[1].encode() or b"{}")
status = asyncio.run(fn.get_user_function()(request)).status_code
print(json.dumps({"seconds": time.perf_counter() - start, "cpu_s": time.process_time() - cpu, "status": status}))
"""
_TURN = """
(fn,) = [f for f in app.get_functions() if f.get_function_name() == "messages"]
request = func.HttpRequest("POST", "http://127.0.0.1/api/messages", headers={}, body=sys.argv[1].encode())
assert asyncio.run(fn.get_user_function()(request)).status_code == 200
"""
# The first turn's imports in the order it needs them; each stage is charged only what earlier ones did not load.
_STAGES = (
    ("azure.functions (the bare import)", "import azure.functions as func"),
    ("function_app", "from function_app import app"),
    ("pydantic", "import pydantic"),
    ("aiohttp (Agents SDK connector)", "import aiohttp"),
    ("microsoft_agents.activity (pydantic models)", "import microsoft_agents.activity"),
    ("microsoft_agents.hosting.core (the rest)", "import microsoft_agents.hosting.core"),
    ("PyJWT + httpx (token check)", "import jwt, httpx"),
    ("settings module (pydantic-settings)", "import shared.config"),
    ("bot modules (shared.adapters.teams.agent)", "import shared.adapters.teams.agent"),
    ("settings loaded", "from shared.container import container; container()"),
    ("Table store (connection string, http.client)", "container().store"),
    ("bot built", "container().bot"),
    ("the turn (2 Table round trips)", _TURN),
)
_BARE = """
import json, time
start, cpu = time.perf_counter(), time.process_time()
import azure.functions
print(json.dumps({"seconds": time.perf_counter() - start, "cpu_s": time.process_time() - cpu}))
"""


def _writes_bytecode() -> dict[str, str]:
    """The environment without PYTHONDONTWRITEBYTECODE (set in some shells and CI images): the warm-up run must
    write .pyc files, as a deployed app has them, or every run compiles the app's own modules again."""
    return {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def _run(code: str, body: str, storage: str) -> Any:
    command = [sys.executable, "-c", code, body, storage]
    out = subprocess.run(command, cwd=ROOT, env=_writes_bytecode(), check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _probe(code: str, body: str = "", storage: str = "") -> dict[str, float]:
    return dict(_run(code, body, storage))


def _probe_list(code: str, body: str, storage: str) -> list[float]:
    return [float(value) for value in _run(code, body, storage)]


def measure(runs: int = 5) -> dict[str, Any]:
    """Medians over ``runs`` fresh interpreters each (after one warm-up run that writes .pyc files).

    ``*_cpu_s`` is the interpreter's own CPU (``time.process_time``) from just before the import to the answer,
    so a loaded machine does not move it the way it moves the wall time; ``extra_cpu_runs_s`` pairs run n of
    the app with run n of the bare import, for the spread.
    """
    help_body = json.dumps(_HELP)
    with Azurite() as azurite:
        storage = azurite.connection_string
        _probe(_APP, help_body, storage)
        turn = [_probe(_APP, help_body, storage) for _ in range(runs)]
        refused = [_probe(_APP, "", storage) for _ in range(runs)]
    bare_runs = [_probe(_BARE) for _ in range(runs)]
    bare, bare_cpu = (statistics.median(b[k] for b in bare_runs) for k in ("seconds", "cpu_s"))
    turn_s, refused_s = (statistics.median(a["seconds"] for a in runs_) for runs_ in (turn, refused))
    turn_cpu, refused_cpu = (statistics.median(a["cpu_s"] for a in runs_) for runs_ in (turn, refused))
    return {"app_first_request_s": turn_s, "bare_import_s": bare, "extra_s": turn_s - bare,
            "first_status": turn[0]["status"], "unauthenticated_extra_s": refused_s - bare,
            "unauthenticated_status": refused[0]["status"], "bare_import_cpu_s": bare_cpu,
            "extra_cpu_s": turn_cpu - bare_cpu, "unauthenticated_extra_cpu_s": refused_cpu - bare_cpu,
            "extra_cpu_runs_s": [t["cpu_s"] - b["cpu_s"] for t, b in zip(turn, bare_runs, strict=True)]}  # fmt: skip


def breakdown(runs: int = 5) -> dict[str, float]:
    """CPU seconds per stage of a cold first turn (``_STAGES``), the least over ``runs`` fresh interpreters."""
    code = _APP.split("start, cpu =")[0] + "marks = [time.process_time()]\n"
    code += "".join(f"{statement}\nmarks.append(time.process_time())\n" for _, statement in _STAGES)
    code += "print(json.dumps([b - a for a, b in zip(marks, marks[1:])]))\n"
    with Azurite() as azurite:
        _run(code, json.dumps(_HELP), azurite.connection_string)
        rows = [_probe_list(code, json.dumps(_HELP), azurite.connection_string) for _ in range(runs)]
    stages = {label: min(row[i] for row in rows) for i, (label, _) in enumerate(_STAGES)}
    return {**stages, "total over the bare import": sum(stages.values()) - stages[_STAGES[0][0]]}


def profile(path: str) -> None:
    """One cold first turn under pyinstrument (text report at ``path``): what to defer."""
    begin = "import pyinstrument\nprofiler = pyinstrument.Profiler()\nprofiler.start()\n"
    code = _APP.replace("start, cpu =", begin + "start, cpu =")
    code += "profiler.stop()\nopen(sys.argv[3], 'w').write(profiler.output_text(show_all=False))\n"
    with Azurite() as azurite:
        command = [sys.executable, "-c", code, json.dumps(_HELP), azurite.connection_string, path]
        subprocess.run(command, cwd=ROOT, env=_writes_bytecode(), check=True, capture_output=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", default="")
    parser.add_argument("--breakdown", action="store_true")
    args = parser.parse_args()
    if args.profile:
        profile(args.profile)
    elif args.breakdown:
        print(json.dumps({stage: round(cpu_s, 3) for stage, cpu_s in breakdown(args.runs).items()}, indent=1))
    else:
        print(json.dumps(measure(args.runs)))
