"""Importing function_app opens no socket and builds no client (cold start on Functions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter: any connection attempt raises, then we list what the import loaded.
PROBE = """
import json, socket, sys

def refuse(*args, **kwargs):
    raise AssertionError("import function_app opened a connection")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse

import function_app
from shared.container import container

clients = ("azure.data.tables", "azure.storage.queue", "azure.identity", "msgraph", "httpx", "aiohttp")
print(json.dumps({
    "functions": len(function_app.app.get_functions()),
    "client_modules": sorted(m for m in clients if m in sys.modules),
    "container_built": container.cache_info().currsize,
}))
"""


def test_import_function_app_opens_no_socket_and_builds_no_client() -> None:
    env = {"PATH": "/usr/bin:/bin", "WEGROW_STORAGE_CONNECTION": "UseDevelopmentStorage=true"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["functions"] >= 1
    assert report["client_modules"] == []
    assert report["container_built"] == 0


# A fresh interpreter: POST /api/messages without a token is refused, and the Agents SDK is never imported for it.
REFUSED_PROBE = """
import asyncio, json, sys
import azure.functions as func
from functions.bot import messages

request = func.HttpRequest("POST", "http://localhost/api/messages", headers={}, body=b'{"type": "message"}')
response = asyncio.run(messages(request))
print(json.dumps({"status": response.status_code, "body": response.get_body().decode(),
                  "sdk": sorted(m for m in sys.modules if m.startswith("microsoft_agents"))[:3]}))
"""


def test_a_request_without_a_token_is_refused_before_the_agents_sdk_loads() -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "WEGROW_STORAGE_CONNECTION": "UseDevelopmentStorage=true",
        "WEGROW_BOT_APP_ID": "00000000-0000-0000-0000-0000000000b0",
    }
    result = subprocess.run(
        [sys.executable, "-c", REFUSED_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["status"] == 401, report
    assert "Authorization" in report["body"], report
    assert report["sdk"] == [], report
