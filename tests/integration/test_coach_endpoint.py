"""The coach flow through POST /api/messages (real JWT validation, real activity JSON): "talk to a coach", then
"I'll take it" by two coaches (one wins, the other is told who), a refresh shows "taken", "Done" closes."""

from __future__ import annotations

import json

import pytest

from shared.container import Container
from shared.domain.coach import CoachStatus
from shared.domain.people import Person
from shared.services import coach_requests
from shared.services.card_records import CardKind, CardRecord, CardStatus, card_id, insert_card
from shared.services.scheduling_records import PEOPLE, PEOPLE_PARTITION, person_row
from tests.fixtures.bot_container import install_bot_container
from tests.fixtures.jwks import KeyServer
from tests.integration.test_bot_endpoint import ADA, GRACE, NOW, action, card_text, message, post, replies

pytestmark = pytest.mark.integration
CORA, COLE = "cora-oid", "cole-oid"


@pytest.fixture
def env(bot_jwks: KeyServer, monkeypatch: pytest.MonkeyPatch) -> Container:
    container = install_bot_container(monkeypatch, bot_jwks.metadata_url, NOW, coach_pool="coach@contoso.test")
    people = [
        Person(ADA, "ada@contoso.test", "Ada Lovelace", GRACE, "Platform"),
        Person(CORA, "cora@contoso.test", "Cora Coach"),
        Person(COLE, "cole@contoso.test", "Cole Coach"),
    ]
    for person in people:
        container.store.upsert(PEOPLE, PEOPLE_PARTITION, person.id, person_row(person))
    return container


def coach_card(env: Container, occurrence: str, coach: str) -> str:
    cid = card_id(f"{occurrence}:{coach}", CardKind.COACH_REQUEST)
    record = CardRecord(cid, CardKind.COACH_REQUEST, f"{occurrence}:{coach}", coach, ADA, CardStatus.SENT, {})
    return insert_card(env.store, record).card_id


async def test_the_first_coach_takes_it_the_second_is_told_and_done_closes(env: Container, bot_jwks: KeyServer) -> None:
    assert "coach pool" in replies(await post(message(ADA, "talk to a coach"), bot_jwks.header()))
    (queued,) = env.queues.receive("send-card")
    occurrence = str(queued.body["occurrence_id"]).rsplit(":", 1)[0]
    cora, cole = coach_card(env, occurrence, CORA), coach_card(env, occurrence, COLE)
    forged = await post(action(GRACE, "coach.accept", {"cardId": cora}), bot_jwks.header())
    assert "sent to someone else" in card_text(forged)
    took = card_text(await post(action(CORA, "coach.accept", {"cardId": cora}), bot_jwks.header()))
    assert "You took it" in took and "coach.done" in took
    late = card_text(await post(action(COLE, "coach.accept", {"cardId": cole}), bot_jwks.header()))
    assert "Already taken by Cora Coach" in late and "coach.accept" not in late
    refreshed = card_text(await post(action(COLE, "coach.refresh", {"cardId": cole}), bot_jwks.header()))
    assert "Taken by Cora Coach." in refreshed and "Grace" not in refreshed
    told = [m.body for m in env.queues.receive("send-card") if m.body["kind"] == "coach_taken"]
    assert [m["recipient_id"] for m in told] == [ADA]
    done = card_text(await post(action(CORA, "coach.done", {"cardId": cora}), bot_jwks.header()))
    assert "Closed" in done and json.loads(done).get("actions", []) == []
    (request,) = coach_requests.all_requests(env.store)
    assert request.status is CoachStatus.DONE and request.coach_id == CORA
