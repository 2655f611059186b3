"""Privacy canary: a private item the employee types reaches no manager card, no event body, no log line.

The employee notes a private micro-need, shares another item, and submits their prep card with a
private learning goal. Then the manager's agenda and outcome cards go out, and the pair's series is
put on the calendar. The canaries must appear only in what the employee gets, never elsewhere, and
not in the manager's privacy export either.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import pytest

from devstack.connector_emulator.client import ConnectorEmulatorClient
from shared.adapters.telemetry import in_memory_telemetry
from shared.domain.agenda import Visibility
from shared.domain.hr_views import FEWER_THAN_5
from shared.domain.people import Pair
from shared.ports.workbook import LEARNING_TABLE
from shared.services import agenda_store
from shared.services.card_action_submit import handle_card_action
from shared.services.card_actions import Verdict
from shared.services.card_delivery import deliver_card
from shared.services.card_records import CARDS, CardKind, card_id
from shared.services.export_outcomes import export_outcomes
from shared.services.ops_telemetry import card_result
from shared.services.privacy import export_person
from shared.services.record_outcome import OUTCOMES
from shared.services.schedule_pair import ScheduleContext, schedule_pair
from shared.services.scheduling_policy import SchedulingPolicy
from shared.services.scheduling_records import PAIRS
from shared.services.send_cards import SendResult
from tests.contract.test_graph_adapter_support import adapters_for
from tests.fakes.workbook import InMemoryWorkbook
from tests.fixtures.graph import GraphEmulator
from tests.integration.test_send_cards_support import Stack, card_stack, due

pytestmark = pytest.mark.integration
PRIVATE_NOTE = "CANARY-private-micro-need-7f3a"
PRIVATE_GOAL = "CANARY-private-goal-<b>${secret}</b>-91c2"
SHARED_NOTE = "Shared: lead the data migration"


def seed_agenda(stack: Stack) -> None:
    employee, today = stack.people["employee"], stack.deps.clock.now().date()
    agenda = agenda_store.load_agenda(stack.deps.store, employee.id)
    agenda = agenda.add_micro_need(PRIVATE_NOTE, today).add_micro_need(SHARED_NOTE, today, Visibility.SHARED)
    agenda_store.save_agenda(stack.deps.store, agenda, stack.deps.clock.now())


def texts_sent_to(stack: Stack, user_id: str) -> str:
    ref = stack.messenger.stored_reference(user_id)
    assert ref is not None
    return json.dumps(stack.connector.sent(ref.conversation_id))


async def put_series_on_calendar(graph: GraphEmulator, stack: Stack) -> str:
    """Schedule the pair for real (event body written by the scheduling service); the manager's events as JSON."""
    manager, employee = stack.people["manager"], stack.people["employee"]
    async with adapters_for(graph.base_url) as adapters:
        ctx = ScheduleContext(
            adapters.calendar, adapters.directory, stack.deps.store, SchedulingPolicy(), datetime.now(UTC), "canary"
        )
        outcome = await schedule_pair(ctx, Pair(manager.id, employee.id))
    assert outcome.status == "created", outcome
    return graph_events(graph, manager.id)


def graph_events(graph: GraphEmulator, user_id: str) -> str:
    import httpx

    pages: list[object] = []
    url: str | None = f"{graph.base_url}/users/{user_id}/events"
    while url:  # every page: the series is one of many events on a manager's calendar
        found = httpx.get(url, timeout=30)
        found.raise_for_status()
        pages.append(found.json())
        url = found.json().get("@odata.nextLink")
    return json.dumps(pages)


