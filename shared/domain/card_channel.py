"""Where a person's cards go: their Teams chat with the bot, or an Outlook actionable email.

Email is a way around Teams, never a second copy: a person gets each card once. In order:
1. no email sender is set up: Teams, always;
2. Teams delivery failed for good (the person blocked the bot, or the app cannot be installed for them): email;
3. the person said where they want their cards ("send my cards by email" / "send my cards in Teams");
4. their org unit's default in the company config (``card_channel``), else Teams.
"""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    TEAMS = "teams"
    EMAIL = "email"


def choose_channel(
    *, email_available: bool, teams_unreachable: bool, preference: Channel | None, unit_default: Channel
) -> Channel:
    if not email_available:
        return Channel.TEAMS
    if teams_unreachable:
        return Channel.EMAIL
    return preference if preference is not None else unit_default
