"""Checks requests and responses against the Graph OpenAPI subset (openapi-core), when the switch is on.

`record` logs every violation in `state.log.violations`; `enforce` also answers a request whose body breaks the
description with 400. Operations the subset does not describe (e.g. `$batch`, the control API) are not checked.
"""

from __future__ import annotations

import functools
import os
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
    # not at every start: that check was 2-3 s of CPU per emulator, and the test suite starts dozens.
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
    errors = [e for e in openapi().iter_request_errors(_mock_request(request, body)) if not isinstance(e, PathError)]
    if not errors:
        return
    messages = _describe(errors)
    _record(state, "request", request, messages)
    body_errors = [e for e in errors if "Body" in type(e).__name__]
    if state.switches.validation == "enforce" and body_errors:
        raise bad_request(f"The request body does not match the API description: {messages[0]}", "invalidRequest")


async def check_response(state: EmulatorState, request: web.Request, response: web.StreamResponse) -> None:
    if state.switches.validation == "off" or not isinstance(response, web.Response):
        return
    if response.status == 204:  # No Content carries no body (RFC 9110 15.3.5); the subset describes user bodies
        return
    body = response.body if isinstance(response.body, bytes) else b""
    mock_response = MockResponse(body, status_code=response.status, content_type=response.content_type)
    errors = openapi().iter_response_errors(_mock_request(request, await request.read()), mock_response)
    messages = _describe([e for e in errors if not isinstance(e, PathError)])
    if messages:
        _record(state, "response", request, messages, status=response.status)


def _record(state: EmulatorState, kind: str, request: web.Request, messages: list[str], status: int = 0) -> None:
    entry: dict[str, Any] = {"kind": kind, "method": request.method, "path": request.path_qs, "errors": messages}
    if status:
        entry["status"] = status
    state.log.violations.append(entry)
