"""Requests sent through the msgraph-sdk request adapter (its auth, middleware and base URL), answered as JSON.

The SDK's typed calls (``builder.get()``, ``builder.post(model)``) build a full model for every answer, walking
every property the resource has; on the hot paths that cost more CPU than the rest of a cycle. Here the request
builders still make the URLs and query strings, bodies are plain JSON, and the answer is the parsed JSON for
the mappers to read (:mod:`mapping_events`, :mod:`wire`). Failures are the SDK's ``ODataError`` with
``response_status_code`` and ``response_headers``, exactly as from the typed calls, so retries and error
mapping are unchanged.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from kiota_abstractions.base_request_builder import BaseRequestBuilder
    from kiota_abstractions.request_adapter import RequestAdapter
    from kiota_abstractions.request_information import RequestInformation


class WithAdapter(Protocol):
    """The Graph client, or any of its request builders: both carry the SDK's request adapter."""

    @property
    def request_adapter(self) -> RequestAdapter: ...


def json_request(builder: BaseRequestBuilder, method: str, body: Any = None) -> RequestInformation:
    """``method`` on the builder's URL, with ``body`` (any JSON value) as the request's JSON content."""
    from kiota_abstractions.method import Method
    from kiota_abstractions.request_information import RequestInformation

    request = RequestInformation(Method[method.upper()], builder.url_template, dict(builder.path_parameters))
    request.headers.try_add("Accept", "application/json")
    if body is not None:
        request.set_stream_content(json.dumps(body).encode(), "application/json")
    return request


async def send_json(via: WithAdapter, request: RequestInformation) -> Any:
    """Send ``request`` through ``via``'s request adapter; its JSON answer (None for an empty body, e.g. 204)."""
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError

    sender: Any = via.request_adapter.send_primitive_async  # typed as returning None in kiota's ABC
    payload = await sender(request, "bytes", {"XXX": ODataError})
    return json.loads(payload) if payload else None


def page_of(answer: Any, what: str) -> dict[str, Any]:
    """A collection page (``{"value": [...], "@odata.nextLink": ...}``); anything else is a clear error."""
    if not isinstance(answer, dict):
        raise ValueError(f"{what} answered with something other than a JSON object")
    return answer


def next_link(page: dict[str, Any]) -> str | None:
    link = page.get("@odata.nextLink")
    return str(link) if link else None
