"""Table Storage's REST API over a kept-alive socket: the Store's calls without azure-core's pipeline (issue 20).

azure-data-tables sends each call through azure-core's pipeline and ``requests``/urllib3: about 3 ms of CPU per call
on the card-action path, against about 0.6 ms over a kept-alive ``http.client`` connection and less again when the
answer is read directly (``table_wire.Wire``: http.client parses headers with the ``email`` package). This module
does what that pipeline did for the Store's few calls:

- authentication as the SDK signs it: Shared Key (``SharedKey account:signature`` over the verb, Content-MD5,
  Content-Type, x-ms-date and the canonical resource) for an account key, or a bearer token for
  ``https://storage.azure.com/.default`` from a token credential (the managed identity), renewed 5 minutes early;
- retries as azure-core's defaults (``table_retry``, tenacity): on a dropped or refused connection and on 408, 429,
  500, 502, 503 and 504, at most 3 times, 0.8 s, 1.6 s, 3.2 s apart (or the server's Retry-After); a kept-alive
  connection the server closed while idle is reopened at once;
- one connection per thread, kept alive (the Store is called from worker threads), and spares for GETs sent at
  once (``at_once``); HTTPS with certifi's CA bundle or the environment's, through the environment's proxy
  (``table_connections``);
- one OpenTelemetry client span per call once a tracer provider is configured (Application Insights' dependency, as
  azure-core's spans and the requests/urllib3 instrumentations gave before), with the method, table and status
  only: keys are people's ids. Without a provider no span is made at all.

The caller (``tables.TableStore``) builds paths and bodies and maps statuses to the Store's errors.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import re
import threading
import time
from collections.abc import Callable, Sequence
from email.utils import formatdate
from functools import cache, partial
from typing import Any
from urllib.parse import urlsplit

from opentelemetry.trace import (
    ProxyTracerProvider,
    Span,
    SpanKind,
    StatusCode,
    Tracer,
    get_tracer,
    get_tracer_provider,
)

from shared.adapters.storage.table_connections import Connections
from shared.adapters.storage.table_retry import RETRY_STATUSES, with_retries
from shared.adapters.storage.table_wire import Answer, Wire

API_VERSION = "2019-02-02"  # what azure-data-tables 12.7 sends
STORAGE_SCOPE = "https://storage.azure.com/.default"
MAX_AT_ONCE = 8  # requests sent together (at_once): each needs a connection of its own
TOKEN_MARGIN_S = 300
USER_AGENT = "wegrow-tables/1 (http.client)"
Request = tuple[str, str, bytes, dict[str, str]]  # method, path below the base path, body, extra headers


class TableHttp:
    """Signed requests to one account's table endpoint (``scheme://host[:port][/account]`` as the SDK's ``url``)."""

    SERVICE = "Table"  # in the span's name

    def __init__(self, url: str, credential: Any, sleep: Any = time.sleep, tracer: Tracer | None = None) -> None:
        parts = urlsplit(url.rstrip("/"))
        self.scheme, self.host, self.base_path = parts.scheme, parts.netloc, parts.path
        self.base_url = f"{self.scheme}://{self.host}{self.base_path}"
        self._credential = credential
        self._named_key = getattr(credential, "named_key", None)
        if self._named_key is None and not hasattr(credential, "get_token"):
            raise ValueError("table storage: expected an account key or a token credential")
        self._key = base64.b64decode(self._named_key.key) if self._named_key is not None else b""
        self._token: Any = None
        self._token_lock = threading.Lock()
        self._sleep = sleep
        self._tracer = tracer
        self._connections = Connections(self.scheme, self.host)

    def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Answer:
        """``path`` below the base path (``/cards(...)``, ``/Tables``), with its query; retried as the module says.

        One OpenTelemetry client span per call (a no-op without a tracer provider; in Azure, Application Insights
        shows it as a dependency, as azure-core's spans were): the method, table and status, never the keys (an
        employee's id is a partition key).
        """
        span = self._span(method, path)
        if span is None:  # no tracer provider: nothing would record the span
            return self._retried(method, path, body, headers)
        try:
            answer = self._retried(method, path, body, headers)
        except Exception as error:
            _failed(span, error)
            raise
        _answered(span, answer)
        return answer

    def at_once(self, requests: Sequence[Request]) -> list[Answer]:
        """Requests (method, path, body, extra headers) sent at once, each on its own kept-alive connection, then
        read in turn: one wait for all of them instead of one each (at most ``MAX_AT_ONCE`` at a time). One that
        fails on the way (a connection the server closed while idle, a busy answer) is sent again on its own, with
        the retries of :meth:`request`. The caller sends only requests that do not depend on one another.
        """
        answers: list[Answer] = []
        for start in range(0, len(requests), MAX_AT_ONCE):
            answers += self._at_once(requests[start : start + MAX_AT_ONCE])
        return answers

    def _at_once(self, requests: Sequence[Request]) -> list[Answer]:
        spans = [self._span(method, path) for method, path, _, _ in requests]
        wires = self._connections.several(len(requests))
        sent = [
            self._sent(wire, self._head(method, path, body, extra) + body)
            for wire, (method, path, body, extra) in zip(wires, requests, strict=True)
        ]
        answers: list[Answer] = []
        try:
            for wire, was_sent, request, span in zip(wires, sent, requests, spans, strict=True):
                answer = self._received(wire) if was_sent else None
                if answer is None or answer.status in RETRY_STATUSES:
                    answer = self._retried(*request)
                if span is not None:
                    _answered(span, answer)
                answers.append(answer)
        except Exception as error:  # the retries ran out: no connection may keep an answer nobody read
            for wire, was_sent, span in list(zip(wires, sent, spans, strict=True))[len(answers) :]:
                if was_sent:
                    self._connections.drop(wire)
                if span is not None:
                    _failed(span, error)
            raise
        return answers

    def _sent(self, wire: Wire, request: bytes) -> bool:
        try:
            wire.send(request)
        except (OSError, http.client.HTTPException):
            self._connections.drop(wire)
            return False
        return True

    def _received(self, wire: Wire) -> Answer | None:
        """The answer on ``wire``, or None when its connection failed (dropped: the caller sends again)."""
        try:
            answer, close = wire.receive()
        except (OSError, http.client.HTTPException):
            self._connections.drop(wire)
            return None
        if close:
            self._connections.drop(wire)
        return answer

    def _span(self, method: str, path: str) -> Span | None:
        tracer = self._tracer or _tracer()
        if tracer is None:
            return None
        table = re.split(r"[(?]", path.lstrip("/"), maxsplit=1)[0]
        attributes = {"http.request.method": method, "server.address": self.host}
        # not made the current span: nothing runs inside it, and attaching a context costs 20 us per call
        return tracer.start_span(f"{self.SERVICE} {method} {table}", kind=SpanKind.CLIENT, attributes=attributes)

    def _retried(self, method: str, path: str, body: bytes, headers: dict[str, str] | None) -> Answer:
        return with_retries(partial(self._once, method, path, body, headers or {}), self._sleep)

    def _once(self, method: str, path: str, body: bytes, extra: dict[str, str]) -> Answer:
        request = self._head(method, path, body, extra) + body
        wire, reused = self._connections.main()
        try:
            answer, close = wire.exchange(request)
        except (OSError, http.client.HTTPException):
            self._connections.drop(wire)
            if not reused:
                raise
            return self._once(method, path, body, extra)  # the server closed an idle kept-alive connection
        if close:
            self._connections.drop(wire)
        return answer

    def _head(self, method: str, path: str, body: bytes, extra: dict[str, str]) -> bytes:
        """The request line and signed headers, encoded."""
        full = self.base_path + path
        headers = {"Host": self.host, "x-ms-version": API_VERSION, "DataServiceVersion": "3.0",
                   "MaxDataServiceVersion": "3.0;NetFx", "Accept": "application/json;odata=minimalmetadata",
                   "x-ms-date": _http_date(), "User-Agent": USER_AGENT, **extra}  # fmt: skip
        if body:
            headers.setdefault("Content-Type", "application/json")
        if body or method in ("POST", "PUT"):
            headers["Content-Length"] = str(len(body))
        headers["Authorization"] = self._authorization(method, full, headers)
        target = f"{self.scheme}://{self.host}{full}" if self._connections.plain_proxy else full
        head = f"{method} {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        return head.encode("latin-1")

    # -------------------------------------------------------------- authentication

    def _authorization(self, method: str, path: str, headers: dict[str, str]) -> str:
        if self._named_key is None:
            return "Bearer " + self._bearer()
        text = self._string_to_sign(self._named_key.name, method, path, headers)
        signature = base64.b64encode(hmac.new(self._key, text.encode("utf-8"), hashlib.sha256).digest()).decode()
        return f"SharedKey {self._named_key.name}:{signature}"

    def _string_to_sign(self, account: str, method: str, path: str, headers: dict[str, str]) -> str:
        """Table Shared Key: the verb, Content-MD5 (empty), Content-Type, x-ms-date and the canonical resource."""
        resource = "/" + account + path.split("?", 1)[0]
        return "\n".join([method, "", headers.get("Content-Type", ""), headers["x-ms-date"], resource])

    def _bearer(self) -> str:
        with self._token_lock:
            token = self._token
            if token is None or token.expires_on - TOKEN_MARGIN_S <= time.time():
                token = self._token = self._credential.get_token(STORAGE_SCOPE)
            return str(token.token)


def _answered(span: Span, answer: Answer) -> None:
    span.set_attribute("http.response.status_code", answer.status)
    span.end()


def _failed(span: Span, error: Exception) -> None:
    span.set_status(StatusCode.ERROR, type(error).__name__)
    span.end()


def _tracer() -> Tracer | None:
    """The global provider's tracer, or None while no provider is configured (shared.adapters.telemetry sets Azure
    Monitor's): OpenTelemetry's default proxy would hand out spans that nothing records, at ~10 us of CPU a call."""
    if isinstance(get_tracer_provider(), ProxyTracerProvider):
        return None
    return _provider_tracer()


@cache
def _provider_tracer() -> Tracer:
    return get_tracer(__name__)


_DATE: list[tuple[int, str]] = [(-1, "")]  # the second last formatted, and its text


def _http_date(now: Callable[[], float] = time.time) -> str:
    """``x-ms-date`` for now (RFC 1123), formatted once per second: ``formatdate`` costs ~9 us a call."""
    second = int(now())
    cached = _DATE[0]
    if cached[0] != second:
        cached = _DATE[0] = (second, formatdate(second, usegmt=True))
    return cached[1]
