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
