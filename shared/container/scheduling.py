"""Builds the scheduling context from the composition root (shared by the triggers and the CLI)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from shared.services.plan_cycle import Planner, cadence_planner
from shared.services.schedule_pair import ScheduleContext
from shared.services.scheduling_policy import SchedulingPolicy

if TYPE_CHECKING:
    from shared.container import Container


def policy_from(c: Container) -> SchedulingPolicy:
    settings = c.settings
    policy = SchedulingPolicy.from_cadence(
        c.company.cadence,
        fiscal=c.company.fiscal_calendar,
        tenant_id=settings.tenant_id or "local",
        horizon_days=settings.horizon_days,
    )
    rules = replace(policy.rules, working_elsewhere_is_busy=settings.working_elsewhere_is_busy)
    return replace(policy, rules=rules)


def context_from(c: Container, worker: str) -> ScheduleContext:
    return ScheduleContext(c.calendar, c.directory, c.store, policy_from(c), c.clock.now(), worker)


def planner_from(c: Container) -> Planner:
    return cadence_planner(c.company)
