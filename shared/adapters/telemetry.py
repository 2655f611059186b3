"""OpenTelemetry events for conversations and outcomes (the ``Events`` port).

Each event is an OpenTelemetry log record carrying ``microsoft.custom_event.name``; the Azure
Monitor exporter turns such records into Application Insights ``customEvents`` rows (name =
``wegrow.<event>``, attributes in ``customDimensions``). Only allow-listed attributes are kept and
strings are capped, so no free text can ride along. Azure Monitor is configured lazily, on the first
``telemetry(settings)`` call, and only when ``APPLICATIONINSIGHTS_CONNECTION_STRING`` is set; tests
use :func:`in_memory_telemetry`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from shared.ports.telemetry import ALLOWED_ATTRIBUTES, EVENT_NAMES, Attribute

if TYPE_CHECKING:
    from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter

    from shared.config import Settings

logger = logging.getLogger(__name__)
PREFIX = "wegrow."
CUSTOM_EVENT_NAME = "microsoft.custom_event.name"
MAX_TEXT = 64


class OtelEvents:
    """Emit events through an OpenTelemetry logger."""

    def __init__(self, otel_logger: Any) -> None:
        self._logger = otel_logger

    def emit(self, name: str, **attributes: Attribute) -> None:
        if name not in EVENT_NAMES:
            raise ValueError(f"unknown telemetry event {name!r}")
        dropped = sorted(set(attributes) - ALLOWED_ATTRIBUTES)
        if dropped:
            logger.warning("telemetry event %s: dropped attributes %s", name, ", ".join(dropped))
        safe = {k: _cap(v) for k, v in attributes.items() if k in ALLOWED_ATTRIBUTES}
        self._logger.emit(
            body=PREFIX + name, event_name=PREFIX + name, attributes={CUSTOM_EVENT_NAME: PREFIX + name, **safe}
        )


def _cap(value: Attribute) -> Attribute:
    return value[:MAX_TEXT] if isinstance(value, str) else value


def telemetry(settings: Settings) -> OtelEvents:
    """Events for the process: Azure Monitor when a connection string is set, else a provider with no exporter."""
    from opentelemetry._logs import get_logger_provider

    if settings.applicationinsights_connection_string:
        from azure.monitor.opentelemetry import configure_azure_monitor

        configure_azure_monitor(connection_string=settings.applicationinsights_connection_string)
        return OtelEvents(get_logger_provider().get_logger("wegrow"))
    from opentelemetry.sdk._logs import LoggerProvider

    return OtelEvents(LoggerProvider().get_logger("wegrow"))


def in_memory_telemetry() -> tuple[OtelEvents, InMemoryLogRecordExporter]:
    """Events whose records land in an in-memory exporter (tests)."""
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor

    exporter = InMemoryLogRecordExporter()  # type: ignore[no-untyped-call]
    provider = LoggerProvider()
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    return OtelEvents(provider.get_logger("wegrow")), exporter
