"""``Messenger`` over the Microsoft 365 Agents SDK: proactive cards in the user's 1:1 chat with the bot.

Reaching a user: the app is installed for them through Graph (an ``AppInstaller``; 409 counts as
installed), then the SDK's ``create_conversation`` opens (or reopens: 1:1 conversations are stable per
user) the conversation on the Bot Connector at ``settings.connector_url``. The reference is kept in
table ``conversations`` under the user's key, so later sends skip both steps.

Sending: one message activity with the card, addressed from the stored reference the way the SDK's
``TurnContext.send_activity`` addresses it (``apply_conversation_reference``: bot as sender, the user as
recipient, the conversation, its tenant), posted with the SDK connector client's ``send_to_conversation``.
Opening a conversation is the client's ``create_conversation``. The client is the one the SDK's factory
builds for a proactive turn, with the same token provider, kept per connector URL and shared by concurrent
sends (:mod:`connector_clients`) instead of a whole ``continue_conversation`` turn (TurnContext, middleware,
a deep copy of the activity, a new connector and user-token client) per card. Opening a conversation holds an
``open_slot`` of the app-wide send limiter: the connector counts it against the same per-app limit.
Connector answers map to the port's errors: 429 -> Throttled (Retry-After), 403 -> RecipientUnreachable,
404 -> StaleConversation; a 401 drops the kept client so the next try fetches a new token.

The SDK clears ``activity.id`` before it posts, so the deterministic message id cannot ride as the
activity id; it travels in ``channelData.wegrowCardId`` (and the card's own ``cardId``) so a sent
log can be checked per card. The real connector does not de-duplicate on it (see docs/bot.md).

Where: every send and every conversation opening goes only to a connector on the allow-list
(``allowed_hosts``: the container passes ``Settings.connector_host_set``, Teams' documented hosts plus
loopback on the local stack; by default Teams' hosts and the configured connector's host, which settings
already checked). Anything else, e.g. a tampered stored reference, is ``RecipientUnreachable``: no request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, contextmanager, nullcontext
from functools import partial
from typing import Any, Protocol
from urllib.parse import urlsplit

from aiohttp import ClientResponseError
from microsoft_agents.activity import (
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
    ConversationReference,
)
from microsoft_agents.hosting.core import CardFactory, ChannelServiceAdapter, MessageFactory
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt

from shared.adapters.teams.connector_clients import ConnectorClients
from shared.adapters.teams.sdk_fixes import CardActivity, client_factory
from shared.config_checks import connector_url_allowed
from shared.config_values import TEAMS_CONNECTOR_HOSTS
from shared.first_try import once_then_async
from shared.ports.messenger import ConversationRef, Recipient, RecipientUnreachable, StaleConversation, Throttled
from shared.ports.storage import EntityKey, Store

CONVERSATIONS = "conversations"
TEAMS_ROW = "teams"
CHANNEL = "msteams"
DEFAULT_RETRY_AFTER = 1.0
OPEN_ATTEMPTS = 5  # opening a conversation is idempotent (1:1 conversations are stable per user)


class AppInstaller(Protocol):
    """Installs the Teams app for a user (Graph teamwork; already installed is fine); raises when Graph refuses."""

    async def install(self, user_id: str) -> None: ...


class TeamsMessenger:
    def __init__(
        self,
        adapter: ChannelServiceAdapter,
        installer: AppInstaller,
        store: Store,
        *,
        bot_app_id: str,
        service_url: str,
        tenant_id: str = "",
        refused: tuple[type[Exception], ...] = (),
        open_slot: Callable[[], AbstractAsyncContextManager[None]] | None = None,
        allowed_hosts: frozenset[str] | None = None,
        connectors: ConnectorClients | None = None,
    ) -> None:
        self._adapter = adapter
        self._installer = installer
        self._store = store
        self._bot_app_id = bot_app_id
        self._service_url = service_url
        self._tenant_id = tenant_id
        self._refused = refused
        self._open_slot = open_slot or nullcontext  # opening a conversation counts against the app's send limit
        configured = (urlsplit(service_url).hostname or "").lower()
        self._allowed_hosts = allowed_hosts if allowed_hosts is not None else _default_hosts(configured)
        self._connectors = connectors

    @property
    def connectors(self) -> ConnectorClients:
        """The kept connector clients, from the adapter's factory with a proactive turn's claims (on first use)."""
        if self._connectors is None:
            claims = self._adapter.create_claims_identity(self._bot_app_id)
            self._connectors = ConnectorClients(client_factory(self._adapter), claims)
        return self._connectors

    async def aclose(self) -> None:
        """Close the kept connector clients (they also close themselves once idle or when the loop ends)."""
        if self._connectors is not None:
            await self._connectors.aclose()

    async def ensure_conversation(self, user: Recipient, *, refresh: bool = False) -> ConversationRef:
        stored = None if refresh else self.stored_reference(user.user_id)
        if stored is not None:
            return stored
        try:
            await self._installer.install(user.user_id)
        except self._refused as error:
            raise RecipientUnreachable(str(error)) from None
        conversation_id = await self._open_conversation(user.user_id)
        ref = ConversationRef(user.user_id, conversation_id, self._service_url, self._tenant_id)
        self._store.upsert(CONVERSATIONS, user.user_id, TEAMS_ROW, _ref_row(ref))
        return ref

    def stored_keys(self, user: Recipient) -> Sequence[EntityKey]:
        return [(CONVERSATIONS, user.user_id, TEAMS_ROW)]

    def stored_reference(self, user_id: str) -> ConversationRef | None:
        found = self._store.find(CONVERSATIONS, user_id, TEAMS_ROW)
        if found is None:
            return None
        data = found.data
        return ConversationRef(
            user_id, str(data["conversation_id"]), str(data["service_url"]), str(data.get("tenant_id") or "")
        )

    async def send_card(self, ref: ConversationRef, card: Mapping[str, Any], message_id: str) -> None:
        self._require_allowed(ref.service_url)
        activity = MessageFactory.attachment(CardFactory.adaptive_card({}))  # the card goes in when it is dumped
        activity.channel_data = {"wegrowCardId": message_id}
        activity.apply_conversation_reference(self._reference(ref))
        activity.input_hint = "acceptingInput"  # what TurnContext.send_activity fills in
        activity.id = None
        with _connector_errors(self.connectors, ref.service_url):
            async with self.connectors.client(ref.service_url) as client:
                await client.conversations.send_to_conversation(ref.conversation_id, CardActivity(activity, dict(card)))

    def _require_allowed(self, service_url: str) -> None:
        if not connector_url_allowed(service_url, self._allowed_hosts):
            raise RecipientUnreachable("the connector host is not on the allow-list")

    async def _open_conversation(self, user_id: str) -> str:
        self._require_allowed(self._service_url)
        tenant: dict[str, Any] = {"tenant_id": self._tenant_id, "channel_data": {"tenant": {"id": self._tenant_id}}}
        params = ConversationParameters(
            is_group=False,
            agent=ChannelAccount(id=f"28:{self._bot_app_id}"),
            members=[ChannelAccount(id=user_id, aad_object_id=user_id)],
            **(tenant if self._tenant_id else {}),
        )
        return await once_then_async(partial(self._create_conversation, params), _open_policy, _throttled)

    async def _create_conversation(self, params: ConversationParameters) -> str:
        with _connector_errors(self.connectors, self._service_url):
            async with self._open_slot(), self.connectors.client(self._service_url) as client:
                created = await client.conversations.create_conversation(params)
        if created is None or not created.id:
            raise StaleConversation("the connector opened no conversation")
        return str(created.id)

    def _reference(self, ref: ConversationRef) -> ConversationReference:
        """Where the message goes, as the SDK's proactive turn derives it from a continuation activity."""
        return ConversationReference(
            channel_id=CHANNEL,
            service_url=ref.service_url,
            conversation=ConversationAccount(id=ref.conversation_id, tenant_id=ref.tenant_id or None),
            user=ChannelAccount(id=ref.user_id, aad_object_id=ref.user_id),
            agent=ChannelAccount(id=f"28:{self._bot_app_id}"),
        )


