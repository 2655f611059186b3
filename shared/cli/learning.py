"""The ``learning`` step of ``wegrow cycle``: the same pass as the ``learning`` timer (learning_sync)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared.container import Container
    from shared.services.learning_sync import LearningSyncSummary

LEARNING_STEPS = ("learning",)


def run_learning_step(c: Container, steps: list[str]) -> LearningSyncSummary | None:
    """Sync the configured providers when the step is asked for (None otherwise)."""
    if "learning" not in steps:
        return None
    from shared.services.learning_sync import sync_learning

    providers = c.settings.learning_providers
    catalog = c.learning_catalog if providers else None
    if catalog is None:
        from shared.services.learning_sync import LearningSyncSummary

        return LearningSyncSummary()
    return asyncio.run(sync_learning(c.store, catalog, providers, c.clock.now()))
