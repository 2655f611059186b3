"""What follows a card action: the confirmation card after an outcome log, "Log outcomes" on the agenda card,
and the prep card rebuilt from the employee's agenda at refresh time."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.adapters.config_file import load_company_config
from shared.container.cards import render_kind
from shared.domain.people import pair_key
from shared.ports.messenger import ConversationRef, Recipient
from shared.services import agenda_store
from shared.services.card_action_submit import handle_card_action
from shared.services.card_actions import Verdict, handle_log_outcomes, handle_refresh
from shared.services.card_delivery import CardDeps, deliver_card
from shared.services.card_rate import CardRateLimiter
from shared.services.card_records import CARDS, CardKind, CardRecord, CardStatus, card_id, find_card, insert_card
from shared.services.record_outcome import OUTCOMES
from tests.fakes.storage import InMemoryQueues, InMemoryStore
from tests.unit.test_outcomes_world import seed_pair

pytestmark = pytest.mark.unit
CONFIG = load_company_config()
NOW = datetime(2026, 3, 10, 15, tzinfo=UTC)
START = "2026-03-10T09:00:00+00:00"
OCC = "occ-1"
LOGGED = {"action_1_text": "Agree a weekly focus hour", "action_1_quadrant": "uphill", "action_1_type": "manage",
          "action_1_gap": "time", "action_1_owner": "grace", "action_1_due": "2026-04-30"}  # fmt: skip


class FixedClock:
    def now(self) -> datetime:
        return NOW


class RecordingMessenger:
    def __init__(self) -> None:
        self.cards: list[tuple[str, Mapping[str, Any]]] = []

    async def ensure_conversation(self, user: Recipient, *, refresh: bool = False) -> ConversationRef:
        return ConversationRef(user.user_id, f"a:{user.user_id}", "http://127.0.0.1/")

    def stored_keys(self, user: Recipient) -> list[tuple[str, str, str]]:
        return []  # it stores nothing

    async def send_card(self, ref: ConversationRef, card: Mapping[str, Any], message_id: str) -> None:
        self.cards.append((ref.user_id, card))


def world() -> tuple[InMemoryStore, InMemoryQueues]:
    store = InMemoryStore()
    seed_pair(store, "grace", "ada")
    return store, InMemoryQueues(lambda: NOW)


def sent(store: InMemoryStore, kind: CardKind, recipient: str) -> str:
    cid = card_id(OCC, kind)
    data = {"managerId": "grace", "start": START, "cardId": cid}
    insert_card(store, CardRecord(cid, kind, OCC, recipient, "ada", CardStatus.SENT, data))
    return cid


def deps(store: InMemoryStore, messenger: RecordingMessenger) -> CardDeps:
    async def no_wait(_: float) -> None:
        return None

    return CardDeps(store, messenger, FixedClock(), CardRateLimiter(sleep=no_wait), CONFIG, render_kind)


def log_outcomes(store: InMemoryStore, queues: InMemoryQueues | None) -> Verdict:
    data = {"cardId": card_id(OCC, CardKind.OUTCOME), **LOGGED}
    return handle_card_action(store, FixedClock(), "outcome.log", data, "grace", queues=queues).verdict


# ------------------------------------------------------------------ confirmation after an outcome log


async def test_an_outcome_log_queues_the_employees_confirmation_card_which_goes_out_once() -> None:
    store, queues = world()
    sent(store, CardKind.OUTCOME, "grace")
    assert log_outcomes(store, queues) is Verdict.ACCEPTED
    (message,) = queues.receive("send-card")
    assert message.body == {"kind": "confirm", "occurrence_id": OCC, "recipient_id": "ada", "employee_id": "ada",
                            "template_data": {"managerId": "grace", "start": START}}  # fmt: skip
    messenger = RecordingMessenger()
    await deliver_card(deps(store, messenger), message.body)
    await deliver_card(deps(store, messenger), message.body)  # a repeated message
    ((to, card),) = messenger.cards
    assert to == "ada" and "Agree a weekly focus hour" in json.dumps(card) and "Grace" in json.dumps(card)
    confirm = find_card(store, card_id(OCC, CardKind.CONFIRM))
    assert confirm is not None and (confirm.recipient_id, confirm.status) == ("ada", CardStatus.SENT)
    reply = handle_card_action(store, FixedClock(), "outcome.confirm", {"cardId": confirm.card_id, "confirmed": "true"},
                               "ada")  # fmt: skip
    assert reply.verdict is Verdict.ACCEPTED
    (outcome,) = [r for r in store.query(OUTCOMES, pair_key("grace", "ada")) if r.row.startswith("outcome:")]
    assert outcome.data["conversation_date"] == "2026-03-10"


def test_a_refused_outcome_log_queues_nothing() -> None:
    store, queues = world()
    sent(store, CardKind.OUTCOME, "grace")
    assert log_outcomes(store, queues) is Verdict.ACCEPTED
    assert log_outcomes(store, queues) is Verdict.REFUSED  # replay
    forged = {"cardId": card_id(OCC, CardKind.OUTCOME), **LOGGED}
    assert (
        handle_card_action(store, FixedClock(), "outcome.log", forged, "ada", queues=queues).verdict is Verdict.REFUSED
    )
    assert queues.length("send-card") == 1


async def test_a_confirmation_without_a_stored_log_is_undeliverable() -> None:
    from shared.services.card_delivery import Undeliverable

    store, _ = world()
    body = {"kind": "confirm", "occurrence_id": OCC, "recipient_id": "ada", "employee_id": "ada",
            "template_data": {"managerId": "grace", "start": START}}  # fmt: skip
    with pytest.raises(Undeliverable):
        await deliver_card(deps(store, RecordingMessenger()), body)
    assert store.query(CARDS) == []


# ------------------------------------------------------------------ "Log outcomes" on the agenda card


def test_log_outcomes_answers_the_manager_with_the_outcome_log_card_they_can_submit() -> None:
    store, queues = world()
    agenda = sent(store, CardKind.AGENDA, "grace")
    reply = handle_log_outcomes(store, {"cardId": agenda}, "grace", config=lambda: CONFIG, clock=FixedClock())
    assert (reply.verdict, reply.kind, reply.card_id) == (Verdict.EDITABLE, CardKind.OUTCOME, card_id(OCC, "outcome"))
    card = render_kind(CardKind.OUTCOME, dict(reply.view))
    assert card["actions"][0]["data"] == {"cardId": reply.card_id} and "Ada" in json.dumps(card)
    assert log_outcomes(store, queues) is Verdict.ACCEPTED  # the card it opened is the manager's to submit
    again = handle_log_outcomes(store, {"cardId": agenda}, "grace", config=lambda: CONFIG, clock=FixedClock())
    assert again.verdict is Verdict.READ_ONLY


def test_log_outcomes_by_anyone_else_is_refused_and_writes_nothing() -> None:
    store, _ = world()
    agenda = sent(store, CardKind.AGENDA, "grace")
    prep = sent(store, CardKind.PREP, "ada")
    before = store.query(CARDS)
    for data, actor in (({"cardId": agenda}, "ada"), ({"cardId": agenda}, None), ({"cardId": prep}, "ada"),
                        ({"cardId": "nope"}, "grace"), ({}, "grace")):  # fmt: skip
        assert (
            handle_log_outcomes(store, data, actor, config=lambda: CONFIG, clock=FixedClock()).verdict
            is Verdict.REFUSED
        )
    assert store.query(CARDS) == before


def test_log_outcomes_reuses_the_outcome_card_the_timer_already_sent() -> None:
    store, _ = world()
    agenda = sent(store, CardKind.AGENDA, "grace")
    outcome = sent(store, CardKind.OUTCOME, "grace")
    reply = handle_log_outcomes(store, {"cardId": agenda}, "grace", config=None, clock=FixedClock())
    assert (reply.verdict, reply.card_id) == (Verdict.EDITABLE, outcome)


# ------------------------------------------------------------------ prep refresh


def test_prep_refresh_rebuilds_the_employees_own_card_from_their_agenda() -> None:
    store, _ = world()
    agenda_store.add_micro_need(store, "ada", "CANARY private need", NOW)
    prep = sent(store, CardKind.PREP, "ada")
    assert "CANARY" not in json.dumps([r.data for r in store.query(CARDS)])  # the row keeps ids only
    reply = handle_refresh(store, {"cardId": prep}, "ada", config=lambda: CONFIG, clock=FixedClock())
    assert reply.verdict is Verdict.EDITABLE
    card = render_kind(CardKind.PREP, dict(reply.view))
    assert "CANARY private need" in json.dumps(card) and card["actions"][0]["data"] == {"cardId": prep}
    refused = handle_refresh(store, {"cardId": prep}, "grace", config=lambda: CONFIG, clock=FixedClock())
    assert refused.verdict is Verdict.REFUSED and "CANARY" not in json.dumps(refused.view)
