"""The WeGrow bot: an Agents SDK AgentApplication whose handlers are thin calls into services.

The SDK's turn state is neither loaded nor saved (:class:`NoStoredState`): WeGrow keeps nothing in it, and
agendas, cards and outcomes go through our Store port. Built lazily by the container, never at import time.
The card handlers are registered from :mod:`shared.adapters.teams.card_handlers`; their verbs are re-exported
here (tests/unit/test_bot_cold_path.py checks them against the modules that own them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from microsoft_agents.activity import ActivityTypes
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
from microsoft_agents.hosting.core.authorization.auth_types import AuthTypes

from shared.adapters.teams.auth import Authenticator, authenticator_for
from shared.adapters.teams.bot_messages import BotServices, reply_to
from shared.adapters.teams.card_handlers import ASSIGN_VERB as ASSIGN_VERB
from shared.adapters.teams.card_handlers import BOOK_VERB as BOOK_VERB
from shared.adapters.teams.card_handlers import LOG_OUTCOMES_VERB as LOG_OUTCOMES_VERB
from shared.adapters.teams.card_handlers import REFRESH_VERB as REFRESH_VERB
from shared.adapters.teams.card_handlers import REMINDER_OPEN_VERB as REMINDER_OPEN_VERB
from shared.adapters.teams.card_handlers import SUBMIT_VERBS as SUBMIT_VERBS
from shared.adapters.teams.card_handlers import actor_of, register_cards
from shared.adapters.teams.http import FunctionsAdapter
from shared.config import Settings
from shared.services.card_channels import teams_works_again
from shared.services.languages import TEAMS
from shared.services.languages import remember as remember_language


@dataclass(frozen=True)
class Bot:
    """Everything the /api/messages trigger needs."""

    adapter: FunctionsAdapter
    app: AgentApplication[TurnState]
    authenticator: Authenticator
    tenant_id: str | None  # every activity must come from this tenant (accepted_activities.check_activity)


class LocalTokenProvider(AnonymousTokenProvider):
    """Local stack only: a placeholder bearer for the connector emulator (the SDK refuses an empty one)."""

    async def get_access_token(self, resource_url: str, scopes: list[str], force_refresh: bool = False) -> str:
        return "wegrow-local-stack"


def connection_manager(settings: Settings) -> Connections:
    """How the bot gets connector tokens: in Azure as the user-assigned managed identity it shares with Graph
    (no secret anywhere), or with a client secret where one is configured; on the local stack, a placeholder."""
    secret = settings.bot_app_secret.get_secret_value() if settings.bot_app_secret else None
    identity = settings.managed_identity_client_id
    if identity and not secret:
        config = AgentAuthConfiguration(
            auth_type=AuthTypes.user_managed_identity, client_id=identity, tenant_id=settings.tenant_id
        )
    else:
        config = AgentAuthConfiguration(
            client_id=settings.bot_app_id, tenant_id=settings.tenant_id, client_secret=secret
        )
    connections = {"SERVICE_CONNECTION": config}
    if secret or identity:
        from microsoft_agents.authentication.msal import MsalConnectionManager

        return MsalConnectionManager(connections_configurations=connections)
    return ConnectionManager(lambda _config: LocalTokenProvider(), connections_configurations=connections)


def build_bot(settings: Settings, services: BotServices, authenticator: Authenticator | None = None) -> Bot:
    connections = connection_manager(settings)
    adapter = FunctionsAdapter(connections)
    options = ApplicationOptions(
        bot_app_id=settings.bot_app_id,
        storage=MemoryStorage(),  # the SDK requires one; NoStoredState never reads or writes it
        start_typing_timer=False,
        turn_state_factory=NoStoredState,
    )
    app: AgentApplication[TurnState] = AgentApplication(options, connection_manager=connections)
    register_cards(app, services)
    _register_messages(app, services)
    authenticator = authenticator or authenticator_for(settings)
    return Bot(adapter=adapter, app=app, authenticator=authenticator, tenant_id=settings.tenant_id)


class NoStoredState(TurnState):
    """Turn state with only the SDK's per-turn temp scope: no handler reads conversation or user state, so each turn
    skips loading both from the SDK's storage and saving them back (~0.2 ms of CPU per card action)."""

    async def load(self, context: TurnContext, storage: Any) -> NoStoredState:
        return self

    async def save(self, turn_context: TurnContext, force: bool = False) -> None:
        return None


def _register_messages(app: AgentApplication[TurnState], services: BotServices) -> None:
    async def on_message(context: TurnContext, state: TurnState) -> None:
        actor = actor_of(context)
        if actor:
            remember_language(services.store, actor, TEAMS, context.activity.locale)
            teams_works_again(services.store, actor)  # they wrote to the bot in Teams: it reaches them
        await context.send_activity(reply_to(services, context.activity.text or "", actor, context))

    app.activity(ActivityTypes.message)(on_message)
