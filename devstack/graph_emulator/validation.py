"""Checks requests and responses against the Graph OpenAPI subset (openapi-core), when the switch is on.

`record` logs every violation in `state.log.violations`; `enforce` also answers a request whose body breaks the
description with 400. Operations the subset does not describe (e.g. `$batch`, the control API) are not checked.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web
from openapi_core import Config, OpenAPI
from openapi_core.templating.paths.exceptions import PathError
from openapi_core.testing import MockRequest, MockResponse

from devstack.graph_emulator.errors import bad_request
from devstack.graph_emulator.state import EmulatorState
from devstack.reference_files import GRAPH_OPENAPI

GRAPH_HOST = "https://graph.microsoft.com"
DEFAULT_SPEC = GRAPH_OPENAPI
PATH_ALIASES = {"/v1.0/users/delta": "/v1.0/users/delta()"}


def spec_path() -> Path:
    """The OpenAPI subset; GRAPH_OPENAPI_SPEC overrides the default next to the repository."""
    return Path(os.environ.get("GRAPH_OPENAPI_SPEC", str(DEFAULT_SPEC)))


@functools.cache
def openapi() -> OpenAPI:
    """The subset's checks; each schema compiled once (``schema_speed``: openapi-core still gives every verdict)."""
    from openapi_core.validation.schemas import (
        oas30_read_schema_validators_factory,
        oas30_write_schema_validators_factory,
    )

    from devstack.graph_emulator.schema_speed import FastSchemaValidators

    # The subset itself is checked against the OpenAPI 3.0 schema once, by tests/contract/test_graph_openapi_subset.py,
    # not at every start: that check was about 6 s of a profiled emulator's start, and the test suite starts dozens.
    document = subset_document()
    app = OpenAPI.from_dict(document, config=Config(spec_validator_cls=None))
    for validator, base in ((app.request_validator, oas30_write_schema_validators_factory),
                            (app.response_validator, oas30_read_schema_validators_factory)):  # fmt: skip
        validator.schema_validators_factory = FastSchemaValidators(base, document)  # type: ignore[union-attr]
    return app


@functools.cache
def subset_document() -> dict[str, Any]:
    with spec_path().open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return loaded


def _mock_request(request: web.Request, body: bytes) -> MockRequest:
    path = PATH_ALIASES.get(request.path, request.path)
    return MockRequest(
        GRAPH_HOST,
        request.method.lower(),
        path,
        args=dict(request.query),
        headers=dict(request.headers),
        data=body or None,
        content_type=request.content_type if body else "application/json",
    )


def _describe(errors: list[Exception]) -> list[str]:
    return [f"{type(e).__name__}: {e}" + (f" ({e.__cause__})" if e.__cause__ else "") for e in errors]


async def check_request(state: EmulatorState, request: web.Request) -> None:
    """Record violations; in enforce mode raise a 400 GraphError when the body breaks the description."""
    if state.switches.validation == "off":
        return
    body = await request.read()
    verdict = _remembered(_request_key(request, body).digest(), lambda: _request_verdict(request, body))
    if not verdict.messages:
        return
    _record(state, "request", request, list(verdict.messages))
    if state.switches.validation == "enforce" and verdict.body_broken:
        raise bad_request(
            f"The request body does not match the API description: {verdict.messages[0]}", "invalidRequest"
        )


def _request_verdict(request: web.Request, body: bytes) -> Verdict:
    errors = [e for e in openapi().iter_request_errors(_mock_request(request, body)) if not isinstance(e, PathError)]
    return Verdict(tuple(_describe(errors)), any("Body" in type(e).__name__ for e in errors))


async def check_response(state: EmulatorState, request: web.Request, response: web.StreamResponse) -> None:
    if state.switches.validation == "off" or not isinstance(response, web.Response):
        return
    if response.status == 204:  # No Content carries no body (RFC 9110 15.3.5); the subset describes user bodies
        return
    body = response.body if isinstance(response.body, bytes) else b""
    asked = await request.read()
    key = _request_key(request, asked)
    for part in (str(response.status), response.content_type):
        _add(key, part.encode())
    _add(key, body)
    verdict = _remembered(key.digest(), lambda: _response_verdict(request, asked, response, body))
    if verdict.messages:
        _record(state, "response", request, list(verdict.messages), status=response.status)


def _response_verdict(request: web.Request, asked: bytes, response: web.Response, body: bytes) -> Verdict:
    mock_response = MockResponse(body, status_code=response.status, content_type=response.content_type)
    errors = openapi().iter_response_errors(_mock_request(request, asked), mock_response)
    return Verdict(tuple(_describe([e for e in errors if not isinstance(e, PathError)])), False)


# ---------------------------------------------------------------- verdicts kept
# A verdict depends only on what openapi-core reads: the method, path, query, body and its content type, and the
# headers the subset describes (plus Authorization, for its security scheme). The test suite sends the same
# request many times (about half of a scheduling test's requests and a third of its answers repeat), so each
# process keeps its last VERDICTS_KEPT verdicts by a SHA-256 of those parts.


@dataclass(frozen=True)
class Verdict:
    messages: tuple[str, ...]
    body_broken: bool  # a request body that breaks the description (a 400 in enforce mode)


VERDICTS_KEPT = 20_000
READ_HEADERS = ("Authorization", "If-Match", "ConsistencyLevel")
_verdicts: OrderedDict[bytes, Verdict] = OrderedDict()


def _remembered(key: bytes, judge: Callable[[], Verdict]) -> Verdict:
    found = _verdicts.get(key)
    if found is None:
        found = _verdicts[key] = judge()
        if len(_verdicts) > VERDICTS_KEPT:
            _verdicts.popitem(last=False)
    return found


def _request_key(request: web.Request, body: bytes) -> Any:
    key = hashlib.sha256()
    query = sorted(dict(request.query).items())
    headers = [request.headers.get(name, "") for name in READ_HEADERS]
    path = PATH_ALIASES.get(request.path, request.path)
    parts = [request.method, path, json.dumps(query), request.content_type if body else "", *headers]
    for part in parts:
        _add(key, part.encode())
    _add(key, body)
    return key


def _add(key: Any, part: bytes) -> None:
    key.update(len(part).to_bytes(8, "big") + part)  # length-prefixed: no two different part lists hash alike


def _record(state: EmulatorState, kind: str, request: web.Request, messages: list[str], status: int = 0) -> None:
    entry: dict[str, Any] = {"kind": kind, "method": request.method, "path": request.path_qs, "errors": messages}
    if status:
        entry["status"] = status
    state.log.violations.append(entry)
