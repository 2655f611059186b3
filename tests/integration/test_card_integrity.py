"""Issue 18 through POST /api/messages (real JWT validation, real activity JSON) and on Azurite: a refresh rebuilds
the manager's card from the current shared view, a card of an ended pair or a passed conversation is refused, a
double submit applies once, an over-long prep field is an answer on the card, and chat writes are rate-limited."""

from __future__ import annotations

import asyncio
import threading

import pytest

from shared.adapters.teams.bot_messages import COMMAND_LIMIT, SLOW_DOWN
from shared.container import Container
from shared.domain.agenda import ITEM_TEXT_MAX, Visibility
from shared.domain.people import Person
from shared.ports.storage import Store
from shared.services import agenda_store
from shared.services.card_action_submit import handle_card_action
from shared.services.card_actions import Verdict
from shared.services.card_records import CardKind, CardRecord, CardStatus, card_id, find_card, insert_card
from shared.services.scheduling_records import PAIRS, PEOPLE, PEOPLE_PARTITION, person_row
from tests.fakes.storage import InMemoryStore
from tests.fixtures.bot_container import FixedClock
from tests.fixtures.jwks import KeyServer
from tests.fixtures.stores import store_of
from tests.integration.test_bot_endpoint import ADA, GRACE, NOW, action, card_text, env, message, post, replies
from tests.unit.test_card_actions import saved_agenda_rows
from tests.unit.test_card_integrity import RacingStore

pytestmark = pytest.mark.integration
__all__ = ["env"]  # the fixture, shared with test_bot_endpoint
# Far from any clock a test may run under (the container's fixed NOW, or the wall clock for a refresh).
FUTURE, PAST = "2036-03-10T09:00:00+00:00", "2020-03-10T09:00:00+00:00"
CANARY = "CANARY shared then private 9c2"
OUTCOME = {"action_1_text": "Agree a weekly focus hour", "action_1_quadrant": "uphill", "action_1_type": "manage",
           "action_1_gap": "time", "action_1_owner": GRACE, "action_1_due": "2036-04-30"}  # fmt: skip


def seed_people(store: Store, manager: str = GRACE) -> None:
    for person in (Person(GRACE, "grace@contoso.test", "Grace Hopper"),
                   Person(ADA, "ada@contoso.test", "Ada Lovelace", manager, "Engineering")):  # fmt: skip
        store.upsert(PEOPLE, PEOPLE_PARTITION, person.id, person_row(person))
    store.upsert(PAIRS, GRACE, ADA, {"org_unit": "Engineering", "active": manager == GRACE})


def seed_card(store: Store, kind: CardKind, recipient: str, start: str = FUTURE) -> str:
    cid = card_id("occ-1", kind)
    data = {"managerId": GRACE, "start": start, "cardId": cid}
    insert_card(store, CardRecord(cid, kind, "occ-1", recipient, ADA, CardStatus.SENT, data))
    return cid


def shared_canary(store: Store) -> str:
    agenda = agenda_store.add_micro_need(store, ADA, CANARY, NOW)
    item = agenda.items[-1].id
    agenda_store.save_agenda(store, agenda.update_item(item, NOW.date(), visibility=Visibility.SHARED), NOW)
    return item


async def test_refresh_after_an_item_turns_private_shows_it_gone(env: Container, bot_jwks: KeyServer) -> None:
    seed_people(env.store)
    item = shared_canary(env.store)
    card = seed_card(env.store, CardKind.AGENDA, GRACE)
    before = await post(action(GRACE, "agenda.refresh", {"cardId": card}), bot_jwks.header())
    assert CANARY in card_text(before) and "Ada Lovelace" in card_text(before)
    agenda = agenda_store.load_agenda(env.store, ADA)
    agenda_store.save_agenda(env.store, agenda.update_item(item, NOW.date(), visibility=Visibility.PRIVATE), NOW)
    after = await post(action(GRACE, "agenda.refresh", {"cardId": card}), bot_jwks.header())
    assert after.status_code == 200
    assert CANARY not in card_text(after) and "Ada Lovelace" in card_text(after)


async def test_a_card_replayed_after_a_manager_change_is_refused_and_nothing_is_stored(
    env: Container, bot_jwks: KeyServer
) -> None:
    seed_people(env.store)
    shared_canary(env.store)
    agenda, outcome = seed_card(env.store, CardKind.AGENDA, GRACE), seed_card(env.store, CardKind.OUTCOME, GRACE)
    seed_people(env.store, manager="hopper-oid")  # sync: Ada now reports to someone else
    refreshed = await post(action(GRACE, "agenda.refresh", {"cardId": agenda}), bot_jwks.header())
    assert "no longer yours" in card_text(refreshed) and CANARY not in card_text(refreshed)
    logged = await post(action(GRACE, "outcome.log", {"cardId": outcome, **OUTCOME}), bot_jwks.header())
    assert "no longer yours" in card_text(logged)
    assert env.store.query("outcomes") == []
    assert env.queues.receive("send-card") == []
    found = find_card(env.store, outcome)
    assert found is not None and found.status is CardStatus.SENT


