"""The bot endpoint's request body and error answers, without the Agents SDK.

Everything the trigger does before a caller is authenticated lives here (size bound, JSON parse, the activity's
envelope, a small JSON error), so a refused request never loads the SDK (``shared.adapters.teams.http`` does).
"""

from __future__ import annotations

import json
from typing import Any

import azure.functions as func

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


def error_response(status: int, message: str) -> func.HttpResponse:
    """A small JSON error body; never a stack trace."""
    return func.HttpResponse(json.dumps({"error": message}), status_code=status, mimetype=JSON_TYPE)
