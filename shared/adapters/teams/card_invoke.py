"""Adaptive Card ``Action.Execute`` routes whose answer is sent as built, not deep-copied.

The SDK's ``app.adaptive_card.action_execute`` answers through ``TurnContext.send_activity``, and
``TurnContext.send_activities`` deep-copies every activity it sends: each of the Activity model's fields, and the
answer's card (a hundred dicts and lists when a card is rebuilt from the store). Under cProfile that was 125 copy
calls and about a seventh of a card action's CPU (``python -m tests.bench.card_action_inproc --profile``). The
answer is built for this one reply and not used after, so it copies as itself (:class:`SentOnce`); the SDK then
fills in its conversation reference on it, as it would on the copy.

Routing and refusals are the SDK's: the same selector (an ``adaptiveCard/action`` invoke whose value is a
well-formed invoke value with a matching verb) and the same answers to a value without an action (400) or an
action that is not ``Action.Execute`` (501), from the SDK's own response factory.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from http import HTTPStatus
from re import Pattern
from typing import Any

import pydantic
from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    AdaptiveCardInvokeResponse,
    AdaptiveCardInvokeValue,
    InvokeResponse,
)
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState
from microsoft_agents.hosting.core.app.adaptive_card import factory

ACTION_INVOKE = "adaptiveCard/action"
ACTION_EXECUTE = "Action.Execute"
Handler = Callable[[TurnContext, TurnState, Any], Awaitable[AdaptiveCardInvokeResponse]]


class SentOnce(Activity):
    """An activity built for one send and not used after it, so the SDK's defensive deep copy of it is itself."""

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> SentOnce:
        return self


def action_execute(app: AgentApplication[TurnState], verb: str | Pattern[str], handler: Handler) -> None:
    """Route ``Action.Execute`` invokes whose verb is ``verb`` (equal, or a pattern found in it) to ``handler``."""

    def selector(context: TurnContext) -> bool:
        activity = context.activity
        if activity.type != ActivityTypes.invoke or activity.name != ACTION_INVOKE:
            return False
        if isinstance(activity.value, dict) and not _matches(verb, invoke_verb(activity.value)):
            return False  # another route's verb: no model validation for each route an invoke passes
        value = _invoke_value(activity.value)
        return value is not None and value.action is not None and _matches(verb, value.action.verb)

    async def route(context: TurnContext, state: TurnState) -> None:
        value = _invoke_value(context.activity.value)
        if value is None or value.action is None:
            response = factory.bad_request("Missing action property")
        elif value.action.type != ACTION_EXECUTE:
            response = factory.not_supported(f"The Invoke Action '{value.action.type}' was not expected.")
        else:
            response = await handler(context, state, value.action.data)
        await context.send_activity(invoke_answer(response))

    app.add_route(selector, route, is_invoke=True)


def invoke_answer(response: AdaptiveCardInvokeResponse) -> SentOnce:
    """The invoke response activity for ``response`` (HTTP 200: the status travels in the body, as the SDK sends it)."""
    body = response.model_dump(mode="json", by_alias=True, exclude_none=True)
    return SentOnce(type=ActivityTypes.invoke_response, value=InvokeResponse(status=int(HTTPStatus.OK), body=body))


def invoke_verb(value: object) -> str:
    """The verb of an ``Action.Execute`` invoke's value as sent (empty when it carries none)."""
    action = value.get("action") if isinstance(value, dict) else None
    verb = action.get("verb") if isinstance(action, dict) else None
    return verb if isinstance(verb, str) else ""


def _invoke_value(value: object) -> AdaptiveCardInvokeValue | None:
    if value is None:
        return None
    try:
        return AdaptiveCardInvokeValue.model_validate(value)
    except pydantic.ValidationError:
        return None


def _matches(verb: str | Pattern[str], value: object) -> bool:
    if not isinstance(value, str):
        return False
    return verb == value if isinstance(verb, str) else verb.search(value) is not None
