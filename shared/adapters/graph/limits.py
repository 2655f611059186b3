"""Outlook's per-mailbox concurrency limit: at most 4 concurrent requests per app and mailbox.

Adapters wrap every request that touches one mailbox in ``async with limiter.mailbox(user_id):``.
A ``$batch`` is charged to each mailbox its items touch, so callers batching across mailboxes hold
no mailbox slot and instead bound how many batches are in flight (``BATCHES_IN_FLIGHT``).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict

OUTLOOK_CONCURRENT_PER_MAILBOX = 4
BATCHES_IN_FLIGHT = 4


class MailboxLimiter:
    """One semaphore per mailbox (keyed case-insensitively), created on first use."""

    def __init__(self, per_mailbox: int = OUTLOOK_CONCURRENT_PER_MAILBOX) -> None:
        if per_mailbox < 1:
            raise ValueError("per_mailbox must be at least 1")
        self._per_mailbox = per_mailbox
        self._gates: defaultdict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(self._per_mailbox))

    def mailbox(self, mailbox: str) -> asyncio.Semaphore:
        """The gate for ``mailbox`` (user id or UPN); use it as ``async with``."""
        return self._gates[mailbox.lower()]
