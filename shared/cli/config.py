"""``wegrow validate-config PATH``: check a company config before it is deployed."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from shared.adapters.config_file import CompanyConfigError, load_company_config
from shared.cli.main import app
from shared.domain.company import CompanyConfig


def summary(config: CompanyConfig, today: date) -> list[str]:
    """One line per fact an HR author wants to confirm after an edit."""
    agenda = config.org_agenda
    upcoming = config.fiscal_calendar.milestones_between(today, today + timedelta(days=365))
    pilots = ", ".join(f"{p.name} from {p.start}" for p in config.pilots) or "none (every manager-report pair)"
    return [
        f"company: {config.company}",
        f"org units: {len(agenda.units)} ({', '.join(u.name for u in agenda.units)})",
        f"initiatives: {len(agenda.initiatives)}",
        f"capabilities: {len(agenda.all_capabilities())} ({len(agenda.company_wide)} company-wide)",
        f"milestones in the next 12 months: {len(upcoming)}",
        *(f"  {m.day}  {m.label}" for m in upcoming),
        f"cadence: every {config.cadence.rhythm_weeks} weeks, {config.cadence.milestone_window_days} days "
        f"before each milestone, at least {config.cadence.min_gap_days} days apart",
        f"pilots: {pilots}",
    ]


@app.command("validate-config")
def validate_config(
    path: Annotated[Path, typer.Argument(help="the company YAML to check")],
    today: Annotated[str | None, typer.Option(help="date for the milestone summary (YYYY-MM-DD)")] = None,
) -> None:
    """Print "ok" and a summary, or each error with its line; exit 1 on errors."""
    out = Console(highlight=False, soft_wrap=True)
    try:
        config = load_company_config(path)
    except CompanyConfigError as error:
        for issue in error.issues:
            out.print(str(issue), markup=False)
        out.print(f"{len(error.issues)} error(s)", markup=False)
        raise typer.Exit(1) from None
    as_of = date.fromisoformat(today) if today else date.today()
    out.print("ok", markup=False)
    for line in summary(config, as_of):
        out.print(line, markup=False)
