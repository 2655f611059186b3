"""Export 10,000 action rows to the HR workbook on the Graph emulator and count Graph round trips.

``python -m tests.bench.workbook_export [--outcomes 2000] [--actions 5]`` prints the round trips of a
first export (workbook created from the template) and of a retried export (all rows already there),
from the emulator's ``/_emulator/log``. Target: at most 1 round trip per 500 rows. The worker's CPU per row
(this process: the outbox read, row building, msgraph-sdk) is measured per export, the emulator's apart.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared.adapters.graph.client import aclose_graph_client, build_graph_client
from shared.adapters.graph.workbook import GraphWorkbook
from shared.adapters.workbook.template import build_template
from shared.config import load_settings
from shared.services.card_submissions import OutcomeLog
from shared.services.export_outcomes import export_outcomes
from shared.services.record_outcome import OUTCOMES, store_outcome
from tests.bench.cpu import Meter, measured
from tests.fakes.storage import InMemoryStore
from tests.fixtures.graph import GraphEmulator, start_emulator, stop_emulator

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def seeded_store(outcomes: int, actions: int) -> InMemoryStore:
    store = InMemoryStore()
    item = {"text": "Lead a design review", "quadrant": "sweet_spot", "type": "stretch", "gap": "knowledge",
            "owner": "employee", "due": "2026-05-01", "initiative": "Reliability first"}  # fmt: skip
    log = OutcomeLog.model_validate({"actions": [item] * actions})
    for n in range(outcomes):
        store_outcome(store, f"m{n % 97}", f"r{n}", date(2026, 1, 5) + timedelta(days=n % 60), log, NOW)
    return store


async def _export(emulator: GraphEmulator, store: InMemoryStore) -> Any:
    settings = load_settings(storage_connection="UseDevelopmentStorage=true", graph_base_url=emulator.base_url)
    client = build_graph_client(settings)
    workbook = GraphWorkbook(client, "hr", "WeGrow/hr-outcomes.xlsx", build_template)
    try:
        return await export_outcomes(store, workbook, NOW)
    finally:
        await workbook.aclose()
        await aclose_graph_client(client)


def measure(emulator: GraphEmulator, store: InMemoryStore) -> dict[str, Any]:
    emulator.clear_log()
    with measured(Meter()) as cpu:
        report = asyncio.run(_export(emulator, store))
    log = emulator.log()
    rows = sum(report.appended.values()) + sum(report.skipped.values())
    trips = int(log["http_round_trips"])
    return {"rows": rows, "appended": report.appended, "round_trips": trips, "rows_per_round_trip": round(rows / trips),
            "operations": log["operations"], "worker_cpu_ms_per_row": cpu[0].worker_s * 1000 / max(rows, 1),
            "emulator_cpu_ms_per_row": cpu[0].emulators_s * 1000 / max(rows, 1)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--outcomes", type=int, default=2000)
    parser.add_argument("--actions", type=int, default=5)
    args = parser.parse_args()
    store = seeded_store(args.outcomes, args.actions)
    emulator = start_emulator()
    try:
        first = measure(emulator, store)
        for entry in store.query(OUTCOMES):  # a retry: every entry pending again, every row already there
            if entry.row.startswith("outbox:"):
                store.update(entry, {**entry.data, "status": "pending"})
        retry = measure(emulator, store)
    finally:
        stop_emulator(emulator.process)
    print(json.dumps({"first_export": first, "retried_export": retry}, indent=2))


if __name__ == "__main__":
    main()
