"""POST /api/notifications through the local Functions runner (real HTTP, real Azurite queue).

The runner loads function_app as the real host would. Its queue feed polls once at start and then every 600 s, so
what the endpoint queues stays in the queue for the test to read. The runner gets its own Azurite, so no other
test's messages share the queue.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from azure.storage.queue import QueueServiceClient

from devstack.azurite import Azurite
from shared.adapters.storage.queues import StorageQueues
from shared.domain.notifications import NOTIFICATIONS_QUEUE, client_state_for
from tests.integration.test_functions_host import Host, start_host, stop_host

pytestmark = pytest.mark.integration

SECRET = "integration-notification-secret-0123456789"
ANN = "6f1c2b9e-0000-4000-8000-00000000000a"


@pytest.fixture(scope="module")
def runner() -> Iterator[tuple[Host, StorageQueues]]:
    with Azurite() as storage, pytest.MonkeyPatch.context() as patch:
        patch.setenv("WEGROW_ENV", "local")
        patch.setenv("WEGROW_PUBLIC_BASE_URL", "http://127.0.0.1:7071")
        patch.setenv("WEGROW_NOTIFICATION_SECRET", SECRET)
        host = start_host(storage.connection_string, "--no-schedule", "--poll-interval", "600")
        try:
            time.sleep(1.0)  # the feed's one poll at start is over: nothing is consumed after it
            yield host, StorageQueues(QueueServiceClient.from_connection_string(storage.connection_string))
        finally:
            stop_host(host)


def item(client_state: str) -> dict[str, Any]:
    resource = f"Users/{ANN}/Events/AAMkEvt1="
    return {
        "subscriptionId": "sub-1",
        "subscriptionExpirationDateTime": "2026-06-03T06:00:00Z",
        "changeType": "updated",
        "resource": resource,
        "resourceData": {"@odata.type": "#Microsoft.Graph.Event", "@odata.id": resource, "id": "AAMkEvt1="},
        "clientState": client_state,
        "tenantId": "tenant",
    }


def taken(queues: StorageQueues) -> list[dict[str, Any]]:
    messages = queues.receive(NOTIFICATIONS_QUEUE, 32)
    for message in messages:
        queues.complete(NOTIFICATIONS_QUEUE, message)
    return [m.body for m in messages]


def test_the_validation_handshake_echoes_the_decoded_token(runner: tuple[Host, StorageQueues]) -> None:
    host, _ = runner
    for route in ("notifications", "notifications/lifecycle"):
        response = httpx.post(
            f"{host.url}/api/{route}?validationToken=Validation%3A%20Testing%20client%20application",
            headers={"Content-Type": "text/plain"},
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        assert response.text == "Validation: Testing client application"


def test_a_forged_client_state_is_accepted_and_queues_nothing(runner: tuple[Host, StorageQueues]) -> None:
    host, queues = runner
    response = httpx.post(f"{host.url}/api/notifications", json={"value": [item("f" * 64)]})
    assert response.status_code == 202
    assert taken(queues) == []


def test_a_good_item_becomes_one_queue_message(runner: tuple[Host, StorageQueues]) -> None:
    host, queues = runner
    good = item(client_state_for(SECRET.encode(), ANN))
    response = httpx.post(f"{host.url}/api/notifications", json={"value": [good, item("forged")]})
    assert response.status_code == 202
    assert taken(queues) == [
        {"kind": "change", "subscription_id": "sub-1", "user_id": ANN, "event_id": "AAMkEvt1="}
        | {"change_type": "updated"}
    ]


def test_a_body_that_is_not_json_is_400(runner: tuple[Host, StorageQueues]) -> None:
    host, queues = runner
    response = httpx.post(f"{host.url}/api/notifications", content=b"<xml/>")
    assert response.status_code == 400 and response.json() == {"error": "the body is not a JSON document"}
    assert taken(queues) == []
