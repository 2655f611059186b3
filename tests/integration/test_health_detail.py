"""Health through the local Functions runner: the status is anonymous and bare, the detail needs the function key."""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest

from tests.integration.test_functions_host import Host, start_host, stop_host

pytestmark = pytest.mark.integration
KEY = "test-function-key-0123456789abcdef0123456789"


@pytest.fixture(scope="module")
def host(azurite: str) -> Iterator[Host]:
    previous = os.environ.get("WEGROW_FUNCTION_KEY")
    os.environ["WEGROW_FUNCTION_KEY"] = KEY
    try:
        started = start_host(azurite, "--no-schedule")
    finally:
        if previous is None:
            os.environ.pop("WEGROW_FUNCTION_KEY")
        else:
            os.environ["WEGROW_FUNCTION_KEY"] = previous
    yield started
    stop_host(started)


def test_health_without_a_key_reveals_only_the_status(host: Host) -> None:
    response = httpx.get(f"{host.url}/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize(
    ("headers", "params"),
    [({}, {}), ({"x-functions-key": "not-the-key"}, {}), ({}, {"code": "not-the-key"}), ({}, {"code": ""})],
    ids=["no-key", "wrong-header", "wrong-code", "empty-code"],
)
def test_detail_without_the_key_is_401_and_empty(host: Host, headers: dict[str, str], params: dict[str, str]) -> None:
    response = httpx.get(f"{host.url}/api/health/detail", headers=headers, params=params)
    assert (response.status_code, response.content) == (401, b"")


@pytest.mark.parametrize(
    ("headers", "params"), [({"x-functions-key": KEY}, {}), ({}, {"code": KEY})], ids=["header", "code"]
)
def test_detail_with_the_key_lists_every_function(host: Host, headers: dict[str, str], params: dict[str, str]) -> None:
    response = httpx.get(f"{host.url}/api/health/detail", headers=headers, params=params)
    assert response.status_code == 200
    document = response.json()
    names = {f["name"] for f in document["functions"]}
    assert {"sync", "plan", "export_outbox", "send_card"} <= names
    assert document["status"] == "ok" and "checked_at" in document
    assert set(document["pairs"]) == {"by_state", "without_series"}  # pair states and closest options
