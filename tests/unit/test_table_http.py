"""The table client's own HTTP/1.1 exchange (shared.adapters.storage.table_http) against a loopback server.

The Store contract suite runs it against Azurite; here the framings Azurite does not vary are checked: bodies by
Content-Length or in chunks of any size, a server that closes an idle kept-alive connection, retried statuses.
"""

from __future__ import annotations

import contextlib
import http.client as http_client
import itertools
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from azure.core.credentials import AzureNamedKeyCredential
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.adapters.storage import table_http
from shared.adapters.storage.table_http import TableHttp

KEY = AzureNamedKeyCredential("devstoreaccount1", "a2V5")


@dataclass
class Server:
    """Answers each request with the next canned reply; ``b""`` closes the connection instead of answering."""

    replies: list[bytes] = field(default_factory=list)
    requests: list[bytes] = field(default_factory=list)
    connections: int = 0
    pieces: list[int] = field(default_factory=list)  # send each reply cut at these offsets, a moment apart
    answer: Callable[[bytes], bytes] | None = None  # the reply to a request (its head), instead of ``replies``
    gate: threading.Barrier | None = None  # no reply until this many requests have arrived

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        with contextlib.suppress(ConnectionError):  # the client dropped a connection it will not read from again
            self._answer(sock)

    def _answer(self, sock: socket.socket) -> None:
        with sock, sock.makefile("rb") as reader:
            while True:
                head = b""
                while not head.endswith(b"\r\n\r\n"):
                    line = reader.readline()
                    if not line:
                        return
                    head += line
                lengths = [h.split(b":")[1] for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")]
                length = int(lengths[0]) if lengths else 0
                self.requests.append(head + reader.read(length))
                if self.gate is not None:
                    self.gate.wait()
                reply = self.answer(head) if self.answer is not None else self.replies.pop(0)
                if not reply:
                    return
                cuts = sorted({0, len(reply), *(c % (len(reply) + 1) for c in self.pieces)})
                for start, end in itertools.pairwise(cuts):
                    sock.sendall(reply[start:end])
                    time.sleep(0.001 if self.pieces else 0)

    def close(self) -> None:
        self._listener.close()


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.close()


def client(server: Server) -> TableHttp:
    return TableHttp(f"http://127.0.0.1:{server.port}/devstoreaccount1", KEY, sleep=lambda _: None)


def chunked(body: bytes, cuts: list[int]) -> bytes:
    points = sorted({c % (len(body) + 1) for c in cuts} | {0, len(body)})
    pieces = [body[a:b] for a, b in itertools.pairwise(points) if b > a]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


@settings(max_examples=40, deadline=None)
@given(body=st.binary(max_size=3000), cuts=st.lists(st.integers(min_value=0, max_value=3000), max_size=6))
def test_a_body_reads_the_same_by_length_or_in_chunks(body: bytes, cuts: list[int]) -> None:
    server = Server()
    try:
        server.replies += [
            b'HTTP/1.1 200 OK\r\nContent-Length: %d\r\nETag: W/"1"\r\n\r\n%s' % (len(body), body),
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Ms-Request-Id: r\r\n\r\n" + chunked(body, cuts),
        ]
        http = client(server)
        first, second = http.request("GET", "/cards()"), http.request("GET", "/cards()")
        assert (first.status, first.body, first.headers["etag"]) == (200, body, 'W/"1"')
        assert (second.status, second.body, second.headers["x-ms-request-id"]) == (200, body, "r")
        assert server.connections == 1  # kept alive
    finally:
        server.close()


@settings(max_examples=25, deadline=None)
@given(cuts=st.lists(st.integers(min_value=0, max_value=200), min_size=1, max_size=5), bare=st.booleans())
def test_an_answer_that_arrives_in_pieces_reads_the_same(cuts: list[int], bare: bool) -> None:
    server = Server(pieces=cuts)
    end = b"\n" if bare else b"\r\n"
    head = end.join([b"HTTP/1.1 200 OK", b"Content-Length: 8", b'ETag: W/"2"', b"X-Long: " + b"v" * 60, b"", b""])
    try:
        server.replies.append(head + b'{"a": 1}')
        answer = client(server).request("GET", "/cards()")
        assert (answer.status, answer.body, answer.headers["etag"]) == (200, b'{"a": 1}', 'W/"2"')
        assert answer.headers["x-long"] == "v" * 60
    finally:
        server.close()


def test_a_request_is_signed_and_carries_its_body(server: Server) -> None:
    server.replies.append(b"HTTP/1.1 204 No Content\r\nETag: e\r\n\r\n")
    answer = client(server).request("PUT", "/cards(PartitionKey='p',RowKey='r')", b'{"a": 1}', {"If-Match": "e0"})
    assert answer.status == 204 and answer.body == b""
    sent = server.requests[0]
    assert sent.startswith(b"PUT /devstoreaccount1/cards(PartitionKey='p',RowKey='r') HTTP/1.1\r\n")
    assert b"Authorization: SharedKey devstoreaccount1:" in sent and b"If-Match: e0\r\n" in sent
    assert sent.endswith(b'\r\n\r\n{"a": 1}')


def test_a_connection_closed_while_idle_is_opened_again(server: Server) -> None:
    server.replies += [b"HTTP/1.1 204 No Content\r\n\r\n", b"", b"HTTP/1.1 204 No Content\r\n\r\n"]
    http = client(server)
    assert http.request("DELETE", "/cards(PartitionKey='p',RowKey='r')").status == 204
    assert http.request("DELETE", "/cards(PartitionKey='p',RowKey='r')").status == 204
    assert server.connections == 2


def test_busy_answers_are_retried_then_returned(server: Server) -> None:
    busy = b"HTTP/1.1 503 Server Busy\r\nContent-Length: 0\r\nRetry-After: 0\r\n\r\n"
    server.replies += [busy, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"]
    assert client(server).request("GET", "/cards()").body == b"{}"
    server.replies += [busy] * 4
    assert client(server).request("GET", "/cards()").status == 503  # 1 try and 3 retries
    assert len(server.requests) == 6


def test_an_answer_that_closes_the_connection_is_read_to_the_end(server: Server) -> None:
    closing = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"
    server.replies += [closing, b"HTTP/1.1 204 OK\r\n\r\n"]
    http = client(server)
    assert http.request("GET", "/cards()").body == b"{}"
    assert http.request("GET", "/cards()").status == 204
    assert server.connections == 2


def test_each_call_is_one_client_span_without_the_keys(server: Server) -> None:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exported = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exported))
    busy = b"HTTP/1.1 503 Server Busy\r\nContent-Length: 0\r\nRetry-After: 0\r\n\r\n"
    server.replies += [busy, b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"]
    http = TableHttp(f"http://127.0.0.1:{server.port}/a", KEY, sleep=lambda _: None, tracer=provider.get_tracer("t"))
    http.request("GET", "/agendas(PartitionKey='employee-object-id',RowKey='agenda')")
    (span,) = exported.get_finished_spans()
    assert span.name == "Table GET agendas"
    assert dict(span.attributes or {}) == {
        "http.request.method": "GET", "server.address": f"127.0.0.1:{server.port}", "http.response.status_code": 404
    }  # fmt: skip
    assert "employee-object-id" not in str(span.to_json())


def test_spans_go_to_the_configured_provider_and_none_are_made_without_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.trace import ProxyTracerProvider

    monkeypatch.setattr(table_http, "get_tracer_provider", ProxyTracerProvider)  # OpenTelemetry's default: no SDK
    assert table_http._tracer() is None
    configured = TracerProvider()
    monkeypatch.setattr(table_http, "get_tracer_provider", lambda: configured)
    monkeypatch.setattr(table_http, "get_tracer", configured.get_tracer)
    table_http._provider_tracer.cache_clear()
    try:
        tracer = table_http._tracer()
        assert tracer is not None and tracer.start_span("x").is_recording()
    finally:
        table_http._provider_tracer.cache_clear()


@settings(max_examples=30, deadline=None)
@given(second=st.integers(min_value=0, max_value=4_102_444_800))  # 1970 to 2100
def test_the_request_date_is_rfc_1123_for_the_current_second(second: int) -> None:
    from email.utils import formatdate, parsedate_to_datetime

    table_http._DATE[0] = (-1, "")
    first = table_http._http_date(lambda: second + 0.25)
    again = table_http._http_date(lambda: second + 0.75)  # the same second: the text formatted before
    assert first == again == formatdate(second, usegmt=True)
    assert parsedate_to_datetime(first).timestamp() == second


def test_a_token_credential_signs_with_a_bearer_token_renewed_before_it_expires(server: Server) -> None:
    """Azure without a key: the managed identity's token for storage, asked for again 5 minutes before expiry."""
    from azure.core.credentials import AccessToken

    asked: list[tuple[str, ...]] = []

    class Identity:
        def get_token(self, *scopes: str) -> AccessToken:
            asked.append(scopes)
            return AccessToken(f"token-{len(asked)}", int(time.time()) + (200 if len(asked) == 1 else 3600))

    server.replies += [b"HTTP/1.1 204 No Content\r\n\r\n"] * 3
    http = TableHttp(f"http://127.0.0.1:{server.port}", Identity())  # Azure's endpoint is HTTPS; the loopback's not
    for _ in range(3):
        http.request("DELETE", "/cards(PartitionKey='p',RowKey='r')")
    bearers = [line for sent in server.requests for line in sent.split(b"\r\n") if line.startswith(b"Authorization")]
    assert bearers == [b"Authorization: Bearer token-1"] + [b"Authorization: Bearer token-2"] * 2
    assert asked == [("https://storage.azure.com/.default",)] * 2


def entity_reply(head: bytes) -> bytes:
    """A 200 whose body names the entity asked for (``/t(PartitionKey='p',RowKey='<row>')``), 404 for row 'gone'."""
    row = head.split(b"RowKey='", 1)[1].split(b"'", 1)[0]
    if row == b"gone":
        return b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
    body = b'{"RowKey": "%s"}' % row
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)


