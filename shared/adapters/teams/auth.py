"""Who may call /api/messages: the bearer token, checked against the signing keys of its issuer.

Tokens (``JwtAuthenticator``). The SDK's ``JwtTokenValidator`` derives JWKS addresses from fixed Microsoft
hosts, so it cannot be pointed at a test key server; this validator follows the same rules with the same
library (PyJWT), and routes by issuer to exactly two key sets (a SingleTenant or UserAssignedMSI bot):

- ``https://api.botframework.com`` (``WEGROW_BOT_TOKEN_ISSUER``): keys from the OpenID metadata at
  ``WEGROW_BOT_OPENID_METADATA_URL``. Those keys carry ``endorsements``, the channels they may sign for.
- the tenant's Entra issuers, ``https://login.microsoftonline.com/{tenant}/v2.0`` and
  ``https://sts.windows.net/{tenant}/``: keys from ``Settings.bot_entra_metadata``; a ``tid`` claim must name
  the same tenant (the SDK's tid-to-issuer binding).

Any other issuer is refused before a key is fetched. RS256 only, audience = the bot's app id, 5 minutes of
clock skew (as the SDK allows). Keys are refreshed with the key set (``signing_keys.KeySet``), never cached
forever.

The activities WeGrow accepts from an authenticated caller are checked in ``accepted_activities``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import httpx
import jwt

from shared.adapters.teams.signing_keys import KeySet
from shared.config import Settings
from shared.config_values import BotAuth, Environment

if TYPE_CHECKING:
    from microsoft_agents.hosting.core import ClaimsIdentity

logger = logging.getLogger(__name__)

ALGORITHMS = ["RS256"]
CLOCK_SKEW_SECONDS = 300.0


class Unauthorized(Exception):
    """The caller did not prove it is the Bot Framework (the message is safe to return)."""


@dataclass(frozen=True)
class Caller:
    """An authenticated caller: its claims, and the channels its signing key endorses.

    ``endorsements`` is None when the key lists none (Entra keys) or there is no key (anonymous);
    ``needs_endorsement`` is set for the Bot Framework key set, whose keys must endorse the channel.
    """

    claims: Mapping[str, Any] = field(default_factory=dict)
    endorsements: frozenset[str] | None = None
    needs_endorsement: bool = False
    anonymous: bool = False
    token: str | None = field(default=None, repr=False)

    @property
    def identity(self) -> ClaimsIdentity:
        """The claims as the Agents SDK wants them; built only for a turn the SDK runs (a refused request never
        imports the SDK)."""
        from microsoft_agents.hosting.core import ClaimsIdentity

        if self.anonymous:
            return ClaimsIdentity()
        return ClaimsIdentity(dict(self.claims), authentication_type="Bearer", security_token=self.token)


class Authenticator(Protocol):
    async def authenticate(self, authorization: str | None) -> Caller: ...


class AnonymousAuthenticator:
    """Local stack only (WEGROW_BOT_AUTH=anonymous with WEGROW_ENV=local): no token is asked for."""

    async def authenticate(self, authorization: str | None) -> Caller:
        return Caller(anonymous=True)


@dataclass(frozen=True)
class Issuer:
    """An accepted token issuer and the key set that signs for it."""

    name: str
    keys: KeySet
    tenant: str | None = None  # an Entra issuer: a tid claim must name this tenant
    needs_endorsement: bool = False


def entra_issuers(tenant_id: str) -> tuple[str, str]:
    """The issuers Entra puts on tokens for a SingleTenant bot: v2 and v1."""
    return f"https://login.microsoftonline.com/{tenant_id}/v2.0", f"https://sts.windows.net/{tenant_id}/"


class JwtAuthenticator:
    def __init__(self, audience: str, issuers: tuple[Issuer, ...]) -> None:
        self._audience = audience
        self._issuers = {issuer.name.lower(): issuer for issuer in issuers}

    async def authenticate(self, authorization: str | None) -> Caller:
        token = _bearer_token(authorization)
        try:
            issuer, kid = self._route(token)
            signing = await issuer.keys.key(kid)
            claims = jwt.decode(
                token,
                key=signing.key,
                algorithms=ALGORITHMS,
                audience=self._audience,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
            if str(claims["iss"]).lower() != issuer.name.lower():
                raise jwt.InvalidIssuerError("issuer changed under the signature")
            tid = claims.get("tid")
            if issuer.tenant and tid is not None and str(tid).lower() != issuer.tenant.lower():
                raise jwt.InvalidIssuerError("tid does not match the issuer's tenant")
        except (jwt.PyJWTError, httpx.HTTPError, ValueError, KeyError) as error:
            logger.warning("bot token rejected: %s", type(error).__name__)
            raise Unauthorized("invalid token") from None
        return Caller(claims, signing.endorsements, needs_endorsement=issuer.needs_endorsement, token=token)

    @property
    def key_sets(self) -> tuple[KeySet, ...]:
        """The distinct key sets, Bot Framework's first."""
        found: list[KeySet] = []
        for issuer in self._issuers.values():
            if not any(issuer.keys is known for known in found):
                found.append(issuer.keys)
        return tuple(found)

    def _route(self, token: str) -> tuple[Issuer, str]:
        """The issuer's key set and the key id, from the unverified token (routing only; all is verified after)."""
        header = jwt.get_unverified_header(token)
        if header.get("alg") not in ALGORITHMS or not isinstance(header.get("kid"), str):
            raise jwt.InvalidAlgorithmError("unsigned or unexpected algorithm")
        unverified = jwt.decode(token, options={"verify_signature": False})
        name = unverified.get("iss")
        issuer = self._issuers.get(name.lower()) if isinstance(name, str) else None
        if issuer is None:
            raise jwt.InvalidIssuerError("issuer not accepted")
        return issuer, str(header["kid"])


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
    framework = Issuer(settings.bot_token_issuer, KeySet(str(settings.bot_openid_metadata_url)), needs_endorsement=True)
    issuers = [framework]
    entra_metadata = settings.bot_entra_metadata
    if settings.tenant_id and entra_metadata:
        entra_keys = KeySet(entra_metadata)  # one key set for both issuer spellings
        issuers += [Issuer(name, entra_keys, tenant=settings.tenant_id) for name in entra_issuers(settings.tenant_id)]
    return JwtAuthenticator(settings.bot_app_id, tuple(issuers))
