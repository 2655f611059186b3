"""Card email: send one actionable card by email from the dedicated sender mailbox (Graph ``sendMail``).

Our rules, which every implementation enforces before anything is sent: exactly one recipient, given as one plain
address, and that address must be a person's mailbox in the tenant, never a group (Outlook's actionable messages
are meant for one visible recipient; a group would show one person's card to many).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


class RecipientNotAllowed(Exception):
    """Our rule refused the recipient: not one plain address, or not a person's mailbox (a group, unknown)."""


class SenderRefused(Exception):
    """Permanent: Graph will not send from this mailbox (unknown, no Exchange mailbox, outside the access policy).

    ``status`` is Graph's answer (403 or 404); retrying cannot help until an admin fixes the setting or the policy.
    """

    def __init__(self, sender: str, status: int, detail: str = "") -> None:
        super().__init__(f"Graph refused to send from {sender} ({status}){': ' + detail if detail else ''}")
        self.sender = sender
        self.status = status


class DeliveryUncertain(Exception):
    """The request may or may not have been sent (a dropped connection or gateway timeout after sending).

    sendMail has no idempotency key, so it is not retried: the caller decides whether a duplicate is acceptable.
    """


@runtime_checkable
class CardMailer(Protocol):
    async def send_card_email(self, sender: str, recipient: str, subject: str, html: str) -> None:
        """Send ``html`` (built by shared.domain.actionable_email) from ``sender`` to ``recipient``.

        Raises RecipientNotAllowed before sending, SenderRefused, or DeliveryUncertain.
        """
        ...
