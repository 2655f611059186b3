"""Graph requests made at about the same time, sent together as one JSON ``$batch`` (one HTTP round trip).

Each Graph call through the SDK's request adapter costs the worker about 3-5 ms of CPU (kiota's middleware chain,
httpx and httpcore's connection pool), whatever its size: a batch of 16 items costs about what one item alone
does. For a first card's app install and chat read it was most of the card's CPU. Card fan-out runs many
recipients at once, but their requests arrive spread out (the connector's send limit paces the cards, about 30
Graph requests a second), so a first request waits up to ``gather_seconds`` (100 ms) for others, and the requests
queued by then (``max_items`` at most, Graph's limit of 20: a full batch goes at once) go in one ``POST /$batch``
through the same request adapter (auth, middleware, base URL). With 10 ms and 4 items a first card took 0.87
batches (9.5 ms of CPU per card); with 100 ms and 20 items 0.16 (6.1 ms), at the same fan-out
(``tests/bench/card_fanout.py``). The wait is small next to an install's own latency, and it only delays
requests: the connector's limit, not Graph, sets the pace of a fan-out.

Graph runs a batch's independent items in parallel; the 4-at-a-time limit it documents is per Outlook mailbox,
and each item here is a different user's Teams installation.

Each caller still gets its own answer or error, as if it had called alone: a 2xx item's JSON body, or
:class:`ItemStatus` carrying the item's status and headers (``status_of`` and ``retry_after_of`` in
:mod:`retry` read it like an ``ODataError``), so the caller's own retries and error mapping are unchanged. A failed
envelope (transport error, 429 on ``/$batch`` itself) is every caller's error, and each retries on its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

MAX_ITEMS = 20  # Graph's limit per $batch
GATHER_SECONDS = 0.1  # how long a first request waits for others (an install takes far longer than this)
JSON = "application/json"


class ItemStatus(Exception):
    """A batched request answered with a non-2xx status (``response_status_code``, ``response_headers``)."""

    def __init__(self, status: int, headers: dict[str, Any], body: Any) -> None:
        super().__init__(f"Graph answered {status} to a batched request")
        self.response_status_code = status
        self.response_headers = headers
        self.body = body


@dataclass
class _Pending:
    item: dict[str, Any]
    answer: asyncio.Future[Any]


class Coalescer:
    """Queues requests (``method``, URL relative to the version root, JSON body) and posts them in batches.

    ``post`` sends one ``$batch`` body and returns its JSON answer (the installer passes its request adapter).
    """

    def __init__(
        self,
        post: Callable[[dict[str, Any]], Awaitable[Any]],
        *,
        max_items: int = MAX_ITEMS,
        gather_seconds: float = GATHER_SECONDS,
    ) -> None:
        self._post = post
        self._max_items = max_items
        self._gather_seconds = gather_seconds
        self._timer: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queued: list[_Pending] = []
        self._sending: set[asyncio.Task[None]] = set()

    async def request(self, method: str, url: str, body: Any = None) -> Any:
        """The JSON body of a 2xx answer (None when empty); ItemStatus for any other status."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._loop, self._queued, self._timer = loop, [], None
        item: dict[str, Any] = {"method": method, "url": url, "headers": {"Accept": JSON}}
        if body is not None:
            item["headers"]["Content-Type"] = JSON
            item["body"] = body
        pending = _Pending(item, loop.create_future())
        self._queued.append(pending)
        if len(self._queued) >= self._max_items:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(self._gather_seconds, self._flush)
        return await pending.answer

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        queued, self._queued = self._queued, []
        for start in range(0, len(queued), self._max_items):
            task = asyncio.get_running_loop().create_task(self._send(queued[start : start + self._max_items]))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _send(self, batch: list[_Pending]) -> None:
        body = {"requests": [{"id": str(index), **p.item} for index, p in enumerate(batch)]}
        try:
            answer = await self._post(body)
        except Exception as error:
            _settle(batch, [error] * len(batch))
            return
        except BaseException:
            for pending in batch:
                pending.answer.cancel()
            raise
        responses = {str(r.get("id")): r for r in _responses(answer)}
        _settle(batch, [_outcome(responses.get(str(index))) for index in range(len(batch))])


def _responses(answer: Any) -> list[dict[str, Any]]:
    found = answer.get("responses") if isinstance(answer, dict) else None
    return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []


def _outcome(response: dict[str, Any] | None) -> Any:
    """The item's JSON body (2xx) or its ItemStatus; an item missing from the answer counts as a 503 (retried)."""
    if response is None:
        return ItemStatus(503, {}, None)
    status = int(response.get("status") or 0)
    headers = response.get("headers") if isinstance(response.get("headers"), dict) else {}
    if 200 <= status < 300:
        return _Answer(response.get("body"))
    return ItemStatus(status, headers or {}, response.get("body"))


@dataclass(frozen=True)
class _Answer:
    body: Any


def _settle(batch: list[_Pending], outcomes: list[Any]) -> None:
    for pending, outcome in zip(batch, outcomes, strict=True):
        if pending.answer.done():
            continue
        if isinstance(outcome, _Answer):
            pending.answer.set_result(outcome.body)
        else:
            pending.answer.set_exception(outcome)
