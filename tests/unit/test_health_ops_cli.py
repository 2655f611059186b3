"""``wegrow settings`` and ``wegrow run-timer`` (the ops commands beside health)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from shared.cli import ops
from shared.cli.main import app
from shared.config import Settings

pytestmark = pytest.mark.unit

KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
CONNECTION = f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={KEY};QueueEndpoint=http://q"


def test_settings_lists_every_variable_and_masks_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEGROW_STORAGE_CONNECTION", CONNECTION)
    monkeypatch.setenv("WEGROW_CLIENT_SECRET", "very-secret-value")
    monkeypatch.setenv(
        "APPLICATIONINSIGHTS_CONNECTION_STRING", "InstrumentationKey=abc-123;IngestionEndpoint=https://x"
    )
    result = CliRunner().invoke(app, ["settings"])
    assert result.exit_code == 0
    assert "very-secret-value" not in result.output
    assert KEY not in result.output
    assert "abc-123" not in result.output
    lines = {line.split("  ")[1]: line.split("  ")[2] for line in result.output.splitlines()}
    assert len(lines) == len(Settings.model_fields)
    assert lines["WEGROW_CLIENT_SECRET"] == "****"
    assert lines["WEGROW_STORAGE_CONNECTION"].startswith("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;")
    assert "AccountKey=****" in lines["WEGROW_STORAGE_CONNECTION"]
    assert lines["APPLICATIONINSIGHTS_CONNECTION_STRING"] == "InstrumentationKey=****;IngestionEndpoint=https://x"
    assert lines["WEGROW_SYNC_SCHEDULE"] == "0 0 2 * * *"
    assert lines["WEGROW_TENANT_ID"] == "(unset)"


def test_settings_with_a_bad_value_prints_one_line_and_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEGROW_STORAGE_CONNECTION", CONNECTION)
    monkeypatch.setenv("WEGROW_RETENTION_DAYS", "3")
    result = CliRunner().invoke(app, ["settings"])
    assert result.exit_code == 1
    assert result.output.strip().startswith("WEGROW_RETENTION_DAYS:")
    assert len(result.output.strip().splitlines()) == 1


def test_masked_leaves_plain_values_alone() -> None:
    assert ops.masked("hr_drive_id", "hr") == "hr"
    assert ops.masked("bot_app_secret", "x") == "****"
    assert ops.masked("tenant_id", None) == "(unset)"


def test_run_timer_with_unknown_name_lists_the_timers() -> None:
    result = CliRunner().invoke(
        app,
        ["run-timer", "nosuch", "--app", "devstack.functions_host.selftest_app:app"],
        env={"SELFTEST_SCHEDULE": "0 0 0 1 1 *"},
    )
    assert result.exit_code == 2
    assert "no timer function named 'nosuch'; timers: tick" in result.output
