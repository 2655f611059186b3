"""JSON ``$batch`` through msgraph-sdk, with per-item results and per-item throttling retries.

Build each call from plain data (:mod:`batch_items`), e.g.
``BatchCall("u1", items.get(items.user_path("u1", "mailboxSettings")))``,
then ``results = await send_batch(client, calls)``; ``results[id]`` is a :class:`BatchResult`
with the item's status, headers and parsed JSON body.

Why not ``client.batch.post(...)``: msgraph-core leaves ``BatchResponseItem.body`` as None when an
item's body is a JSON object, and its ``BatchRequestItem`` wants the SDK's request information, whose URL
is expanded from a URI template per item. So the batch body is plain JSON, sent as the content of a
``POST /$batch`` through the SDK's request adapter (auth, middleware, base URL) with
``send_primitive_async(..., "bytes", ...)``, and each item's JSON is parsed here; callers read the bodies
as plain JSON (:mod:`shared.adapters.graph.wire`), never as SDK models.

Retries: the envelope (transport errors, an HTTP 429/503/504 on ``/$batch`` itself) and the inner
items that answered 429/503/504 are retried under :mod:`shared.adapters.graph.retry`. Only those
items are re-sent, after the largest Retry-After they asked for (capped by the policy). An item
still throttled after the last attempt is returned with its status, not raised. Callers batch
only idempotent requests (GET, PATCH/DELETE by id, POST with a deterministic ``transactionId``).

At most 20 requests go into one ``$batch`` (Graph's limit); longer lists are split into chunks
that are sent one after another.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from shared.adapters.graph.batch_items import BatchRequest
from shared.adapters.graph.retry import (
    DEFAULT_POLICY,
    RETRYABLE_STATUSES,
    STATS,
    RetryableStatus,
    RetryPolicy,
    RetryStats,
    header,
    parse_retry_after,
    with_retries,
)

if TYPE_CHECKING:
    from msgraph.graph_service_client import GraphServiceClient

MAX_BATCH_REQUESTS = 20


@dataclass(frozen=True)
class BatchCall:
    """One request of a batch: an id unique within the batch and the inner request."""

    id: str
    request: BatchRequest


@dataclass(frozen=True)
class BatchResult:
    """One item's answer: status, headers (lower-case names) and JSON body (None when empty)."""

    id: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error_code(self) -> str | None:
        """Graph's ``error.code`` for a failed item, if the body has one."""
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), dict):
            code = self.body["error"].get("code")
            return str(code) if code is not None else None
        return None


def chunked[T](items: Sequence[T], size: int = MAX_BATCH_REQUESTS) -> list[Sequence[T]]:
    """Consecutive slices of at most ``size`` items."""
    if size < 1:
        raise ValueError("chunk size must be at least 1")
    return [items[i : i + size] for i in range(0, len(items), size)]


def parse_batch_response(payload: bytes) -> dict[str, BatchResult]:
    """The items of a ``$batch`` response body, keyed by id."""
    document = json.loads(payload or b"{}")
    results: dict[str, BatchResult] = {}
    for item in document.get("responses", []):
        headers = {str(k).lower(): str(v) for k, v in (item.get("headers") or {}).items()}
        result = BatchResult(id=str(item["id"]), status=int(item["status"]), headers=headers, body=item.get("body"))
        results[result.id] = result
    return results


async def _post_once(client: GraphServiceClient, calls: Sequence[BatchCall]) -> dict[str, BatchResult]:
    from kiota_abstractions.method import Method
    from kiota_abstractions.request_information import RequestInformation
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError

    body = {"requests": [call.request.as_json(call.id) for call in calls]}
    request = RequestInformation(Method.POST, client.batch.url_template)
    request.set_stream_content(json.dumps(body).encode(), "application/json")
    send: Any = client.request_adapter.send_primitive_async  # typed as returning None in kiota's ABC
    payload = await send(request, "bytes", {"XXX": ODataError})
    return parse_batch_response(payload or b"")


def _throttled(results: dict[str, BatchResult]) -> list[BatchResult]:
    return [r for r in results.values() if r.status in RETRYABLE_STATUSES]


def _longest_wait(throttled: list[BatchResult]) -> float | None:
    waits = [w for w in (parse_retry_after(header(r.headers, "retry-after")) for r in throttled) if w is not None]
    return max(waits) if waits else None


async def _send_chunk(
    client: GraphServiceClient, calls: Sequence[BatchCall], policy: RetryPolicy, stats: RetryStats
) -> dict[str, BatchResult]:
    pending = {call.id: call for call in calls}
    results: dict[str, BatchResult] = {}

    async def round_trip() -> None:
        answered = await _post_once(client, list(pending.values()))
        results.update(answered)
        throttled = _throttled({k: v for k, v in answered.items() if k in pending})
        for done in set(pending) - {r.id for r in throttled}:
            pending.pop(done)
        if throttled:
            raise RetryableStatus(max(r.status for r in throttled), _longest_wait(throttled), "batch items throttled")

    # items still throttled after the last attempt keep their status in ``results``
    with contextlib.suppress(RetryableStatus):
        await with_retries(round_trip, policy=policy, stats=stats)
    return results


async def send_batch(
    client: GraphServiceClient,
    calls: Sequence[BatchCall],
    *,
    policy: RetryPolicy = DEFAULT_POLICY,
    stats: RetryStats = STATS,
) -> dict[str, BatchResult]:
    """Send ``calls`` as JSON $batch requests of up to 20 and return every item's result by id."""
    ids = [call.id for call in calls]
    if len({i.lower() for i in ids}) != len(ids):
        raise ValueError("batch ids must be unique (case-insensitive)")
    results: dict[str, BatchResult] = {}
    for chunk in chunked(calls):
        results.update(await _send_chunk(client, chunk, policy, stats))
    return results
