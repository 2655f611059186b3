"""POST /api/notifications and /api/notifications/lifecycle: the functions from function_app, on fakes."""

from __future__ import annotations

import json
import logging
from functools import cache
from typing import Any

import azure.functions as func
import pytest

from shared.config import Settings, load_settings
from shared.domain.notifications import NOTIFICATIONS_QUEUE, client_state_for
from shared.services import subscriptions_records
from tests.fakes.storage import InMemoryQueues, InMemoryStore

pytestmark = pytest.mark.unit

SECRET = "s" * 40
ANN, BOB = "6f1c2b9e-0000-4000-8000-00000000000a", "6f1c2b9e-0000-4000-8000-00000000000b"


class Container:
    def __init__(self, settings: Settings) -> None:
        self.settings, self.store, self.queues = settings, InMemoryStore(), InMemoryQueues()


def settings(enabled: bool = True) -> Settings:
    on: dict[str, Any] = {"public_base_url": "http://127.0.0.1:7071", "notification_secret": SECRET}
    return load_settings(storage_connection="UseDevelopmentStorage=true", **(on if enabled else {}))


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> Container:
    container = Container(settings())
    monkeypatch.setattr("shared.container.container", lambda: container)
    return container


@cache
def endpoint(name: str) -> Any:
    from function_app import app
    from shared.services.triggers import list_functions

    (function,) = [f for f in list_functions(app) if f.get_function_name() == name]
    return function.get_user_function()


async def post(body: bytes | dict[str, Any], route: str = "notifications", **params: str) -> func.HttpResponse:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = func.HttpRequest("POST", f"http://127.0.0.1/api/{route}", params=params, body=raw)
    response: func.HttpResponse = await endpoint(route.replace("/", "_"))(request)
    return response


def state(user_id: str) -> str:
    return client_state_for(SECRET.encode(), user_id)


def item(user_id: str = ANN, event_id: str = "AAMkEvt1=", client_state: str | None = None) -> dict[str, Any]:
    resource = f"Users/{user_id}/Events/{event_id}"
    return {
        "subscriptionId": "sub-1",
        "changeType": "updated",
        "resource": resource,
        "resourceData": {"@odata.type": "#Microsoft.Graph.Event", "@odata.id": resource, "id": event_id},
        "clientState": state(user_id) if client_state is None else client_state,
        "tenantId": "t",
    }


def queued(container: Container) -> list[dict[str, Any]]:
    return [m.body for m in container.queues.receive(NOTIFICATIONS_QUEUE, 32)]


async def test_the_validation_handshake_echoes_the_token_without_building_anything(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_container() -> None:
        raise AssertionError("the handshake must not build the container")

    monkeypatch.setattr("shared.container.container", no_container)
    for route in ("notifications", "notifications/lifecycle"):
        response = await post(b"", route, validationToken="Validation: Testing client application <&>")
        assert response.status_code == 200 and response.mimetype == "text/plain"
        assert response.get_body() == b"Validation: Testing client application <&>"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert (await post(b"", validationToken="x" * 5000)).status_code == 400


async def test_a_good_item_is_one_queue_message_of_our_fields_and_202(app: Container) -> None:
    response = await post({"value": [item()]})
    assert response.status_code == 202
    ours = {"kind": "change", "subscription_id": "sub-1", "user_id": ANN, "event_id": "AAMkEvt1="}
    assert queued(app) == [ours | {"change_type": "updated"}]


async def test_a_forged_client_state_queues_nothing_and_still_answers_202(
    app: Container, caplog: pytest.LogCaptureFixture
) -> None:
    forged = item(client_state="0" * 64)
    elsewhere = item(BOB, client_state=state(ANN))  # Ann's clientState on Bob's mailbox
    with caplog.at_level(logging.INFO):
        response = await post({"value": [forged, elsewhere]})
    assert response.status_code == 202 and queued(app) == []
    [line] = [r for r in caplog.records if "graph notifications" in r.getMessage()]
    assert line.levelno == logging.WARNING
    assert line.getMessage() == "graph notifications: 0 queued, dropped clientState mismatch: 2"
    assert "0" * 64 not in caplog.text and state(ANN) not in caplog.text and "AAMkEvt1" not in caplog.text


async def test_good_items_of_a_mixed_batch_are_queued_one_by_one(app: Container) -> None:
    body = {"value": [item(), item(client_state="bad"), {"resource": "nonsense"}, item(BOB, "AAMkEvt2=")]}
    assert (await post(body)).status_code == 202
    assert [(m["user_id"], m["event_id"]) for m in queued(app)] == [(ANN, "AAMkEvt1="), (BOB, "AAMkEvt2=")]


async def test_a_body_that_is_not_json_is_400_and_queues_nothing(app: Container) -> None:
    for raw in (b"{not json", b"\xff\xfe", b"[" * 100_000):
        response = await post(raw)
        assert response.status_code == 400 and response.mimetype == "application/json"
        assert json.loads(response.get_body()) == {"error": "the body is not a JSON document"}
    assert queued(app) == []


async def test_a_json_body_of_the_wrong_shape_is_202_with_nothing_queued(app: Container) -> None:
    for body in (b"[]", b"null", b'{"value": 3}'):
        assert (await post(body)).status_code == 202
    assert queued(app) == []


async def test_an_oversized_body_is_413(app: Container) -> None:
    assert (await post(b" " * 1_000_001)).status_code == 413


async def test_notifications_off_is_404_with_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    container = Container(settings(enabled=False))
    monkeypatch.setattr("shared.container.container", lambda: container)
    response = await post({"value": [item()]})
    assert response.status_code == 404
    assert json.loads(response.get_body()) == {"error": "change notifications are not enabled on this deployment"}
    assert queued(container) == []


async def test_a_lifecycle_item_finds_its_mailbox_from_the_stored_subscription(app: Container) -> None:
    subscriptions_records.index(app.store, "sub-9", BOB)
    body = {
        "value": [
            {"lifecycleEvent": "reauthorizationRequired", "subscriptionId": "sub-9", "clientState": state(BOB)},
            {"lifecycleEvent": "missed", "subscriptionId": "sub-9", "clientState": state(ANN)},  # not Bob's
            {"lifecycleEvent": "subscriptionRemoved", "subscriptionId": "sub-0", "clientState": state(BOB)},  # unknown
            {"lifecycleEvent": "missed", "subscriptionId": "sub-1", "clientState": state(ANN)}
            | {"resource": f"users/{ANN}/events"},
        ]
    }
    assert (await post(body, "notifications/lifecycle")).status_code == 202
    assert queued(app) == [
        {"kind": "lifecycle", "subscription_id": "sub-9", "user_id": BOB, "lifecycle_event": "reauthorizationRequired"},
        {"kind": "lifecycle", "subscription_id": "sub-1", "user_id": ANN, "lifecycle_event": "missed"},
    ]
