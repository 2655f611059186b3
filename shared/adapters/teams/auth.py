"""Who may call /api/messages, and which activities WeGrow accepts from them.

Tokens (``JwtAuthenticator``). The SDK's ``JwtTokenValidator`` derives JWKS addresses from fixed Microsoft
hosts, so it cannot be pointed at a test key server; this validator follows the same rules with the same
library (PyJWT), and routes by issuer to exactly two key sets (a SingleTenant or UserAssignedMSI bot):

- ``https://api.botframework.com`` (``WEGROW_BOT_TOKEN_ISSUER``): keys from the OpenID metadata at
  ``WEGROW_BOT_OPENID_METADATA_URL``. Those keys carry ``endorsements``, the channels they may sign for.
- the tenant's Entra issuers, ``https://login.microsoftonline.com/{tenant}/v2.0`` and
  ``https://sts.windows.net/{tenant}/``: keys from ``Settings.bot_entra_metadata``; a ``tid`` claim must name
  the same tenant (the SDK's tid-to-issuer binding).

Any other issuer is refused before a key is fetched. RS256 only, audience = the bot's app id, 5 minutes of
clock skew (as the SDK allows). Keys are refreshed with the key set (``KeySet``), never cached forever.

Activities (``check_activity``), in every auth mode, the local anonymous one included: channel ``msteams``;
``channelData.tenant.id`` (and ``conversation.tenantId`` when present) = ``WEGROW_TENANT_ID``; the signing
key endorses the channel; the token's ``serviceurl`` = the activity's ``serviceUrl``; the conversation is
``personal`` (the app is personal-scope only, and a missing type is not personal). From channel ``outlook``
(cards sent as Outlook actionable email, Universal Actions) only ``adaptiveCard/action`` invokes are accepted,
with the tenant stated in ``channelData.tenant.id`` and/or ``conversation.tenantId`` (every stated one must be
ours) and a key that endorses ``outlook``; there is no personal chat there. Who acted is checked by the card
handlers against the card's recipient, exactly as in Teams.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import httpx
import jwt

from shared.config import BotAuth, Environment, Settings

if TYPE_CHECKING:
    from microsoft_agents.hosting.core import ClaimsIdentity

logger = logging.getLogger(__name__)

ALGORITHMS = ["RS256"]
CLOCK_SKEW_SECONDS = 300.0
TEAMS_CHANNEL = "msteams"
OUTLOOK_CHANNEL = "outlook"  # Outlook actionable messages with Universal Actions (Action.Execute)
CARD_ACTION = "adaptiveCard/action"
PERSONAL = "personal"
KEYS_MAX_AGE_SECONDS = 24 * 3600.0  # a key set is re-read at least daily
KEYS_MIN_REFRESH_SECONDS = 60.0  # an unknown kid refetches at most once a minute
FETCH_TIMEOUT_SECONDS = 10.0


class Unauthorized(Exception):
    """The caller did not prove it is the Bot Framework (the message is safe to return)."""


class Forbidden(Exception):
    """An authenticated caller sent an activity WeGrow does not accept (the message is safe to return)."""


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


# ------------------------------------------------------------------ activities


def check_activity(activity: Mapping[str, Any], caller: Caller, tenant_id: str | None) -> None:
    """Raise Forbidden unless the activity is a personal Teams activity, or an Outlook card action, in our tenant."""
    channel = activity.get("channelId")
    if channel not in (TEAMS_CHANNEL, OUTLOOK_CHANNEL):
        raise Forbidden("only Microsoft Teams activities and Outlook card actions are accepted")
    if not tenant_id:
        raise Forbidden("no tenant is configured (WEGROW_TENANT_ID)")
    conversation = activity.get("conversation")
    conversation = conversation if isinstance(conversation, dict) else {}
    if channel == OUTLOOK_CHANNEL:
        _check_outlook(activity, conversation, tenant_id)
    elif not _same_tenant(_path(activity, "channelData", "tenant", "id"), tenant_id):
        raise Forbidden("the activity is not from this organisation's tenant")
    if "tenantId" in conversation and not _same_tenant(conversation.get("tenantId"), tenant_id):
        raise Forbidden("the activity is not from this organisation's tenant")
    _check_endorsement(caller, str(channel))
    if not caller.anonymous and not _same_url(caller.claims.get("serviceurl"), activity.get("serviceUrl")):
        raise Forbidden("the token was not issued for this serviceUrl")
    if channel == TEAMS_CHANNEL and conversation.get("conversationType") != PERSONAL:
        raise Forbidden("WeGrow answers only in a personal chat")


def _check_outlook(activity: Mapping[str, Any], conversation: Mapping[str, Any], tenant_id: str) -> None:
    """From Outlook only card actions (Action.Execute and refresh), in our tenant as the activity states it."""
    if activity.get("type") != "invoke" or activity.get("name") != CARD_ACTION:
        raise Forbidden("from Outlook only card actions are accepted")
    stated = [t for t in (_path(activity, "channelData", "tenant", "id"), conversation.get("tenantId")) if t]
    if not stated or not all(_same_tenant(t, tenant_id) for t in stated):
        raise Forbidden("the activity is not from this organisation's tenant")


def _check_endorsement(caller: Caller, channel: str) -> None:
    if caller.endorsements is None:
        if caller.needs_endorsement:
            raise Forbidden("the signing key endorses no channel")
        return
    if channel not in caller.endorsements:
        raise Forbidden("the signing key does not endorse this channel")


def _path(node: Any, *keys: str) -> Any:
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _same_tenant(value: Any, tenant_id: str) -> bool:
    return isinstance(value, str) and value.strip().lower() == tenant_id.strip().lower()


def _same_url(claimed: Any, sent: Any) -> bool:
    if not isinstance(claimed, str) or not isinstance(sent, str) or not claimed:
        return False
    return claimed.rstrip("/").lower() == sent.rstrip("/").lower()
