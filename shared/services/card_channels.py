"""Where each person's cards go (``shared.domain.card_channel``), from what they chose and what Teams told us.

Table ``delivery``, one row per person (partition = their Entra object id, row ``person``): ``preference``
("teams" or "email", from the chat command) and ``teams_unreachable`` (when a Teams send failed for good: the
bot is blocked or the app cannot be installed for them). A message from the person in Teams proves Teams works
again and clears that mark.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from shared.domain.card_channel import Channel, choose_channel
from shared.ports.storage import EntityKey, Store

if TYPE_CHECKING:
    from shared.domain.company import CompanyConfig

DELIVERY, ROW = "delivery", "person"
PREFERENCE, UNREACHABLE = "preference", "teams_unreachable"


def delivery_key(person_id: str) -> EntityKey:
    """The person's ``delivery`` row (what ``channel_for`` reads when email is on)."""
    return DELIVERY, person_id, ROW


def _row(store: Store, person_id: str) -> dict[str, object]:
    found = store.find(DELIVERY, person_id, ROW)
    return dict(found.data) if found is not None else {}


def set_preference(store: Store, person_id: str, channel: Channel) -> None:
    store.upsert(DELIVERY, person_id, ROW, {**_row(store, person_id), PREFERENCE: str(channel)})


def mark_teams_unreachable(store: Store, person_id: str, now: datetime) -> None:
    store.upsert(DELIVERY, person_id, ROW, {**_row(store, person_id), UNREACHABLE: now.isoformat()})


def teams_works_again(store: Store, person_id: str) -> bool:
    """Clear the unreachable mark (the person just wrote to the bot in Teams); True when there was one."""
    row = _row(store, person_id)
    if UNREACHABLE not in row:
        return False
    row.pop(UNREACHABLE)
    store.upsert(DELIVERY, person_id, ROW, row)
    return True


def channel_for(store: Store, config: CompanyConfig, person_id: str, *, email_available: bool) -> Channel:
    from shared.services.scheduling_records import load_person  # not on a chat turn's path (cold start)

    if not email_available:
        return Channel.TEAMS
    row = _row(store, person_id)
    preference = row.get(PREFERENCE)
    person = load_person(store, person_id)
    unit = config.org_agenda.unit_for(person.department if person else None)
    return choose_channel(
        email_available=True,
        teams_unreachable=UNREACHABLE in row,
        preference=Channel(str(preference)) if preference in tuple(Channel) else None,
        unit_default=Channel(unit.card_channel) if unit is not None else Channel.TEAMS,
    )
