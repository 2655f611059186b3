"""An in-memory CardMailer with the same rules as GraphCardMailer: one plain address, a person, a sender Graph takes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shared.domain.actionable_email import InvalidRecipient, single_recipient
from shared.ports.mail import RecipientNotAllowed, SenderRefused


@dataclass(frozen=True, slots=True)
class SentCardEmail:
    sender: str
    recipient: str
    subject: str
    html: str


class FakeCardMailer:
    """``people``: the addresses of person mailboxes. ``senders``: mailboxes that may send (else 404);
    ``denied``: senders outside the application access policy (403)."""

    def __init__(self, people: Iterable[str], senders: Iterable[str], denied: Iterable[str] = ()) -> None:
        self.people = {address.lower() for address in people}
        self.senders = set(senders)
        self.denied = set(denied)
        self.sent: list[SentCardEmail] = []

    async def send_card_email(self, sender: str, recipient: str, subject: str, html: str) -> None:
        try:
            address = single_recipient(recipient)
        except InvalidRecipient as error:
            raise RecipientNotAllowed(str(error)) from None
        if address.lower() not in self.people:
            raise RecipientNotAllowed(f"{address} is not a person's mailbox in the directory (a group or unknown)")
        if sender not in self.senders:
            raise SenderRefused(sender, 404, "no such mailbox")
        if sender in self.denied:
            raise SenderRefused(sender, 403, "outside the application access policy")
        self.sent.append(SentCardEmail(sender, address, subject, html))

    def received_by(self, address: str) -> list[SentCardEmail]:
        return [mail for mail in self.sent if mail.recipient.lower() == address.lower()]
