"""JSON batching: `POST /v1.0/$batch` with at most 20 requests, unique ids and `dependsOn`.

Each item goes through the app's own router and the same pipeline as an HTTP request (logged, throttled and
faulted on its own), so feature routes work inside batches. Independent items run at most 4 at a time, as Graph
does for Outlook; a batch with `dependsOn` runs in order, and an item whose dependency failed answers 424.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import json
import uuid
from typing import Any
from urllib.parse import urlsplit

import jsonschema
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from devstack.graph_emulator import pipeline
from devstack.graph_emulator.errors import GraphError, bad_request, error_body
from devstack.graph_emulator.state import EmulatorState
from devstack.reference_files import GRAPH_BATCH_SCHEMA

SCHEMA_PATH = GRAPH_BATCH_SCHEMA
MAX_ITEMS = 20
PARALLEL_ITEMS = 4
PASSED_HEADERS = ("Authorization", "Prefer", "client-request-id")


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator({**schema, "oneOf": [{"$ref": "#/$defs/batchRequest"}]})


def parse_batch(payload: Any) -> list[dict[str, Any]]:
    """The batch items, or a 400 GraphError for anything the docs call malformed."""
    if isinstance(payload, dict) and isinstance(payload.get("requests"), list) and len(payload["requests"]) > MAX_ITEMS:
        raise bad_request(f"The number of batch requests exceeds the limit of {MAX_ITEMS}.", "BadRequest")
    error = jsonschema.exceptions.best_match(_validator().iter_errors(payload))
    if error is not None:
        raise bad_request(f"Invalid batch payload: {error.message}", "BadRequest")
    items: list[dict[str, Any]] = payload["requests"]
    ids = [item["id"].lower() for item in items]
    if len(set(ids)) != len(ids):
        raise bad_request("Batch request ids must be unique.", "BadRequest")
    for item in items:
        missing = [dep for dep in item.get("dependsOn", []) if dep.lower() not in ids]
        if missing:
            raise bad_request(f"Request {item['id']} depends on unknown request ids {missing}.", "BadRequest")
    return items


def inner_path(url: str) -> str:
    """`/users?$top=5`, `users/x` or an absolute Graph URL -> `/v1.0/users?...`."""
    if "://" in url:
        parts = urlsplit(url)
        url = parts.path + (f"?{parts.query}" if parts.query else "")
    path = "/" + url.lstrip("/")
    return path if path.startswith(pipeline.API_PREFIX + "/") else pipeline.API_PREFIX + path


def _item_body(item: dict[str, Any]) -> bytes:
    body = item.get("body")
    if body is None:
        return b""
    if isinstance(body, str):
        try:
            return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except ValueError:
            return body.encode()
    return json.dumps(body).encode()


async def dispatch(
    app: web.Application, state: EmulatorState, outer: web.Request, item: dict[str, Any]
) -> web.StreamResponse:
    """Run one batch item through the router and the pipeline, as if it were its own request."""
    headers = {name: outer.headers[name] for name in PASSED_HEADERS if name in outer.headers}
    headers.update(item.get("headers") or {})
    headers["Host"] = outer.host
    request = make_mocked_request(item["method"], inner_path(item["url"]), headers=headers, app=app)
    request._read_bytes = _item_body(item)  # the mocked request has no payload stream; read()/json() use this
    match_info = await app.router.resolve(request)
    match_info.add_app(app)
    match_info.freeze()
    request._match_info = match_info
    return await pipeline.run(state, request, match_info.handler, inner=True)


def response_item(item_id: str, response: web.StreamResponse) -> dict[str, Any]:
    headers = {k: v for k, v in response.headers.items() if k.lower() not in {"content-length", "date", "server"}}
    result: dict[str, Any] = {"id": item_id, "status": response.status, "headers": headers}
    raw = response.body if isinstance(response, web.Response) and isinstance(response.body, bytes) else b""
    if raw:
        try:
            result["body"] = json.loads(raw)
        except ValueError:
            result["body"] = base64.b64encode(raw).decode()
    return result


def failed_dependency(item_id: str) -> dict[str, Any]:
    request_id = str(uuid.uuid4())
    body = error_body(
        "FailedDependency", "The request was not run because a request it depends on failed.", request_id, request_id
    )
    return {"id": item_id, "status": 424, "headers": {"Content-Type": "application/json"}, "body": body}


async def run_batch(
    app: web.Application, state: EmulatorState, outer: web.Request, items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    if any(item.get("dependsOn") for item in items):
        return await _sequential(app, state, outer, items)
    gate = asyncio.Semaphore(PARALLEL_ITEMS)

    async def one(item: dict[str, Any]) -> dict[str, Any]:
        async with gate:
            return response_item(item["id"], await dispatch(app, state, outer, item))

    return list(await asyncio.gather(*(one(item) for item in items)))


async def _sequential(
    app: web.Application, state: EmulatorState, outer: web.Request, items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    status: dict[str, int] = {}
    results = []
    for item in _dependency_order(items):
        deps = [dep.lower() for dep in item.get("dependsOn", [])]
        if any(status.get(dep, 424) >= 400 for dep in deps):
            result = failed_dependency(item["id"])
        else:
            result = response_item(item["id"], await dispatch(app, state, outer, item))
        status[item["id"].lower()] = result["status"]
        results.append(result)
    return results


def _dependency_order(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items ordered so each comes after what it depends on (cycles end up after their members, and fail)."""
    done: set[str] = set()
    ordered: list[dict[str, Any]] = []
    pending = list(items)
    while pending:
        ready = [i for i in pending if all(d.lower() in done for d in i.get("dependsOn", []))] or pending[:1]
        for item in ready:
            ordered.append(item)
            done.add(item["id"].lower())
            pending.remove(item)
    return ordered


def setup(app: web.Application, state: EmulatorState) -> None:
    async def post_batch(request: web.Request) -> web.Response:
        client_request_id = request.headers.get("client-request-id")
        try:
            try:
                payload = await request.json()
            except ValueError:
                raise bad_request("The batch body is not valid JSON.") from None
            items = parse_batch(payload)
        except GraphError as error:
            return error.response(client_request_id)
        state.log.statuses[200] += 1
        return web.json_response({"responses": await run_batch(app, state, request, items)})

    app.router.add_post(pipeline.API_PREFIX + "/$batch", post_batch)
