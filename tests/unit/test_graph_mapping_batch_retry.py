"""The Graph retry policy and $batch helper, run through the real msgraph-sdk over an httpx MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest

from shared.adapters.graph.batch import BatchCall, chunked, send_batch
from shared.adapters.graph.client import build_graph_client, middleware_options
from shared.adapters.graph.retry import RetryPolicy, RetryStats, parse_retry_after, with_retries
from shared.config import load_settings

pytestmark = pytest.mark.unit

BASE = "http://127.0.0.1:9/v1.0"


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def client_for(handler: Callable[[httpx.Request], httpx.Response]):  # type: ignore[no-untyped-def]
    settings = load_settings(storage_connection="UseDevelopmentStorage=true", graph_base_url=BASE)
    return build_graph_client(settings, transport=httpx.MockTransport(handler))


def policy(sleeps: Sleeps, attempts: int = 4) -> RetryPolicy:
    return RetryPolicy(max_attempts=attempts, max_retry_after=30, sleep=sleeps)


def test_parse_retry_after_accepts_seconds_and_http_dates() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7", now) == 7.0
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:10 GMT", now) == 10.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_sdk_retry_handler_is_off_and_sdk_defaults_kept() -> None:
    from kiota_http.middleware.options import RetryHandlerOption, UrlReplaceHandlerOption

    options = middleware_options()
    retry = options[RetryHandlerOption.get_key()]
    assert isinstance(retry, RetryHandlerOption) and retry.should_retry is False
    assert UrlReplaceHandlerOption.get_key() in options


def test_chunked_splits_in_twenties() -> None:
    assert [len(c) for c in chunked(list(range(45)))] == [20, 20, 5]


async def test_throttled_get_is_retried_after_capped_retry_after() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if len(calls) < 3:
            return httpx.Response(429, headers={"Retry-After": "600"}, json={"error": {"code": "TooManyRequests"}})
        return httpx.Response(200, json={"id": "u1", "displayName": "Ada"})

    client, sleeps, stats = client_for(handler), Sleeps(), RetryStats()
    user = await with_retries(lambda: client.users.by_user_id("u1").get(), policy=policy(sleeps), stats=stats)
    assert user is not None and user.display_name == "Ada"
    assert [round(w) for w in sleeps.waits] == [30, 30]  # Retry-After 600 capped at 30 s (plus jitter < 1 s)
    assert stats.retries == 2 and stats.throttled == 2


async def test_not_found_is_not_retried() -> None:
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"error": {"code": "Request_ResourceNotFound", "message": "no"}})

    client, sleeps, stats = client_for(handler), Sleeps(), RetryStats()
    with pytest.raises(ODataError):
        await with_retries(lambda: client.users.by_user_id("x").get(), policy=policy(sleeps), stats=stats)
    assert stats.retries == 0


async def test_gives_up_after_max_attempts_with_the_last_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client, sleeps, stats = client_for(handler), Sleeps(), RetryStats()
    with pytest.raises(httpx.ConnectError):
        await with_retries(lambda: client.users.by_user_id("x").get(), policy=policy(sleeps, 3), stats=stats)
    assert stats.retries == 2 and len(sleeps.waits) == 2


async def test_batch_retries_only_throttled_items() -> None:
    sent: list[list[str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1.0/$batch"
        items = json.loads(request.content)["requests"]
        sent.append([i["id"] for i in items])
        responses = []
        for item in items:
            if item["id"] == "b" and len(sent) == 1:
                responses.append({"id": "b", "status": 429, "headers": {"Retry-After": "3"}, "body": {}})
            else:
                body = {"timeZone": "UTC", "url": item["url"]}
                responses.append({"id": item["id"], "status": 200, "headers": {}, "body": body})
        return httpx.Response(200, json={"responses": responses})

    client, sleeps, stats = client_for(handler), Sleeps(), RetryStats()
    calls = [
        BatchCall(uid, client.users.by_user_id(uid).mailbox_settings.to_get_request_information()) for uid in "abc"
    ]
    results = await send_batch(client, calls, policy=policy(sleeps), stats=stats)
    assert sent == [["a", "b", "c"], ["b"]]
    assert [round(w) for w in sleeps.waits] == [3]
    assert {k: r.status for k, r in results.items()} == {"a": 200, "b": 200, "c": 200}
    assert results["b"].body == {"timeZone": "UTC", "url": "/users/b/mailboxSettings"}


async def test_batch_item_still_throttled_after_last_attempt_is_returned() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        items = json.loads(request.content)["requests"]
        return httpx.Response(200, json={"responses": [{"id": i["id"], "status": 503, "body": {}} for i in items]})

    client, sleeps, stats = client_for(handler), Sleeps(), RetryStats()
    calls = [BatchCall("a", client.users.by_user_id("a").mailbox_settings.to_get_request_information())]
    results = await send_batch(client, calls, policy=policy(sleeps, 2), stats=stats)
    assert results["a"].status == 503 and not results["a"].ok
    assert stats.retries == 1


async def test_batch_of_45_goes_in_three_envelopes() -> None:
    sizes: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        items = json.loads(request.content)["requests"]
        sizes.append(len(items))
        return httpx.Response(200, json={"responses": [{"id": i["id"], "status": 200, "body": {}} for i in items]})

    client = client_for(handler)
    calls = [
        BatchCall(f"u{n}", client.users.by_user_id(f"u{n}").mailbox_settings.to_get_request_information())
        for n in range(45)
    ]
    results = await send_batch(client, calls, policy=policy(Sleeps()), stats=RetryStats())
    assert sizes == [20, 20, 5] and len(results) == 45