def _default_hosts(configured: str) -> frozenset[str]:
    return frozenset(TEAMS_CONNECTOR_HOSTS) | ({configured} if configured else frozenset())


def _ref_row(ref: ConversationRef) -> dict[str, str]:
    return {"conversation_id": ref.conversation_id, "service_url": ref.service_url, "tenant_id": ref.tenant_id}


@contextmanager
def _connector_errors(connectors: ConnectorClients, service_url: str) -> Iterator[None]:
    """Map the SDK's ``ClientResponseError`` from the connector onto the Messenger port's errors."""
    try:
        yield
    except ClientResponseError as error:
        if error.status == 401:
            connectors.discard(service_url)  # the kept client's token was refused: the next try gets a new one
            raise
        if error.status == 429:
            raise Throttled(_retry_after(error)) from None
        if error.status == 403:
            raise RecipientUnreachable("the connector refused: the bot is blocked or disabled") from None
        if error.status == 404:
            raise StaleConversation("the connector does not know this conversation") from None
        raise


def _open_policy() -> AsyncRetrying:
    """Opening a conversation: a 429 is tried again after its Retry-After, ``OPEN_ATTEMPTS`` in all."""
    return AsyncRetrying(
        retry=retry_if_exception_type(Throttled),
        wait=lambda state: _throttled_wait(state.outcome.exception() if state.outcome else None),
        stop=stop_after_attempt(OPEN_ATTEMPTS),
        reraise=True,
    )


def _throttled(error: BaseException) -> bool:
    return isinstance(error, Throttled)


def _throttled_wait(error: BaseException | None) -> float:
    return error.retry_after if isinstance(error, Throttled) else DEFAULT_RETRY_AFTER


def _retry_after(error: ClientResponseError) -> float:
    value = error.headers.get("Retry-After") if error.headers else None
    try:
        return max(0.0, float(value)) if value is not None else DEFAULT_RETRY_AFTER
    except ValueError:
        return DEFAULT_RETRY_AFTER
