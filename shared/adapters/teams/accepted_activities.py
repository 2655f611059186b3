"""Which activities WeGrow accepts from an authenticated caller of /api/messages (``check_activity``).

Split from ``auth``, which says who the caller is. Checked in every auth mode, the local anonymous one included:
channel ``msteams``; ``channelData.tenant.id`` (and ``conversation.tenantId`` when present) = ``WEGROW_TENANT_ID``;
the signing key endorses the channel; the token's ``serviceurl`` = the activity's ``serviceUrl``; the conversation
is ``personal`` (the app is personal-scope only, and a missing type is not personal). From channel ``outlook``
(cards sent as Outlook actionable email, Universal Actions) only ``adaptiveCard/action`` invokes are accepted,
with the tenant stated in ``channelData.tenant.id`` and/or ``conversation.tenantId`` (every stated one must be
ours) and a key that endorses ``outlook``; there is no personal chat there. Who acted is checked by the card
handlers against the card's recipient, exactly as in Teams.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shared.adapters.teams.auth import Caller

TEAMS_CHANNEL = "msteams"
OUTLOOK_CHANNEL = "outlook"  # Outlook actionable messages with Universal Actions (Action.Execute)
CARD_ACTION = "adaptiveCard/action"
PERSONAL = "personal"


class Forbidden(Exception):
    """An authenticated caller sent an activity WeGrow does not accept (the message is safe to return)."""


def check_activity(activity: Mapping[str, Any], caller: Caller, tenant_id: str | None) -> None:
    """Raise Forbidden unless the activity is a personal Teams activity, or an Outlook card action, in our tenant."""
    channel = activity.get("channelId")
    if channel not in (TEAMS_CHANNEL, OUTLOOK_CHANNEL):
        raise Forbidden("only Microsoft Teams activities and Outlook card actions are accepted")
    if not tenant_id:
        raise Forbidden("no tenant is configured (WEGROW_TENANT_ID)")
    conversation = activity.get("conversation")
    conversation = conversation if isinstance(conversation, dict) else {}
    if channel == OUTLOOK_CHANNEL:
        _check_outlook(activity, conversation, tenant_id)
    elif not _same_tenant(_path(activity, "channelData", "tenant", "id"), tenant_id):
        raise Forbidden("the activity is not from this organisation's tenant")
    if "tenantId" in conversation and not _same_tenant(conversation.get("tenantId"), tenant_id):
        raise Forbidden("the activity is not from this organisation's tenant")
    _check_endorsement(caller, str(channel))
    if not caller.anonymous and not _same_url(caller.claims.get("serviceurl"), activity.get("serviceUrl")):
        raise Forbidden("the token was not issued for this serviceUrl")
    if channel == TEAMS_CHANNEL and conversation.get("conversationType") != PERSONAL:
        raise Forbidden("WeGrow answers only in a personal chat")


def _check_outlook(activity: Mapping[str, Any], conversation: Mapping[str, Any], tenant_id: str) -> None:
    """From Outlook only card actions (Action.Execute and refresh), in our tenant as the activity states it."""
    if activity.get("type") != "invoke" or activity.get("name") != CARD_ACTION:
        raise Forbidden("from Outlook only card actions are accepted")
    stated = [t for t in (_path(activity, "channelData", "tenant", "id"), conversation.get("tenantId")) if t]
    if not stated or not all(_same_tenant(t, tenant_id) for t in stated):
        raise Forbidden("the activity is not from this organisation's tenant")


def _check_endorsement(caller: Caller, channel: str) -> None:
    if caller.endorsements is None:
        if caller.needs_endorsement:
            raise Forbidden("the signing key endorses no channel")
        return
    if channel not in caller.endorsements:
        raise Forbidden("the signing key does not endorse this channel")


def _path(node: Any, *keys: str) -> Any:
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _same_tenant(value: Any, tenant_id: str) -> bool:
    return isinstance(value, str) and value.strip().lower() == tenant_id.strip().lower()


def _same_url(claimed: Any, sent: Any) -> bool:
    if not isinstance(claimed, str) or not isinstance(sent, str) or not claimed:
        return False
    return claimed.rstrip("/").lower() == sent.rstrip("/").lower()
