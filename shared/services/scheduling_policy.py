"""The knobs scheduling runs with, built from the company's cadence and the settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from shared.domain.slots_rules import SlotRules


@dataclass(frozen=True, slots=True)
class SchedulingPolicy:
    tenant_id: str = "local"
    policy_version: str = "v1"
    rhythm_weeks: int = 6
    horizon_days: int = 120
    search_days: int = 14
    default_zone: str = "UTC"
    lease_seconds: int = 300
    repair_check_days: int = 7
    no_mailbox_retry_days: int = 30  # a pair without a mailbox is retried sooner when the directory changes
    rules: SlotRules = field(default_factory=lambda: SlotRules(duration_minutes=45))

    @property
    def horizon(self) -> timedelta:
        return timedelta(days=self.horizon_days)

    @classmethod
    def from_cadence(cls, cadence: Any, **overrides: Any) -> SchedulingPolicy:
        """From a ``CadenceConfig`` (rhythm, conversation length, per-day limit)."""
        rules = SlotRules(duration_minutes=cadence.conversation_minutes, max_per_day=cadence.max_per_manager_per_day)
        return cls(rhythm_weeks=cadence.rhythm_weeks, rules=rules, **overrides)
