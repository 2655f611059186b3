"""Graph emulator change notifications: what reaches which subscription, in Graph's shape, and the delivery
switches (drop, duplicate, reorder), retries and expiry (raw HTTP; a loopback receiver plays the app's endpoint).

Exchange fidelity checked here: an answer sent without a response (``sendResponse: false``) and an attendee
deleting an occurrence reach the attendee's subscription only, never the organiser's (limits.md, docs issue
#15351); a change to one occurrence is an update of each mailbox's series master (docs issue #5520); moving an
occurrence asks the attendees again (MS-OXOCAL 3.1.4.7.3.2).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.contract.test_graph_emulator_exchange_calendar import (
    attendee,
    create,
    get,
    instances,
    mailbox_people,
    respond,
    status_of,
    utc,
    weekly_saturdays,
)
from tests.contract.test_graph_emulator_subscriptions import in_minutes, listed
from tests.fixtures.graph import GraphEmulator
from tests.fixtures.notification_receiver import NotificationReceiver

pytestmark = pytest.mark.contract
SETTLE_S = 0.6  # how long to wait before concluding that nothing more arrives


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


def watch(graph: GraphEmulator, receiver: NotificationReceiver, user: dict[str, Any], path: str, changes: str) -> str:
    body = {
        "changeType": changes,
        "notificationUrl": receiver.url(path),
        "resource": f"users/{user['id']}/events",
        "expirationDateTime": in_minutes(120),
        "clientState": f"state{path.replace('/', '-')}",
    }
    resp = httpx.post(f"{graph.base_url}/subscriptions", json=body, timeout=30)
    assert resp.status_code == 201, resp.text
    return str(resp.json()["id"])


def items(bodies: list[Any]) -> list[dict[str, Any]]:
    return [item for body in bodies for item in body["value"]]


def changes_at(receiver: NotificationReceiver, path: str) -> list[tuple[str, str]]:
    return [(i["changeType"], i["resourceData"]["id"]) for i in items(receiver.at(path))]


def patch(graph: GraphEmulator, user: dict[str, Any], event_id: str, **changes: Any) -> None:
    resp = httpx.patch(f"{graph.base_url}/users/{user['id']}/events/{event_id}", json=changes, timeout=30)
    assert resp.status_code == 200, resp.text


def copy_id(graph: GraphEmulator, guest: dict[str, Any], ical_uid: str) -> str:
    found = get(graph, guest, "events", **{"$filter": f"iCalUId eq '{ical_uid}'"})["value"]
    return str(found[0]["id"])


def test_each_change_in_a_watched_mailbox_is_notified(graph: GraphEmulator, receiver: NotificationReceiver) -> None:
    organiser, guest = mailbox_people(graph, 2)
    sub = watch(graph, receiver, organiser, "/org", "created,updated,deleted")
    watch(graph, receiver, guest, "/guest", "updated")
    event = create(graph, organiser, attendees=[attendee(guest)])
    (created,) = items(receiver.wait_for("/org", 1))
    path = f"Users/{organiser['id']}/Events/{event['id']}"
    assert created == {
        "subscriptionId": sub,
        "subscriptionExpirationDateTime": created["subscriptionExpirationDateTime"],
        "changeType": "created",
        "resource": path,
        "resourceData": {
            "@odata.type": "#Microsoft.Graph.Event",
            "@odata.id": path,
            "@odata.etag": event["@odata.etag"],
            "id": event["id"],
        },
        "clientState": "state-org",
        "tenantId": created["tenantId"],
    }
    assert receiver.received[0].content_type.startswith("application/json")

    patch(graph, organiser, event["id"], subject="Moved on")  # the organiser's change updates the guest's copy
    receiver.wait_for("/guest", 1)
    assert changes_at(receiver, "/guest") == [("updated", copy_id(graph, guest, event["iCalUId"]))]
    assert httpx.delete(f"{graph.base_url}/users/{organiser['id']}/events/{event['id']}").status_code == 204
    receiver.wait_for("/org", 3)
    time.sleep(SETTLE_S)
    assert [c for c, _ in changes_at(receiver, "/org")] == ["created", "updated", "deleted"]
    assert len(receiver.at("/guest")) == 1  # the guest's subscription wants updates only
    assert graph.violations() == []


def test_a_silent_decline_reaches_the_attendee_only(graph: GraphEmulator, receiver: NotificationReceiver) -> None:
    organiser, guest = mailbox_people(graph, 2)
    watch(graph, receiver, organiser, "/org", "updated")
    watch(graph, receiver, guest, "/guest", "updated")
    event = create(graph, organiser, attendees=[attendee(guest)])
    mine = copy_id(graph, guest, event["iCalUId"])
    assert respond(graph, guest, mine, "decline", sendResponse=False).status_code == 202
    receiver.wait_for("/guest", 1)
    time.sleep(SETTLE_S)
    assert receiver.at("/org") == []  # no meeting response went to the organiser
    assert status_of(get(graph, organiser, f"events/{event['id']}"), guest) == "none"
    assert get(graph, guest, f"events/{mine}")["responseStatus"]["response"] == "declined"

    assert respond(graph, guest, mine, "accept").status_code == 202  # sendResponse true: both copies change
    receiver.wait_for("/org", 1)
    assert changes_at(receiver, "/org") == [("updated", event["id"])]
    assert len(receiver.wait_for("/guest", 2)) == 2
    assert status_of(get(graph, organiser, f"events/{event['id']}"), guest) == "accepted"


def test_moving_an_occurrence_asks_again_and_updates_each_master(
    graph: GraphEmulator, receiver: NotificationReceiver
) -> None:
    organiser, guest = mailbox_people(graph, 2)
    series = create(graph, organiser, start=utc("2031-01-04", 9), end=utc("2031-01-04", 10),
                    attendees=[attendee(guest)], recurrence=weekly_saturdays())  # fmt: skip
    master = copy_id(graph, guest, series["iCalUId"])
    assert respond(graph, guest, master, "accept").status_code == 202
    watch(graph, receiver, organiser, "/org", "updated")
    watch(graph, receiver, guest, "/guest", "updated")
    second = instances(graph, organiser, series["id"])[1]
    patch(graph, organiser, second["id"], start=utc("2031-01-11", 13), end=utc("2031-01-11", 14))
    receiver.wait_for("/org", 1)
    receiver.wait_for("/guest", 1)
    assert changes_at(receiver, "/org") == [("updated", series["id"])]
    assert changes_at(receiver, "/guest") == [("updated", master)]
    assert [status_of(o, guest) for o in instances(graph, organiser, series["id"])] == [
        "accepted", "none", "accepted", "accepted"
    ]  # fmt: skip
    assert [o["responseStatus"]["response"] for o in instances(graph, guest, master)] == [
        "accepted", "none", "accepted", "accepted"
    ]  # fmt: skip


def test_an_attendee_deleting_an_occurrence_sends_no_response(
    graph: GraphEmulator, receiver: NotificationReceiver
) -> None:
    organiser, guest = mailbox_people(graph, 2)
    series = create(graph, organiser, start=utc("2031-01-04", 9), end=utc("2031-01-04", 10),
                    attendees=[attendee(guest)], recurrence=weekly_saturdays())  # fmt: skip
    master = copy_id(graph, guest, series["iCalUId"])
    assert respond(graph, guest, master, "accept").status_code == 202
    watch(graph, receiver, organiser, "/org", "updated")
    watch(graph, receiver, guest, "/guest", "updated")
    third = instances(graph, guest, master)[2]
    assert httpx.delete(f"{graph.base_url}/users/{guest['id']}/events/{third['id']}").status_code == 204
    receiver.wait_for("/guest", 1)
    time.sleep(SETTLE_S)
    assert receiver.at("/org") == []
    assert [status_of(o, guest) for o in instances(graph, organiser, series["id"])] == ["accepted"] * 4
    assert len(instances(graph, guest, master)) == 3

    fourth = instances(graph, organiser, series["id"])[3]  # the organiser cancels one: every copy changes
    assert httpx.delete(f"{graph.base_url}/users/{organiser['id']}/events/{fourth['id']}").status_code == 204
    receiver.wait_for("/org", 1)
    receiver.wait_for("/guest", 2)


def test_drop_and_duplicate_switches(graph: GraphEmulator, receiver: NotificationReceiver) -> None:
    (me,) = mailbox_people(graph, 1)
    watch(graph, receiver, me, "/me", "created")
    graph.switches(notify_drop=1.0)
    create(graph, me)
    time.sleep(SETTLE_S)
    assert receiver.at("/me") == [] and listed(graph)["deliveries"]["dropped"] == 1
    graph.switches(notify_drop=0.0, notify_duplicate=True)
    create(graph, me, subject="Twice")
    first, second = receiver.wait_for("/me", 2)
    assert first == second
    time.sleep(SETTLE_S)
    assert len(receiver.at("/me")) == 2


def delivered_with_half_dropped(graph: GraphEmulator, receiver: NotificationReceiver, me: dict[str, Any]) -> set[str]:
    receiver.clear()
    watch(graph, receiver, me, "/me", "created")
    graph.switches(notify_drop=0.5, fault_seed=11)
    for hour in range(8):
        create(graph, me, start=utc("2031-03-01", hour + 8), end=utc("2031-03-01", hour + 9))
    deadline = time.monotonic() + 10
    while sum(listed(graph)["deliveries"].get(k, 0) for k in ("sent", "dropped")) < 8:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return {i for _, i in changes_at(receiver, "/me")}


def test_drops_are_reproducible_with_the_fault_seed(graph: GraphEmulator, receiver: NotificationReceiver) -> None:
    (me,) = mailbox_people(graph, 1)
    first = delivered_with_half_dropped(graph, receiver, me)
    graph.reset()
    assert delivered_with_half_dropped(graph, receiver, me) == first
    assert 0 < len(first) < 8


def test_reorder_switch_delivers_held_notifications_in_reverse(
    graph: GraphEmulator, receiver: NotificationReceiver
) -> None:
    (me,) = mailbox_people(graph, 1)
    watch(graph, receiver, me, "/me", "created")
    graph.switches(notify_reorder=True)
    event = {"start": utc("2031-03-01", 9), "end": utc("2031-03-01", 10)}
    steps = [  # one $batch, the second create after the first: both changes fall in one 0.3 s hold
        {"id": "1", "method": "POST", "url": f"/users/{me['id']}/events", "body": {**event, "subject": "first"},
         "headers": {"Content-Type": "application/json"}},
        {"id": "2", "method": "POST", "url": f"/users/{me['id']}/events", "body": {**event, "subject": "second"},
         "headers": {"Content-Type": "application/json"}, "dependsOn": ["1"]},
    ]  # fmt: skip
    answers = httpx.post(f"{graph.base_url}/$batch", json={"requests": steps}, timeout=30).json()["responses"]
    made = [r["body"]["id"] for r in sorted(answers, key=lambda r: r["id"])]
    receiver.wait_for("/me", 2)
    assert [i for _, i in changes_at(receiver, "/me")] == made[::-1]


def test_a_failed_delivery_is_retried(graph: GraphEmulator, receiver: NotificationReceiver) -> None:
    (me,) = mailbox_people(graph, 1)
    watch(graph, receiver, me, "/me", "created")
    receiver.failures["/me"] = 2
    create(graph, me)
    bodies = receiver.wait_for("/me", 3, timeout=15)
    assert bodies[0] == bodies[1] == bodies[2]
    deliveries = listed(graph)["deliveries"]
    assert (deliveries["retried"], deliveries["sent"]) == (2, 1)


def test_an_expired_subscription_delivers_nothing(graph: GraphEmulator, receiver: NotificationReceiver) -> None:
    (me,) = mailbox_people(graph, 1)
    sub = watch(graph, receiver, me, "/me", "created")
    assert httpx.post(f"{graph.root}/_emulator/subscriptions/{sub}/expire").status_code == 200
    create(graph, me)
    time.sleep(SETTLE_S)
    assert receiver.at("/me") == []
