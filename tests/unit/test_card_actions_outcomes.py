"""The outcome card and the confirmation card with fakes: gap diagnosis and the training-or-managing rule on the card,
the outcome stored when the manager logs it, earlier actions closed ("Did it work?"), the private note, and the
employee's confirm or dispute."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from shared.adapters.cards.validate import check_card
from shared.adapters.config_file import load_company_config
from shared.container.cards import render_kind
from shared.domain.people import pair_key
from shared.services.card_action_submit import handle_card_action
from shared.services.card_actions import CardReply, Verdict, handle_refresh
from shared.services.card_records import CARDS, CardKind, CardRecord, CardStatus, card_id, find_card, insert_card
from shared.services.card_submissions import OutcomeSubmission, parse_outcome_submission
from shared.services.export_outcomes import export_outcomes
from shared.services.record_outcome import OUTCOMES
from tests.fakes.storage import InMemoryStore
from tests.fakes.workbook import InMemoryWorkbook
from tests.unit.test_outcomes_world import FixedClock, seed_pair

pytestmark = pytest.mark.unit
CONFIG = load_company_config()
NOTE = "CANARY-manager-private-note"
FIRST, SECOND = "2026-03-10T09:00:00+00:00", "2026-04-14T09:00:00+00:00"
CLOCK_FIRST, CLOCK_SECOND = (
    FixedClock(datetime(2026, 3, 10, 15, tzinfo=UTC)),
    FixedClock(datetime(2026, 4, 14, 15, tzinfo=UTC)),
)


def slot(n: int, **fields: str) -> dict[str, str]:
    base = {"text": f"Action number {n}", "quadrant": "sweet_spot", "type": "training", "gap": "knowledge",
            "owner": "ada", "due": "2026-05-30"}  # fmt: skip
    return {f"action_{n}_{key}": value for key, value in {**base, **fields}.items()}


def card(store: InMemoryStore, kind: CardKind, occurrence: str, start: str, recipient: str) -> str:
    cid = card_id(occurrence, kind)
    data = {"managerId": "grace", "start": start, "cardId": cid}
    if find_card(store, cid) is not None:
        return cid
    insert_card(store, CardRecord(cid, kind, occurrence, recipient, "ada", CardStatus.SENT, data))
    return cid


def log(store: InMemoryStore, occurrence: str, start: str, clock: FixedClock, **inputs: str) -> CardReply:
    cid = card(store, CardKind.OUTCOME, occurrence, start, "grace")
    data = {"cardId": cid, **inputs}
    return handle_card_action(store, clock, "outcome.log", data, "grace", config=lambda: CONFIG)


def answer(store: InMemoryStore, verb: str, clock: FixedClock, comment: str = "", actor: str = "ada") -> CardReply:
    cid = card_id("occ-1", CardKind.CONFIRM)
    if find_card(store, cid) is None:
        card(store, CardKind.CONFIRM, "occ-1", FIRST, "ada")
    return handle_card_action(store, clock, verb, {"cardId": cid, "comment": comment}, actor, config=lambda: CONFIG)


def outcome_rows(store: InMemoryStore) -> dict[str, dict[str, Any]]:
    return {r.row: dict(r.data) for r in store.query(OUTCOMES, pair_key("grace", "ada"))}


def stored_outcome(store: InMemoryStore, day: str) -> dict[str, Any]:
    (found,) = [d for r, d in outcome_rows(store).items() if r.startswith("outcome:") and d["conversation_date"] == day]
    return found


def world() -> InMemoryStore:
    store = InMemoryStore()
    seed_pair(store, "grace", "ada")
    return store


def shown(reply: CardReply) -> str:
    assert reply.rebuilt, reply
    rendered = render_kind(reply.kind or CardKind.OUTCOME, dict(reply.view))
    check_card(rendered)  # Adaptive Cards 1.5 schema and the 28 KB budget
    return json.dumps(rendered)


# ------------------------------------------------------------------ gap diagnosis and the rule


def test_a_type_that_does_not_fit_the_gap_comes_back_with_the_reason_next_to_that_action() -> None:
    store = world()
    reply = log(store, "occ-1", FIRST, CLOCK_FIRST, **slot(1), **slot(2, type="training", gap="time"), note=NOTE)
    assert reply.verdict is Verdict.INVALID
    assert (
        reply.view["slots"][1]["problem"] == "a time gap is not a training need: choose 'Not a training need: manage'"
    )
    assert reply.view["slots"][0]["problem"] == ""
    assert [s["text"] for s in reply.view["slots"][:2]] == ["Action number 1", "Action number 2"]  # nothing lost
    assert NOTE in shown(reply)  # the manager's own note is refilled on the manager's own card
    assert outcome_rows(store) == {} and store.query(OUTCOMES) == []  # nothing stored
    assert handle_card_action(store, CLOCK_FIRST, "outcome.log", {"cardId": card_id("occ-1", "outcome"), **slot(1)},
                              "grace").verdict is Verdict.ACCEPTED  # fmt: skip


@pytest.mark.parametrize(("kind", "gap"), [("manage", "knowledge"), ("sharing", "motivation"), ("mentoring", "tools")])
def test_every_mismatch_is_refused_and_stores_nothing(kind: str, gap: str) -> None:
    store = world()
    reply = log(store, "occ-1", FIRST, CLOCK_FIRST, **slot(1, type=kind, gap=gap))
    assert reply.verdict is Verdict.INVALID and reply.view["slots"][0]["problem"]
    assert store.query(OUTCOMES) == []


def test_a_missing_gap_is_named_next_to_its_action() -> None:
    store = world()
    fields = slot(3)
    fields.pop("action_3_gap")
    reply = log(store, "occ-1", FIRST, CLOCK_FIRST, **fields)
    assert reply.verdict is Verdict.INVALID
    assert reply.view["slots"][2]["problem"] == "check the gap"
    assert store.query(OUTCOMES) == []


# ------------------------------------------------------------------ stored at log time, private note


def test_the_log_stores_the_outcome_unconfirmed_with_gaps_the_note_apart_and_the_conversation_held() -> None:
    store = world()
    reply = log(store, "occ-1", FIRST, CLOCK_FIRST, **slot(1, type="sharing"), **slot(2, type="manage", gap="tools"),
                note=NOTE)  # fmt: skip
    assert reply.verdict is Verdict.ACCEPTED
    outcome = stored_outcome(store, "2026-03-10")
    assert (outcome["confirmation"], outcome["employee_comment"]) == ("unconfirmed", "")
    actions = json.loads(outcome["actions"])
    assert [(a["type"], a["gap"], a["status"]) for a in actions] == [
        ("sharing_session", "knowledge", "open"),
        ("manage", "tools", "open"),
    ]
    rows = outcome_rows(store)
    assert rows[f"note:{outcome['outcome_id']}"]["text"] == NOTE
    assert NOTE not in json.dumps([d for r, d in rows.items() if not r.startswith("note:")])
    assert NOTE not in json.dumps([dict(r.data) for r in store.query(OUTCOMES, "occ-1")])  # the confirm card's source
    (held,) = [d for r, d in rows.items() if r.startswith("conversation:")]
    assert held["status"] == "held"
    assert NOTE in shown(reply) and "Not confirmed yet" in shown(reply)  # the manager's card: what was stored


def test_the_note_is_on_the_managers_refreshed_card_only() -> None:
    store = world()
    log(store, "occ-1", FIRST, CLOCK_FIRST, **slot(1), note=NOTE)
    outcome = card_id("occ-1", CardKind.OUTCOME)
    mine = handle_refresh(store, {"cardId": outcome}, "grace", config=lambda: CONFIG, clock=CLOCK_FIRST)
    assert mine.verdict is Verdict.READ_ONLY and NOTE in shown(mine)
    confirm = answer(store, "outcome.confirm", CLOCK_FIRST)
    assert NOTE not in json.dumps(confirm.view)
    theirs = handle_refresh(store, {"cardId": outcome}, "ada", config=lambda: CONFIG, clock=CLOCK_FIRST)
    assert theirs.verdict is Verdict.REFUSED and NOTE not in json.dumps(theirs.view)


# ------------------------------------------------------------------ confirm or dispute


def test_confirm_updates_the_outcome_and_the_manager_sees_it() -> None:
    store = world()
    log(store, "occ-1", FIRST, CLOCK_FIRST, **slot(1))
    reply = answer(store, "outcome.confirm", CLOCK_FIRST)
    assert reply.verdict is Verdict.ACCEPTED and "Confirmed" in shown(reply)
    assert stored_outcome(store, "2026-03-10")["confirmation"] == "confirmed"
    manager = handle_refresh(store, {"cardId": card_id("occ-1", "outcome")}, "grace", config=lambda: CONFIG,
                             clock=CLOCK_FIRST)  # fmt: skip
    assert "Confirmed" in shown(manager)


def test_a_dispute_needs_a_comment_and_a_disputed_outcome_keeps_its_actions() -> None:
    store = world()
    log(store, "occ-1", FIRST, CLOCK_FIRST, **slot(1))
    before = outcome_rows(store)
    refused = answer(store, "outcome.dispute", CLOCK_FIRST, comment="   ")
    assert refused.verdict is Verdict.INVALID
    assert "To dispute, please say in the comment what is not right" in shown(refused)
    assert outcome_rows(store) == before
    comment = "We agreed on <b>two</b> courses, ${not} one"
    disputed = answer(store, "outcome.dispute", CLOCK_FIRST, comment=comment)
    assert disputed.verdict is Verdict.ACCEPTED and "Disputed" in shown(disputed)
    outcome = stored_outcome(store, "2026-03-10")
    assert (outcome["confirmation"], outcome["employee_comment"]) == ("disputed", comment)
    assert len(json.loads(outcome["actions"])) == 1
    manager = handle_refresh(store, {"cardId": card_id("occ-1", "outcome")}, "grace", config=lambda: CONFIG,
                             clock=CLOCK_FIRST)  # fmt: skip
    text = shown(manager)
    assert "Disputed" in text and json.dumps(comment)[1:-1] in text  # literal, for the manager


def test_only_the_employee_answers_and_only_once() -> None:
    store = world()
    log(store, "occ-1", FIRST, CLOCK_FIRST, **slot(1))
    assert answer(store, "outcome.confirm", CLOCK_FIRST, actor="grace").verdict is Verdict.REFUSED
    assert stored_outcome(store, "2026-03-10")["confirmation"] == "unconfirmed"
    assert answer(store, "outcome.confirm", CLOCK_FIRST).verdict is Verdict.ACCEPTED
    assert answer(store, "outcome.dispute", CLOCK_FIRST, comment="changed my mind").verdict is Verdict.REFUSED
    assert stored_outcome(store, "2026-03-10")["confirmation"] == "confirmed"


def test_a_confirmation_after_the_first_export_requeues_the_outcome_to_refresh_in_place() -> None:
    import asyncio

    store, workbook = world(), InMemoryWorkbook()
    log(store, "occ-1", FIRST, CLOCK_FIRST, **slot(1))
    asyncio.run(export_outcomes(store, workbook, CLOCK_FIRST.now()))
    answer(store, "outcome.dispute", CLOCK_FIRST, comment="not what we said")
    ident = stored_outcome(store, "2026-03-10")["outcome_id"]
    entry = outcome_rows(store)[f"outbox:{ident}"]
    assert (entry["status"], entry["refresh"]) == ("pending", True)


# ------------------------------------------------------------------ earlier actions: close, "Did it work?"


def test_earlier_actions_are_listed_and_closed_with_did_it_work_for_training() -> None:
    store = world()
    log(store, "occ-1", FIRST, CLOCK_FIRST, **slot(1), **slot(2, type="manage", gap="clarity", owner="grace"))
    first = stored_outcome(store, "2026-03-10")["outcome_id"]
    card(store, CardKind.OUTCOME, "occ-2", SECOND, "grace")
    view = handle_refresh(store, {"cardId": card_id("occ-2", "outcome")}, "grace", config=lambda: CONFIG,
                          clock=CLOCK_SECOND)  # fmt: skip
    listed = {e["id"]: e for e in view.view["earlier"]}
    assert set(listed) == {f"{first}:a1", f"{first}:a2"}
    assert (listed[f"{first}:a1"]["asksWorked"], listed[f"{first}:a2"]["asksWorked"]) == (True, False)
    assert listed[f"{first}:a1"]["status"] == "open"
    closing = {f"close.{first}:a1": "done", f"worked.{first}:a1": "partly", f"close.{first}:a2": "dropped",
               f"worked.{first}:a2": "yes", "close.o-elsewhere:a1": "done"}  # fmt: skip
    reply = log(store, "occ-2", SECOND, CLOCK_SECOND, **slot(1, text="Next step"), **closing)
    assert reply.verdict is Verdict.ACCEPTED
    earlier = json.loads(stored_outcome(store, "2026-03-10")["actions"])
    assert [(a["status"], a.get("worked")) for a in earlier] == [("done", "partly"), ("dropped", None)]
    assert stored_outcome(store, "2026-04-14")["confirmation"] == "unconfirmed"


def test_keep_leaves_an_earlier_action_open_and_another_pairs_action_is_never_touched() -> None:
    store = world()
    seed_pair(store, "grace", "alan")
    log(store, "occ-1", FIRST, CLOCK_FIRST, **slot(1))
    first = stored_outcome(store, "2026-03-10")["outcome_id"]
    reply = log(store, "occ-2", SECOND, CLOCK_SECOND, **slot(1), **{f"close.{first}:a1": "keep",
                f"worked.{first}:a1": "no"})  # fmt: skip
    assert reply.verdict is Verdict.ACCEPTED
    (kept,) = json.loads(stored_outcome(store, "2026-03-10")["actions"])
    assert kept["status"] == "open" and "worked" not in kept


def test_a_bad_closing_choice_stores_nothing() -> None:
    store = world()
    log(store, "occ-1", FIRST, CLOCK_FIRST, **slot(1))
    first = stored_outcome(store, "2026-03-10")["outcome_id"]
    before = [dict(r.data) for r in store.query(OUTCOMES)]
    reply = log(store, "occ-2", SECOND, CLOCK_SECOND, **slot(1), **{f"close.{first}:a1": "burn"})
    assert reply.verdict is Verdict.INVALID and reply.message.endswith("Nothing was saved.")
    assert [dict(r.data) for r in store.query(OUTCOMES)] == before


def test_the_outcome_card_with_many_long_earlier_actions_stays_in_budget() -> None:
    store = world()
    long = "x" * 1000
    for n in range(1, 9):  # eight conversations of three long actions each: 24 open, the card lists 15
        start = f"2025-{n:02d}-10T09:00:00+00:00"
        log(store, f"old-{n}", start, FixedClock(datetime(2025, n, 10, 15, tzinfo=UTC)),
            **slot(1, text=long), **slot(2, text=long), **slot(3, text=long))  # fmt: skip
    card(store, CardKind.OUTCOME, "occ-2", SECOND, "grace")
    view = handle_refresh(store, {"cardId": card_id("occ-2", "outcome")}, "grace", config=lambda: CONFIG,
                          clock=CLOCK_SECOND)  # fmt: skip
    assert len(view.view["earlier"]) == 15
    check_card(render_kind(CardKind.OUTCOME, {**view.view}))
    closing = {f"close.{e['id']}": "done" for e in view.view["earlier"]}
    refused = log(store, "occ-2", SECOND, CLOCK_SECOND, **slot(1, text=long, gap="time"), **slot(2, text=long),
                  **slot(3, text=long), note=long, **closing)  # fmt: skip
    assert refused.verdict is Verdict.INVALID and refused.view["slots"][0]["problem"]
    check_card(render_kind(CardKind.OUTCOME, dict(refused.view)))  # the refilled card keeps within budget too


# ------------------------------------------------------------------ fuzzed submissions

junk = st.one_of(st.text(max_size=30), st.integers(), st.none(), st.lists(st.text(max_size=3), max_size=2))
keys = st.sampled_from(
    ["action_1_text", "action_1_gap", "action_1_type", "action_1_quadrant", "action_1_due", "action_1_owner",
     "action_2_gap", "note", "close.o-x:a1", "worked.o-x:a1", "comment", "action_99_text"]
)  # fmt: skip


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, junk, max_size=8))
def test_fuzzed_outcome_inputs_parse_or_fail_with_a_validation_error(data: dict[str, Any]) -> None:
    try:
        parsed = parse_outcome_submission({**slot(1), **data})
    except ValidationError:
        return
    assert isinstance(parsed, OutcomeSubmission)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.dictionaries(keys, junk, max_size=6))
def test_fuzzed_outcome_cards_get_an_answer_and_store_nothing_when_refused(data: dict[str, Any]) -> None:
    store = world()
    reply = log(store, "occ-1", FIRST, CLOCK_FIRST, **{k: v for k, v in data.items()})
    if reply.verdict is not Verdict.ACCEPTED:
        assert reply.verdict is Verdict.INVALID and reply.message
        assert store.query(OUTCOMES) == []
        assert find_card(store, card_id("occ-1", "outcome")).status is CardStatus.SENT  # type: ignore[union-attr]
    assert store.query(CARDS)


def test_conversation_date_of_the_outcome_is_the_cards_conversation() -> None:
    store = world()
    log(store, "occ-1", FIRST, FixedClock(datetime(2026, 3, 12, 8, tzinfo=UTC)), **slot(1))
    assert stored_outcome(store, "2026-03-10")["conversation_date"] == date(2026, 3, 10).isoformat()


# ------------------------------------------------------------------ the note in privacy operations


def test_the_employees_privacy_export_redacts_the_note_and_the_managers_keeps_it() -> None:
    from shared.services.privacy import export_person

    store = world()
    log(store, "occ-1", FIRST, CLOCK_FIRST, **slot(1), note=NOTE)
    employee = json.dumps(export_person(store, "ada", "test", CLOCK_FIRST.now(), b"key"))
    manager = json.dumps(export_person(store, "grace", "test", CLOCK_FIRST.now(), b"key"))
    assert NOTE not in employee and "Action number 1" in employee
    assert NOTE in manager


def test_retention_purges_the_note_with_its_outcome() -> None:
    from shared.services.privacy.retention import purge_expired

    store = world()
    log(store, "occ-1", FIRST, CLOCK_FIRST, **slot(1), note=NOTE)
    purge_expired(store, datetime(2029, 1, 1, tzinfo=UTC), retention_days=365)
    assert not [row for row in outcome_rows(store) if row.startswith(("note:", "outcome:"))]
