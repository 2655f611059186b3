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

from shared.adapters.teams.http_body import JSON_TYPE, bounded_body, error_response, parse_json_object
from shared.adapters.teams.sdk_fixes import ClosesClientOnFailedCreate


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
