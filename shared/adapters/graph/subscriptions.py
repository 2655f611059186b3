"""``Subscriptions`` over Microsoft Graph: ``POST/PATCH/DELETE /subscriptions`` on ``/users/{id}/events``.

Permission (application): ``Calendars.Read`` is the least privileged one for event subscriptions; WeGrow already
holds ``Calendars.ReadWrite``, which includes it. The application access policy must include the mailbox.

How Graph's errors become ``SubscriptionRefused`` reasons (nothing else is mapped):
- the per-mailbox limit: Exchange names it in the message, e.g. "Resource 'SubscriptionCountReached' has reached
  limit of '1000'" (seen with status 429 and a retry date in year 9999), or "Maximum number of subscriptions has
  been reached" (403, as the webhooks docs say limits answer): ``limit``, never retried;
- 403 otherwise (the application access policy, ``ErrorAccessDenied``): ``out-of-scope``;
- 404 on create (``MailboxNotEnabledForRESTAPI``, an unknown user): ``no-mailbox``;
- 400 whose message is about the "Subscription validation request" (failed, timed out, the token not echoed;
  code ``ValidationError`` or ``InvalidRequest``): ``validation``; any other 400: ``invalid``.
A 404 on renew raises ``SubscriptionGone``; on delete it means done.

Retries (``retry.py``): PATCH and DELETE of a known id are idempotent and fully retried. A POST has no
idempotency key, so it is re-sent only when Graph cannot have acted on it: 429 and 503 answers, and connection
failures before the request went out. A 504 or a dropped connection after sending raises ``CreateUncertain``
(a subscription may exist whose id we never learnt; it lapses on its own within its lifetime).
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx

from shared.adapters.graph.retry import DEFAULT_POLICY, STATS, RetryPolicy, RetryStats, status_of, with_retries
from shared.ports.subscriptions import (
    REFUSED_INVALID,
    REFUSED_LIMIT,
    REFUSED_NO_MAILBOX,
    REFUSED_OUT_OF_SCOPE,
    REFUSED_VALIDATION,
    Subscription,
    SubscriptionGone,
    SubscriptionRefused,
    SubscriptionSpec,
)

if TYPE_CHECKING:
    from msgraph.generated.models.subscription import Subscription as GraphSubscription
    from msgraph.graph_service_client import GraphServiceClient

RESOURCE = "/users/{user_id}/events"
LIMIT_MARKERS = ("subscriptioncountreached", "maximum number of subscriptions", "subscription limit")
VALIDATION_MARKERS = ("subscription validation request", "validationtoken")
RESENDABLE_STATUSES = frozenset({429, 503})  # Graph refused to act: the POST can go again
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class CreateUncertain(Exception):
    """A POST /subscriptions failed in a way that may have created the subscription anyway (504, a lost answer)."""


class GraphSubscriptions:
    def __init__(
        self, client: GraphServiceClient, *, policy: RetryPolicy = DEFAULT_POLICY, stats: RetryStats = STATS
    ) -> None:
        self._client = client
        self._policy = policy
        self._stats = stats

    async def create(self, spec: SubscriptionSpec) -> Subscription:
        body = _body_for(spec)

        async def post() -> GraphSubscription | None:
            with _refusals(create=True):
                try:
                    return await self._client.subscriptions.post(body)
                except Exception as error:
                    if _resendable(error):
                        raise
                    if status_of(error) == 504 or isinstance(error, httpx.TransportError):
                        raise CreateUncertain(f"create on {spec.user_id}: {type(error).__name__}") from error
                    raise

        created = await self._retry(post)
        if created is None or not created.id:
            raise CreateUncertain(f"create on {spec.user_id}: Graph answered without an id")
        return _subscription_from(created, spec.user_id, spec.expires)

    async def renew(self, subscription_id: str, expires: datetime) -> Subscription:
        from msgraph.generated.models.subscription import Subscription as GraphSubscription

        body = GraphSubscription(expiration_date_time=expires.astimezone(UTC))
        item = self._client.subscriptions.by_subscription_id(subscription_id)

        async def patch() -> GraphSubscription | None:
            with _refusals(create=False):
                return await item.patch(body)

        try:
            renewed = await self._retry(patch)
        except Exception as error:
            if status_of(error) == 404:
                raise SubscriptionGone(subscription_id) from error
            raise
        if renewed is None:
            return Subscription(subscription_id, "", expires)
        return _subscription_from(renewed, "", expires)

    async def delete(self, subscription_id: str) -> None:
        item = self._client.subscriptions.by_subscription_id(subscription_id)
        try:
            await self._retry(item.delete)
        except Exception as error:
            if status_of(error) != 404:
                raise

    async def _retry[T](self, operation: Callable[[], Awaitable[T]]) -> T:
        return await with_retries(operation, policy=self._policy, stats=self._stats)


def _body_for(spec: SubscriptionSpec) -> GraphSubscription:
    from msgraph.generated.models.subscription import Subscription as GraphSubscription

    return GraphSubscription(
        change_type=",".join(spec.change_types),
        notification_url=spec.notification_url,
        lifecycle_notification_url=spec.lifecycle_url,
        resource=RESOURCE.format(user_id=spec.user_id),
        expiration_date_time=spec.expires.astimezone(UTC),
        client_state=spec.client_state,
    )


def _subscription_from(found: GraphSubscription, user_id: str, asked: datetime) -> Subscription:
    expires = found.expiration_date_time or asked
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    return Subscription(str(found.id), user_id or _user_of(found.resource), expires.astimezone(UTC))


def _user_of(resource: str | None) -> str:
    """The user id in ``users/{id}/events`` (Graph may echo it as ``Users('{id}')/Events``)."""
    parts = [p for p in (resource or "").replace("('", "/").replace("')", "/").split("/") if p]
    lowered = [p.lower() for p in parts]
    return parts[lowered.index("users") + 1] if "users" in lowered[:-1] else ""


def _resendable(error: BaseException) -> bool:
    """Graph cannot have created anything: it refused to act (429, 503; not the limit), or nothing was sent."""
    if isinstance(error, NOT_SENT):
        return True
    return status_of(error) in RESENDABLE_STATUSES and not _mentions(error, LIMIT_MARKERS)


@contextlib.contextmanager
def _refusals(*, create: bool) -> Iterator[None]:
    """Turn Graph's refusals into ``SubscriptionRefused`` inside the retried call, so none of them is retried."""
    try:
        yield
    except (SubscriptionRefused, CreateUncertain):
        raise
    except Exception as error:
        refused = refusal_for(error, create=create)
        if refused is None:
            raise
        raise refused from error


def refusal_for(error: BaseException, *, create: bool) -> SubscriptionRefused | None:
    """The ``SubscriptionRefused`` a Graph error means, or None when it is no refusal (see the module doc)."""
    status = status_of(error)
    detail = _message(error)[:200]
    if _mentions(error, LIMIT_MARKERS) and status in {400, 403, 429}:
        return SubscriptionRefused(REFUSED_LIMIT, detail)
    if status == 403:
        return SubscriptionRefused(REFUSED_OUT_OF_SCOPE, detail)
    if status == 404 and create:
        return SubscriptionRefused(REFUSED_NO_MAILBOX, detail)
    if status == 400:
        reason = REFUSED_VALIDATION if _mentions(error, VALIDATION_MARKERS) else REFUSED_INVALID
        return SubscriptionRefused(reason, detail)
    return None


def _message(error: BaseException) -> str:
    main = getattr(error, "error", None)
    code = str(getattr(main, "code", "") or "")
    message = str(getattr(main, "message", "") or "")
    return f"{code}: {message}" if code else message


def _mentions(error: BaseException, markers: tuple[str, ...]) -> bool:
    text = _message(error).lower()
    return any(marker in text for marker in markers)
