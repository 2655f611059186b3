"""The prep card stays open until its conversation starts: the employee may re-open it (refresh), change it and
save again, as often as they like. At the start it passes: a refresh or a submit then gets the
"conversation has passed" card. A prep card never saved keeps ``card_actions``' expiry (some days after the
start), like the other cards, so a late first preparation is still taken.

A re-submitted prep card is safe to replay: keep/done/drop and toggles are idempotent, and a new entry whose text
is already an open item of the same kind is not added twice (``agenda_store.apply_prep``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from shared.services.card_records import CardKind, CardRecord, CardStatus

if TYPE_CHECKING:
    from shared.services.card_actions import CardReply

SAVED = "Saved. You can change your preparation until the conversation starts."


def _start(card: CardRecord) -> datetime | None:
    try:
        return datetime.fromisoformat(str(card.template_data.get("start") or ""))
    except ValueError:
        return None


def reopenable(card: CardRecord, now: datetime) -> bool:
    """A submitted prep card may be submitted (and refreshed into the editable card) again before the start."""
    start = _start(card)
    return card.kind is CardKind.PREP and start is not None and now < start


def expiry_for(card: CardRecord, expiry: timedelta) -> timedelta:
    """A saved prep card passes when its conversation starts; other cards (and a prep card never saved, which
    may still be sent in late) ``expiry`` after it."""
    return timedelta(0) if card.kind is CardKind.PREP and card.status is CardStatus.SUBMITTED else expiry


def after_submit(card: CardRecord, now: datetime) -> dict[str, Any]:
    """Extra row fields when a submission is stored: a re-openable prep card gives its claim back at once."""
    return {"claimed_at": ""} if reopenable(card, now) else {}


def saved_prep_card(reply: CardReply, rebuild: Callable[..., CardReply]) -> CardReply:
    """After a prep card is saved, answer with the card rebuilt from storage (editable, saying "Saved"), so the
    employee can change it again; other replies, or a card that cannot be rebuilt, stay as they are.

    ``rebuild`` is ``card_actions.handle_refresh`` for the request; it is given the card row the submission just
    wrote (``authorised=``), so the row is not read and checked a second time."""
    from shared.services.card_actions import Verdict

    if reply.verdict is not Verdict.ACCEPTED or reply.kind is not CardKind.PREP:
        return reply
    rebuilt = rebuild(authorised=reply.stored) if reply.stored is not None else rebuild()
    if rebuilt.verdict is not Verdict.EDITABLE or not rebuilt.view:
        return reply
    return replace(rebuilt, view={**rebuilt.view, "saved": True}, message=SAVED)
