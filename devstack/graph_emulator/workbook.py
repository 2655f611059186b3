"""Drive items and the Excel workbook API of the emulator, backed by real .xlsx files on disk.

Sub-state: ``state.features["workbook"]`` is a ``Workbooks`` (a ``DriveStore`` plus workbook sessions).
Files live under the data directory: ``app["graph_data_dir"]`` if the framework sets it (``--data-dir``), else
the ``GRAPH_EMULATOR_DATA_DIR`` environment variable, else a temporary directory.
Control API: ``GET /_emulator/drives/{drive}/file?path=...`` returns the raw bytes of a file.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from devstack.graph_emulator import drive_routes, workbook_routes
from devstack.graph_emulator.drive_store import DriveStore
from devstack.graph_emulator.errors import GraphError
from devstack.graph_emulator.state import EmulatorState
from devstack.tenant import Tenant

DATA_DIR_KEY = "graph_data_dir"
ENV_DATA_DIR = "GRAPH_EMULATOR_DATA_DIR"


@dataclass
class Workbooks:
    drives: DriveStore
    sessions: dict[str, tuple[str, bool]] = field(default_factory=dict)  # session id -> (item id, persistChanges)

    def open_session(self, item_id: str, persist: bool) -> str:
        session = str(uuid.uuid4())
        self.sessions[session] = (item_id, persist)
        return session

    def check_session(self, session: str | None, item_id: str) -> None:
        if session is not None and self.sessions.get(session, ("", False))[0] != item_id:
            raise GraphError(404, "InvalidSessionReCreatable", "The workbook session was not found or has expired.")


_data_dirs: dict[int, Path] = {}


def data_dir(app: web.Application | None, state: EmulatorState) -> Path:
    """Where files go; chosen once per state so that a reset keeps the same directory."""
    key = id(state)
    if key not in _data_dirs:
        configured = (app.get(DATA_DIR_KEY) if app is not None else None) or os.environ.get(ENV_DATA_DIR)
        _data_dirs[key] = Path(configured) if configured else Path(tempfile.mkdtemp(prefix="graph-emulator-"))
        _data_dirs[key].mkdir(parents=True, exist_ok=True)
    return _data_dirs[key]


def workbooks(state: EmulatorState) -> Workbooks:
    found = state.features.get("workbook")
    if not isinstance(found, Workbooks):
        found = Workbooks(DriveStore(data_dir(None, state)))
        state.features["workbook"] = found
    return found


def setup(app: web.Application, state: EmulatorState) -> None:
    data_dir(app, state)
    drive_routes.add_routes(app, state, workbooks)
    workbook_routes.add_routes(app, state, workbooks)


def load_tenant(state: EmulatorState, tenant: Tenant) -> None:
    """Drives start empty; a reset forgets items and sessions (files of the old items stay on disk)."""
    state.features["workbook"] = Workbooks(DriveStore(data_dir(None, state)))


def body_of(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
