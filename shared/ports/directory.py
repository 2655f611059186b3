"""The directory (Entra ID through Graph): people, managers, mailbox settings and group membership."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from shared.domain.directory import DirectoryDelta
from shared.domain.people import WorkingHours


class MailboxUnavailable(Exception):
    """The mailbox does not exist or is outside the app's access policy (Graph 403/404)."""


class NoMailbox(MailboxUnavailable):
    """The user has no (Exchange Online) mailbox: Graph 404, e.g. ``MailboxNotEnabledForRESTAPI``."""


class UnknownGroup(LookupError):
    """The group does not exist (Graph 404 ``Request_ResourceNotFound``, or 400 "Invalid object identifier" for an
    id that is not an object id): never read as "no members"."""

    def __init__(self, group_id: str, reason: str = "does not exist in the directory") -> None:
        super().__init__(f"group {group_id!r} {reason}")
        self.group_id = group_id


@dataclass(frozen=True, slots=True)
class MailboxHours:
    """Working hours per user with a mailbox, and why each user known to have none has none."""

    hours: dict[str, WorkingHours] = field(default_factory=dict)
    no_mailbox: dict[str, str] = field(default_factory=dict)
    languages: dict[str, str] = field(default_factory=dict)  # mailboxSettings.language.locale, when set


@runtime_checkable
class Directory(Protocol):
    async def delta(self, delta_token: str | None) -> DirectoryDelta:
        """Follow users/delta from ``delta_token`` (None: full sync) until the next delta link."""
        ...

    async def working_hours(self, user_ids: Sequence[str]) -> dict[str, WorkingHours]:
        """mailboxSettings for each user, batched; users without a mailbox are left out."""
        ...

    async def mailbox_hours(self, user_ids: Sequence[str]) -> MailboxHours:
        """``working_hours``, plus the users Graph says have no mailbox (a failed look-up is in neither)."""
        ...

    async def group_member_ids(self, group_id: str) -> frozenset[str]:
        """The ids of the users who are members of the group, directly or through nested groups.

        Nested groups, devices, contacts and service principals are not people and are left out.
        An unknown group raises ``UnknownGroup``.
        """
        ...
