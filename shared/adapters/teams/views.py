"""Turn a card-action verdict into the card Teams shows, wrapped in the SDK's AdaptiveCardInvokeResponse.

Editable cards come from the templates in ``adaptivecards/`` (rendered by the cards adapter).
Refusals, errors and read-only summaries are small fixed cards whose user text goes into plain
TextBlocks; nothing private is logged here.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from microsoft_agents.activity import AdaptiveCardInvokeResponse

from shared.domain import card_verdicts as texts
from shared.domain.messages import translate
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
    Verdict.ACCEPTED: texts.TITLE_SAVED,
    Verdict.REFUSED: texts.TITLE_NOT_ACCEPTED,
    Verdict.INVALID: texts.TITLE_CHECK,
    Verdict.READ_ONLY: texts.TITLE_ALREADY_SUBMITTED,
}


def text_card(title: str, message: str, language: str = "en") -> dict[str, Any]:
    """A minimal Adaptive Card 1.5 with a title and a message (shown as plain text), both in ``language`` when
    they are catalogue texts (``shared.domain.card_verdicts``); a message built with values stays English."""
    title, message = translate(language, title), translate(language, message)
    body: list[dict[str, Any]] = [{"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium"}]
    if message:
        body.append({"type": "TextBlock", "text": message, "wrap": True})
    return {"type": "AdaptiveCard", "version": "1.5", "lang": language, "body": body}


def card_for(reply: CardReply, language: str = "en") -> dict[str, Any]:
    if reply.verdict is Verdict.EXPIRED:
        return _passed_card(reply, language)
    if reply.rebuilt and reply.kind is not None and reply.view:  # the card itself, rebuilt (outcome, confirm)
        return _template_card(reply, language) or _verdict_card(reply, language)
    if reply.kind is CardKind.NO_SLOT and reply.view:  # booked (or already booked): the card says when
        return _template_card(reply, language) or _verdict_card(reply, language)
    if reply.verdict is Verdict.EDITABLE and reply.kind is not None:
        built = _template_card(reply, language) if reply.view else None
        return built or text_card(texts.TITLE_PRODUCT, texts.READY_IN_CHAT, language)
    return _verdict_card(reply, language)


def _verdict_card(reply: CardReply, language: str) -> dict[str, Any]:
    return text_card(_TITLES.get(reply.verdict, texts.TITLE_PRODUCT), reply.message, language)


def _template_card(reply: CardReply, language: str) -> dict[str, Any] | None:
    from shared.adapters.cards.interpolation import RenderError
    from shared.adapters.cards.renderer import render_card

    assert reply.kind is not None
    try:
        return render_card(TEMPLATES[reply.kind], dict(reply.view), language)
    except RenderError:
        return None


def _passed_card(reply: CardReply, language: str) -> dict[str, Any]:
    from shared.adapters.cards.interpolation import RenderError
    from shared.adapters.cards.renderer import render_card

    try:
        return render_card(PASSED_TEMPLATE, {"meetingDate": str(reply.view.get("meetingDate") or "")}, language)
    except RenderError:
        return text_card(texts.TITLE_PASSED, reply.message, language)


def invoke_response(reply: CardReply, language: str = "en") -> AdaptiveCardInvokeResponse:
    """The card to show after an action, its texts in ``language`` (the invoking client's)."""
    return AdaptiveCardInvokeResponse(status_code=HTTPStatus.OK, type=ADAPTIVE_CARD, value=card_for(reply, language))
