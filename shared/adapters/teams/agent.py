"""The WeGrow bot: an Agents SDK AgentApplication whose handlers are thin calls into services.

Turn state lives in the SDK's MemoryStorage (it holds nothing WeGrow needs later); agendas, cards
and outcomes go through our Store port. Built lazily by the container, never at import time.
Card actions run on a worker thread: the Store port is synchronous (HTTP to Table storage), and on the
event loop one request's table calls would hold up every other request (tests/bench/bot_latency.py).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from microsoft_agents.activity import ActivityTypes, AdaptiveCardInvokeResponse
from microsoft_agents.hosting.core import (
    AgentApplication,
    AgentAuthConfiguration,
    AnonymousTokenProvider,
    ApplicationOptions,
    ConnectionManager,
    Connections,
    MemoryStorage,
    TurnContext,
    TurnState,
)

from shared.adapters.teams.auth import Authenticator, authenticator_for
from shared.adapters.teams.bot_messages import BotServices, reply_to
from shared.adapters.teams.http import FunctionsAdapter
from shared.adapters.teams.views import invoke_response
from shared.config import Settings
from shared.services.card_actions import (
    LOG_OUTCOMES_VERB,
    REFRESH_VERB,
    VERB_KINDS,
    ConfigSource,
    handle_card_action,
    handle_log_outcomes,
    handle_refresh,
)

if TYPE_CHECKING:
    from shared.domain.company import CompanyConfig

REFRESH_VERBS = re.compile(rf"^([a-z]+\.)?{REFRESH_VERB}$")


@dataclass(frozen=True)
class Bot:
    """Everything the /api/messages trigger needs."""

    adapter: FunctionsAdapter
    app: AgentApplication[TurnState]
    authenticator: Authenticator
    tenant_id: str | None  # every activity must come from this tenant (shared.adapters.teams.auth.check_activity)


class LocalTokenProvider(AnonymousTokenProvider):
    """Local stack only: a placeholder bearer for the connector emulator (the SDK refuses an empty one)."""

    async def get_access_token(self, resource_url: str, scopes: list[str], force_refresh: bool = False) -> str:
        return "wegrow-local-stack"


def connection_manager(settings: Settings) -> Connections:
    """MSAL with the bot's secret in Azure; without a secret (local stack) a placeholder token."""
    secret = settings.bot_app_secret.get_secret_value() if settings.bot_app_secret else None
    config = AgentAuthConfiguration(client_id=settings.bot_app_id, tenant_id=settings.tenant_id, client_secret=secret)
    connections = {"SERVICE_CONNECTION": config}
    if secret:
        from microsoft_agents.authentication.msal import MsalConnectionManager

        return MsalConnectionManager(connections_configurations=connections)
    return ConnectionManager(lambda _config: LocalTokenProvider(), connections_configurations=connections)


def actor_of(context: TurnContext) -> str | None:
    """The Entra object id of whoever sent the (authenticated) activity."""
    sender = context.activity.from_property
    object_id = getattr(sender, "aad_object_id", None) if sender else None
    return str(object_id) if object_id else None


def build_bot(settings: Settings, services: BotServices) -> Bot:
    connections = connection_manager(settings)
    adapter = FunctionsAdapter(connections)
    options = ApplicationOptions(bot_app_id=settings.bot_app_id, storage=MemoryStorage(), start_typing_timer=False)
    app: AgentApplication[TurnState] = AgentApplication(options, connection_manager=connections)
    _register_cards(app, services)
    _register_messages(app, services)
    return Bot(adapter=adapter, app=app, authenticator=authenticator_for(settings), tenant_id=settings.tenant_id)


def company_source(settings: Settings) -> ConfigSource:
    """The company config, read on first use only (a refresh or "Log outcomes" that must build a card)."""

    @cache
    def load() -> CompanyConfig:
        from shared.adapters.config_file import load_company_config

        return load_company_config(settings.company_config)

    return load


def _register_cards(app: AgentApplication[TurnState], services: BotServices) -> None:
    config = company_source(services.settings)

    async def on_refresh(context: TurnContext, state: TurnState, data: Any) -> AdaptiveCardInvokeResponse:
        store, actor = services.store, actor_of(context)
        return invoke_response(await asyncio.to_thread(handle_refresh, store, _as_dict(data), actor, config=config))

    async def on_log_outcomes(context: TurnContext, state: TurnState, data: Any) -> AdaptiveCardInvokeResponse:
        store, actor = services.store, actor_of(context)
        reply = await asyncio.to_thread(handle_log_outcomes, store, _as_dict(data), actor, config=config)
        return invoke_response(reply)

    app.adaptive_card.action_execute(REFRESH_VERBS)(on_refresh)
    app.adaptive_card.action_execute(LOG_OUTCOMES_VERB)(on_log_outcomes)
    for verb in VERB_KINDS:
        app.adaptive_card.action_execute(verb)(_submit_handler(services, verb))


def _submit_handler(services: BotServices, verb: str) -> Any:
    async def on_submit(context: TurnContext, state: TurnState, data: Any) -> AdaptiveCardInvokeResponse:
        actor = actor_of(context)
        store, clock, queues = services.store, services.clock, services.queues
        reply = await asyncio.to_thread(handle_card_action, store, clock, verb, _as_dict(data), actor, queues=queues)
        return invoke_response(reply)

    return on_submit


def _register_messages(app: AgentApplication[TurnState], services: BotServices) -> None:
    async def on_message(context: TurnContext, state: TurnState) -> None:
        await context.send_activity(reply_to(services, context.activity.text or "", actor_of(context), context))

    app.activity(ActivityTypes.message)(on_message)


def _as_dict(data: Any) -> dict[str, Any]:
    return dict(data) if isinstance(data, dict) else {}
