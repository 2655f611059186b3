"""``$batch`` items built as plain strings carry what the msgraph-sdk request builders would have sent.

The builders expand an RFC 6570 URI template per request (``stduritemplate``); the items join the ids with
``urllib.parse.quote``. Both must give the same relative URL, headers and body for any id, including ids
with ``/ ? # % + @``, spaces and non-ASCII characters.
"""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.adapters.graph import batch_items as items
from shared.adapters.graph import calendar_requests as req
from shared.adapters.graph.batch import BatchCall, send_batch
from shared.adapters.graph.batch_items import BatchRequest
from shared.adapters.graph.client import build_graph_client
from shared.adapters.graph.raw import json_request
from shared.adapters.graph.retry import RetryPolicy, RetryStats
from shared.config import load_settings

pytestmark = pytest.mark.unit

BASE = "http://127.0.0.1:9/v1.0"
ids = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40)
instants = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC))


@functools.cache
def client() -> Any:
    """A client whose request builders make the SDK's request information (nothing is sent)."""
    settings = load_settings(storage_connection="UseDevelopmentStorage=true", graph_base_url=BASE)
    return build_graph_client(settings, transport=httpx.MockTransport(lambda r: httpx.Response(500)))


def sdk_item(request: Any) -> BatchRequest:
    """What msgraph-core's BatchRequestItem took from the SDK's request information."""
    body = json.loads(request.content) if request.content else None
    return BatchRequest(request.http_method.name, request.url, request.request_headers, body)


def same(ours: BatchRequest, theirs: BatchRequest) -> None:
    assert (ours.method, ours.url, dict(ours.headers), ours.body) == (
        theirs.method,
        theirs.url,
        dict(theirs.headers),
        theirs.body,
    )


@settings(max_examples=200, deadline=None)
@given(ids)
def test_a_mailbox_settings_item_matches_the_sdk(user_id: str) -> None:
    theirs = client().users.by_user_id(user_id).mailbox_settings.to_get_request_information()
    same(items.get(items.user_path(user_id, "mailboxSettings")), sdk_item(theirs))


@settings(max_examples=200, deadline=None)
@given(ids, ids)
def test_a_series_look_up_item_matches_the_sdk(user_id: str, series_id: str) -> None:
    events = client().users.by_user_id(user_id).events
    theirs = events.to_get_request_information(req.find_series_config(series_id))
    same(req.find_series_item(user_id, series_id), sdk_item(theirs))


@settings(max_examples=200, deadline=None)
@given(ids, ids, instants, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)))
def test_an_instances_item_matches_the_sdk(user_id: str, event_id: str, start: datetime, length: timedelta) -> None:
    instances = client().users.by_user_id(user_id).events.by_event_id(event_id).instances
    theirs = instances.to_get_request_information(req.instances_config(start, start + length))
    same(req.instances_item(user_id, event_id, start, start + length), sdk_item(theirs))


@settings(max_examples=200, deadline=None)
@given(ids, ids, instants)
def test_move_cancel_create_and_schedule_items_match_the_sdk(user_id: str, event_id: str, start: datetime) -> None:
    users = client().users.by_user_id(user_id)
    event, body = users.events.by_event_id(event_id), req.move_body(start, start + timedelta(minutes=30))
    same(items.send("PATCH", items.event_path(user_id, event_id), body), sdk_item(json_request(event, "PATCH", body)))
    cancel = req.cancel_body("moved")
    same(
        items.send("POST", items.event_path(user_id, event_id, "cancel"), cancel),
        sdk_item(json_request(event.cancel, "POST", cancel)),
    )
    create = {"subject": event_id}
    same(
        items.send("POST", items.user_path(user_id, "events"), create),
        sdk_item(json_request(users.events, "POST", create)),
    )
    schedule, config = req.schedule_request([f"{user_id}@x.test"], start, start + timedelta(days=62))
    theirs = json_request(users.calendar.get_schedule, "POST", schedule)
    theirs.headers.add_all(config.headers)
    same(req.schedule_item(user_id, [f"{user_id}@x.test"], start, start + timedelta(days=62)), sdk_item(theirs))


def test_a_next_link_becomes_a_url_relative_to_the_version_root() -> None:
    link = f"{BASE}/users/a%2Fb/events/e/instances?%24skiptoken=x%3D1&startDateTime=2026-01-01T00%3A00%3A00Z"
    assert (
        req.next_page_item(link).url
        == "/users/a%2Fb/events/e/instances?%24skiptoken=x%3D1&startDateTime=2026-01-01T00%3A00%3A00Z"
    )
    assert items.relative_url("https://graph.microsoft.com/beta/users/u?x=1") == "/users/u?x=1"
    assert items.relative_url("/users/u/events") == "/users/u/events"


async def test_a_batch_posts_the_items_as_json_through_the_request_adapter() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        inner = json.loads(request.content)["requests"]
        return httpx.Response(200, json={"responses": [{"id": i["id"], "status": 200, "body": {}} for i in inner]})

    settings = load_settings(storage_connection="UseDevelopmentStorage=true", graph_base_url=BASE)
    graph = build_graph_client(settings, transport=httpx.MockTransport(handler))
    calls = [
        BatchCall("1", items.get(items.user_path("a b", "mailboxSettings"))),
        BatchCall("2", items.send("POST", items.user_path("a", "events"), {"subject": "x"})),
    ]
    results = await send_batch(graph, calls, policy=RetryPolicy(max_attempts=1), stats=RetryStats())
    assert set(results) == {"1", "2"}
    (request,) = sent
    assert (request.method, str(request.url)) == ("POST", f"{BASE}/$batch")
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {
        "requests": [
            {
                "id": "1",
                "method": "GET",
                "url": "/users/a%20b/mailboxSettings",
                "headers": {"accept": "application/json"},
            },
            {
                "id": "2",
                "method": "POST",
                "url": "/users/a/events",
                "headers": {"accept": "application/json", "content-type": "application/json"},
                "body": {"subject": "x"},
            },
        ]
    }
