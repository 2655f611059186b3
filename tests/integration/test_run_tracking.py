"""Every timer and queue function records its runs under its own name, so /api/health can see it.

Scheduled jobs that stop silently are a known failure of Teams scheduling apps: a function that forgets to
record its runs would look "never-run" for ever. Each trigger is called with a container whose adapters fail
on first use; the failed run must still be recorded, under the function's name.
"""

from __future__ import annotations

import inspect
from datetime import UTC, datetime
from typing import Any

import azure.functions as func
import pytest
from azure.functions.timer import TimerRequest

from shared.config import load_settings
from shared.services.runs import last_run
from shared.services.triggers import describe
from tests.fakes.storage import InMemoryQueues, InMemoryStore

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class AdapterUnavailable(RuntimeError):
    pass


class _Clock:
    def now(self) -> datetime:
        return NOW


class FailingContainer:
    """Store, clock and settings work; every other adapter fails when the trigger reaches for it."""

    def __init__(self) -> None:
        self.store, self.queues, self.clock = InMemoryStore(), InMemoryQueues(), _Clock()
        # learning providers set, so the learning timer reaches for its adapter as the others do
        self.settings = load_settings(storage_connection="UseDevelopmentStorage=true", learning_provider_ids="p1")

    def __getattr__(self, name: str) -> Any:
        raise AdapterUnavailable(name)


def _scheduled_functions() -> list[tuple[str, Any, Any]]:
    from function_app import app

    triggers = describe(app)
    timers = [(t.name, t.function, TimerRequest(past_due=False)) for t in triggers.timers]
    queues = [(q.name, q.function, func.QueueMessage(body=b'{"manager_id": "m"}')) for q in triggers.queues]
    return timers + queues


SCHEDULED = _scheduled_functions()


@pytest.mark.parametrize(("name", "function", "argument"), SCHEDULED, ids=[name for name, _, _ in SCHEDULED])
async def test_a_failing_run_is_recorded_under_the_function_name(
    name: str, function: Any, argument: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    container = FailingContainer()
    monkeypatch.setattr("shared.container.container", lambda: container)
    user_function = function.get_user_function()
    with pytest.raises(AdapterUnavailable):
        result = user_function(argument)
        if inspect.isawaitable(result):
            await result
    run = last_run(container.store, name)
    assert run is not None, f"{name} does not record its runs: health cannot see it"
    assert run.ok is False and run.detail == "AdapterUnavailable"
