"""``wegrow``: one Typer app; each capability adds its commands in its own module.

Command modules are imported only when the CLI starts, never by the Functions app.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False, help="WeGrow: regular career conversations for M365.")


@app.callback()
def _root() -> None:
    """Keep ``wegrow <command>`` form even while only one command is registered."""


# Each module registers its commands on ``app`` when imported.
COMMAND_MODULES: tuple[str, ...] = ("shared.cli.config", "shared.cli.ops", "shared.cli.schedule", "shared.cli.privacy")


def run() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name)
    app()


if __name__ == "__main__":
    # ``python -m shared.cli.main`` runs this file as ``__main__``, but the command modules register on
    # the module imported as ``shared.cli.main``: run that module's app, not this copy's empty one.
    importlib.import_module("shared.cli.main").run()