async def test_an_expired_card_refreshes_into_the_passed_card(env: Container, bot_jwks: KeyServer) -> None:
    seed_people(env.store)
    card = seed_card(env.store, CardKind.PREP, ADA, start=PAST)
    refreshed = await post(action(ADA, "prep.refresh", {"cardId": card}), bot_jwks.header())
    assert "This conversation has passed" in card_text(refreshed) and "2020-03-10" in card_text(refreshed)
    submitted = await post(action(ADA, "prep.submit", {"cardId": card, "newMicroNeed": "late"}), bot_jwks.header())
    assert "This conversation has passed" in card_text(submitted)
    assert saved_agenda_rows(env.store) == []


async def test_a_double_submit_through_the_endpoint_applies_once(env: Container, bot_jwks: KeyServer) -> None:
    inner = InMemoryStore()
    env.__dict__["store"] = RacingStore(inner)  # both requests read the card before either claims it
    seed_people(inner)
    card = seed_card(inner, CardKind.PREP, ADA)
    body = action(ADA, "prep.submit", {"cardId": card, "newMicroNeed": "Pairing on the parser"})
    first, second = await asyncio.gather(post(body, bot_jwks.header()), post(body, bot_jwks.header()))
    texts = sorted([card_text(first), card_text(second)])
    assert sum("Saved" in text for text in texts) == 1
    assert sum("already submitted" in text for text in texts) == 1
    assert [i.text for i in agenda_store.load_agenda(inner, ADA).items] == ["Pairing on the parser"]


async def test_an_over_long_prep_field_is_an_answer_on_the_card(env: Container, bot_jwks: KeyServer) -> None:
    seed_people(env.store)
    card = seed_card(env.store, CardKind.PREP, ADA)
    body = action(ADA, "prep.submit", {"cardId": card, "learningGoals": "x" * (ITEM_TEXT_MAX + 100)})
    response = await post(body, bot_jwks.header())
    assert response.status_code == 200
    assert "Please check" in card_text(response) and "learning_goal" in card_text(response)
    assert saved_agenda_rows(env.store) == []
    found = find_card(env.store, card)
    assert found is not None and found.status is CardStatus.SENT and found.claimed_at() is None


async def test_chat_writes_are_rate_limited_per_user(env: Container, bot_jwks: KeyServer) -> None:
    for n in range(COMMAND_LIMIT):
        answer = await post(message(ADA, f"add a micro-need: need {n}"), bot_jwks.header())
        assert "Added" in replies(answer)
    limited = await post(message(ADA, "add a micro-need: one too many"), bot_jwks.header())
    assert limited.status_code == 200 and SLOW_DOWN in replies(limited)
    assert len(agenda_store.load_agenda(env.store, ADA).items) == COMMAND_LIMIT
    other = await post(message(GRACE, "add a micro-need: my own"), bot_jwks.header())
    assert "Added" in replies(other)


@pytest.fixture(params=["fake", "azurite"])
def store(request: pytest.FixtureRequest) -> Store:
    return store_of(request, request.param)


def test_two_concurrent_outcome_logs_apply_once(store: Store) -> None:
    """On Table Storage the claim is an If-Match update: the second writer gets 412 and stores nothing."""
    seed_people(store)
    card = seed_card(store, CardKind.OUTCOME, GRACE)
    racing, lock = RacingStore(store), threading.Lock()
    verdicts: list[Verdict] = []

    def submit() -> None:
        reply = handle_card_action(racing, FixedClock(NOW), "outcome.log", {"cardId": card, **OUTCOME}, GRACE)
        with lock:
            verdicts.append(reply.verdict)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(verdicts) == [Verdict.ACCEPTED, Verdict.REFUSED]
    logs = [r for r in store.query("outcomes") if r.row == "log"]
    assert len(logs) == 1
    found = find_card(store, card)
    assert found is not None and found.status is CardStatus.SUBMITTED


def test_two_concurrent_prep_submits_apply_once(store: Store) -> None:
    seed_people(store)
    card = seed_card(store, CardKind.PREP, ADA)
    racing, lock = RacingStore(store), threading.Lock()
    verdicts: list[Verdict] = []

    def submit() -> None:
        data = {"cardId": card, "newMicroNeed": "Pairing on the parser"}
        reply = handle_card_action(racing, FixedClock(NOW), "prep.submit", data, ADA)
        with lock:
            verdicts.append(reply.verdict)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(verdicts) == [Verdict.ACCEPTED, Verdict.REFUSED]
    assert [i.text for i in agenda_store.load_agenda(store, ADA).items] == ["Pairing on the parser"]
