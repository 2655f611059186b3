"""Helpers for the outcome tests (no tests here): seed a pair, log outcomes and confirm them through card actions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from shared.domain.people import Person
from shared.ports.storage import Store
from shared.services.card_action_submit import handle_card_action
from shared.services.card_actions import Verdict
from shared.services.card_records import CardKind, CardRecord, CardStatus, card_id, insert_card
from shared.services.scheduling_records import PAIRS, PEOPLE, PEOPLE_PARTITION, person_row

PRIVATE_CANARY = "CANARY-private-agenda-item"
ACTION_CANARY = "CANARY-action-text"
TODAY = date(2026, 3, 10)


class FixedClock:
    def __init__(self, now: datetime | None = None) -> None:
        self.instant = now or datetime(2026, 3, 10, 15, tzinfo=UTC)

    def now(self) -> datetime:
        return self.instant


def seed_pair(
    store: Store, manager: str, report: str, unit: str = "Engineering", hired: date = date(2023, 9, 1)
) -> None:
    for person_id, manager_id, hire in ((manager, None, date(2015, 1, 5)), (report, manager, hired)):
        person = Person(person_id, f"{person_id}@contoso.test", person_id.title(), manager_id, unit, hire_date=hire)
        store.upsert(PEOPLE, PEOPLE_PARTITION, person_id, person_row(person))
    store.upsert(PAIRS, manager, report, {"org_unit": unit, "active": True})


def action(text: str = "Lead the migration kick-off", **overrides: str) -> dict[str, str]:
    """One action as the outcome card sends it; the gap fits the type unless given (manage: a time gap)."""
    gap = "time" if overrides.get("type") == "manage" else "knowledge"
    return {"text": text, "quadrant": "sweet_spot", "type": "stretch", "owner": "employee", "due": "2026-04-30",
            "initiative": "Reliability first", "gap": gap, **overrides}  # fmt: skip


def log_and_confirm(
    store: Store, clock: FixedClock, manager: str, report: str, actions: Sequence[dict[str, str]], day: date = TODAY
) -> None:
    occurrence = f"occ-{manager}-{report}-{day.isoformat()}"
    log_id = card_id(occurrence, CardKind.OUTCOME)
    insert_card(store, CardRecord(log_id, CardKind.OUTCOME, occurrence, manager, report, CardStatus.SENT, {}))
    data: dict[str, Any] = {"cardId": log_id}
    for n, item in enumerate(actions, start=1):
        data.update({f"action_{n}_{key}": value for key, value in item.items()})
    assert handle_card_action(store, clock, "outcome.log", data, manager).verdict is Verdict.ACCEPTED
    confirm_id = card_id(occurrence, CardKind.CONFIRM)
    template = {"conversationDate": day.isoformat()}
    insert_card(store, CardRecord(confirm_id, CardKind.CONFIRM, occurrence, report, report, CardStatus.SENT, template))
    reply = handle_card_action(store, clock, "outcome.confirm", {"cardId": confirm_id, "confirmed": "true"}, report)
    assert reply.verdict is Verdict.ACCEPTED


def seed_everywhere(store: Store, clock: FixedClock) -> None:
    """ada (report of grace, peer of alan) has data in every table; alan's data must survive forgetting ada."""
    seed_pair(store, "grace", "ada")
    seed_pair(store, "grace", "alan")
    from shared.services import agenda_store

    agenda_store.add_micro_need(store, "ada", PRIVATE_CANARY, clock.now())
    log_and_confirm(store, clock, "grace", "ada", [action(ACTION_CANARY)])
    log_and_confirm(store, clock, "grace", "alan", [action("Alan's action")])
    store.upsert("series", "grace__ada", "series", {"series_id": "s-1", "event_id": "e-1"})
    store.upsert("outbox", "grace__ada", "x", {"kind": "note", "report_id": "ada"})
    store.upsert("runs", "plan", "2026-03-10", {"last_pair": "grace__ada", "count": 2})
    store.upsert("leases", "pair", "grace__ada", {"holder": "fn-1", "expires": ""})
    store.upsert("conversations", "ada", "teams", {"conversation_id": "a:1", "service_url": "http://127.0.0.1/"})
    store.upsert("bookings", "ada", "20260310T0900", {"series_id": "series-grace-ada"})
    store.upsert("audit", "ops", "r1", {"actor": "ops", "operation": "resend", "subject": "ada"})
    store.upsert("sync", "delta", "users", {"last_changed": ["ada", "alan"]})
