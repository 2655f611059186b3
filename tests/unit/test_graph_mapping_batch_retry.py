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


class FakeBook:
    """A one-table workbook behind a MockTransport; ``drop`` names paths whose next calls drop the connection.

    ``drop_after`` applies the request first and then drops the reply (the client cannot tell whether it landed).
    """

    def __init__(self, drop: dict[str, int] | None = None, drop_after: dict[str, int] | None = None) -> None:
        self.rows: list[list[object]] = []
        self.drop, self.drop_after = dict(drop or {}), dict(drop_after or {})
        self.calls: list[str] = []

    def _dropping(self, faults: dict[str, int], path: str) -> bool:
        key = next((k for k in faults if path.endswith(k)), None)
        if key is None or faults[key] <= 0:
            return False
        faults[key] -= 1
        return True

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.calls.append(f"{request.method} {path.rsplit('/', 1)[-1]}")
        if self._dropping(self.drop, path):
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        response = self._answer(request, path)
        if self._dropping(self.drop_after, path):
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        return response

    def _answer(self, request: httpx.Request, path: str) -> httpx.Response:
        if "/root:/" in path:
            return httpx.Response(200, json={"id": "item1"})
        if path.endswith("/createSession"):
            return httpx.Response(201, json={"id": "session1", "persistChanges": True})
        if path.endswith("/closeSession"):
            return httpx.Response(204)
        if path.endswith("/workbook/tables"):
            return httpx.Response(200, json={"value": [{"name": "Outcomes"}, {"name": "Conversations"}]})
        if path.endswith("/rows/add"):
            self.rows.extend(json.loads(request.content)["values"])
            return httpx.Response(200, json={"index": len(self.rows)})
        if path.endswith("/rows"):
            return httpx.Response(200, json={"value": [{"values": [row]} for row in self.rows]})
        return httpx.Response(404, json={"error": {"code": "itemNotFound", "message": path}})


def workbook_for(book: FakeBook, sleeps: Sleeps, stats: RetryStats):  # type: ignore[no-untyped-def]
    from shared.adapters.graph.workbook import GraphWorkbook

    return GraphWorkbook(client_for(book), "hr", "WeGrow/hr.xlsx", lambda: b"", policy=policy(sleeps), stats=stats)


ROWS = [["r1", "a"], ["r2", "b"], ["r3", "c"]]


async def test_workbook_close_session_is_retried_under_the_policy() -> None:
    book, sleeps, stats = FakeBook(drop={"/closeSession": 1}), Sleeps(), RetryStats()
    workbook = workbook_for(book, sleeps, stats)
    assert await workbook.append_rows("Outcomes", ROWS) == 3
    await workbook.aclose()
    assert book.calls.count("POST closeSession") == 2
    assert stats.by_cause["RemoteProtocolError"] == 1


async def test_workbook_close_that_keeps_failing_is_logged_and_never_fails_the_export(
    caplog: pytest.LogCaptureFixture,
) -> None:
    book, sleeps, stats = FakeBook(drop={"/closeSession": 99}), Sleeps(), RetryStats()
    workbook = workbook_for(book, sleeps, stats)
    assert await workbook.append_rows("Outcomes", ROWS) == 3
    with caplog.at_level("WARNING"):
        await workbook.aclose()  # no exception: the rows landed, the session expires on its own
    assert book.calls.count("POST closeSession") == 4  # policy(attempts=4)
    assert "expires on its own" in caplog.text
    assert [row[0] for row in book.rows] == ["r1", "r2", "r3"]
    await workbook.aclose()  # closed once is closed: no second round
    assert book.calls.count("POST closeSession") == 4


async def test_workbook_session_setup_and_reads_go_through_the_policy() -> None:
    book = FakeBook(drop={"/root:/WeGrow/hr.xlsx": 1, "/createSession": 1, "/workbook/tables": 1, "/rows": 1})
    sleeps, stats = Sleeps(), RetryStats()
    workbook = workbook_for(book, sleeps, stats)
    assert await workbook.existing_row_ids("Outcomes") == set()
    assert stats.by_cause["RemoteProtocolError"] == 4


async def test_a_dropped_rows_add_is_resent_only_for_rows_that_did_not_land() -> None:
    book, sleeps, stats = FakeBook(drop_after={"/rows/add": 1}), Sleeps(), RetryStats()
    workbook = workbook_for(book, sleeps, stats)
    assert await workbook.append_rows("Outcomes", ROWS) == 3
    assert [row[0] for row in book.rows] == ["r1", "r2", "r3"]  # applied once, the re-read saw them all
    assert book.calls.count("POST add") == 1


async def test_a_rows_add_dropped_before_it_landed_is_resent() -> None:
    book, sleeps, stats = FakeBook(drop={"/rows/add": 2}), Sleeps(), RetryStats()
    workbook = workbook_for(book, sleeps, stats)
    assert await workbook.append_rows("Outcomes", ROWS) == 3
    assert [row[0] for row in book.rows] == ["r1", "r2", "r3"]
    assert book.calls.count("POST add") == 3
