"""GraphSubscriptions through the real msgraph-sdk over an httpx MockTransport: which of Graph's answers are
refusals (never retried), which are retried, and which POST failures are not re-sent."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from shared.adapters.graph.client import build_graph_client
from shared.adapters.graph.retry import RetryPolicy, RetryStats
from shared.adapters.graph.subscriptions import CreateUncertain, GraphSubscriptions
from shared.config import load_settings
from shared.ports.subscriptions import SubscriptionGone, SubscriptionRefused, SubscriptionSpec

pytestmark = pytest.mark.unit

BASE = "https://graph.test/v1.0"
EXPIRES = datetime(2027, 3, 2, 8, 0, tzinfo=UTC)
SPEC = SubscriptionSpec("u1", ("updated", "deleted"), "https://w.example/n", "https://w.example/n/l", "cs", EXPIRES)
LIMIT_429 = (
    "Operation: Create; Exception: [Status Code: 429; Reason: Resource 'SubscriptionCountReached' has reached limit "
    "of '1000'. Please retry after '12/31/9999 11:59:59 PM']"
)
LIMIT_403 = (
    "Operation: Create; Exception: [Status Code: Forbidden; Reason: Maximum number of subscriptions has been reached]"
)


def error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> httpx.Response:
    body = {"error": {"code": code, "message": message}}
    return httpx.Response(status, json=body, headers=headers or {})


def created() -> httpx.Response:
    body = {"id": "sub-1", "resource": "users/u1/events", "expirationDateTime": "2027-03-02T08:00:00Z"}
    return httpx.Response(201, json=body)


class Graph:
    """Answers each request with the next response of ``script`` and keeps the requests."""

    def __init__(self, *script: httpx.Response | Exception) -> None:
        self.script = list(script)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.script.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def adapter(graph: Callable[[httpx.Request], httpx.Response]) -> GraphSubscriptions:
    settings = load_settings(storage_connection="UseDevelopmentStorage=true", graph_base_url=BASE)
    client = build_graph_client(settings, transport=httpx.MockTransport(graph))
    return GraphSubscriptions(client, policy=RetryPolicy(max_attempts=3, sleep=_no_sleep), stats=RetryStats())


async def _no_sleep(_: float) -> None:
    return None


async def test_create_posts_the_documented_body_and_maps_the_answer() -> None:
    graph = Graph(created())
    made = await adapter(graph).create(SPEC)
    assert (made.id, made.user_id, made.expires) == ("sub-1", "u1", EXPIRES)
    body = json.loads(graph.requests[0].content)
    assert body["resource"] == "/users/u1/events" and body["changeType"] == "updated,deleted"
    assert body["notificationUrl"] == SPEC.notification_url and body["lifecycleNotificationUrl"] == SPEC.lifecycle_url
    assert body["clientState"] == "cs" and datetime.fromisoformat(body["expirationDateTime"]) == EXPIRES


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (error(429, "ExtensionError", LIMIT_429, {"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"}), "limit"),
        (error(403, "ExtensionError", LIMIT_403), "limit"),
        (error(403, "ErrorAccessDenied", "Access to OData is disabled: [RAOP] : Blocked by tenant"), "out-of-scope"),
        (
            error(404, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, or on-premise."),
            "no-mailbox",
        ),
        (
            error(
                400,
                "ValidationError",
                "Subscription validation request failed. Notification endpoint must respond "
                "with 200 OK to validation request.",
            ),
            "validation",
        ),
        (error(400, "InvalidRequest", "Subscription validation request timed out."), "validation"),
        (error(400, "ExtensionError", "Subscription expiration can only be 4230 minutes in the future."), "invalid"),
        (error(400, "InvalidRequest", "NotificationUrl scheme='http' is not supported."), "invalid"),
    ],
)
async def test_refusals_are_mapped_and_never_retried(answer: httpx.Response, reason: str) -> None:
    graph = Graph(answer, created())
    with pytest.raises(SubscriptionRefused) as caught:
        await adapter(graph).create(SPEC)
    assert caught.value.reason == reason and len(graph.requests) == 1


@pytest.mark.parametrize("first", [error(429, "TooManyRequests", "slow down", {"Retry-After": "1"}),
                                   error(503, "ServiceUnavailable", "try later"),
                                   httpx.ConnectError("refused")])  # fmt: skip
async def test_a_post_graph_cannot_have_acted_on_is_sent_again(first: httpx.Response | Exception) -> None:
    graph = Graph(first, created())
    assert (await adapter(graph).create(SPEC)).id == "sub-1" and len(graph.requests) == 2


@pytest.mark.parametrize("first", [error(504, "GatewayTimeout", "upstream"), httpx.ReadTimeout("lost")])
async def test_a_post_that_may_have_landed_is_not_sent_again(first: httpx.Response | Exception) -> None:
    graph = Graph(first, created())
    with pytest.raises(CreateUncertain):
        await adapter(graph).create(SPEC)
    assert len(graph.requests) == 1


async def test_renew_patches_only_the_expiry_and_retries_throttling() -> None:
    later = EXPIRES + timedelta(hours=30)
    renewed = httpx.Response(
        200, json={"id": "sub-1", "resource": "Users/u1/Events", "expirationDateTime": later.isoformat()}
    )
    graph = Graph(error(503, "ServiceUnavailable", "later"), renewed)
    answer = await adapter(graph).renew("sub-1", later)
    assert (answer.id, answer.user_id, answer.expires) == ("sub-1", "u1", later)
    assert graph.requests[-1].method == "PATCH" and graph.requests[-1].url.path == "/v1.0/subscriptions/sub-1"
    assert set(json.loads(graph.requests[-1].content)) == {"expirationDateTime"}


async def test_renewing_an_unknown_subscription_is_gone_and_deleting_one_is_done() -> None:
    graph = Graph(error(404, "ResourceNotFound", "The subscription was not found."),
                  error(404, "ResourceNotFound", "The subscription was not found."))  # fmt: skip
    subscriptions = adapter(graph)
    with pytest.raises(SubscriptionGone):
        await subscriptions.renew("gone", EXPIRES)
    await subscriptions.delete("gone")
    assert [r.method for r in graph.requests] == ["PATCH", "DELETE"]


async def test_a_renewal_outside_the_access_policy_is_refused() -> None:
    graph = Graph(error(403, "ErrorAccessDenied", "Blocked by tenant configured AppOnly AccessPolicy settings."))
    with pytest.raises(SubscriptionRefused) as caught:
        await adapter(graph).renew("sub-1", EXPIRES)
    assert caught.value.reason == "out-of-scope"
