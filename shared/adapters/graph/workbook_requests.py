"""Raw JSON/bytes requests through the msgraph-sdk request adapter (its middleware, auth and base URL).

The workbook API's row values are untyped JSON arrays, which the generated SDK models carry as
``UntypedNode`` trees; sending our own JSON through the same adapter is simpler and just as checked.
Errors come back as the SDK's ``ODataError`` (with ``response_status_code``), like every other call.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from msgraph.graph_service_client import GraphServiceClient


def base_url(client: GraphServiceClient) -> str:
    return str(client.request_adapter.base_url).rstrip("/")


async def send(
    client: GraphServiceClient,
    method: str,
    path: str,
    *,
    body: Any = None,
    content: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    """Send ``method path`` (relative to the Graph root) and return the raw response body (b"" when empty)."""
    from kiota_abstractions.method import Method
    from kiota_abstractions.request_information import RequestInformation
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError

    request = RequestInformation(Method[method.upper()])
    request.url = path if path.startswith("http") else f"{base_url(client)}/{path.lstrip('/')}"
    for name, value in (headers or {}).items():
        request.headers.try_add(name, value)
    if body is not None:
        request.set_stream_content(json.dumps(body).encode(), "application/json")
    elif content is not None:
        request.set_stream_content(content, "application/octet-stream")
    sender: Any = client.request_adapter.send_primitive_async  # typed as returning None in kiota's ABC
    payload = await sender(request, "bytes", {"XXX": ODataError})
    return bytes(payload or b"")


async def send_json(client: GraphServiceClient, method: str, path: str, **kwargs: Any) -> Any:
    payload = await send(client, method, path, **kwargs)
    return json.loads(payload) if payload else None
