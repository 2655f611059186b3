"""The Agents SDK's own spans and metrics: started only when something collects them.

The SDK (1.9.0) wraps each step of a turn in a span wrapper (``BaseSpanWrapper``): about nine per card action,
each opening an OpenTelemetry span through ``contextlib`` and an ``ExitStack`` and recording metrics when it
ends. With no Application Insights connection string nothing collects them (OpenTelemetry's default providers
drop everything), yet each wrapper still costs ~45 us of CPU: ~0.4 ms of a ~5 ms card action. When Azure Monitor
is configured (``APPLICATIONINSIGHTS_CONNECTION_STRING``), the SDK's spans and metrics are kept as they are: ops
sees turns, connector calls and their durations.

:func:`follow_settings` is called where the container builds the bot and the messenger. Quieting swaps the
wrapper's enter and exit for ones that hand out OpenTelemetry's non-recording ``INVALID_SPAN``, so the SDK's code
that reads or annotates its span keeps working. It depends on SDK internals, like ``sdk_fixes``: if the wrapper
class is not the one this was written for, nothing is changed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shared.config import Settings

logger = logging.getLogger(__name__)
_ORIGINAL: dict[str, Any] = {}


def follow_settings(settings: Settings) -> None:
    """Quiet the SDK's telemetry when no Application Insights connection string is set; else leave it on."""
    if not settings.applicationinsights_connection_string:
        quiet_sdk_spans()


def quiet_sdk_spans() -> bool:
    """Make the SDK's span wrappers free; True when they are (now or already) quiet."""
    from opentelemetry.trace import INVALID_SPAN

    wrapper = _wrapper_class()
    if wrapper is None:
        return False
    if _ORIGINAL:
        return True

    def enter(self: Any) -> Any:
        self._span, self._active = INVALID_SPAN, True
        return self

    def leave(self: Any, *_exc: object) -> None:
        self._span, self._active = None, False

    _ORIGINAL.update(enter=wrapper.__enter__, leave=wrapper.__exit__)
    wrapper.__enter__, wrapper.__exit__ = enter, leave
    logger.debug("Agents SDK spans are off: no Application Insights connection string")
    return True


def restore_sdk_spans() -> None:
    """Put the SDK's own span wrappers back (tests, and a process that configures telemetry later)."""
    wrapper = _wrapper_class()
    if wrapper is not None and _ORIGINAL:
        wrapper.__enter__, wrapper.__exit__ = _ORIGINAL.pop("enter"), _ORIGINAL.pop("leave")


def sdk_spans_quiet() -> bool:
    return bool(_ORIGINAL)


def _wrapper_class() -> Any:
    """The SDK's ``BaseSpanWrapper``, or None when it is not the 1.9.0 shape (an ExitStack-based enter/exit)."""
    try:
        from microsoft_agents.hosting.core.telemetry.core.base_span_wrapper import BaseSpanWrapper
    except ImportError:
        return None
    expected = ("__enter__", "__exit__", "_start_span", "otel_span", "active")
    if not all(hasattr(BaseSpanWrapper, name) for name in expected):
        logger.warning("Agents SDK span wrapper has changed; its spans stay on")
        return None
    return BaseSpanWrapper
