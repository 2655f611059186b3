"""The Graph retry policy and $batch helper, run through the real msgraph-sdk over an httpx MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest

from shared.adapters.graph import batch_items
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
    calls = [BatchCall(uid, batch_items.get(batch_items.user_path(uid, "mailboxSettings"))) for uid in "abc"]
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
    calls = [BatchCall("a", batch_items.get(batch_items.user_path("a", "mailboxSettings")))]
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
    calls = [BatchCall(f"u{n}", batch_items.get(batch_items.user_path(f"u{n}", "mailboxSettings"))) for n in range(45)]
    results = await send_batch(client, calls, policy=policy(Sleeps()), stats=RetryStats())
    assert sizes == [20, 20, 5] and len(results) == 45


class FakeDrive:
    """One .xlsx drive item behind a MockTransport (metadata, content, PUT with If-Match).

    ``drop`` names paths whose next calls drop the connection before anything happens; ``drop_after`` applies
    the request first and then drops the reply; ``rival`` is a writer that saves the file once, right before
    the next upload (so that upload's If-Match is stale).
    """

    def __init__(self, drop: dict[str, int] | None = None, drop_after: dict[str, int] | None = None) -> None:
        from shared.adapters.workbook.template import build_template

        self.content, self.version = build_template(["Sales"]), 1
        self.drop, self.drop_after = dict(drop or {}), dict(drop_after or {})
        self.rival: Callable[[bytes], bytes] | None = None
        self.calls: list[str] = []

    @property
    def etag(self) -> str:
        return f'"{{ITEM1}},{self.version}"'

    def _dropping(self, faults: dict[str, int], key: str) -> bool:
        if faults.get(key, 0) <= 0:
            return False
        faults[key] -= 1
        return True

    def __call__(self, request: httpx.Request) -> httpx.Response:
        key = f"{request.method} {request.url.path.rsplit('/', 1)[-1]}"
        self.calls.append(key if "/workbook/" not in request.url.path else f"{key} (workbook API)")
        if self._dropping(self.drop, key):
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        response = self._answer(request)
        if self._dropping(self.drop_after, key):
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        return response

    def _answer(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if "/root:/" in path:
            return httpx.Response(200, json={"id": "ITEM1", "name": "hr.xlsx", "eTag": self.etag})
        if request.method == "GET" and path.endswith("/content"):
            return httpx.Response(200, content=self.content)
        if request.method == "PUT" and path.endswith("/content"):
            if self.rival is not None:
                self.content, self.version, self.rival = self.rival(self.content), self.version + 1, None
            if request.headers.get("If-Match") != self.etag:
                return httpx.Response(412, json={"error": {"code": "preconditionFailed", "message": "changed"}})
            self.content, self.version = request.content, self.version + 1
            return httpx.Response(200, json={"id": "ITEM1", "name": "hr.xlsx", "eTag": self.etag})
        return httpx.Response(404, json={"error": {"code": "itemNotFound", "message": path}})

    def ids(self) -> list[str]:
        from shared.adapters.workbook import edit

        return sorted(edit.row_ids(edit.load(self.content), "Conversations"))


def workbook_for(drive: FakeDrive, sleeps: Sleeps, stats: RetryStats):  # type: ignore[no-untyped-def]
    from shared.adapters.graph.workbook import GraphWorkbook

    return GraphWorkbook(client_for(drive), "hr", "WeGrow/hr.xlsx", lambda: b"", policy=policy(sleeps), stats=stats)


def conversation(ident: str) -> list[object]:
    return [ident, "2026-03-10", "2026-03", "Sales", "", "grace@contoso.test", "ada@contoso.test", "", "Held"]


ROWS = [conversation("r1"), conversation("r2"), conversation("r3")]


async def test_reads_and_the_upload_go_through_the_policy_and_never_touch_the_workbook_api() -> None:
    drive = FakeDrive(drop={"GET hr.xlsx": 1, "GET content": 1, "PUT content": 1})
    sleeps, stats = Sleeps(), RetryStats()
    workbook = workbook_for(drive, sleeps, stats)
    assert await workbook.append_rows("Conversations", ROWS) == 3
    await workbook.flush()
    assert drive.ids() == ["r1", "r2", "r3"] and stats.by_cause["RemoteProtocolError"] == 3
    assert drive.calls.count("PUT content") == 2 and not [c for c in drive.calls if "workbook" in c.lower()]


async def test_a_stale_etag_is_answered_by_rereading_and_replaying_the_batch() -> None:
    from shared.adapters.workbook import edit

    def rival(content: bytes) -> bytes:
        book = edit.load(content)
        edit.append_rows(book, "Conversations", [conversation("theirs")])
        return edit.save(book)

    drive, sleeps, stats = FakeDrive(), Sleeps(), RetryStats()
    workbook = workbook_for(drive, sleeps, stats)
    await workbook.append_rows("Conversations", ROWS)
    drive.rival = rival
    await workbook.flush()
    assert drive.ids() == ["r1", "r2", "r3", "theirs"]
    assert (workbook.conflicts, workbook.uploads, drive.calls.count("GET content")) == (1, 1, 2)


async def test_an_upload_whose_answer_was_lost_lands_once() -> None:
    drive, sleeps, stats = FakeDrive(drop_after={"PUT content": 1}), Sleeps(), RetryStats()
    workbook = workbook_for(drive, sleeps, stats)
    await workbook.append_rows("Conversations", ROWS)
    await workbook.flush()  # the retry's If-Match is stale (412): re-read shows the rows, replay adds nothing
    assert drive.ids() == ["r1", "r2", "r3"] and workbook.conflicts == 1
