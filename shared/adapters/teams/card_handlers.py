"""The bot's card handlers: one per Action.Execute verb a card sends, registered on the AgentApplication.

Each handler is a thin call into a service whose module loads with the first card action, not with the bot (cold
start). Card actions run on a worker thread: the Store port is synchronous (HTTP to Table storage), and on the
event loop one request's table calls would hold up every other request (tests/bench/bot_latency.py).
:func:`actor_of` is shared with the chat-message handler in :mod:`shared.adapters.teams.agent`.
"""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from functools import cache, partial
from typing import TYPE_CHECKING, Any

from microsoft_agents.activity import AdaptiveCardInvokeResponse
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState

from shared.adapters.teams.bot_messages import BotServices, reply_language
from shared.adapters.teams.card_invoke import action_execute, invoke_verb
from shared.config import Settings
from shared.domain.card_verdicts import BOOKING_NOT_HERE, NO_LEARNING

if TYPE_CHECKING:
    from shared.domain.company import CompanyConfig
    from shared.services.card_actions import ConfigSource

# The card-action modules (shared.services.card_actions and what it imports) load with the first card action, not
# with the bot: a first chat message does not pay for them (cold start). Their verbs are repeated here for
# registration; tests/unit/test_bot_cold_path.py checks each against the module that owns it.
SUBMIT_VERBS = ("prep.submit", "outcome.log", "outcome.confirm", "outcome.dispute", "coach.accept", "coach.done")
REFRESH_VERB = "refresh"  # shared.services.card_actions.REFRESH_VERB
LOG_OUTCOMES_VERB = "agenda.logOutcomes"  # shared.services.card_actions.LOG_OUTCOMES_VERB
BOOK_VERB = "noslot.book"  # shared.services.no_slot_booking.BOOK_VERB
REMINDER_OPEN_VERB = "reminder.open"  # shared.services.reminder_cards.OPEN_VERB
ASSIGN_VERB = "learning.assign"  # shared.services.learning_views.ASSIGN_VERB
REFRESH_VERBS = re.compile(rf"^([a-z]+\.)?{REFRESH_VERB}$")
PREP_VERBS = "prep."  # the prep card's verbs (prep.refresh, prep.submit)


def actor_of(context: TurnContext) -> str | None:
    """The Entra object id of whoever sent the (authenticated) activity."""
    sender = context.activity.from_property
    object_id = getattr(sender, "aad_object_id", None) if sender else None
    return str(object_id) if object_id else None


def company_source(settings: Settings) -> ConfigSource:
    """The company config, read on first use only (a refresh or "Log outcomes" that must build a card)."""

    @cache
    def load() -> CompanyConfig:
        from shared.adapters.config_file import load_company_config

        return load_company_config(settings.company_config)

    return load


def card_expiry(settings: Settings) -> timedelta:
    """How long after its conversation a card still acts (then it refreshes into "this conversation has passed")."""
    return timedelta(days=settings.card_expiry_days)


def register_cards(app: AgentApplication[TurnState], services: BotServices) -> None:
    config = company_source(services.settings)
    expiry = card_expiry(services.settings)

    async def on_refresh(context: TurnContext, state: TurnState, data: Any) -> AdaptiveCardInvokeResponse:
        from shared.adapters.teams.views import invoke_response
        from shared.services.card_actions import handle_refresh

        store, actor, clock = services.store, actor_of(context), services.clock
        # a prep card's row is in the actor's agenda partition
        prep = invoke_verb(context.activity.value).startswith(PREP_VERBS)
        call = partial(
            handle_refresh, store, _as_dict(data), actor, config=config, clock=clock, expiry=expiry, prep=prep
        )
        return invoke_response(await asyncio.to_thread(call), reply_language(services, context))

    async def on_log_outcomes(context: TurnContext, state: TurnState, data: Any) -> AdaptiveCardInvokeResponse:
        from shared.adapters.teams.views import invoke_response
        from shared.services.card_actions import handle_log_outcomes

        store, actor, clock = services.store, actor_of(context), services.clock
        call = partial(handle_log_outcomes, store, _as_dict(data), actor, config=config, clock=clock, expiry=expiry)
        return invoke_response(await asyncio.to_thread(call), reply_language(services, context))

    async def on_open_reminded(context: TurnContext, state: TurnState, data: Any) -> AdaptiveCardInvokeResponse:
        from shared.adapters.teams.views import invoke_response
        from shared.services.reminder_cards import open_reminded

        store, actor, clock = services.store, actor_of(context), services.clock
        call = partial(open_reminded, store, _as_dict(data), actor, config=config, clock=clock, expiry=expiry)
        return invoke_response(await asyncio.to_thread(call), reply_language(services, context))

    async def on_book(context: TurnContext, state: TurnState, data: Any) -> AdaptiveCardInvokeResponse:
        from shared.adapters.teams.views import invoke_response
        from shared.services.card_actions import CardReply, Verdict
        from shared.services.no_slot_booking import book_option

        if services.schedule is None:
            refused = CardReply(Verdict.REFUSED, BOOKING_NOT_HERE)
            return invoke_response(refused, reply_language(services, context))
        store, actor, clock = services.store, actor_of(context), services.clock
        booked = await book_option(store, clock, _as_dict(data), actor, services.schedule)
        return invoke_response(booked, reply_language(services, context))

    async def on_assign(context: TurnContext, state: TurnState, data: Any) -> AdaptiveCardInvokeResponse:
        from shared.adapters.teams.views import invoke_response
        from shared.services.card_actions import CardReply, Verdict
        from shared.services.learning_assign import assign_recommended
        from shared.services.outcome_cards import rebuilt_view

        if services.learning is None:
            return invoke_response(CardReply(Verdict.REFUSED, NO_LEARNING), reply_language(services, context))
        store, clock, company = services.store, services.clock, config()

        def rebuild(card: Any) -> Any:
            return rebuilt_view(store, company, card, clock.now())

        catalog = services.learning()
        reply = await assign_recommended(
            store, catalog, clock, company, _as_dict(data), actor_of(context), rebuild, expiry
        )
        return invoke_response(reply, reply_language(services, context))

    action_execute(app, REFRESH_VERBS, on_refresh)
    action_execute(app, ASSIGN_VERB, on_assign)
    action_execute(app, BOOK_VERB, on_book)
    action_execute(app, LOG_OUTCOMES_VERB, on_log_outcomes)
    action_execute(app, REMINDER_OPEN_VERB, on_open_reminded)
    for verb in SUBMIT_VERBS:
        action_execute(app, verb, _submit_handler(services, verb, config, expiry))


def _submit_handler(services: BotServices, verb: str, config: ConfigSource, expiry: timedelta) -> Any:
    """The handler of one submit verb; ``config`` is the bot's one company-config source (read once, on first use)."""

    async def on_submit(context: TurnContext, state: TurnState, data: Any) -> AdaptiveCardInvokeResponse:
        from shared.adapters.teams.views import invoke_response
        from shared.services.card_answer import submit_and_answer

        actor = actor_of(context)
        store, clock, queues = services.store, services.clock, services.queues
        answer = partial(  # one worker-thread hop (about 0.2 ms of CPU each) for the submission and its answer
            submit_and_answer, store, clock, verb, _as_dict(data), actor, queues=queues, expiry=expiry, config=config
        )
        return invoke_response(await asyncio.to_thread(answer), reply_language(services, context))

    return on_submit


def _as_dict(data: Any) -> dict[str, Any]:
    return dict(data) if isinstance(data, dict) else {}
