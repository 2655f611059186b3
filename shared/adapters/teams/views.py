"""Turn a card-action verdict into the card Teams shows, wrapped in the SDK's AdaptiveCardInvokeResponse.

Editable cards come from the templates in ``adaptivecards/`` (rendered by the cards adapter).
Refusals, errors and read-only summaries are small fixed cards whose user text goes into plain
TextBlocks; nothing private is logged here.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from microsoft_agents.activity import AdaptiveCardInvokeResponse

from shared.services.card_actions import CardReply, Verdict
from shared.services.card_records import CardKind

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
TEMPLATES: dict[CardKind, str] = {
    CardKind.PREP: "employee-prep",
    CardKind.AGENDA: "manager-agenda",
    CardKind.OUTCOME: "outcome-log",
    CardKind.CONFIRM: "outcome-confirm",
    CardKind.REMINDER: "reminder",
    CardKind.COACH_REQUEST: "coach-request",
    CardKind.COACH_TAKEN: "coach-taken",
    CardKind.NO_SLOT: "no-slot",
}
PASSED_TEMPLATE = "conversation-passed"  # a refresh or submit of a card whose conversation has passed
_TITLES = {
    Verdict.ACCEPTED: "Saved",
    Verdict.REFUSED: "Not accepted",
    Verdict.INVALID: "Please check your answers",
    Verdict.READ_ONLY: "Already submitted",
}


def text_card(title: str, message: str) -> dict[str, Any]:
    """A minimal Adaptive Card 1.5 with a title and a message (shown as plain text)."""
    body: list[dict[str, Any]] = [{"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium"}]
    if message:
        body.append({"type": "TextBlock", "text": message, "wrap": True})
    return {"type": "AdaptiveCard", "version": "1.5", "body": body}


def card_for(reply: CardReply, language: str = "en") -> dict[str, Any]:
    if reply.verdict is Verdict.EXPIRED:
        return _passed_card(reply, language)
    if reply.rebuilt and reply.kind is not None and reply.view:  # the card itself, rebuilt (outcome, confirm)
        return _template_card(reply, language) or text_card(_TITLES.get(reply.verdict, "WeGrow"), reply.message)
    if reply.kind is CardKind.NO_SLOT and reply.view:  # booked (or already booked): the card says when
        return _template_card(reply, language) or text_card(_TITLES.get(reply.verdict, "WeGrow"), reply.message)
    if reply.verdict is Verdict.EDITABLE and reply.kind is not None:
        built = _template_card(reply, language) if reply.view else None
        return built or text_card("WeGrow", "This card is ready for you in the chat.")
    return text_card(_TITLES.get(reply.verdict, "WeGrow"), reply.message)


def _template_card(reply: CardReply, language: str) -> dict[str, Any] | None:
    from shared.adapters.cards.renderer import RenderError, render_card

    assert reply.kind is not None
    try:
        return render_card(TEMPLATES[reply.kind], dict(reply.view), language)
    except RenderError:
        return None


def _passed_card(reply: CardReply, language: str) -> dict[str, Any]:
    from shared.adapters.cards.renderer import RenderError, render_card

    try:
        return render_card(PASSED_TEMPLATE, {"meetingDate": str(reply.view.get("meetingDate") or "")}, language)
    except RenderError:
        return text_card("This conversation has passed", reply.message)


def invoke_response(reply: CardReply, language: str = "en") -> AdaptiveCardInvokeResponse:
    """The card to show after an action, its texts in ``language`` (the invoking client's)."""
    return AdaptiveCardInvokeResponse(status_code=HTTPStatus.OK, type=ADAPTIVE_CARD, value=card_for(reply, language))
