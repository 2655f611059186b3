"""Entry points: ``python -m shared.cli.main`` lists the commands; the local Functions runner quiets the Azure SDK."""

from __future__ import annotations

import importlib
import logging
import subprocess
import sys
from typing import Any

import pytest

pytestmark = pytest.mark.unit


def test_python_dash_m_lists_the_registered_commands() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "shared.cli.main", "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    for command in ("validate-config", "cycle", "export-person", "run-timer"):
        assert command in done.stdout


def test_functions_runner_logs_the_azure_sdk_at_warning_only(monkeypatch: pytest.MonkeyPatch) -> None:
    host = importlib.import_module("devstack.functions_host.__main__")
    started: list[Any] = []
    monkeypatch.setattr(host.logging, "basicConfig", lambda **kwargs: None)  # leave pytest's root logger alone
    monkeypatch.setattr(host.asyncio, "run", started.append)
    monkeypatch.setattr(host, "serve", lambda args: "the server")
    azure = logging.getLogger("azure")
    monkeypatch.setattr(azure, "level", logging.NOTSET)
    host.main(["--port", "0"])
    assert started == ["the server"]
    assert logging.getLogger("azure.core.pipeline.policies.http_logging_policy").getEffectiveLevel() == logging.WARNING
