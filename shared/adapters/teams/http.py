"""Azure Functions HTTP <-> Agents SDK: the request wrapper, the adapter and the response mapping.

The SDK ships an aiohttp integration; this is the same seam for ``func.HttpRequest``. The JWT check
runs before the SDK sees the request (``shared.adapters.teams.auth``), and the claims it produced
travel on the wrapper, the way the aiohttp middleware attaches them to the request. The body is
size-checked before it is parsed (``MAX_BODY_BYTES``) and parsed once: the wrapper hands the SDK the
activity the trigger already parsed and checked.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import azure.functions as func
from microsoft_agents.hosting.core import Agent, ClaimsIdentity, Connections, HttpAdapterBase, TurnContext
from microsoft_agents.hosting.core.http import HttpResponse

from shared.adapters.teams.sdk_fixes import ClosesClientOnFailedCreate

JSON_TYPE = "application/json"
MAX_BODY_BYTES = 256 * 1024  # far above any Teams activity WeGrow handles; refused (413) before parsing


class MalformedBody(ValueError):
    """The body is not a JSON object."""


class BodyTooLarge(ValueError):
    """The body (or its declared Content-Length) is over MAX_BODY_BYTES."""


def bounded_body(request: func.HttpRequest) -> bytes:
    """The raw body, or BodyTooLarge before anything is parsed."""
    declared = request.headers.get("Content-Length")
    if declared and declared.strip().isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BodyTooLarge("the body is too large")
    body = request.get_body()
    if len(body) > MAX_BODY_BYTES:
        raise BodyTooLarge("the body is too large")
    return body


class FunctionsRequest:
    """``func.HttpRequest`` seen through the SDK's ``HttpRequestProtocol``."""

    def __init__(
        self, request: func.HttpRequest, claims: ClaimsIdentity | None = None, activity: dict[str, Any] | None = None
    ) -> None:
        self._request = request
        self._claims = claims
        self._activity = activity

    @property
    def method(self) -> str:
        return str(self._request.method).upper()

    @property
    def headers(self) -> Mapping[str, str]:
        return dict(self._request.headers.items())

    async def json(self) -> dict[str, Any]:
        if self._activity is None:  # not parsed by the trigger: parse (size-checked) here, once
            self._activity = parse_json_object(bounded_body(self._request))
        return self._activity

    def get_claims_identity(self) -> ClaimsIdentity | None:
        return self._claims

    def get_path_param(self, name: str) -> str:
        return str(self._request.route_params.get(name, ""))


def parse_json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, or MalformedBody (never another exception type)."""
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise MalformedBody("the body is not valid UTF-8 JSON") from error
    if not isinstance(value, dict):
        raise MalformedBody("the body must be a JSON object")
    _require_envelope(value)
    return value


_ENVELOPE = (("type",), ("serviceUrl",), ("from", "id"), ("conversation", "id"))


def _require_envelope(activity: dict[str, Any]) -> None:
    """Refuse an activity without the fields every turn relies on (type, serviceUrl, from.id, conversation.id).

    The SDK otherwise fails deep inside the turn with a TypeError, which would surface as a 5xx.
    """
    for path in _ENVELOPE:
        node: Any = activity
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if not isinstance(node, str) or not node:
            raise MalformedBody(f"the activity needs a non-empty string at {'.'.join(path)}")


class FunctionsAdapter(HttpAdapterBase):
    """The SDK's HTTP adapter, hosted in a Functions trigger.

    The default turn-error handler echoes the exception text to the user; ours logs the type only
    and re-raises, so the trigger maps the failure to a clean status.
    """

    def __init__(self, connection_manager: Connections) -> None:
        super().__init__(connection_manager=connection_manager)
        self.on_turn_error = _raise_turn_error
        # SDK 1.9.0 leaks the connector client when opening a conversation fails (see sdk_fixes).
        self._channel_service_client_factory = ClosesClientOnFailedCreate(self._channel_service_client_factory)

    async def handle(self, request: FunctionsRequest, agent: Agent) -> func.HttpResponse:
        response = await self.process_request(request, agent)
        if response.status_code == HTTPStatus.NOT_IMPLEMENTED:
            # An invoke no handler claims (the SDK's 501): the sender's mistake, not a server fault.
            return error_response(HTTPStatus.BAD_REQUEST, "unsupported activity")
        return to_func_response(response)


async def _raise_turn_error(context: TurnContext, error: Exception) -> None:
    raise error


def to_func_response(response: HttpResponse) -> func.HttpResponse:
    """Map the SDK's framework-neutral response to a Functions response."""
    headers = dict(response.headers or {})
    if response.body is None:
        return func.HttpResponse(status_code=int(response.status_code), headers=headers)
    return func.HttpResponse(
        json.dumps(response.body),
        status_code=int(response.status_code),
        headers=headers,
        mimetype=response.content_type or JSON_TYPE,
    )


def error_response(status: int, message: str) -> func.HttpResponse:
    """A small JSON error body; never a stack trace."""
    return func.HttpResponse(json.dumps({"error": message}), status_code=status, mimetype=JSON_TYPE)
