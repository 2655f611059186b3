"""Builds the card-delivery dependencies from the composition root (shared by the triggers and the CLI)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from shared.domain.card_channel import Channel
from shared.services.card_channels import channel_for
from shared.services.card_delivery import CardDeps
from shared.services.card_email import EmailSender
from shared.services.card_records import CardKind
from shared.services.languages import language_for

if TYPE_CHECKING:
    from shared.container import Container


def render_kind(kind: CardKind, data: dict[str, Any], language: str = "en") -> dict[str, Any]:
    """Render the template for ``kind`` and check its budget (28 KB, top-level shape); CardInvalid if it fails.

    The full Adaptive Cards schema is checked in the tests, for every template with sample and edge data.
    """
    from shared.adapters.cards.renderer import render_card
    from shared.adapters.cards.validate import check_card_budget
    from shared.adapters.teams.views import TEMPLATES

    card = render_card(TEMPLATES[kind], data, language)
    check_card_budget(card)
    return card


def card_deps_from(c: Container, on_sent: Callable[[Channel, str], None] | None = None) -> CardDeps:
    email_on = c.settings.card_email_enabled
    return CardDeps(
        store=c.store,
        messenger=c.messenger,
        clock=c.clock,
        limiter=c.card_limiter,
        config=c.company,
        render=render_kind,
        coach_upns=c.settings.coach_upns,
        language_of=lambda person_id: language_for(c.store, person_id, c.company.default_language),
        email=email_sender_from(c),
        channel_of=lambda person_id: channel_for(c.store, c.company, person_id, email_available=email_on),
        on_sent=on_sent,
    )


def email_sender_from(c: Container) -> EmailSender | None:
    """The card email sender when both the sender mailbox and the originator are set, else None (Teams only)."""
    settings = c.settings
    if not settings.card_email_enabled:
        return None
    assert settings.card_email_sender and settings.actionable_originator
    return EmailSender(c.card_mailer, settings.card_email_sender, settings.actionable_originator)
