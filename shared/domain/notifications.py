"""What WeGrow puts in a subscription's ``clientState`` and how a notification's is checked (pure).

The clientState is an HMAC-SHA256 of the watched mailbox's object id under ``WEGROW_NOTIFICATION_SECRET``,
so the endpoint checks a notification without a storage read, and a value seen for one mailbox is worth
nothing for another. Graph caps clientState at 128 characters; the hex digest is 64.
"""

from __future__ import annotations

import hashlib
import hmac

CLIENT_STATE_MAX = 128
NOTIFICATIONS_QUEUE = "graph-notifications"
SUBSCRIPTIONS_TABLE = "subscriptions"
CHANGE_TYPES = ("updated", "deleted")


def client_state_for(secret: bytes, user_id: str) -> str:
    """The clientState for the subscription on ``user_id``'s events."""
    return hmac.new(secret, user_id.strip().lower().encode(), hashlib.sha256).hexdigest()


def client_state_ok(secret: bytes, user_id: str, given: object) -> bool:
    """True when ``given`` is the clientState of ``user_id``'s subscription (constant-time comparison)."""
    if not isinstance(given, str) or not user_id or len(given) > CLIENT_STATE_MAX:
        return False
    return hmac.compare_digest(client_state_for(secret, user_id), given)
