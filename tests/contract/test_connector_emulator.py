"""The Teams connector emulator behaves like the Bot Connector for proactive sends: ids, limits, 403s, the sent log."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from devstack.connector_emulator.client import ConnectorEmulatorClient

pytestmark = pytest.mark.contract

CARD = {"contentType": "application/vnd.microsoft.card.adaptive", "content": {"type": "AdaptiveCard", "version": "1.5"}}


def message(text: str = "hi") -> dict[str, Any]:
    return {"type": "message", "text": text, "attachments": [CARD]}


@pytest.fixture
def http(connector_emulator: ConnectorEmulatorClient) -> httpx.Client:
    with httpx.Client(base_url=connector_emulator.url, timeout=10) as client:
        yield client


def open_chat(http: httpx.Client, user: str = "29:ada") -> str:
    response = http.post(
        "/v3/conversations",
        json={"isGroup": False, "bot": {"id": "28:bot"}, "members": [{"id": user}], "tenantId": "t1"},
    )
    assert response.status_code == 201
    conversation_id: str = response.json()["id"]
    return conversation_id


def test_create_conversation_is_stable_per_user_and_sends_return_ids(
    http: httpx.Client, connector_emulator: ConnectorEmulatorClient
) -> None:
    first, again, other = open_chat(http), open_chat(http), open_chat(http, "29:grace")
    assert first == again != other
    sent = http.post(f"/v3/conversations/{first}/activities", json=message("prep"))
    assert sent.status_code == 201
    activity_id = sent.json()["id"]
    reply = http.post(f"/v3/conversations/{first}/activities/{activity_id}", json=message("reply"))
    update = http.put(f"/v3/conversations/{first}/activities/{activity_id}", json=message("updated"))
    assert reply.status_code == 201 and reply.json()["id"] != activity_id
    assert update.status_code == 200 and update.json() == {"id": activity_id}

    log = connector_emulator.sent()
    assert [(s["operation"], s["activity"]["text"]) for s in log] == [
        ("send", "prep"),
        ("reply", "reply"),
        ("update", "updated"),
    ]
    assert {s["conversationId"] for s in log} == {first}
    assert log[1]["replyToId"] == activity_id
    assert all(s["receivedAt"].endswith("+00:00") for s in log)
    assert connector_emulator.sent(other) == []
    assert connector_emulator.log()["accepted"] == 3


def test_create_conversation_with_an_activity_sends_it(
    http: httpx.Client, connector_emulator: ConnectorEmulatorClient
) -> None:
    response = http.post("/v3/conversations", json={"members": [{"id": "29:ada"}], "activity": message("first")})
    assert response.status_code == 201
    body = response.json()
    assert body["activityId"] and body["serviceUrl"].startswith("http://127.0.0.1:")
    assert [s["activity"]["text"] for s in connector_emulator.sent(body["id"])] == ["first"]


def test_per_conversation_limits_give_429_with_retry_after(
    http: httpx.Client, connector_emulator: ConnectorEmulatorClient
) -> None:
    connector_emulator.freeze_clock()
    chat, other = open_chat(http), open_chat(http, "29:grace")
    statuses = [http.post(f"/v3/conversations/{chat}/activities", json=message()).status_code for _ in range(8)]
    assert statuses == [201] * 7 + [429]
    throttled = http.post(f"/v3/conversations/{chat}/activities", json=message())
    assert throttled.status_code == 429 and throttled.json()["error"]["code"] == "Throttled"
    assert int(throttled.headers["Retry-After"]) >= 1
    assert http.post(f"/v3/conversations/{other}/activities", json=message()).status_code == 201

    connector_emulator.advance_clock(1.0)
    assert http.post(f"/v3/conversations/{chat}/activities", json=message()).status_code == 201
    assert http.post(f"/v3/conversations/{chat}/activities", json=message()).status_code == 429  # 8 per 2 s
    connector_emulator.advance_clock(1.0)
    assert http.post(f"/v3/conversations/{chat}/activities", json=message()).status_code == 201
    assert connector_emulator.log()["throttled"] == 3
    assert len(connector_emulator.sent(chat)) == 9


def test_sixty_per_thirty_seconds_per_conversation(
    http: httpx.Client, connector_emulator: ConnectorEmulatorClient
) -> None:
    connector_emulator.freeze_clock()
    chat = open_chat(http)
    accepted = 0
    for _ in range(15):  # 15 steps of 1.5 s: the short windows would allow 63, the 30 s window caps at 60
        for _ in range(7):
            accepted += http.post(f"/v3/conversations/{chat}/activities", json=message()).status_code == 201
        connector_emulator.advance_clock(1.5)
    assert accepted == 60
    refused = http.post(f"/v3/conversations/{chat}/activities", json=message())
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1


def test_global_limit_per_app_is_configurable(http: httpx.Client, connector_emulator: ConnectorEmulatorClient) -> None:
    connector_emulator.freeze_clock()
    connector_emulator.configure(global_rps=5)
    chats = [open_chat(http, f"29:user{i}") for i in range(3)]  # 3 of the 5 requests this second
    results = [http.post(f"/v3/conversations/{chat}/activities", json=message()).status_code for chat in chats]
    assert results == [201, 201, 429]


def test_a_user_who_blocked_the_bot_gets_403_and_nothing_is_kept(
    http: httpx.Client, connector_emulator: ConnectorEmulatorClient
) -> None:
    chat = open_chat(http, "29:blocker")
    connector_emulator.block(user_id="29:blocker")
    response = http.post(f"/v3/conversations/{chat}/activities", json=message())
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "MessageWritesBlocked"
    by_recipient = http.post(
        "/v3/conversations/19:chat/activities", json={**message(), "recipient": {"id": "29:blocker"}}
    )
    assert by_recipient.status_code == 403
    assert connector_emulator.sent() == []
    assert connector_emulator.log()["blocked"] == 2


def test_strict_mode_reports_stale_conversations(
    http: httpx.Client, connector_emulator: ConnectorEmulatorClient
) -> None:
    chat = open_chat(http)
    connector_emulator.configure(strict_conversations=True)
    connector_emulator.forget(chat)
    response = http.post(f"/v3/conversations/{chat}/activities", json=message())
    assert response.status_code == 404 and response.json()["error"]["code"] == "ConversationNotFound"


def test_token_check_and_faults_when_switched_on(
    http: httpx.Client, connector_emulator: ConnectorEmulatorClient
) -> None:
    connector_emulator.configure(require_token=True, token="s3cret")
    assert http.post("/v3/conversations/c1/activities", json=message()).status_code == 401
    ok = http.post("/v3/conversations/c1/activities", json=message(), headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 201
    connector_emulator.configure(require_token=False, fault_rate=1.0)
    assert http.post("/v3/conversations/c1/activities", json=message()).status_code == 502
    assert connector_emulator.log()["faults"] == 1 and connector_emulator.log()["unauthorized"] == 1


def test_bad_input_is_a_clean_400(http: httpx.Client, connector_emulator: ConnectorEmulatorClient) -> None:
    assert http.post("/v3/conversations", json={"members": []}).status_code == 400
    bad = http.post(
        "/v3/conversations/c1/activities", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert bad.status_code == 400
    assert http.post("/_emulator/config", json={"nope": 1}).status_code == 400


def test_reset_forgets_everything(http: httpx.Client, connector_emulator: ConnectorEmulatorClient) -> None:
    chat = open_chat(http)
    http.post(f"/v3/conversations/{chat}/activities", json=message())
    connector_emulator.block(user_id="29:ada")
    connector_emulator.reset()
    assert connector_emulator.sent() == []
    assert connector_emulator.log()["accepted"] == 0
    assert http.post(f"/v3/conversations/{chat}/activities", json=message()).status_code == 201
