"""Cold start: ``import function_app`` plus its first request, against a bare ``import azure.functions``.

The first request is POST /api/messages without a token: it builds the container and the Agents SDK bot,
which is what the first Teams call pays, and is answered 401 without touching storage.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_APP = """
import asyncio, json, os, time
os.environ.setdefault("WEGROW_STORAGE_CONNECTION", "UseDevelopmentStorage=true")
start = time.perf_counter()
import azure.functions as func
from function_app import app
(fn,) = [f for f in app.get_functions() if f.get_function_name() == "messages"]
request = func.HttpRequest("POST", "http://127.0.0.1/api/messages", headers={}, body=b"{}")
status = asyncio.run(fn.get_user_function()(request)).status_code
print(json.dumps({"seconds": time.perf_counter() - start, "status": status}))
"""
_BARE = """
import json, time
start = time.perf_counter()
import azure.functions
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def _probe(code: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def measure(runs: int = 5) -> dict[str, float]:
    _probe(_APP)  # warm .pyc files and the OS cache
    app = [_probe(_APP) for _ in range(runs)]
    bare = [_probe(_BARE)["seconds"] for _ in range(runs)]
    app_s, bare_s = statistics.median(a["seconds"] for a in app), statistics.median(bare)
    return {"app_first_request_s": app_s, "bare_import_s": bare_s, "extra_s": app_s - bare_s,
            "first_status": app[0]["status"]}  # fmt: skip
