"""One kept-alive HTTP/1.1 connection to Table Storage, written and read directly (``table_http`` opens it).

http.client parses every response's headers with the ``email`` package: that was half of a table call's CPU. Table
Storage answers with a status line, plain headers and a body of Content-Length bytes or chunks, so this reads
them itself.
"""

from __future__ import annotations

import http.client
from dataclasses import dataclass

MAX_LINE = 65536


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes


class Wire:
    """One kept-alive HTTP/1.1 connection (opened by http.client: TLS, proxy tunnel), written and read directly."""

    def __init__(self, connection: http.client.HTTPConnection) -> None:
        assert connection.sock is not None
        self._connection = connection
        self._socket = connection.sock
        self._reader = connection.sock.makefile("rb")

    def exchange(self, request: bytes) -> tuple[Answer, bool]:
        """Send one request, read its answer; True when the server will close the connection."""
        self.send(request)
        return self.receive()

    def send(self, request: bytes) -> None:
        self._socket.sendall(request)

    def receive(self) -> tuple[Answer, bool]:
        """The answer to the request sent last; True when the server will close the connection."""
        status, headers = self._head()
        while status == 100:  # an interim answer: the real one follows
            status, headers = self._head()
        if status in (204, 304) or 100 <= status < 200:
            body = b""
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            body = self._chunks()
        elif "content-length" in headers:
            body = self._exactly(int(headers["content-length"]))
        else:
            return Answer(status, headers, self._reader.read()), True
        return Answer(status, headers, body), headers.get("connection", "").lower() == "close"

    def close(self) -> None:
        self._reader.close()
        self._connection.close()

    def _line(self) -> bytes:
        line = self._reader.readline(MAX_LINE)
        if not line.endswith(b"\n"):
            raise http.client.RemoteDisconnected("table storage closed the connection")
        return line

    def _head(self) -> tuple[int, dict[str, str]]:
        status_line, *lines = self._head_block().decode("latin-1").split("\n")
        parts = status_line.split(None, 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/"):
            raise http.client.BadStatusLine(repr(parts))
        headers: dict[str, str] = {}
        for line in lines:
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        return int(parts[1]), headers

    def _head_block(self) -> bytes:
        """The status line and headers up to the blank line: in one read when they are already buffered (nearly
        always: one packet), else line by line (an answer arriving in pieces, bare LF line ends)."""
        buffered = self._reader.peek(MAX_LINE)
        end = buffered.find(b"\r\n\r\n")
        if end >= 0:
            return self._reader.read(end + 4)
        lines = [self._line()]  # the status line
        while (line := self._line()) not in (b"\r\n", b"\n"):
            lines.append(line)
        return b"".join(lines)

    def _exactly(self, size: int) -> bytes:
        data = self._reader.read(size)
        if len(data) != size:
            raise http.client.IncompleteRead(data, size - len(data))
        return data

    def _chunks(self) -> bytes:
        chunks = []
        while size := int(self._line().split(b";", 1)[0], 16):
            chunks.append(self._exactly(size))
            self._line()  # the chunk's CRLF
        while self._line() not in (b"\r\n", b"\n"):
            pass  # trailers
        return b"".join(chunks)
