"""Who may call /api/messages: Bot Framework JWT validation, or anonymous on the local stack only.

The SDK's ``JwtTokenValidator`` derives the JWKS address from the token's issuer with fixed
Microsoft hosts, so it cannot be pointed at a test key server. This validator follows the Bot
Framework rules with the same library (PyJWT): the signing keys come from the JWKS named by the
OpenID metadata at ``WEGROW_BOT_OPENID_METADATA_URL``, RS256 only, the audience is the bot's app
id, the issuer is ``WEGROW_BOT_TOKEN_ISSUER``, and the token must not have expired (5 minutes of
clock skew, as the SDK allows). The result is the SDK's own ``ClaimsIdentity``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

import httpx
import jwt
from microsoft_agents.hosting.core import ClaimsIdentity

from shared.config import BotAuth, Environment, Settings

logger = logging.getLogger(__name__)

ALGORITHMS = ["RS256"]
CLOCK_SKEW_SECONDS = 300.0


class Unauthorized(Exception):
    """The caller did not prove it is the Bot Framework (the message is safe to return)."""


class Authenticator(Protocol):
    async def authenticate(self, authorization: str | None) -> ClaimsIdentity: ...


class AnonymousAuthenticator:
    """Local stack only (WEGROW_BOT_AUTH=anonymous with WEGROW_ENV=local): every caller is accepted."""

    async def authenticate(self, authorization: str | None) -> ClaimsIdentity:
        return ClaimsIdentity()


class JwtAuthenticator:
    def __init__(self, metadata_url: str, audience: str, issuer: str) -> None:
        self._metadata_url = metadata_url
        self._audience = audience
        self._issuer = issuer
        self._jwks: jwt.PyJWKClient | None = None
        self._lock = asyncio.Lock()

    async def authenticate(self, authorization: str | None) -> ClaimsIdentity:
        token = _bearer_token(authorization)
        try:
            key = await self._signing_key(token)
            claims = jwt.decode(
                token,
                key=key,
                algorithms=ALGORITHMS,
                audience=self._audience,
                issuer=self._issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        except (jwt.PyJWTError, httpx.HTTPError, ValueError, KeyError) as error:
            logger.warning("bot token rejected: %s", type(error).__name__)
            raise Unauthorized("invalid token") from None
        return ClaimsIdentity(claims, authentication_type="Bearer", security_token=token)

    async def _signing_key(self, token: str) -> Any:
        header = jwt.get_unverified_header(token)
        if header.get("alg") not in ALGORITHMS or not header.get("kid"):
            raise jwt.InvalidAlgorithmError("unsigned or unexpected algorithm")
        client = await self._jwks_client()
        signing_key = await asyncio.to_thread(client.get_signing_key, str(header["kid"]))
        return signing_key.key

    async def _jwks_client(self) -> jwt.PyJWKClient:
        async with self._lock:
            if self._jwks is None:
                self._jwks = jwt.PyJWKClient(await self._jwks_uri(), cache_keys=True)
            return self._jwks

    async def _jwks_uri(self) -> str:
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.get(self._metadata_url)
            response.raise_for_status()
        uri = response.json()["jwks_uri"]
        if not isinstance(uri, str):
            raise ValueError("jwks_uri missing from the OpenID metadata")
        return uri


def _bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise Unauthorized("missing Authorization header")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("expected a Bearer token")
    return token.strip()


def authenticator_for(settings: Settings) -> Authenticator:
    """JWT unless anonymous is explicitly allowed on the local stack."""
    if settings.bot_auth is BotAuth.ANONYMOUS and settings.env is Environment.LOCAL:
        return AnonymousAuthenticator()
    return JwtAuthenticator(str(settings.bot_openid_metadata_url), settings.bot_app_id, settings.bot_token_issuer)
