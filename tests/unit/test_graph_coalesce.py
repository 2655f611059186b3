"""Requests made together go in one $batch; each caller still gets its own answer, status and retries."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from shared.adapters.graph.coalesce import Coalescer, ItemStatus
from shared.adapters.graph.retry import RetryPolicy, RetryStats, retry_after_of, status_of, with_retries

pytestmark = pytest.mark.unit


class Graph:
    """Answers each batch item from ``statuses`` (by URL; 200 with the URL echoed otherwise) and records batches."""

    def __init__(self, statuses: dict[str, list[int]] | None = None) -> None:
        self.batches: list[list[dict[str, Any]]] = []
        self.statuses = statuses or {}

    async def post(self, batch: dict[str, Any]) -> Any:
        self.batches.append(batch["requests"])
        await asyncio.sleep(0)
        return {"responses": [self._answer(item) for item in reversed(batch["requests"])]}  # any order

    def _answer(self, item: dict[str, Any]) -> dict[str, Any]:
        waiting = self.statuses.get(item["url"])
        status = waiting.pop(0) if waiting else 200
        headers = {"Retry-After": "2"} if status == 429 else {}
        body = {"url": item["url"], "sent": item.get("body")} if status < 300 else {"error": {"code": str(status)}}
        return {"id": item["id"], "status": status, "headers": headers, "body": body}


async def test_requests_made_together_share_one_batch_and_each_gets_its_own_answer() -> None:
    graph = Graph()
    batches = Coalescer(graph.post, max_items=4, gather_seconds=0.01)
    answers = await asyncio.gather(*(batches.request("GET", f"/users/u{n}/chat") for n in range(6)))
    assert [a["url"] for a in answers] == [f"/users/u{n}/chat" for n in range(6)]
    assert [len(b) for b in graph.batches] == [4, 2]  # a full batch goes at once, the rest after the wait
    posted = await batches.request("POST", "/users/u1/teamwork/installedApps", {"teamsApp@odata.bind": "x"})
    assert posted["sent"] == {"teamsApp@odata.bind": "x"}
    assert graph.batches[-1] == [
        {
            "id": "0",
            "method": "POST",
            "url": "/users/u1/teamwork/installedApps",
            "headers": {"Accept": "application/json", "Content-Type": "application/json"},
            "body": {"teamsApp@odata.bind": "x"},
        }
    ]


async def test_an_item_status_is_that_callers_error_only_and_reads_like_an_odata_error() -> None:
    graph = Graph({"/users/gone/chat": [404], "/users/busy/chat": [429]})
    batches = Coalescer(graph.post)
    ok, gone, busy = await asyncio.gather(
        *(batches.request("GET", f"/users/{who}/chat") for who in ("ok", "gone", "busy")), return_exceptions=True
    )
    assert len(graph.batches) == 1
    assert ok == {"url": "/users/ok/chat", "sent": None}
    assert isinstance(gone, ItemStatus) and status_of(gone) == 404
    assert isinstance(busy, ItemStatus) and status_of(busy) == 429 and retry_after_of(busy) == 2.0


async def test_a_throttled_item_is_retried_by_its_caller_alone() -> None:
    async def no_sleep(seconds: float) -> None:
        return None

    graph = Graph({"/users/busy/chat": [429, 503]})
    batches = Coalescer(graph.post)
    stats = RetryStats()
    policy = RetryPolicy(max_attempts=3, sleep=no_sleep)

    async def chat(who: str) -> Any:
        return await with_retries(lambda: batches.request("GET", f"/users/{who}/chat"), policy=policy, stats=stats)

    answers = await asyncio.gather(chat("ok"), chat("busy"))
    assert [a["url"] for a in answers] == ["/users/ok/chat", "/users/busy/chat"]
    assert [[item["url"] for item in b] for b in graph.batches] == [
        ["/users/ok/chat", "/users/busy/chat"],
        ["/users/busy/chat"],
        ["/users/busy/chat"],
    ]
    assert stats.by_cause == {"429": 1, "503": 1}


async def test_a_failed_batch_is_every_callers_error_and_a_missing_item_is_retryable() -> None:
    async def refused(batch: dict[str, Any]) -> Any:
        raise httpx.ConnectError("down")

    batches = Coalescer(refused)
    errors = await asyncio.gather(*(batches.request("GET", f"/u{n}") for n in range(3)), return_exceptions=True)
    assert all(isinstance(e, httpx.ConnectError) for e in errors)

    async def forgetful(batch: dict[str, Any]) -> Any:
        return {"responses": []}

    with pytest.raises(ItemStatus) as missing:
        await Coalescer(forgetful).request("GET", "/u1")
    assert status_of(missing.value) == 503


def test_each_event_loop_starts_with_an_empty_queue() -> None:
    graph = Graph()
    batches = Coalescer(graph.post)
    for _ in range(2):
        assert asyncio.run(batches.request("GET", "/u1")) == {"url": "/u1", "sent": None}
    assert [len(b) for b in graph.batches] == [1, 1]
