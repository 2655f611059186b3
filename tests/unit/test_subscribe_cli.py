"""``wegrow cycle --steps subscribe``: the subscriptions pass from the CLI, its JSON summary, its refusal."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

import shared.cli.schedule  # noqa: F401  (registers the cycle command)
from shared.cli.main import app
from shared.cli.subscribe import default_steps
from shared.config import load_settings
from shared.container import Container
from shared.services.scheduling_records import SERIES
from tests.fakes.storage import InMemoryQueues, InMemoryStore
from tests.fakes.subscriptions import FakeSubscriptions

pytestmark = pytest.mark.unit

NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
ON = {"public_base_url": "https://wegrow.example", "notification_secret": "s" * 32}


class _Clock:
    def now(self) -> datetime:
        return NOW


def container(monkeypatch: pytest.MonkeyPatch, **settings: str) -> Container:
    c = Container(load_settings(storage_connection="UseDevelopmentStorage=true", **settings))
    store = InMemoryStore()
    store.upsert(SERIES, "m1", "r1", {"state": "active"})
    vars(c).update(store=store, queues=InMemoryQueues(), clock=_Clock())
    vars(c)["subscriptions"] = FakeSubscriptions({"m1", "r1"}, now=lambda: NOW)
    monkeypatch.setattr("shared.container.container", lambda: c)
    return c


def test_the_subscribe_step_prints_its_counts_in_the_json_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    c = container(monkeypatch, **ON)
    done = CliRunner().invoke(app, ["cycle", "--steps", "subscribe", "--json"])
    assert done.exit_code == 0, done.output
    counts = json.loads(done.output.strip().splitlines()[-1])["subscriptions"]
    assert counts["created"] == 2 and {"renewed", "recreated", "removed", "failed"} <= set(counts)
    assert len(vars(c)["subscriptions"].subscriptions) == 2


def test_without_the_settings_the_step_is_refused_naming_them(monkeypatch: pytest.MonkeyPatch) -> None:
    container(monkeypatch, public_base_url="https://wegrow.example")
    done = CliRunner().invoke(app, ["cycle", "--steps", "subscribe"])
    assert done.exit_code == 2
    assert "WEGROW_NOTIFICATION_SECRET" in done.output and "WEGROW_PUBLIC_BASE_URL" not in done.output


def test_subscribe_is_a_default_step_only_with_notifications_on() -> None:
    off = load_settings(storage_connection="UseDevelopmentStorage=true")
    on = load_settings(storage_connection="UseDevelopmentStorage=true", **ON)
    assert default_steps(off) == ["sync", "plan", "schedule"]
    assert default_steps(on) == ["sync", "plan", "schedule", "subscribe"]
