"""The local Functions runner: what it registers, HTTP routes, timers, queue triggers and poison queues."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from azure.storage.queue import QueueServiceClient

import function_app
from devstack.functions_host.registry import load_triggers
from devstack.functions_host.selftest_app import app as selftest_app
from shared.adapters.storage.queues import StorageQueues
from shared.services.triggers import list_functions
from tests.conftest import free_port

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SELFTEST = "devstack.functions_host.selftest_app:app"


@dataclass
class Host:
    url: str
    process: subprocess.Popen[str]


def start_host(connection: str, *extra: str, schedule: str = "0 0 0 1 1 *") -> Host:
    port = free_port()
    env = {**os.environ, "WEGROW_STORAGE_CONNECTION": connection, "SELFTEST_SCHEDULE": schedule}
    command = [sys.executable, "-m", "devstack.functions_host", "--port", str(port), *extra]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if line != f"ready http://127.0.0.1:{port}":
        process.kill()
        process.wait()
        process.stdout.close()
        raise AssertionError(f"runner did not get ready: {line!r} (exit {process.poll()})")
    return Host(f"http://127.0.0.1:{port}", process)


def stop_host(host: Host) -> None:
    host.process.terminate()
    host.process.wait(timeout=10)
    if host.process.stdout is not None:
        host.process.stdout.close()


def wait_for(condition: Callable[[], object], timeout: float = 30.0) -> object:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


@pytest.fixture(scope="module")
def queues(azurite: str) -> StorageQueues:
    return StorageQueues(QueueServiceClient.from_connection_string(azurite))


@pytest.fixture(scope="module")
def selftest(azurite: str) -> Iterator[Host]:
    host = start_host(azurite, "--app", SELFTEST, "--no-schedule", "--retry-delay", "0", "--poll-interval", "0.1")
    yield host
    stop_host(host)


def drain(queues: StorageQueues, queue: str) -> list[dict[str, object]]:
    bodies = []
    for message in queues.receive(queue, max_messages=32):
        bodies.append(message.body)
        queues.complete(queue, message)
    return bodies


def test_registry_matches_what_function_app_declares() -> None:
    declared = {f.get_function_name(): json.loads(f.get_function_json()) for f in list_functions(function_app.app)}
    triggers = load_triggers(function_app.app)
    registered = {t.name for t in (*triggers.http, *triggers.timers, *triggers.queues)}
    assert registered == set(declared)
    for http in triggers.http:
        binding = declared[http.name]["bindings"][0]
        assert (binding["type"], binding.get("route"), binding["name"]) == ("httpTrigger", http.route, http.arg)
    for timer in triggers.timers:
        assert declared[timer.name]["bindings"][0]["schedule"] == timer.declared
    for queue in triggers.queues:
        assert declared[queue.name]["bindings"][0]["queueName"] == queue.queue
    assert "health" in {t.name for t in triggers.http}


def test_registry_resolves_schedules_and_queue_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SELFTEST_SCHEDULE", "0 */5 * * * *")
    triggers = load_triggers(selftest_app)
    assert [(t.name, t.route, t.methods, t.arg) for t in triggers.http] == [
        ("echo", "echo/{name}", ("GET", "POST"), "req")
    ]
    assert [(t.name, t.schedule, t.declared) for t in triggers.timers] == [
        ("tick", "0 */5 * * * *", "%SELFTEST_SCHEDULE%")
    ]
    assert [(t.name, t.queue, t.arg) for t in triggers.queues] == [("consume", "selftest-in", "msg")]


def test_http_route_is_served_with_params_body_and_headers(selftest: Host) -> None:
    response = httpx.post(f"{selftest.url}/api/echo/ada?q=1", content=b"hello")
    assert response.status_code == 201
    assert response.text == "POST ada 1 hello"
    assert response.headers["x-echo"] == "yes"
    assert response.headers["content-type"].startswith("text/plain")
    assert httpx.delete(f"{selftest.url}/api/echo/ada").status_code == 404
    assert httpx.get(f"{selftest.url}/api/nowhere").status_code == 404


def test_timer_fires_on_demand(selftest: Host, queues: StorageQueues) -> None:
    drain(queues, "selftest-out")
    assert httpx.post(f"{selftest.url}/admin/functions/tick", json={}).status_code == 202
    assert drain(queues, "selftest-out") == [{"fired": "tick", "past_due": False}]
    assert httpx.post(f"{selftest.url}/admin/functions/nosuch", json={}).status_code == 404


def test_queue_message_is_processed_and_deleted(selftest: Host, queues: StorageQueues) -> None:
    drain(queues, "selftest-out")
    queues.send("selftest-in", {"pair": "m1:r1"})
    seen = wait_for(lambda: drain(queues, "selftest-out"))
    assert seen == [{"consumed": {"pair": "m1:r1"}, "dequeue_count": 1}]
    wait_for(lambda: queues.length("selftest-in") == 0)


def test_failing_message_ends_in_poison_after_five_dequeues(selftest: Host, queues: StorageQueues) -> None:
    drain(queues, "selftest-in-poison")
    queues.send("selftest-in", {"fail": True, "id": 7})
    poisoned = wait_for(lambda: drain(queues, "selftest-in-poison"))
    assert poisoned == [{"fail": True, "id": 7}]
    assert queues.length("selftest-in") == 0


def test_timer_fires_on_its_schedule(azurite: str, queues: StorageQueues) -> None:
    drain(queues, "selftest-out")
    host = start_host(azurite, "--app", SELFTEST, schedule="* * * * * *")
    try:
        fired = wait_for(lambda: drain(queues, "selftest-out"), timeout=10)
    finally:
        stop_host(host)
    assert {"fired": "tick", "past_due": False} in fired  # type: ignore[operator]


def test_real_app_serves_health(azurite: str) -> None:
    host = start_host(azurite)
    try:
        response = httpx.get(f"{host.url}/api/health")
    finally:
        stop_host(host)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_runner_generates_a_key_file_and_checks_the_key_like_azure(azurite: str, tmp_path: Path) -> None:
    key_file = tmp_path / "keys" / "function-key"
    env_key = os.environ.pop("WEGROW_FUNCTION_KEY", None)
    try:
        host = start_host(azurite, "--no-schedule", "--key-file", str(key_file))
    finally:
        if env_key is not None:
            os.environ["WEGROW_FUNCTION_KEY"] = env_key
    try:
        key = key_file.read_text(encoding="utf-8").strip()
        detail = f"{host.url}/api/health/detail"
        refused = [
            httpx.get(detail),
            httpx.get(detail, headers={"x-functions-key": "wrong"}),
            httpx.get(f"{detail}?code="),
        ]
        by_header = httpx.get(detail, headers={"x-functions-key": key})
        by_code = httpx.get(detail, params={"code": key})
        anonymous = httpx.get(f"{host.url}/api/health")
    finally:
        stop_host(host)
    assert len(key) >= 32 and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert [(r.status_code, r.content) for r in refused] == [(401, b"")] * 3
    assert by_header.status_code == 200 and "functions" in by_header.json()
    assert by_code.status_code == 200 and by_code.json() == by_header.json() | {
        "checked_at": by_code.json()["checked_at"]
    }
    assert anonymous.status_code == 200 and anonymous.json() == {"status": "ok"}


def test_wegrow_run_timer_runs_it_once_in_process(azurite: str, queues: StorageQueues) -> None:
    drain(queues, "selftest-out")
    env = {**os.environ, "WEGROW_STORAGE_CONNECTION": azurite, "SELFTEST_SCHEDULE": "0 0 0 1 1 *"}
    wegrow = Path(sys.executable).with_name("wegrow")
    result = subprocess.run(
        [str(wegrow), "run-timer", "tick", "--app", SELFTEST], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ran tick"
    assert drain(queues, "selftest-out") == [{"fired": "tick", "past_due": False}]
