"""Graph emulator subscriptions: create/get/renew/delete, Graph's rules and errors, the handshake, the per-mailbox
limit, the access policy, lifecycle events and expiry (raw HTTP; OpenAPI validation enforced).

Deliveries of change notifications are in test_graph_emulator_notifications.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.fixtures.graph import GraphEmulator
from tests.fixtures.notification_receiver import NotificationReceiver

pytestmark = pytest.mark.contract


@pytest.fixture(scope="module")
def receiver_server() -> Iterator[NotificationReceiver]:
    server = NotificationReceiver().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def receiver(receiver_server: NotificationReceiver) -> NotificationReceiver:
    receiver_server.clear()
    return receiver_server


def mailboxes(graph: GraphEmulator, count: int) -> list[dict[str, Any]]:
    people = [p for p in graph.tenant()["people"] if p["hasMailbox"] and p["mail"] and p["accountEnabled"]]
    return people[:count]


def in_minutes(minutes: float) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def request(receiver: NotificationReceiver, user_id: str, **changes: Any) -> dict[str, Any]:
    body = {
        "changeType": "updated,deleted",
        "notificationUrl": receiver.url("/notify"),
        "lifecycleNotificationUrl": receiver.url("/lifecycle"),
        "resource": f"/users/{user_id}/events",
        "expirationDateTime": in_minutes(60),
        "clientState": "state-of-the-client",
    }
    return {k: v for k, v in {**body, **changes}.items() if v is not None}


def subscribe(graph: GraphEmulator, body: dict[str, Any], **headers: str) -> httpx.Response:
    return httpx.post(f"{graph.base_url}/subscriptions", json=body, headers=headers, timeout=30)


def listed(graph: GraphEmulator) -> dict[str, Any]:
    return dict(httpx.get(f"{graph.root}/_emulator/subscriptions", timeout=30).json())


def error_of(resp: httpx.Response) -> tuple[int, str, str]:
    error = resp.json()["error"]
    return resp.status_code, error["code"], error["message"]


def test_a_subscription_is_created_read_renewed_and_deleted(
    graph: GraphEmulator, receiver: NotificationReceiver
) -> None:
    (me,) = mailboxes(graph, 1)
    created = subscribe(graph, request(receiver, me["id"]))
    assert created.status_code == 201, created.text
    sub = created.json()
    assert sub["resource"] == f"/users/{me['id']}/events" and sub["changeType"] == "updated,deleted"
    assert (sub["clientState"], sub["latestSupportedTlsVersion"], sub["includeResourceData"]) == (
        "state-of-the-client", "v1_2", False
    )  # fmt: skip
    assert sub["applicationId"] and sub["creatorId"] and sub["expirationDateTime"].endswith("Z")
    # both endpoints got the handshake: a token that needs URL-decoding, sent as text/plain
    assert [(path, kind) for path, _, kind in receiver.validations] == [
        ("/notify", "text/plain; charset=utf-8"), ("/lifecycle", "text/plain; charset=utf-8")
    ]  # fmt: skip
    assert all(" " in token and ":" in token for _, token, _ in receiver.validations)

    url = f"{graph.base_url}/subscriptions/{sub['id']}"
    assert httpx.get(url, timeout=30).json()["notificationUrl"] == receiver.url("/notify")
    assert [s["id"] for s in httpx.get(f"{graph.base_url}/subscriptions", timeout=30).json()["value"]] == [sub["id"]]
    later = in_minutes(4000)
    renewed = httpx.patch(url, json={"expirationDateTime": later}, timeout=30)
    assert renewed.status_code == 200 and renewed.json()["expirationDateTime"][:19] == later[:19]
    assert len(receiver.validations) == 2  # a renewal does not call the endpoint again
    assert httpx.delete(url, timeout=30).status_code == 204
    for gone in (httpx.get(url), httpx.patch(url, json={"expirationDateTime": later}), httpx.delete(url)):
        assert gone.status_code == 404
    assert graph.violations() == []


def test_graph_rules_for_the_subscription_body(graph: GraphEmulator, receiver: NotificationReceiver) -> None:
    (me,) = mailboxes(graph, 1)
    refused = {
        "me": (request(receiver, me["id"], resource="me/events"), 400, "BadRequest"),
        "other resource": (request(receiver, me["id"], resource=f"users/{me['id']}/messages"), 400, "InvalidRequest"),
        "no expiry": (request(receiver, me["id"], expirationDateTime=None), 400, "InvalidRequest"),
        "past": (request(receiver, me["id"], expirationDateTime=in_minutes(-5)), 400, "ExtensionError"),
        "too far": (request(receiver, me["id"], expirationDateTime=in_minutes(4231)), 400, "ExtensionError"),
        "change type": (request(receiver, me["id"], changeType="updated,moved"), 400, "InvalidRequest"),
        "client state": (request(receiver, me["id"], clientState="x" * 129), 400, "InvalidRequest"),
        "http": (request(receiver, me["id"], notificationUrl="http://hooks.contoso.example/n"), 400, "InvalidRequest"),
        "lifecycle http": (
            request(receiver, me["id"], lifecycleNotificationUrl="http://hooks.contoso.example/l"),
            400,
            "InvalidRequest",
        ),
        "unreachable": (
            request(receiver, me["id"], notificationUrl="https://hooks.contoso.example/n"),
            400,
            "InvalidRequest",
        ),
        "rich": (request(receiver, me["id"], includeResourceData=True), 400, "InvalidRequest"),
    }
    for name, (body, status, code) in refused.items():
        got = error_of(subscribe(graph, body))
        assert got[:2] == (status, code), (name, got)
    too_far = error_of(subscribe(graph, request(receiver, me["id"], expirationDateTime=in_minutes(4231))))
    assert too_far[2] == "Subscription expiration can only be 4230 minutes in the future."
    http = error_of(subscribe(graph, request(receiver, me["id"], notificationUrl="http://hooks.contoso.example/n")))
    assert http[2] == "NotificationUrl scheme='http' is not supported."
    assert listed(graph)["subscriptions"] == []

    accepted = [
        request(receiver, me["id"], expirationDateTime=in_minutes(4229), clientState="x" * 128),
        request(receiver, me["userPrincipalName"], resource=f"users/{me['userPrincipalName']}/events"),
        request(receiver, me["id"], lifecycleNotificationUrl=None, expirationDateTime=in_minutes(3000)),  # optional
        request(receiver, me["id"], changeType="created", clientState=None),
    ]
    for body in accepted:
        assert subscribe(graph, body).status_code == 201, body
    assert graph.violations() == []


@pytest.mark.parametrize("mode", ["refuse", "raw-query", "html"])
def test_a_failed_handshake_stores_nothing(graph: GraphEmulator, receiver: NotificationReceiver, mode: str) -> None:
    (me,) = mailboxes(graph, 1)
    for path in ("/notify", "/lifecycle"):
        receiver.clear()
        receiver.handshake[path] = mode
        status, code, message = error_of(subscribe(graph, request(receiver, me["id"])))
        assert (status, code) == (400, "InvalidRequest")
        assert message.startswith("Subscription validation request failed.")
    assert listed(graph)["subscriptions"] == []


def test_the_mailbox_must_exist_and_be_in_scope(graph: GraphEmulator, receiver: NotificationReceiver) -> None:
    me, other = mailboxes(graph, 2)
    no_mailbox = next(p for p in graph.tenant()["people"] if not p["hasMailbox"])
    for user in ("00000000-0000-0000-0000-00000000dead", no_mailbox["id"]):
        assert error_of(subscribe(graph, request(receiver, user)))[:2] == (404, "ExtensionError")
    sub = subscribe(graph, request(receiver, other["id"])).json()
    policy = httpx.post(f"{graph.root}/_emulator/access-policy", json={"denied": [me["id"], other["id"]]}, timeout=30)
    assert policy.status_code == 200
    assert error_of(subscribe(graph, request(receiver, me["id"])))[:2] == (403, "ErrorAccessDenied")
    renewal = httpx.patch(f"{graph.base_url}/subscriptions/{sub['id']}", json={"expirationDateTime": in_minutes(90)})
    assert error_of(renewal)[:2] == (403, "ErrorAccessDenied")  # renewing checks access again


def test_a_mailbox_holds_at_most_1000_subscriptions_of_all_apps(
    graph: GraphEmulator, receiver: NotificationReceiver
) -> None:
    me, other = mailboxes(graph, 2)
    filled = httpx.post(f"{graph.root}/_emulator/mailbox/{me['id']}/foreign-subscriptions", json={"count": 999})
    assert filled.json() == {"mailbox": me["id"], "subscriptions": 999}
    last = subscribe(graph, request(receiver, me["id"]))
    assert last.status_code == 201
    status, code, message = error_of(subscribe(graph, request(receiver, me["id"])))
    assert (status, code) == (403, "ExtensionError") and "Maximum number of subscriptions" in message
    assert subscribe(graph, request(receiver, other["id"])).status_code == 201  # the limit is per mailbox
    assert httpx.delete(f"{graph.base_url}/subscriptions/{last.json()['id']}").status_code == 204
    assert subscribe(graph, request(receiver, me["id"])).status_code == 201
    # other apps' subscriptions are theirs: not listed, not readable
    assert len(httpx.get(f"{graph.base_url}/subscriptions", timeout=30).json()["value"]) == 2
    foreign = next(s for s in listed(graph)["subscriptions"] if s["foreign"])
    assert httpx.get(f"{graph.base_url}/subscriptions/{foreign['id']}").status_code == 404


def test_an_app_sees_only_its_own_subscriptions(graph: GraphEmulator, receiver: NotificationReceiver) -> None:
    (me,) = mailboxes(graph, 1)
    sub = subscribe(graph, request(receiver, me["id"]), Authorization="Bearer app-one").json()
    url = f"{graph.base_url}/subscriptions/{sub['id']}"
    assert httpx.get(url, headers={"Authorization": "Bearer app-one"}).status_code == 200
    assert httpx.get(url, headers={"Authorization": "Bearer app-two"}).status_code == 404
    assert (
        httpx.get(f"{graph.base_url}/subscriptions", headers={"Authorization": "Bearer app-two"}).json()["value"] == []
    )


def test_renewal_rules(graph: GraphEmulator, receiver: NotificationReceiver) -> None:
    (me,) = mailboxes(graph, 1)
    sub = subscribe(graph, request(receiver, me["id"])).json()
    url = f"{graph.base_url}/subscriptions/{sub['id']}"
    assert error_of(httpx.patch(url, json={}))[2] == (
        "Subscription must contain either the 'expirationDateTime' or 'notificationUrl' property and its value."
    )
    assert error_of(httpx.patch(url, json={"clientState": "other"}))[:2] == (400, "InvalidRequest")
    assert error_of(httpx.patch(url, json={"expirationDateTime": in_minutes(4231)}))[:2] == (400, "ExtensionError")
    receiver.handshake["/moved"] = "refuse"
    assert error_of(httpx.patch(url, json={"notificationUrl": receiver.url("/moved")}))[:2] == (400, "InvalidRequest")
    moved = httpx.patch(url, json={"notificationUrl": receiver.url("/moved-ok")})
    assert moved.status_code == 200 and moved.json()["notificationUrl"] == receiver.url("/moved-ok")
    assert [path for path, _, _ in receiver.validations][-2:] == ["/moved", "/moved-ok"]
    assert graph.violations() == []


def lifecycle(graph: GraphEmulator, subscription_id: str, event: str) -> dict[str, Any]:
    resp = httpx.post(f"{graph.root}/_emulator/subscriptions/{subscription_id}/lifecycle", json={"event": event})
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def test_lifecycle_notifications_on_demand(graph: GraphEmulator, receiver: NotificationReceiver) -> None:
    (me,) = mailboxes(graph, 1)
    sub = subscribe(graph, request(receiver, me["id"])).json()
    for event in ("reauthorizationRequired", "missed"):
        assert lifecycle(graph, sub["id"], event)["sent"] is True
    assert lifecycle(graph, sub["id"], "subscriptionRemoved")["removed"] is True
    bodies = receiver.wait_for("/lifecycle", 3)
    assert [b["value"][0]["lifecycleEvent"] for b in bodies] == [
        "reauthorizationRequired",
        "missed",
        "subscriptionRemoved",
    ]
    item = bodies[0]["value"][0]
    assert set(item) == {
        "lifecycleEvent",
        "subscriptionId",
        "subscriptionExpirationDateTime",
        "clientState",
        "tenantId",
    }
    assert (item["subscriptionId"], item["clientState"]) == (sub["id"], "state-of-the-client")
    assert receiver.at("/notify") == []
    assert httpx.get(f"{graph.base_url}/subscriptions/{sub['id']}").status_code == 404

    without = subscribe(graph, request(receiver, me["id"], lifecycleNotificationUrl=None)).json()
    assert lifecycle(graph, without["id"], "missed")["sent"] is False  # no URL, no lifecycle notification
    bad = httpx.post(f"{graph.root}/_emulator/subscriptions/{without['id']}/lifecycle", json={"event": "renewed"})
    assert bad.status_code == 400


def test_an_expired_subscription_is_gone_and_reset_clears_all(
    graph: GraphEmulator, receiver: NotificationReceiver
) -> None:
    me, other = mailboxes(graph, 2)
    first = subscribe(graph, request(receiver, me["id"])).json()
    second = subscribe(graph, request(receiver, other["id"])).json()
    assert httpx.post(f"{graph.root}/_emulator/subscriptions/{first['id']}/expire").status_code == 200
    assert httpx.get(f"{graph.base_url}/subscriptions/{first['id']}").status_code == 404
    assert [s["id"] for s in listed(graph)["subscriptions"]] == [second["id"]]
    graph.reset()
    assert listed(graph) == {"subscriptions": [], "deliveries": {}}
