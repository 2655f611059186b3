"""Operations: ``wegrow run-timer NAME`` (run a timer function once, in-process) and ``wegrow settings``."""

from __future__ import annotations

import asyncio
import importlib
import re
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from shared.cli.main import app
from shared.config import ConfigError, Settings, env_name, load_settings

SECRET_FIELDS = frozenset({"client_secret", "bot_app_secret", "audit_key"})
CONNECTION_FIELDS = frozenset({"storage_connection", "applicationinsights_connection_string"})
_SECRET_PARTS = re.compile(r"(AccountKey|SharedAccessSignature|InstrumentationKey|SharedAccessKey)=[^;]*", re.I)
MASK = "****"


def masked(field: str, value: object) -> str:
    """The value as safe to print: secrets hidden, keys inside connection strings hidden."""
    if value is None:
        return "(unset)"
    text = str(getattr(value, "value", value))
    if field in SECRET_FIELDS:
        return MASK
    if field in CONNECTION_FIELDS:
        return _SECRET_PARTS.sub(lambda m: f"{m.group(1)}={MASK}", text)
    return text


def settings_lines(settings: Settings) -> list[str]:
    return [f"{field}  {env_name(field)}  {masked(field, getattr(settings, field))}" for field in Settings.model_fields]


@app.command("settings")
def settings_command() -> None:
    """Print every setting, the environment variable that sets it, and its value (secrets masked)."""
    out = Console(highlight=False, soft_wrap=True)
    try:
        settings = load_settings()
    except ConfigError as error:
        out.print(str(error), markup=False)
        raise typer.Exit(1) from None
    for line in settings_lines(settings):
        out.print(line, markup=False)


def import_app(spec: str) -> object:
    """Import ``module:attribute``; ``function_app.py`` sits at the project root, beside ``shared/``."""
    root = str(Path(__file__).resolve().parents[2])
    if root not in sys.path:
        sys.path.insert(0, root)
    module_name, _, attribute = spec.partition(":")
    return getattr(importlib.import_module(module_name), attribute or "app")


@app.command("run-timer")
def run_timer(
    name: Annotated[str, typer.Argument(help="the timer function's name, e.g. sync_org")],
    app_spec: Annotated[str, typer.Option("--app", help="module:attribute of the FunctionApp")] = "function_app:app",
) -> None:
    """Run one timer function once, now, in this process (as if the schedule fired)."""
    from shared.adapters.functions_runtime import past_due_timer
    from shared.services.triggers import call_user_function, describe

    triggers = describe(import_app(app_spec))
    timer = next((t for t in triggers.timers if t.name == name), None)
    out = Console(highlight=False, soft_wrap=True)
    if timer is None:
        known = ", ".join(t.name for t in triggers.timers) or "none"
        out.print(f"no timer function named {name!r}; timers: {known}", markup=False)
        raise typer.Exit(2)
    asyncio.run(call_user_function(timer, past_due_timer()))
    out.print(f"ran {name}", markup=False)
