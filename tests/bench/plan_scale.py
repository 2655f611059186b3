"""How planning grows: ``plan`` (queueing) and ``plan --dry-run`` at 1,000, 10,000 and 50,000 people.

The org comes from the demo tenant generator, synced into in-memory tables (the planner's own cost, without
storage latency). Figures: microseconds per pair, and the growth of that cost from the smallest size.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any

from devstack.tenant import generate_tenant
from shared.domain.people import Person
from shared.services.plan_cycle import cadence_planner, plan_cycle
from shared.services.scheduling_policy import SchedulingPolicy
from shared.services.sync_org import sync_org
from tests.fakes.directory import FakeDirectory
from tests.fakes.storage import InMemoryQueues, InMemoryStore


def people_of(size: int) -> list[Person]:
    tenant = generate_tenant(size, seed=7)
    people = []
    for user in tenant.users:
        hire = user.get("employeeHireDate")
        people.append(
            Person(
                user["id"],
                user["userPrincipalName"],
                user["displayName"],
                manager_id=tenant.managers.get(user["id"]),
                department=user.get("department"),
                hire_date=datetime.fromisoformat(hire).date() if hire else None,
                mail=str(user.get("mail") or ""),
            )
        )
    return people


def measure(size: int) -> dict[str, Any]:
    from shared.adapters.config_file import load_company_config

    store, queues = InMemoryStore(), InMemoryQueues()
    asyncio.run(sync_org(FakeDirectory(people_of(size)), store, queues))
    planner, now, policy = cadence_planner(load_company_config()), datetime.now(UTC), SchedulingPolicy()
    started = time.perf_counter()
    dry = plan_cycle(store, None, planner, now, policy)
    dry_s = time.perf_counter() - started
    started = time.perf_counter()
    plan_cycle(store, queues, planner, now, policy)
    plan_s = time.perf_counter() - started
    pairs = max(dry.pairs, 1)
    return {"people": size, "pairs": dry.pairs, "dry_run_us_per_pair": dry_s / pairs * 1e6,
            "plan_us_per_pair": plan_s / pairs * 1e6, "dry_run_s": dry_s, "plan_s": plan_s}  # fmt: skip
