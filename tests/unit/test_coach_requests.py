"""The coach flow with fakes: one request per employee while open, a card per pool coach (never the manager),
the first "I'll take it" wins, the others refresh into "taken", the employee is told, "Done" closes it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from shared.adapters.cards.validate import check_card
from shared.adapters.teams import bot_messages
from shared.adapters.teams.views import card_for
from shared.config import load_settings
from shared.container.cards import render_kind
from shared.domain.agenda import ItemKind, Visibility
from shared.domain.coach import CoachStatus, card_ref
from shared.domain.people import Person
from shared.services import agenda_store, coach_requests
from shared.services import card_content as content
from shared.services.card_action_submit import handle_card_action
from shared.services.card_actions import Verdict, handle_refresh
from shared.services.card_delivery import CardDeps, Undeliverable, deliver_card
from shared.services.card_rate import CardRateLimiter
from shared.services.card_records import CardKind, CardStatus, card_id, find_card
from shared.services.scheduling_records import PEOPLE, PEOPLE_PARTITION, load_person, person_row
from tests.fakes.storage import InMemoryQueues, InMemoryStore
from tests.unit.test_card_actions_followups import CONFIG, START, RecordingMessenger, sent
from tests.unit.test_outcomes_world import seed_pair

pytestmark = pytest.mark.unit
NOW = datetime(2026, 3, 10, 15, tzinfo=UTC)
BEFORE = datetime(2026, 3, 9, 15, tzinfo=UTC)  # a day before the conversation (START)
POOL = ("cora@contoso.test", "cole@contoso.test", "grace@contoso.test")  # the manager is in the pool, on purpose
SECRET = "SECRET-private-need"


class Clock:
    def __init__(self) -> None:
        self.at = NOW

    def now(self) -> datetime:
        return self.at


class World:
    def __init__(self) -> None:
        self.store, self.clock = InMemoryStore(), Clock()
        self.queues = InMemoryQueues(self.clock.now)
        self.messenger = RecordingMessenger()
        self.refused: list[Mapping[str, Any]] = []
        seed_pair(self.store, "grace", "ada")
        for coach in ("cora", "cole"):
            person = Person(coach, f"{coach}@contoso.test", f"{coach.title()} Coach", None, "Coaching")
            self.store.upsert(PEOPLE, PEOPLE_PARTITION, coach, person_row(person))
        settings = load_settings(storage_connection="UseDevelopmentStorage=true", coach_pool=",".join(POOL))
        self.bot = bot_messages.BotServices(self.store, self.queues, self.clock, settings)

    def ask(self) -> str:
        return bot_messages.reply_to(self.bot, "talk to a coach", "ada", cast(Any, None))

    async def deliver(self) -> None:
        async def no_wait(_: float) -> None:
            return None

        deps = CardDeps(
            self.store, self.messenger, self.clock, CardRateLimiter(sleep=no_wait), CONFIG, render_kind, POOL
        )
        for message in self.queues.receive("send-card", 32):
            try:
                await deliver_card(deps, message.body)
            except Undeliverable:  # the manager's UPN in the pool: refused at delivery (the trigger drops it)
                self.refused.append(message.body)
            self.queues.complete("send-card", message)

    def request_id(self) -> str:
        (only,) = coach_requests.all_requests(self.store)
        return only.request_id

    def coach_card(self, coach: str) -> str:
        return card_id(card_ref(self.request_id(), f"{coach}@contoso.test"), CardKind.COACH_REQUEST)

    def act(self, verb: str, coach: str, actor: str | None = None) -> Any:
        data = {"cardId": self.coach_card(coach)}
        return handle_card_action(self.store, self.clock, verb, data, actor or coach, queues=self.queues)

    def refresh(self, coach: str) -> Mapping[str, Any]:
        reply = handle_refresh(self.store, {"cardId": self.coach_card(coach)}, coach, config=lambda: CONFIG)
        assert reply.verdict is Verdict.EDITABLE
        return reply.view

    def recipients(self) -> list[str]:
        return [user for user, _ in self.messenger.cards]


async def test_asking_twice_or_by_chat_and_prep_card_gives_one_request_and_one_card_per_coach() -> None:
    w = World()
    w.clock.at = BEFORE  # the prep card is used before its conversation
    assert "will contact you" in w.ask()
    assert "already open" in w.ask()
    prep = sent(w.store, CardKind.PREP, "ada")
    submit = {"cardId": prep, "wantsCoach": "true"}
    reply = handle_card_action(w.store, w.clock, "prep.submit", submit, "ada", queues=w.queues)
    assert reply.verdict is Verdict.ACCEPTED
    await w.deliver()
    assert len(coach_requests.all_requests(w.store)) == 1
    assert sorted(w.recipients()) == ["cole", "cora"]  # the manager, though in the pool, gets nothing


async def test_the_prep_toggle_alone_opens_a_request_that_reaches_the_pool() -> None:
    w = World()
    w.clock.at = BEFORE
    prep = sent(w.store, CardKind.PREP, "ada")
    handle_card_action(w.store, w.clock, "prep.submit", {"cardId": prep, "wantsCoach": "true"}, "ada", queues=w.queues)
    await w.deliver()
    (request,) = coach_requests.all_requests(w.store)
    assert request.status is CoachStatus.OPEN and request.employee_id == "ada"
    assert sorted(w.recipients()) == ["cole", "cora"]


def test_two_takes_that_read_the_same_row_one_wins() -> None:
    w = World()
    w.ask()
    first = coach_requests.current_request(w.store, "ada")
    second = coach_requests.current_request(w.store, "ada")
    assert first is not None and second is not None
    won_a = coach_requests.take(w.store, first, "cora", NOW)
    won_b = coach_requests.take(w.store, second, "cole", NOW)
    assert [won_a[1], won_b[1]] == [True, False]
    assert won_b[0].coach_id == "cora"  # the loser re-read the row: it knows who took it


async def test_first_take_wins_the_second_coach_is_told_who_and_other_cards_refresh_to_taken() -> None:
    w = World()
    w.ask()
    await w.deliver()
    w.clock.at = NOW + timedelta(hours=3)
    took = w.act("coach.accept", "cora")
    assert took.verdict is Verdict.EDITABLE and took.view["mine"] and "You took it" in took.message
    late = w.act("coach.accept", "cole")
    assert late.view["notice"] == "Already taken by Cora Coach. Nothing was changed."
    refreshed = w.refresh("cole")
    assert refreshed["status"] == "taken" and refreshed["statusLabel"] == "Taken by Cora Coach."
    card = card_for(handle_refresh(w.store, {"cardId": w.coach_card("cole")}, "cole", config=lambda: CONFIG))
    check_card(card)
    assert card.get("actions", []) == []  # no "I'll take it" on a taken request
    mine = card_for(took)
    assert [a["verb"] for a in mine["actions"]] == ["coach.done"]
    (request,) = coach_requests.all_requests(w.store)
    assert request.coach_id == "cora" and request.hours_to_first_contact() == 3.0


async def test_the_employee_hears_which_coach_will_contact_them() -> None:
    w = World()
    w.ask()
    await w.deliver()
    w.act("coach.accept", "cora")
    w.act("coach.accept", "cora")  # a retry: the employee's card still goes out once
    await w.deliver()
    to_ada = [card for user, card in w.messenger.cards if user == "ada"]
    assert len(to_ada) == 1
    assert "Cora Coach" in json.dumps(to_ada[0]) and "Grace" not in json.dumps(to_ada[0])


async def test_done_closes_the_request_only_by_the_coach_who_took_it() -> None:
    w = World()
    w.ask()
    await w.deliver()
    w.act("coach.accept", "cora")
    other = w.act("coach.done", "cole")
    assert "Only the coach who took" in other.view["notice"]
    done = w.act("coach.done", "cora")
    assert done.view["status"] == "done" and card_for(done).get("actions", []) == []
    (request,) = coach_requests.all_requests(w.store)
    assert request.status is CoachStatus.DONE and request.done_at is not None
    assert coach_requests.current_request(w.store, "ada") is None
    assert agenda_store.load_agenda(w.store, "ada").coach_request is None
    w.clock.at = NOW + timedelta(days=30)
    assert "will contact you" in w.ask()  # closed: a new ask is a new request
    assert len(coach_requests.all_requests(w.store)) == 2


async def test_a_coach_card_used_by_anyone_else_is_refused_and_nothing_changes() -> None:
    w = World()
    w.ask()
    await w.deliver()
    for intruder in ("grace", "ada", "cole", None):
        reply = handle_card_action(
            w.store, w.clock, "coach.accept", {"cardId": w.coach_card("cora")}, intruder, queues=w.queues
        )
        assert reply.verdict is Verdict.REFUSED
    assert coach_requests.all_requests(w.store)[0].status is CoachStatus.OPEN
    assert w.act("prep.submit", "cora").verdict is Verdict.REFUSED  # a verb of another card


def test_a_coach_card_without_its_request_is_a_clear_refusal() -> None:
    w = World()
    cid = sent(w.store, CardKind.COACH_REQUEST, "cora")  # a card row with no request behind it
    reply = handle_card_action(w.store, w.clock, "coach.accept", {"cardId": cid}, "cora", queues=w.queues)
    assert reply.verdict is Verdict.REFUSED and "no longer open" in reply.message
    assert coach_requests.all_requests(w.store) == []


async def test_privacy_no_agenda_content_and_never_the_manager() -> None:
    w = World()
    agenda = agenda_store.load_agenda(w.store, "ada").add_item(ItemKind.MICRO_NEED, SECRET, NOW.date())
    shared = agenda.add_item(ItemKind.LEARNING_GOAL, "SHARED-goal", NOW.date(), Visibility.SHARED)
    agenda_store.save_agenda(w.store, shared, NOW)
    w.ask()
    await w.deliver()
    w.act("coach.accept", "cora")
    await w.deliver()
    everything = json.dumps([card for _, card in w.messenger.cards]) + json.dumps(w.refresh("cole"))
    for leaked in (SECRET, "SHARED-goal", "Grace", "grace"):
        assert leaked not in everything
    assert "grace" not in w.recipients()
    for record in w.store.query(coach_requests.COACH_REQUESTS):
        assert set(record.data) <= {"employee_id", "status", "created_at", "taken_at", "done_at", "coach_id"} | {
            "request_id"
        }
        assert "grace" not in json.dumps(record.data)
    for card in (find_card(w.store, w.coach_card(c)) for c in ("cora", "cole")):
        assert card is not None and card.status is CardStatus.SENT and "managerId" not in card.template_data
    employee, manager = load_person(w.store, "ada"), load_person(w.store, "grace")
    assert employee is not None and manager is not None
    meeting = content.Meeting(employee, manager, datetime.fromisoformat(START))
    manager_card = json.dumps(content.agenda_data(w.store, CONFIG, meeting)).lower()
    assert "coach" not in manager_card and SECRET.lower() not in manager_card
