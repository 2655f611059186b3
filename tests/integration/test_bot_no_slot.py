"""The no-slot card's "Book this time" through POST /api/messages (real JWT validation, real activity JSON):
a stranger's click is refused, the manager's books the series once, and a second click books nothing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from shared.container import Container
from shared.domain.people import Person, WorkingHours
from shared.services.card_records import CardKind, CardRecord, CardStatus, card_id, insert_card
from shared.services.no_slot_cards import occurrence_id
from shared.services.scheduling_records import PEOPLE, PEOPLE_PARTITION, SERIES, person_row
from tests.fakes.calendar import FakeCalendar
from tests.fakes.directory import FakeDirectory
from tests.fixtures.jwks import KeyServer
from tests.integration.test_bot_endpoint import ADA, GRACE, NOW, action, card_text, env, post

pytestmark = pytest.mark.integration
__all__ = ["env"]  # the fixture, shared with test_bot_endpoint
START = NOW + timedelta(days=3)


def seed(container: Container) -> tuple[str, FakeCalendar]:
    hours = WorkingHours("Europe/London")
    grace = Person(GRACE, "grace@contoso.test", "Grace Hopper", working_hours=hours)
    ada = Person(ADA, "ada@contoso.test", "Ada Lovelace", GRACE, "Engineering", working_hours=hours)
    for person in (grace, ada):
        container.store.upsert(PEOPLE, PEOPLE_PARTITION, person.id, person_row(person))
    calendar = FakeCalendar({p.id: p.upn for p in (grace, ada)})
    container.__dict__.update(calendar=calendar, directory=FakeDirectory([grace, ada]))
    closest = [{"start": START.isoformat(), "end": (START + timedelta(minutes=30)).isoformat(), "outside": ["Ada"]}]
    row = {"state": "no-overlap", "series_id": "s-1", "reason": "no overlap", "closest": json.dumps(closest)}
    container.store.upsert(SERIES, GRACE, ADA, row)
    occurrence = occurrence_id(GRACE, ADA, row)
    cid = card_id(occurrence, CardKind.NO_SLOT)
    record = CardRecord(cid, CardKind.NO_SLOT, occurrence, GRACE, ADA, CardStatus.SENT, {"managerId": GRACE})
    insert_card(container.store, record)
    return cid, calendar


async def test_book_this_time_books_once_for_the_manager_only(env: Container, bot_jwks: KeyServer) -> None:
    cid, calendar = seed(env)
    stranger = await post(action(ADA, "noslot.book", {"cardId": cid, "option": 1}), bot_jwks.header())
    assert "sent to someone else" in card_text(stranger)
    assert calendar.live_series(GRACE) == []
    booked = await post(action(GRACE, "noslot.book", {"cardId": cid, "option": 1}), bot_jwks.header())
    assert booked.status_code == 200 and "Booked: " in card_text(booked)
    (series,) = calendar.live_series(GRACE)
    assert series.first_start == START
    record = env.store.find(SERIES, GRACE, ADA)
    assert record is not None and record.data["state"] == "active"
    again = await post(action(GRACE, "noslot.book", {"cardId": cid, "option": 1}), bot_jwks.header())
    assert "Booked: " in card_text(again) and len(calendar.live_series(GRACE)) == 1
