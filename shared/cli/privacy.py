"""Privacy commands: ``wegrow export-person WHO``, ``wegrow forget-person WHO``, ``wegrow purge-expired``.

``WHO`` is a UPN or an Entra object id; a leaver the directory sync already removed is found by either.
The audit reference is keyed with ``WEGROW_AUDIT_KEY`` (required in Azure; unset locally, the audit row
carries no subject reference at all).
"""

from __future__ import annotations

import asyncio
import getpass
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from shared.cli.main import app

if TYPE_CHECKING:
    from shared.config import Settings

ACTOR_HELP = "who runs the operation (for the audit log; default: the OS user)"
WHO_HELP = "the person's UPN or Entra object id (leavers included)"


def _actor(actor: str | None) -> str:
    return actor or f"cli:{getpass.getuser()}"


def audit_key(settings: Settings) -> bytes | None:
    """The audit HMAC key from settings; in Azure a missing key stops the command."""
    secret: Any = getattr(settings, "audit_key", None)
    if secret is not None and secret.get_secret_value():
        return str(secret.get_secret_value()).encode()
    if str(getattr(settings.env, "value", settings.env)) == "azure":
        typer.echo("WEGROW_AUDIT_KEY: required in Azure (a Key Vault reference) for the audit log", err=True)
        raise typer.Exit(2)
    return None


@app.command("export-person")
def export_person_command(
    who: Annotated[str, typer.Argument(help=WHO_HELP)],
    out: Annotated[Path | None, typer.Option(help="write the JSON here (default: stdout)")] = None,
    actor: Annotated[str | None, typer.Option(help=ACTOR_HELP)] = None,
) -> None:
    """Write everything that is the person's (by keys and owner fields, others' content redacted) as JSON."""
    from shared.container import container
    from shared.services.privacy import UnknownPerson, export_person

    c = container()
    try:
        document = export_person(c.store, who, _actor(actor), c.clock.now(), audit_key(c.settings))
    except UnknownPerson as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    text = json.dumps(document, indent=2, sort_keys=True, default=str)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"wrote {out}")


async def _forget(who: str, actor: str) -> dict[str, int]:
    from shared.container import container
    from shared.services.privacy import forget_person

    c = container()
    key = audit_key(c.settings)
    try:
        return await forget_person(c.store, c.workbook, who, actor, c.clock.now(), queues=c.queues, audit_key=key)
    finally:
        await c.workbook.aclose()


@app.command("forget-person")
def forget_person_command(
    who: Annotated[str, typer.Argument(help=WHO_HELP)],
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
    actor: Annotated[str | None, typer.Option(help=ACTOR_HELP)] = None,
) -> None:
    """Delete what is the person's, end their series and cards, pseudonymise their rows in the HR workbook."""
    from shared.services.privacy import UnknownPerson

    if not yes:
        typer.confirm(f"Forget {who}? This cannot be undone.", abort=True)
    try:
        counts = asyncio.run(_forget(who, _actor(actor)))
    except UnknownPerson as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    typer.echo(", ".join(f"{name}: {count}" for name, count in counts.items()))


@app.command("purge-expired")
def purge_expired_command(actor: Annotated[str | None, typer.Option(help=ACTOR_HELP)] = None) -> None:
    """Delete outcomes, agendas, cards, coach requests, bookings, poison messages older than the retention."""
    from shared.container import container
    from shared.services.privacy import purge_expired

    c = container()
    purged = purge_expired(c.store, c.clock.now(), c.settings.retention_days, _actor(actor), queues=c.queues)
    typer.echo(f"purged {purged} records and poison messages older than {c.settings.retention_days} days")
