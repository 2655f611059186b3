"""Ops telemetry: every Azure Monitor tile queries events the code emits; card, no-slot, throttle and poison events
carry ids, kinds and counts only; lifecycle events come out of the export with no private text."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from shared.adapters.graph.retry import THROTTLE_LISTENERS, RetryableStatus, RetryPolicy, RetryStats, with_retries
from shared.adapters.telemetry import in_memory_telemetry
from shared.services.conversation_changes import sweep_missed
from shared.services.conversation_lifecycle import record_conversation
from shared.services.export_outcomes import export_outcomes
from shared.services.ops_telemetry import card_refused, card_result, poison_watch, schedule_results, throttled
from tests.fakes.storage import InMemoryStore
from tests.fakes.workbook import InMemoryWorkbook
from tests.unit.test_outcomes_world import ACTION_CANARY, TODAY, FixedClock, action, log_and_confirm, seed_pair

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
WORKBOOKS = sorted((ROOT / "infra" / "workbooks").glob("*.json"))
PORT = ROOT / "shared" / "ports" / "telemetry.py"


def _constants() -> dict[str, str]:
    """Event name -> the constant that holds it in the telemetry port."""
    return {value: name for name, value in re.findall(r'^([A-Z_]+) = "([a-z_]+)"$', PORT.read_text(), re.M)}


def _emitting_sources() -> str:
    skip = {PORT, ROOT / "shared" / "adapters" / "telemetry.py"}
    return "\n".join(p.read_text() for p in (ROOT / "shared").rglob("*.py") if p not in skip)


def _tiles() -> list[tuple[str, str]]:
    found = []
    for path in WORKBOOKS:
        for item in json.loads(path.read_text())["items"]:
            if item["type"] == 3:
                found.append((f"{path.name}:{item['name']}", item["content"]["query"]))
    return found


@pytest.mark.parametrize(("tile", "query"), _tiles())
def test_every_tile_queries_events_that_code_in_shared_emits(tile: str, query: str) -> None:
    names = set(re.findall(r'"wegrow\.([a-z_]+)"', query))
    assert names, f"{tile} queries no wegrow event"
    constants, sources = _constants(), _emitting_sources()
    for name in names:
        assert name in constants, f"{tile}: wegrow.{name} is not an event of shared/ports/telemetry.py"
        assert re.search(rf"\b{constants[name]}\b", sources), f"{tile}: nothing in shared/ uses {constants[name]}"


def test_the_ops_workbook_has_a_tile_for_each_operations_event() -> None:
    queried = {n for _, q in _tiles() for n in re.findall(r'"wegrow\.([a-z_]+)"', q)}
    assert {"card_sent", "card_failed", "no_slot", "throttled", "poison_message", "conversation_missed"} <= queried


def test_card_no_slot_and_poison_events_carry_kinds_and_counts_only() -> None:
    events, exporter = in_memory_telemetry()
    body = {"kind": "prep", "occurrence_id": "occ-1", "text": ACTION_CANARY, "recipient_upn": "ada@contoso.test"}
    card_result(events, body, "sent")
    card_result(events, body, "already_sent")  # a resend is not a second card
    card_result(events, body, "unreachable")
    card_refused(events, body)
    schedule_results(events, ["created", "no-slot", "no-overlap", "unchanged"])
    schedule_results(events, ["created"])
    with pytest.raises(RuntimeError), poison_watch(events, "send-card", 5):
        raise RuntimeError(ACTION_CANARY)
    with pytest.raises(RuntimeError), poison_watch(events, "send-card", 2):
        raise RuntimeError("an earlier attempt: the host retries it")
    records = [(str(r.log_record.body), dict(r.log_record.attributes or {})) for r in exporter.get_finished_logs()]
    expected = ["card_sent", "card_failed", "card_failed", "no_slot", "poison_message"]
    assert [name for name, _ in records] == [f"wegrow.{name}" for name in expected]
    assert records[3][1]["count"] == 2
    assert (records[4][1]["queue"], records[4][1]["count"]) == ("send-card", 5)
    dumped = json.dumps([a for _, a in records], default=str)
    assert ACTION_CANARY not in dumped and "ada@contoso.test" not in dumped


def test_a_graph_429_seen_by_the_retry_policy_is_reported_as_throttled() -> None:
    events, exporter = in_memory_telemetry()
    calls = iter([RetryableStatus(429, 2.0), RetryableStatus(503), None])

    async def operation() -> str:
        error = next(calls)
        if error is not None:
            raise error
        return "ok"

    async def no_sleep(_: float) -> None:
        return None

    listener = lambda retry_after: throttled(events, retry_after)  # noqa: E731
    THROTTLE_LISTENERS.append(listener)
    try:
        policy = RetryPolicy(sleep=no_sleep)
        assert asyncio.run(with_retries(operation, policy=policy, stats=RetryStats())) == "ok"
    finally:
        THROTTLE_LISTENERS.remove(listener)
    records = [dict(r.log_record.attributes or {}) for r in exporter.get_finished_logs()]
    assert [(a["microsoft.custom_event.name"], a["retry_after"]) for a in records] == [("wegrow.throttled", 2)]


def test_lifecycle_events_come_from_the_export_with_no_private_text() -> None:
    store, workbook = InMemoryStore(), InMemoryWorkbook()
    events, exporter = in_memory_telemetry()
    seed_pair(store, "grace", "ada", "Sales")
    now = FixedClock().now()
    for day in (TODAY, TODAY + timedelta(days=7), TODAY + timedelta(days=14)):
        record_conversation(store, "grace", "ada", day, "scheduled", now)
    record_conversation(store, "grace", "ada", TODAY + timedelta(days=14), "cancelled", now)
    log_and_confirm(store, FixedClock(), "grace", "ada", [action(ACTION_CANARY)])
    sweep_missed(store, TODAY + timedelta(days=20), now=now)
    asyncio.run(export_outcomes(store, workbook, now, events))
    names = [str(r.log_record.body) for r in exporter.get_finished_logs()]
    for name in ("scheduled", "held", "missed", "cancelled"):
        assert f"wegrow.conversation_{name}" in names
    dumped = json.dumps([dict(r.log_record.attributes or {}) for r in exporter.get_finished_logs()])
    assert ACTION_CANARY not in dumped and "grace" not in dumped and "contoso" not in dumped


def test_a_coach_cards_telemetry_never_names_the_coach() -> None:
    from shared.services.ops_telemetry import card_result

    seen: list[tuple[str, dict[str, object]]] = []

    class Recorder:
        def emit(self, name: str, **fields: object) -> None:
            seen.append((name, fields))

    card_result(Recorder(), {"kind": "coach_request", "occurrence_id": "coach:r1:dana.coach@contoso.example"}, "sent")  # type: ignore[arg-type]
    assert seen == [("card_sent", {"card_kind": "coach_request", "occurrence_id": "coach:r1"})]
    assert "contoso" not in repr(seen)
