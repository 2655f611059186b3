"""A notice from the report's mailbox repairs a silent decline through the real stack (msgraph-sdk, emulator, Azurite).

The report declines one occurrence of their copy with ``sendResponse: false``: the organiser's view does not change,
so the poll's repair finds nothing. The notice names the series master of the report's copy (Graph notifies the
master of the mailbox whose copy changed), and the handler finds and moves the declined occurrence, once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from shared.domain.notification_items import ChangeNotice
from shared.domain.people import Pair
from shared.services.notification_handling import NotificationDeps, handle_notification
from shared.services.notification_messages import change_message
from shared.services.repair import repair_occurrences
from shared.services.schedule_pair import ScheduleContext
from shared.services.scheduling_handlers import run_cycle
from shared.services.scheduling_policy import SchedulingPolicy
from shared.services.scheduling_records import PAIRS, SERIES
from tests.contract.test_calendar_contract import report_copy_on_emulator
from tests.contract.test_graph_adapter_support import adapters_for
from tests.fixtures.graph import GraphEmulator
from tests.integration.test_repair_on_emulator import everyone

pytestmark = pytest.mark.integration
HORIZON = timedelta(days=120)


class NoUpkeep:
    async def renew(self, subscription_id: str) -> str:
        raise AssertionError("no lifecycle event here")

    async def recreate(self, user_id: str) -> str:
        raise AssertionError("no lifecycle event here")


@pytest.fixture
async def stack(graph: GraphEmulator, azurite_store: Any, azurite_queues: Any) -> AsyncIterator[dict[str, Any]]:
    async with adapters_for(graph.base_url) as adapters:
        yield {"graph": graph, "adapters": adapters, "store": azurite_store, "queues": azurite_queues}


def ctx(stack: dict[str, Any]) -> ScheduleContext:
    calendar, directory = stack["adapters"].calendar, stack["adapters"].directory
    return ScheduleContext(calendar, directory, stack["store"], SchedulingPolicy(), datetime.now(UTC), "notices")


async def test_a_silent_decline_in_the_reports_copy_is_repaired_once(stack: dict[str, Any]) -> None:
    await run_cycle(ctx(stack), stack["queues"], everyone)
    record = next(r for r in stack["store"].query(SERIES) if r.data["state"] == "active")
    unit = str(stack["store"].get(PAIRS, record.partition, record.row).data.get("org_unit") or "unassigned")
    pair = Pair(record.partition, record.row, unit)
    calendar = stack["adapters"].calendar
    now = datetime.now(UTC)
    before = await calendar.occurrences(pair.manager_id, record.data["event_id"], now, now + HORIZON)
    uid = record.data["ical_uid"]
    copy_master = await report_copy_on_emulator(stack["graph"], pair.report_id, uid, None)
    copy_id = await report_copy_on_emulator(stack["graph"], pair.report_id, uid, before[1].start)
    async with httpx.AsyncClient(base_url=stack["graph"].base_url, timeout=30) as http:
        declined = await http.post(f"/users/{pair.report_id}/events/{copy_id}/decline", json={"sendResponse": False})
    assert declined.status_code == 202, declined.text

    assert (await repair_occurrences(ctx(stack), pair)).moved == []  # the organiser's view shows no decline
    deps = NotificationDeps(ctx(stack), stack["queues"], NoUpkeep())
    notice = change_message(ChangeNotice("sub-r", pair.report_id, copy_master, "updated", None))
    assert await handle_notification(deps, notice) == "repaired: moved 1"
    assert await handle_notification(deps, notice) == "repaired: moved 0"  # a duplicate changes nothing

    after = await calendar.occurrences(pair.manager_id, record.data["event_id"], now, now + HORIZON)
    assert after[0].start == before[0].start
    assert next(o for o in after if o.event_id == before[1].event_id).start != before[1].start
