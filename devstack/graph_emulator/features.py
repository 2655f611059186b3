"""Feature modules: how endpoint groups plug into the emulator.

Each module named in FEATURE_MODULES exposes two functions:

- ``setup(app: web.Application, state: EmulatorState) -> None`` adds its routes, with paths under ``/v1.0/...``.
  Name the user path segment ``{id}`` (``/v1.0/users/{id}/events/{event_id}``): the framework reads it to find the
  mailbox for throttling, and logs the operation as the method plus the route template without ``/v1.0``
  (``GET /users/{id}/events/{event_id}``). Handlers may raise ``errors.GraphError``; the framework turns it into a
  Graph error response. Requests inside ``$batch`` go through the same routes and the same pipeline.
- ``load_tenant(state: EmulatorState, tenant: Tenant) -> None`` seeds the module's sub-state from the generated
  tenant, in ``state.features[<short name>]`` (e.g. ``state.features["calendar"]``). It must build that sub-state
  from scratch and must not mutate the tenant (copy what you change).

Reset (``POST /_emulator/reset``) is ``state.load_core()`` (directory data, log, switches back to their start
values, ``state.features`` emptied) followed by every loaded module's ``load_tenant`` again. There is no separate
``reset`` function.

A module that cannot be imported yet is skipped, and the skip is logged.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from types import ModuleType

from aiohttp import web

from devstack.graph_emulator.state import EmulatorState

FEATURE_MODULES = (
    "devstack.graph_emulator.directory",
    "devstack.graph_emulator.groups",
    "devstack.graph_emulator.calendar",
    "devstack.graph_emulator.teamwork",
    "devstack.graph_emulator.workbook",
    "devstack.graph_emulator.access_policy",
    "devstack.graph_emulator.subscriptions",
    "devstack.graph_emulator.mail",
    "devstack.graph_emulator.learning",
)

log = logging.getLogger(__name__)


def available_modules(names: tuple[str, ...] = FEATURE_MODULES) -> list[ModuleType]:
    """Import the feature modules that exist; log the ones that do not."""
    modules = []
    for name in names:
        if importlib.util.find_spec(name) is None:
            log.warning("graph emulator: feature module %s not found, skipped", name)
            continue
        modules.append(importlib.import_module(name))
    return modules


def setup_features(app: web.Application, state: EmulatorState, modules: list[ModuleType]) -> None:
    for module in modules:
        module.setup(app, state)


def load_features(state: EmulatorState, modules: list[ModuleType]) -> None:
    for module in modules:
        module.load_tenant(state, state.tenant)


def reset_state(state: EmulatorState, modules: list[ModuleType]) -> None:
    """Reseed the same tenant: core data, then every feature module."""
    state.load_core()
    load_features(state, modules)
