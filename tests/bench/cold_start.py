"""Cold start: ``import function_app`` plus its first request, against a bare ``import azure.functions``.

The first request is what the first Teams call pays: POST /api/messages with a "help" message (anonymous local
auth, ``expectReplies`` so the reply comes back in the response). It builds the container and the Agents SDK bot
and runs a whole turn; "help" needs no table, so the figure holds no storage latency. A request without a token
(answered 401 before any turn) is measured too.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_TENANT = "00000000-0000-0000-0000-0000000000aa"
_HELP = {"type": "message", "id": "a1", "channelId": "msteams", "serviceUrl": "http://127.0.0.1/", "text": "help",
         "deliveryMode": "expectReplies", "from": {"id": "29:u", "aadObjectId": "u"}, "recipient": {"id": "28:bot"},
         "conversation": {"id": "a:u", "conversationType": "personal", "tenantId": _TENANT},
         "channelData": {"tenant": {"id": _TENANT}}}  # fmt: skip
_APP = """
import asyncio, json, os, sys, time
os.environ.update(WEGROW_STORAGE_CONNECTION="UseDevelopmentStorage=true", WEGROW_ENV="local",
                  WEGROW_TENANT_ID="00000000-0000-0000-0000-0000000000aa")
if sys.argv[1]:
    os.environ["WEGROW_BOT_AUTH"] = "anonymous"
start = time.perf_counter()
import azure.functions as func
from function_app import app
(fn,) = [f for f in app.get_functions() if f.get_function_name() == "messages"]
request = func.HttpRequest("POST", "http://127.0.0.1/api/messages", headers={}, body=sys.argv[1].encode() or b"{}")
status = asyncio.run(fn.get_user_function()(request)).status_code
print(json.dumps({"seconds": time.perf_counter() - start, "status": status}))
"""
_BARE = """
import json, time
start = time.perf_counter()
import azure.functions
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def _probe(code: str, body: str = "") -> dict[str, float]:
    command = [sys.executable, "-c", code, body]
    out = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def measure(runs: int = 5) -> dict[str, float]:
    """Medians over ``runs`` fresh interpreters each (after one warm-up run that writes .pyc files)."""
    help_body = json.dumps(_HELP)
    _probe(_APP, help_body)
    turn = [_probe(_APP, help_body) for _ in range(runs)]
    refused = [_probe(_APP) for _ in range(runs)]
    bare = statistics.median(_probe(_BARE)["seconds"] for _ in range(runs))
    turn_s, refused_s = (statistics.median(a["seconds"] for a in runs_) for runs_ in (turn, refused))
    return {"app_first_request_s": turn_s, "bare_import_s": bare, "extra_s": turn_s - bare,
            "first_status": turn[0]["status"], "unauthenticated_extra_s": refused_s - bare,
            "unauthenticated_status": refused[0]["status"]}  # fmt: skip


if __name__ == "__main__":
    print(json.dumps(measure()))
