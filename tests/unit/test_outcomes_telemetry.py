"""Telemetry events: allow-listed attributes only, known names only, and the ops workbook queries what we emit."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from shared.adapters.telemetry import in_memory_telemetry
from shared.ports.telemetry import ALLOWED_ATTRIBUTES, EVENT_NAMES

pytestmark = pytest.mark.unit
WORKBOOK = Path(__file__).resolve().parents[2] / "infra" / "workbooks" / "wegrow-ops.workbook.json"


def test_free_text_attributes_are_dropped_and_strings_capped() -> None:
    events, exporter = in_memory_telemetry()
    events.emit("card_sent", card_kind="prep", card_id="c" * 200, text="I want to learn Rust")
    [record] = exporter.get_finished_logs()
    attributes = dict(record.log_record.attributes or {})
    assert attributes["microsoft.custom_event.name"] == "wegrow.card_sent"
    assert "text" not in attributes and "I want to learn Rust" not in json.dumps(attributes)
    assert len(str(attributes["card_id"])) == 64


def test_unknown_event_names_are_refused() -> None:
    events, _ = in_memory_telemetry()
    with pytest.raises(ValueError, match="unknown telemetry event"):
        events.emit("agenda_saved")


def test_the_ops_workbook_queries_only_emitted_events_and_attributes() -> None:
    queries = [item["content"]["query"] for item in json.loads(WORKBOOK.read_text())["items"] if item["type"] == 3]
    assert len(queries) >= 5
    names = {n for q in queries for n in re.findall(r'"wegrow\.([a-z_]+)"', q)}
    dimensions = {d for q in queries for d in re.findall(r'customDimensions(?:\.|\[")([a-z_]+)', q)}
    assert names and names <= EVENT_NAMES
    assert dimensions and dimensions <= ALLOWED_ATTRIBUTES