def get_many(http: TableHttp, paths: list[str]) -> list[table_http.Answer]:
    """GETs of ``paths`` sent at once (as ``TableStore.read_ahead`` sends its reads)."""
    return http.at_once([("GET", path, b"", {}) for path in paths])


def paths(*rows: str) -> list[str]:
    return [f"/t(PartitionKey='p',RowKey='{row}')" for row in rows]


def test_get_many_sends_every_request_before_it_waits_for_an_answer() -> None:
    """The server answers none until all four arrived: read one at a time, this would never finish."""
    server = Server(answer=entity_reply, gate=threading.Barrier(4, timeout=10))
    try:
        answers = get_many(client(server), paths("a", "b", "gone", "d"))
        assert [(a.status, a.body) for a in answers] == [
            (200, b'{"RowKey": "a"}'), (200, b'{"RowKey": "b"}'), (404, b""), (200, b'{"RowKey": "d"}')
        ]  # fmt: skip
        assert server.connections == 4
    finally:
        server.close()


def test_get_many_keeps_its_connections_and_sends_more_than_its_limit_in_turns() -> None:
    server = Server(answer=entity_reply)
    try:
        http = client(server)
        rows = [f"r{n}" for n in range(table_http.MAX_AT_ONCE + 3)]
        assert [a.body for a in get_many(http, paths(*rows))] == [b'{"RowKey": "%s"}' % r.encode() for r in rows]
        assert [a.body for a in get_many(http, paths("x", "y"))] == [b'{"RowKey": "x"}', b'{"RowKey": "y"}']
        assert server.connections == table_http.MAX_AT_ONCE  # kept alive, and reused by the second call
    finally:
        server.close()


