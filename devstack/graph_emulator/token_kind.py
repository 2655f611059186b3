"""App-only or delegated: what kind of access token a request carries, read the way Graph reads it.

A delegated token (a user signed in) carries the ``scp`` claim; an app-only token (client credentials,
managed identity) carries ``roles`` and no ``scp``. The emulator does not check signatures, so it only
decodes the payload of a ``Bearer`` JWT. A request without a token, or with one that is not a JWT, is
app-only: that is how WeGrow calls Graph (an anonymous client locally, client credentials in Azure).
Tests that need delegated access send ``delegated_token()``.
"""

from __future__ import annotations

import base64
import binascii
import json

from aiohttp import web


def _payload(token: str) -> dict[str, object]:
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    padded = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        found = json.loads(base64.urlsafe_b64decode(padded))
    except (binascii.Error, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def is_delegated(request: web.Request) -> bool:
    """True when the request's bearer token has the ``scp`` claim of delegated (signed-in user) access."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    return bool(_payload(token.strip()).get("scp"))


def delegated_token(scopes: str = "Files.ReadWrite", upn: str = "hr@contoso.test") -> str:
    """An unsigned JWT shaped like a delegated Graph token (for tests and local tools)."""

    def part(value: dict[str, str]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return ".".join((part({"alg": "none", "typ": "JWT"}), part({"scp": scopes, "upn": upn}), "unsigned"))
