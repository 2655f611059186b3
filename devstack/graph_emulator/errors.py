"""Graph-shaped error responses, shared by every emulator module.

Graph answers errors as ``{"error": {"code", "message", "innerError": {"date", "request-id",
"client-request-id"}}}`` with ``request-id``/``client-request-id`` response headers.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from aiohttp import web

NOT_FOUND_CODE = "Request_ResourceNotFound"
NO_MAILBOX_CODE = "MailboxNotEnabledForRESTAPI"
THROTTLED_CODE = "ApplicationThrottled"


class GraphError(Exception):
    """Raise from a handler or helper to answer with a Graph error (the middleware turns it into a response)."""

    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})

    def response(self, client_request_id: str | None = None) -> web.Response:
        return graph_error(
            self.status, self.code, self.message, headers=self.headers, client_request_id=client_request_id
        )


def error_body(code: str, message: str, request_id: str, client_request_id: str) -> dict[str, object]:
    """The JSON body Graph sends with an error status."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    inner = {"date": now, "request-id": request_id, "client-request-id": client_request_id}
    return {"error": {"code": code, "message": message, "innerError": inner}}


def graph_error(
    status: int,
    code: str,
    message: str,
    *,
    headers: Mapping[str, str] | None = None,
    client_request_id: str | None = None,
) -> web.Response:
    """A complete aiohttp response carrying a Graph error body and the request-id headers."""
    request_id = str(uuid.uuid4())
    client_id = client_request_id or str(uuid.uuid4())
    body = error_body(code, message, request_id, client_id)
    all_headers = {"request-id": request_id, "client-request-id": client_id, **dict(headers or {})}
    return web.Response(status=status, text=json.dumps(body), content_type="application/json", headers=all_headers)


def not_found(what: str) -> GraphError:
    """404 for an id that does not exist (the message Graph uses for directory objects)."""
    return GraphError(
        404,
        NOT_FOUND_CODE,
        f"Resource '{what}' does not exist or one of its queried reference-property objects are not present.",
    )


def unknown_route(path: str) -> GraphError:
    """404 for a path the emulator does not serve."""
    return GraphError(404, "ResourceNotFound", f"Resource not found for the segment '{path}'.")


def bad_request(message: str, code: str = "BadRequest") -> GraphError:
    return GraphError(400, code, message)


def no_mailbox() -> GraphError:
    """What Graph answers for mailbox resources of a user without an Exchange Online mailbox."""
    return GraphError(404, NO_MAILBOX_CODE, "The mailbox is either inactive, soft-deleted, or is hosted on-premise.")
