"""Agenda items that move (issue 17): edit, done and drop on the prep card and for own actions, carry-over into
the next conversation marked "carried", the 60-item cap made workable, and privacy on the manager's card."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from shared.adapters.cards.renderer import render_card
from shared.adapters.cards.validate import check_card
from shared.adapters.config_file import load_company_config
from shared.domain.agenda import MAX_ITEMS, AgendaFull, GrowthAgenda, ItemKind, ItemStatus, Visibility
from shared.services import agenda_store
from shared.services.card_action_submit import handle_card_action
from shared.services.card_actions import Verdict
from shared.services.card_content import Meeting, agenda_data, prep_data
from shared.services.card_open_actions import open_actions
from shared.services.card_records import CardKind, CardRecord, CardStatus, card_id, insert_card
from shared.services.scheduling_records import load_person
from tests.fakes.storage import InMemoryStore
from tests.unit.test_outcomes_world import FixedClock, action, log_and_confirm, seed_pair

pytestmark = pytest.mark.unit
CONFIG = load_company_config()
FIRST, NEXT = date(2026, 3, 10), datetime(2026, 4, 14, 9, tzinfo=UTC)
DAY = date(2026, 3, 1)


def agenda_of(*texts: str) -> GrowthAgenda:
    agenda = GrowthAgenda(employee_id="ada")
    for text in texts:
        agenda = agenda.add_micro_need(text, DAY)
    return agenda


# -- domain ---------------------------------------------------------------------------------------------------------


def test_done_and_dropped_items_leave_and_open_ones_carry_over_marked_carried() -> None:
    agenda = agenda_of("keep me", "done me", "drop me").for_conversation(FIRST)
    agenda = agenda.set_status("i2", ItemStatus.DONE, FIRST).set_status("i3", ItemStatus.DROPPED, FIRST)
    agenda = agenda.add_micro_need("added after the conversation", FIRST + timedelta(days=2))
    nxt = agenda.for_conversation(NEXT.date())
    assert [(i.text, i.carried) for i in nxt.items] == [("keep me", True), ("added after the conversation", False)]
    assert nxt.for_conversation(NEXT.date()) == nxt, "preparing the same conversation again changes nothing"
    assert nxt.for_conversation(FIRST) == nxt, "an older card never carries anything"


def test_the_first_conversation_carries_nothing() -> None:
    agenda = agenda_of("a").for_conversation(FIRST)
    assert agenda.conversation == FIRST and not agenda.items[0].carried


def test_at_the_cap_closed_items_make_room_and_only_open_ones_block() -> None:
    agenda = agenda_of(*(f"need {n}" for n in range(MAX_ITEMS)))
    with pytest.raises(AgendaFull, match="done 3"):
        agenda.add_micro_need("one too many", DAY)
    agenda = agenda.set_status("i5", ItemStatus.DONE, DAY)
    grown = agenda.add_micro_need("now it fits", DAY)
    assert len(grown.items) == MAX_ITEMS and grown.items[-1].text == "now it fits"
    assert all(i.status.is_open for i in grown.items)


# -- the prep card ----------------------------------------------------------------------------------------------------


def world() -> InMemoryStore:
    store = InMemoryStore()
    seed_pair(store, "grace", "ada")
    return store


def prep_card(store: InMemoryStore, start: datetime = NEXT, occurrence: str = "occ-next") -> str:
    cid = card_id(occurrence, CardKind.PREP)
    ids = {"cardId": cid, "managerId": "grace", "start": start.isoformat()}
    insert_card(store, CardRecord(cid, CardKind.PREP, occurrence, "ada", "ada", CardStatus.SENT, ids))
    return cid


def submit(store: InMemoryStore, data: dict[str, str], actor: str = "ada") -> Verdict:
    return handle_card_action(store, FixedClock(), "prep.submit", data, actor).verdict


def meeting(store: InMemoryStore, start: datetime = NEXT) -> Meeting:
    employee, manager = load_person(store, "ada"), load_person(store, "grace")
    assert employee is not None and manager is not None
    return Meeting(employee, manager, start)


def test_the_prep_card_edits_marks_done_and_drops_items() -> None:
    store = world()
    now = FixedClock().now()
    for text in ("edit me", "finish me", "drop me", "leave me"):
        agenda_store.add_micro_need(store, "ada", text, now)
    cid = prep_card(store)
    data = {"cardId": cid, "text.i1": "edited text", "status.i2": "done", "status.i3": "drop", "status.i4": "keep"}
    assert submit(store, data) is Verdict.ACCEPTED
    agenda = agenda_store.load_agenda(store, "ada")
    assert [(i.text, i.status) for i in agenda.items] == [
        ("edited text", ItemStatus.OPEN),
        ("finish me", ItemStatus.DONE),
        ("drop me", ItemStatus.DROPPED),
        ("leave me", ItemStatus.OPEN),
    ]
    assert agenda.conversation == NEXT.date()


@pytest.mark.parametrize(
    "bad",
    [{"text.i1": "x" * 501}, {"text.i1": "   "}, {"status.i1": "maybe"}, {"action.o-1:a1": "finish"}],
    ids=["too long", "blank", "unknown choice", "unknown action choice"],
)
def test_bad_item_input_is_an_answer_on_the_card_and_nothing_is_written(bad: dict[str, str]) -> None:
    store = world()
    agenda_store.add_micro_need(store, "ada", "an item", FixedClock().now())
    before = agenda_store.load_agenda(store, "ada")
    cid = prep_card(store)
    assert submit(store, {"cardId": cid, "status.i2": "done", **bad}) is Verdict.INVALID
    assert agenda_store.load_agenda(store, "ada") == before
    assert store.find("agendas", "ada", "occ-next") is None


def test_someone_elses_prep_card_changes_nothing() -> None:
    store = world()
    agenda_store.add_micro_need(store, "ada", "an item", FixedClock().now())
    before = agenda_store.load_agenda(store, "ada")
    cid = prep_card(store)
    assert submit(store, {"cardId": cid, "status.i1": "drop"}, actor="grace") is Verdict.REFUSED
    assert agenda_store.load_agenda(store, "ada") == before


def test_an_unknown_item_id_on_the_card_is_ignored() -> None:
    store = world()
    agenda_store.add_micro_need(store, "ada", "an item", FixedClock().now())
    cid = prep_card(store)
    assert submit(store, {"cardId": cid, "status.i99": "done", "text.i42": "x"}) is Verdict.ACCEPTED
    assert [i.text for i in agenda_store.load_agenda(store, "ada").items] == ["an item"]


def with_actions(store: InMemoryStore) -> None:
    mine = action("Lead the kick-off")
    managers = action("Agree a weekly focus hour", type="manage", owner="grace", due="2026-05-01")
    log_and_confirm(store, FixedClock(), "grace", "ada", [mine, managers], day=FIRST)


def test_the_prep_card_lists_own_open_actions_and_marks_them_done() -> None:
    store = world()
    with_actions(store)
    data = prep_data(store, CONFIG, meeting(store))
    assert [(a["position"], a["text"], a["status"]) for a in data["openActions"]] == [(1, "Lead the kick-off", "open")]
    check_card(render_card("employee-prep", {**data, "cardId": "c1"}))
    action_id = data["openActions"][0]["id"]
    cid = prep_card(store)
    assert submit(store, {"cardId": cid, f"action.{action_id}": "done"}) is Verdict.ACCEPTED
    assert prep_data(store, CONFIG, meeting(store))["openActions"] == []
    left = open_actions(store, "grace", "ada", before=NEXT.date())
    assert [a.text for a in left] == ["Agree a weekly focus hour"], "done leaves the manager's open actions too"


def test_the_prep_card_cannot_close_the_managers_actions() -> None:
    store = world()
    with_actions(store)
    managers = next(a for a in open_actions(store, "grace", "ada", before=NEXT.date()) if a.owner == "manager")
    cid = prep_card(store)
    assert submit(store, {"cardId": cid, f"action.{managers.id}": "drop"}) is Verdict.ACCEPTED
    assert len(open_actions(store, "grace", "ada", before=NEXT.date())) == 2


# -- carry-over on the cards, privacy ------------------------------------------------------------------------------


def test_carried_items_are_marked_on_the_prep_and_manager_cards_and_closed_ones_leave() -> None:
    store = world()
    now = datetime(2026, 3, 1, 9, tzinfo=UTC)
    for text in ("CANARY private item", "shared and open", "shared then done"):
        agenda_store.add_micro_need(store, "ada", text, now)
    first = prep_card(store, datetime(2026, 3, 10, 16, tzinfo=UTC), "occ-first")  # the clock: 15:00
    shares = {"share.i2": "true", "share.i3": "true"}
    assert submit(store, {"cardId": first, **shares, "status.i3": "done"}) is Verdict.ACCEPTED
    prep = prep_data(store, CONFIG, meeting(store))
    assert [(i["text"], i["carried"]) for i in prep["microNeeds"]] == [
        ("CANARY private item", True),
        ("shared and open", True),
    ]
    manager = agenda_data(store, CONFIG, meeting(store))
    assert [(i["text"], i["carried"]) for i in manager["sharedItems"]] == [("shared and open", True)]
    card = render_card("manager-agenda", {**manager, "cardId": "c2"})
    check_card(card)
    assert "(carried)" in json.dumps(card)
    assert "CANARY" not in json.dumps(manager) and "CANARY" not in json.dumps(card)


def test_a_private_learning_log_entry_never_reaches_the_manager() -> None:
    from shared.services.agenda_changes import log_learning

    store = world()
    log_learning(store, "ada", "CANARY read a book", FixedClock().now())
    agenda = agenda_store.load_agenda(store, "ada")
    assert agenda.items[0].kind is ItemKind.LEARNED and agenda.items[0].visibility is Visibility.PRIVATE
    prep = prep_data(store, CONFIG, meeting(store))
    assert [(i["kindLabel"], i["text"]) for i in prep["agendaItems"]] == [("What I learned", "CANARY read a book")]
    assert "CANARY" not in json.dumps(agenda_data(store, CONFIG, meeting(store)))


# -- the prep card stays open until the conversation starts ----------------------------------------------------------


def test_the_prep_card_can_be_saved_again_until_the_start_and_a_replay_adds_nothing_twice() -> None:
    from shared.services.card_actions import handle_refresh
    from shared.services.prep_reopen import saved_prep_card

    store = world()
    cid = prep_card(store)
    data = {"cardId": cid, "newMicroNeed": "an intro to FinOps"}
    assert submit(store, data) is Verdict.ACCEPTED
    assert submit(store, data) is Verdict.ACCEPTED, "re-opened and saved again before the start"
    assert submit(store, {"cardId": cid, "status.i1": "done"}) is Verdict.ACCEPTED
    agenda = agenda_store.load_agenda(store, "ada")
    assert [(i.text, i.status) for i in agenda.items] == [("an intro to FinOps", ItemStatus.DONE)]

    def refresh(actor: str = "ada", clock: FixedClock | None = None, authorised: CardRecord | None = None) -> object:
        clock = clock or FixedClock()
        return handle_refresh(store, {"cardId": cid}, actor, config=lambda: CONFIG, clock=clock, authorised=authorised)

    reopened = refresh()
    assert reopened.verdict is Verdict.EDITABLE and reopened.view["microNeeds"] == []  # type: ignore[attr-defined]
    assert refresh("grace").verdict is Verdict.REFUSED  # type: ignore[attr-defined]
    accepted = handle_card_action(store, FixedClock(), "prep.submit", {"cardId": cid}, "ada")
    saved = saved_prep_card(accepted, refresh)  # type: ignore[arg-type]
    assert saved.verdict is Verdict.EDITABLE and saved.view["saved"] is True
    check_card(render_card("employee-prep", dict(saved.view)))

    started = FixedClock(NEXT + timedelta(minutes=1))
    assert refresh(clock=started).verdict is Verdict.EXPIRED  # type: ignore[attr-defined]
    late = handle_card_action(store, started, "prep.submit", {"cardId": cid, "newMicroNeed": "late"}, "ada")
    assert late.verdict is Verdict.REFUSED, "saved before and the conversation started: nothing saved"
    assert [i.text for i in agenda_store.load_agenda(store, "ada").items] == ["an intro to FinOps"]
