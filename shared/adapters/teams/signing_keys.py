"""The keys that sign bot tokens: one OpenID metadata document's key set, re-read when stale or on an unknown kid.

Split from ``auth``, which routes each token to the key set of its issuer. Keys are refreshed with the key set,
never cached forever: the set is re-read at least daily, and an unknown kid reads it again at most once a minute.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt

KEYS_MAX_AGE_SECONDS = 24 * 3600.0  # a key set is re-read at least daily
KEYS_MIN_REFRESH_SECONDS = 60.0  # an unknown kid refetches at most once a minute
FETCH_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class SigningKey:
    key: Any
    endorsements: frozenset[str] | None


@dataclass
class KeySet:
    """The signing keys named by one OpenID metadata document, re-read when stale or on an unknown kid.

    PyJWT's ``PyJWKClient(cache_keys=True)`` keeps every key it once returned for the life of the process,
    so a key removed from the JWKS stays trusted; this keeps exactly the last key set it read.
    """

    metadata_url: str
    max_age: float = KEYS_MAX_AGE_SECONDS
    min_refresh: float = KEYS_MIN_REFRESH_SECONDS
    clock: Callable[[], float] = time.monotonic
    transport: httpx.AsyncBaseTransport | None = None
    _keys: dict[str, SigningKey] = field(default_factory=dict, init=False)
    _fetched_at: float | None = field(default=None, init=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)
    fetches: int = field(default=0, init=False)

    async def key(self, kid: str) -> SigningKey:
        async with self._lock:
            if self._fetched_at is None or self.clock() - self._fetched_at >= self.max_age:
                await self._refresh()
            found = self._keys.get(kid)
            if found is None and self._fetched_at is not None and self.clock() - self._fetched_at >= self.min_refresh:
                await self._refresh()  # a rotated key set: read it again, at most once per min_refresh
                found = self._keys.get(kid)
        if found is None:
            raise jwt.InvalidTokenError("no signing key with this kid")
        return found

    async def _refresh(self) -> None:
        async with httpx.AsyncClient(timeout=FETCH_TIMEOUT_SECONDS, transport=self.transport) as client:
            metadata = await client.get(self.metadata_url)
            metadata.raise_for_status()
            jwks_uri = metadata.json().get("jwks_uri")
            if not isinstance(jwks_uri, str):
                raise ValueError("jwks_uri missing from the OpenID metadata")
            response = await client.get(jwks_uri)
            response.raise_for_status()
        self.fetches += 1
        self._keys = _signing_keys(response.json())
        self._fetched_at = self.clock()


def _signing_keys(jwks: Any) -> dict[str, SigningKey]:
    keys: dict[str, SigningKey] = {}
    entries = jwks.get("keys") if isinstance(jwks, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("kty") != "RSA" or not isinstance(entry.get("kid"), str):
            continue
        if entry.get("use", "sig") != "sig":
            continue
        try:
            key = jwt.PyJWK(entry, algorithm="RS256").key
        except jwt.PyJWTError:
            continue
        listed = entry.get("endorsements")
        endorsements = frozenset(str(e).strip().lower() for e in listed) if isinstance(listed, list) else None
        keys[entry["kid"]] = SigningKey(key, endorsements)
    return keys