async def test_private_items_reach_no_manager_card_event_body_or_log(
    graph: GraphEmulator, azurite_store: Any, connector_emulator: ConnectorEmulatorClient, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    async with card_stack(graph.base_url, graph.tenant(), azurite_store, connector_emulator) as stack:
        seed_agenda(stack)
        employee, manager = stack.people["employee"], stack.people["manager"]
        prep = due(stack, CardKind.PREP)
        assert await deliver_card(stack.deps, prep) is SendResult.SENT
        submit = {"cardId": card_id(prep["occurrence_id"], CardKind.PREP), "learningGoals": PRIVATE_GOAL}
        reply = handle_card_action(stack.deps.store, stack.deps.clock, "prep.submit", submit, employee.id)
        assert reply.verdict is Verdict.ACCEPTED
        for kind in (CardKind.AGENDA, CardKind.OUTCOME):
            assert await deliver_card(stack.deps, due(stack, kind)) is SendResult.SENT
        events = await put_series_on_calendar(graph, stack)

        to_employee, to_manager = texts_sent_to(stack, employee.id), texts_sent_to(stack, manager.id)
        assert PRIVATE_NOTE in to_employee  # the canary is live: the employee's own card shows it
        assert SHARED_NOTE in to_manager  # and the manager does get what was shared
        cards_rows = json.dumps([dict(r.data) for r in stack.deps.store.query(CARDS)])
        for canary in (PRIVATE_NOTE, PRIVATE_GOAL, "CANARY"):
            assert canary not in to_manager
            assert canary not in events
            assert canary not in cards_rows
            assert canary not in caplog.text
        assert "Growth conversation" in events  # the series really is on the calendar

        now = stack.deps.clock.now()
        manager_export = json.dumps(export_person(stack.deps.store, manager.id, "canary", now, b"key"))
        employee_export = json.dumps(export_person(stack.deps.store, employee.upn, "canary", now, b"key"))
        assert PRIVATE_NOTE in employee_export  # the employee gets their own private items back
        for canary in (PRIVATE_NOTE, "CANARY"):
            assert canary not in manager_export  # the manager's export (Azurite) holds none of them

        pair = stack.deps.store.find(PAIRS, manager.id, employee.id)  # the pair counts in the Learning needs roll-up
        pair_data = {**(dict(pair.data) if pair is not None else {}), "org_unit": "Canary unit", "active": True}
        stack.deps.store.upsert(PAIRS, manager.id, employee.id, pair_data)
        telemetry, exporter = in_memory_telemetry()  # telemetry and the conversation records: ids and counts only
        card_result(telemetry, prep, "sent")
        workbook = InMemoryWorkbook()
        await export_outcomes(stack.deps.store, workbook, now, telemetry)
        emitted = json.dumps([dict(r.log_record.attributes or {}) for r in exporter.get_finished_logs()])
        records = json.dumps([dict(r.data) for r in stack.deps.store.query(OUTCOMES)])
        in_workbook = json.dumps([workbook.tables, workbook.views], default=str)
        assert "wegrow.conversation_scheduled" in emitted and "wegrow.card_sent" in emitted
        for canary in (PRIVATE_NOTE, PRIVATE_GOAL, SHARED_NOTE, "CANARY"):
            assert canary not in emitted
            assert canary not in records
            assert canary not in in_workbook  # the Learning needs roll-up holds counts, never item text
        needs = workbook.view(LEARNING_TABLE)  # the employee's unit is small: no figure can point at them
        assert [row["Org unit"] for row in needs] == ["Canary unit"]  # the roll-up did count the employee
        assert all(set(row.values()) == {row["Org unit"], FEWER_THAN_5} for row in needs)


MANAGER_NOTE = "CANARY-manager-private-note-5d1e"
DISPUTE = "We agreed on two courses, not one"


async def test_the_managers_private_note_reaches_only_the_manager(
    azurite_store: Any, graph: GraphEmulator, connector_emulator: ConnectorEmulatorClient, caplog: Any
) -> None:
    """The manager logs outcomes with a private note; the employee disputes them. The note is on the manager's own
    card only: not on the employee's confirmation card, not in the workbook, telemetry, logs or the employee's
    privacy export. The employee's comment reaches the manager's card but not the workbook or telemetry."""
    from shared.services.card_actions import handle_refresh

    caplog.set_level(logging.DEBUG)
    async with card_stack(graph.base_url, graph.tenant(), azurite_store, connector_emulator) as stack:
        store, clock, config = stack.deps.store, stack.deps.clock, stack.deps.config
        employee, manager = stack.people["employee"], stack.people["manager"]
        outcome_message = due(stack, CardKind.OUTCOME)
        assert await deliver_card(stack.deps, outcome_message) is SendResult.SENT
        outcome = card_id(outcome_message["occurrence_id"], CardKind.OUTCOME)
        action = {"action_1_text": "Two-day negotiation course", "action_1_quadrant": "sweet_spot",
                  "action_1_type": "training", "action_1_gap": "knowledge", "action_1_owner": employee.id,
                  "action_1_due": "2027-05-30"}  # fmt: skip
        data = {"cardId": outcome, **action, "note": MANAGER_NOTE}
        logged = handle_card_action(store, clock, "outcome.log", data, manager.id, config=lambda: config)
        assert logged.verdict is Verdict.ACCEPTED and MANAGER_NOTE in json.dumps(logged.view)  # the canary is live
        assert await deliver_card(stack.deps, due(stack, CardKind.CONFIRM)) is SendResult.SENT
        confirm = card_id(outcome_message["occurrence_id"], CardKind.CONFIRM)
        disputed = handle_card_action(store, clock, "outcome.dispute", {"cardId": confirm, "comment": DISPUTE},
                                      employee.id, config=lambda: config)  # fmt: skip
        assert disputed.verdict is Verdict.ACCEPTED and MANAGER_NOTE not in json.dumps(disputed.view)
        mine = handle_refresh(store, {"cardId": outcome}, manager.id, config=lambda: config, clock=clock)
        assert MANAGER_NOTE in json.dumps(mine.view) and DISPUTE in json.dumps(mine.view)

        workbook, (telemetry, exporter) = InMemoryWorkbook(), in_memory_telemetry()
        await export_outcomes(store, workbook, clock.now(), telemetry)
        emitted = json.dumps([dict(r.log_record.attributes or {}) for r in exporter.get_finished_logs()])
        employee_export = json.dumps(export_person(store, employee.id, "canary", clock.now(), b"key"))
        for secret in (MANAGER_NOTE, DISPUTE):
            assert secret not in json.dumps(workbook.tables)
            assert secret not in emitted
            assert secret not in caplog.text
        assert "Two-day negotiation course" in json.dumps(workbook.tables)  # the export did run
        assert MANAGER_NOTE not in texts_sent_to(stack, employee.id)
        assert MANAGER_NOTE not in employee_export
        assert MANAGER_NOTE not in json.dumps([dict(r.data) for r in store.query(CARDS)])
