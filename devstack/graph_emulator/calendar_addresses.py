"""Which mailbox an address names: Exchange resolves attendees and getSchedule schedules by SMTP address.

An SMTP address of a user is its ``mail`` or an ``SMTP:``/``smtp:`` entry of ``proxyAddresses`` (compared without
case), never its userPrincipalName: a UPN that is not also one of the user's SMTP addresses resolves to nobody, so
such an attendee gets no copy and such a schedule gets an error. (``/users/{id|userPrincipalName}`` in URL paths is
another matter: that is ``state.resolve_user``.)
"""

from __future__ import annotations

from typing import Any

from devstack.graph_emulator.state import EmulatorState


def addresses(state: EmulatorState) -> dict[str, str]:
    """Lower-case SMTP address -> user id: each user's ``mail`` and the ``smtp:`` entries of ``proxyAddresses``.

    Exchange resolves an attendee or a getSchedule address by SMTP address, never by userPrincipalName (a UPN that is
    not also an SMTP address of the user resolves to nobody). Built once per directory version and cached in the
    state's features (a reset clears it): rebuilding it for every seeded event made a 10,000-person start take
    minutes. Every directory change bumps ``state.delta.version``, which is part of the key.
    """
    key = (id(state.users), len(state.users), state.delta.version)
    cached = state.features.get("calendar_addresses")
    if isinstance(cached, tuple) and cached[0] == key:
        return cached[1]  # type: ignore[no-any-return]
    index: dict[str, str] = {}
    for user_id, user in state.users.items():
        for address in smtp_addresses(user):
            index.setdefault(address, user_id)
    state.features["calendar_addresses"] = (key, index)
    return index


def smtp_addresses(user: dict[str, Any]) -> list[str]:
    """A user's SMTP addresses, lower-case: ``mail`` and every ``SMTP:``/``smtp:`` proxy address."""
    found = [str(user["mail"]).lower()] if user.get("mail") else []
    for proxy in user.get("proxyAddresses") or []:
        kind, _, address = str(proxy).partition(":")
        if kind.lower() == "smtp" and address:
            found.append(address.lower())
    return found


def mailbox_of_address(state: EmulatorState, address: object) -> str | None:
    """The user id of the mailbox an SMTP address resolves to, or None."""
    user_id = addresses(state).get(str(address or "").strip().lower())
    return user_id if user_id is not None and user_id in state.mailbox_settings else None


def attendee_ids(state: EmulatorState, data: dict[str, Any]) -> list[str]:
    """Attendees that resolve to a mailbox, in order (an unresolvable address gets no copy, as in Exchange)."""
    found = (
        mailbox_of_address(state, (a.get("emailAddress") or {}).get("address")) for a in data.get("attendees") or []
    )
    return [uid for uid in dict.fromkeys(found) if uid]
