"""Card follow-ups through POST /api/messages (real JWT validation, real activity JSON): the confirm card queued
after an outcome log, "Log outcomes" on the agenda card, and a prep card refreshed from the employee's agenda."""

from __future__ import annotations

import json

import pytest

from shared.container import Container
from shared.domain.people import Person
from shared.services import agenda_store
from shared.services.card_records import CardKind, CardRecord, CardStatus, card_id, find_card, insert_card
from shared.services.scheduling_records import PEOPLE, PEOPLE_PARTITION, person_row
from tests.fixtures.jwks import KeyServer
from tests.integration.test_bot_endpoint import ADA, GRACE, NOW, action, card_text, env, post

pytestmark = pytest.mark.integration
__all__ = ["env"]  # the fixture, shared with test_bot_endpoint
# Far ahead of any clock a test runs under: a refresh checks expiry against the wall clock (the bot does not pass
# the container's fixed clock to handle_refresh), a submit against the container's NOW.
START = "2036-03-10T09:00:00+00:00"
OUTCOME = {"action_1_text": "Agree a weekly focus hour", "action_1_quadrant": "uphill", "action_1_type": "manage",
           "action_1_gap": "time", "action_1_owner": GRACE, "action_1_due": "2026-04-30"}  # fmt: skip


def seed(container: Container, kind: CardKind, recipient: str) -> str:
    for person in (Person(GRACE, "grace@contoso.test", "Grace Hopper"),
                   Person(ADA, "ada@contoso.test", "Ada Lovelace", GRACE, "Engineering")):  # fmt: skip
        container.store.upsert(PEOPLE, PEOPLE_PARTITION, person.id, person_row(person))
    cid = card_id("occ-1", kind)
    data = {"managerId": GRACE, "start": START, "cardId": cid}
    insert_card(container.store, CardRecord(cid, kind, "occ-1", recipient, ADA, CardStatus.SENT, data))
    return cid


async def test_an_outcome_log_queues_the_confirm_card_for_the_employee(env: Container, bot_jwks: KeyServer) -> None:
    log_card = seed(env, CardKind.OUTCOME, GRACE)
    logged = await post(action(GRACE, "outcome.log", {"cardId": log_card, **OUTCOME}), bot_jwks.header())
    assert "Saved" in card_text(logged)
    (queued,) = env.queues.receive("send-card")
    assert (queued.body["kind"], queued.body["recipient_id"], queued.body["occurrence_id"]) == ("confirm", ADA, "occ-1")
    assert "Agree a weekly focus hour" not in json.dumps(queued.body)  # ids only; the card is built when sent


async def test_log_outcomes_on_the_agenda_card_opens_the_outcome_card_for_its_manager_only(
    env: Container, bot_jwks: KeyServer
) -> None:
    agenda = seed(env, CardKind.AGENDA, GRACE)
    stranger = await post(action(ADA, "agenda.logOutcomes", {"cardId": agenda}), bot_jwks.header())
    assert "sent to someone else" in card_text(stranger)
    assert find_card(env.store, card_id("occ-1", CardKind.OUTCOME)) is None
    opened = await post(action(GRACE, "agenda.logOutcomes", {"cardId": agenda}), bot_jwks.header())
    assert opened.status_code == 200
    card = json.loads(opened.get_body())["value"]
    assert card["actions"][0]["verb"] == "outcome.log" and "Ada Lovelace" in json.dumps(card)
    log_card = card["actions"][0]["data"]["cardId"]
    logged = await post(action(GRACE, "outcome.log", {"cardId": log_card, **OUTCOME}), bot_jwks.header())
    assert "Saved" in card_text(logged)


async def test_prep_refresh_shows_the_recipient_their_items_again(env: Container, bot_jwks: KeyServer) -> None:
    prep = seed(env, CardKind.PREP, ADA)
    agenda_store.add_micro_need(env.store, ADA, "A mentor for my first talk", NOW)
    own = await post(action(ADA, "prep.refresh", {"cardId": prep}), bot_jwks.header())
    assert "Prepare your growth conversation" in card_text(own) and "A mentor for my first talk" in card_text(own)
    other = await post(action(GRACE, "prep.refresh", {"cardId": prep}), bot_jwks.header())
    assert "sent to someone else" in card_text(other) and "mentor" not in card_text(other)
