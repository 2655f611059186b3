"""The Agents SDK's span wrappers open no span when nothing collects telemetry, and stay on when Azure Monitor does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core.telemetry import agents_telemetry
from microsoft_agents.hosting.core.telemetry.adapter import spans as adapter_spans
from opentelemetry.trace import INVALID_SPAN

from shared.adapters.teams import sdk_telemetry
from shared.config import load_settings


class CountingTracer:
    """Stands in for the SDK's tracer: counts the spans the SDK asks for."""

    def __init__(self) -> None:
        self.started: list[str] = []

    @contextmanager
    def start_as_current_span(self, name: str, **_options: Any) -> Iterator[Any]:
        self.started.append(name)
        yield INVALID_SPAN


@pytest.fixture
def tracer(monkeypatch: pytest.MonkeyPatch) -> Iterator[CountingTracer]:
    was_quiet = sdk_telemetry.sdk_spans_quiet()
    sdk_telemetry.restore_sdk_spans()
    counting = CountingTracer()
    monkeypatch.setattr(agents_telemetry, "_tracer", counting)
    yield counting
    sdk_telemetry.restore_sdk_spans()
    if was_quiet:  # leave the process as the test found it
        sdk_telemetry.quiet_sdk_spans()


def _activity() -> Activity:
    return Activity(type="invoke", channel_id="msteams", name="adaptiveCard/action")


def test_the_sdks_own_wrappers_open_spans_until_quieted(tracer: CountingTracer) -> None:
    with adapter_spans.AdapterProcess(_activity()):
        pass
    assert tracer.started == ["agents.adapter.process"]

    assert sdk_telemetry.quiet_sdk_spans() is True
    with adapter_spans.AdapterProcess(_activity()) as quiet:
        assert quiet.active and quiet.otel_span is INVALID_SPAN
        quiet.share(activity=_activity())  # the SDK's own calls on its span still work
    assert not quiet.active and quiet.otel_span is None
    assert tracer.started == ["agents.adapter.process"]


def test_quieting_twice_then_restoring_brings_the_spans_back(tracer: CountingTracer) -> None:
    assert sdk_telemetry.quiet_sdk_spans() and sdk_telemetry.quiet_sdk_spans()
    sdk_telemetry.restore_sdk_spans()
    assert not sdk_telemetry.sdk_spans_quiet()
    with adapter_spans.AdapterProcess(_activity()):
        pass
    assert tracer.started == ["agents.adapter.process"]


def test_an_error_in_a_quiet_span_still_reaches_the_caller(tracer: CountingTracer) -> None:
    sdk_telemetry.quiet_sdk_spans()
    with pytest.raises(RuntimeError, match="turn failed"), adapter_spans.AdapterProcess(_activity()):
        raise RuntimeError("turn failed")
    assert tracer.started == []


def test_settings_without_application_insights_quiet_the_sdk(tracer: CountingTracer) -> None:
    sdk_telemetry.follow_settings(load_settings(storage_connection="UseDevelopmentStorage=true"))
    assert sdk_telemetry.sdk_spans_quiet()


def test_settings_with_application_insights_keep_the_sdks_spans(
    tracer: CountingTracer, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "InstrumentationKey=00000000-0000-0000-0000-000000000000"
    monkeypatch.setenv("APPLICATIONINSIGHTS_CONNECTION_STRING", key)
    sdk_telemetry.follow_settings(load_settings(storage_connection="UseDevelopmentStorage=true"))
    assert not sdk_telemetry.sdk_spans_quiet()
    with adapter_spans.AdapterProcess(_activity()):
        pass
    assert tracer.started == ["agents.adapter.process"]