def test_get_many_sends_a_busy_or_dropped_one_again_with_its_retries() -> None:
    busy = b"HTTP/1.1 503 Server Busy\r\nContent-Length: 0\r\nRetry-After: 0\r\n\r\n"
    asked: dict[bytes, int] = {}

    def answer(head: bytes) -> bytes:
        row = head.split(b"RowKey='", 1)[1].split(b"'", 1)[0]
        asked[row] = asked.get(row, 0) + 1
        if asked[row] == 1 and row in (b"busy", b"dropped"):
            return busy if row == b"busy" else b""  # b"": the server closes the connection instead
        return entity_reply(head)

    server = Server(answer=answer)
    try:
        answers = get_many(client(server), paths("a", "busy", "dropped", "d"))
        assert [a.body for a in answers] == [b'{"RowKey": "%s"}' % r for r in (b"a", b"busy", b"dropped", b"d")]
        assert asked == {b"a": 1, b"busy": 2, b"dropped": 2, b"d": 1}
    finally:
        server.close()


def test_get_many_that_fails_leaves_no_unread_answer_on_a_kept_connection() -> None:
    """When one GET's retries run out, the answers after it are never read: their connections must not be reused."""
    server = Server(answer=lambda head: b"" if b"RowKey='down'" in head else entity_reply(head))
    try:
        http = client(server)
        with pytest.raises((OSError, http_client.HTTPException)):
            get_many(http, paths("a", "down", "c", "d"))
        assert [a.body for a in get_many(http, paths("x", "y", "z"))] == [
            b'{"RowKey": "%s"}' % r for r in (b"x", b"y", b"z")
        ]
    finally:
        server.close()


def test_at_once_sends_writes_with_their_bodies_and_headers_before_it_waits() -> None:
    """Writes go at once as GETs do: each with its own body, Content-Length and extra headers, signed; the server
    answers none until all three arrived."""

    def answer(head: bytes) -> bytes:
        status = b"204 No Content" if head.startswith(b"POST") else b"412 Precondition Failed"
        return b"HTTP/1.1 " + status + b'\r\nContent-Length: 0\r\nETag: W/"1"\r\n\r\n'

    server = Server(answer=answer, gate=threading.Barrier(3, timeout=10))
    try:
        answers = client(server).at_once(
            [
                ("POST", "/t", b'{"a": 1}', {"Prefer": "return-no-content"}),
                ("PUT", "/t(PartitionKey='p',RowKey='r')", b'{"b": 22}', {"If-Match": 'W/"0"'}),
                ("POST", "/u", b"{}", {}),
            ]
        )
        assert [a.status for a in answers] == [204, 412, 204]
        sent = sorted(server.requests)
        assert [r.split(b"\r\n", 1)[0] for r in sent] == [
            b"POST /devstoreaccount1/t HTTP/1.1", b"POST /devstoreaccount1/u HTTP/1.1",
            b"PUT /devstoreaccount1/t(PartitionKey='p',RowKey='r') HTTP/1.1",
        ]  # fmt: skip
        assert sent[0].endswith(b'\r\n\r\n{"a": 1}') and b"Prefer: return-no-content" in sent[0]
        assert sent[2].endswith(b'\r\n\r\n{"b": 22}') and b'If-Match: W/"0"' in sent[2]
        assert all(b"Content-Length: " in r and b"Authorization: SharedKey " in r for r in sent)
    finally:
        server.close()
