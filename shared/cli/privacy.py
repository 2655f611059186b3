"""Privacy commands: ``wegrow export-person UPN``, ``wegrow forget-person UPN``, ``wegrow purge-expired``."""

from __future__ import annotations

import asyncio
import getpass
import json
from pathlib import Path
from typing import Annotated

import typer

from shared.cli.main import app

ACTOR_HELP = "who runs the operation (for the audit log; default: the OS user)"


def _actor(actor: str | None) -> str:
    return actor or f"cli:{getpass.getuser()}"


@app.command("export-person")
def export_person_command(
    upn: str,
    out: Annotated[Path | None, typer.Option(help="write the JSON here (default: stdout)")] = None,
    actor: Annotated[str | None, typer.Option(help=ACTOR_HELP)] = None,
) -> None:
    """Write everything stored about a person (every table) as JSON."""
    from shared.container import container
    from shared.services.privacy import UnknownPerson, export_person

    c = container()
    try:
        document = export_person(c.store, upn, _actor(actor), c.clock.now())
    except UnknownPerson as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    text = json.dumps(document, indent=2, sort_keys=True, default=str)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"wrote {out}")


async def _forget(upn: str, actor: str) -> dict[str, int]:
    from shared.container import container
    from shared.services.privacy import forget_person

    c = container()
    try:
        return await forget_person(c.store, c.workbook, upn, actor, c.clock.now())
    finally:
        await c.workbook.aclose()


@app.command("forget-person")
def forget_person_command(
    upn: str,
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
    actor: Annotated[str | None, typer.Option(help=ACTOR_HELP)] = None,
) -> None:
    """Delete a person from storage and pseudonymise their rows in the HR workbook."""
    from shared.services.privacy import UnknownPerson

    if not yes:
        typer.confirm(f"Forget {upn}? This cannot be undone.", abort=True)
    try:
        counts = asyncio.run(_forget(upn, _actor(actor)))
    except UnknownPerson as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    typer.echo(", ".join(f"{name}: {count}" for name, count in counts.items()))


@app.command("purge-expired")
def purge_expired_command(actor: Annotated[str | None, typer.Option(help=ACTOR_HELP)] = None) -> None:
    """Delete outcome records older than WEGROW_RETENTION_DAYS."""
    from shared.container import container
    from shared.services.privacy import purge_expired

    c = container()
    purged = purge_expired(c.store, c.clock.now(), c.settings.retention_days, _actor(actor))
    typer.echo(f"purged {purged} outcome records older than {c.settings.retention_days} days")
