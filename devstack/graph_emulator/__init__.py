"""A stateful Microsoft Graph v1.0 emulator on loopback (see docs/graph-emulator.md).

Importing this package does no work; `build_app` and `serve_in_thread` build and start the server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiohttp import web

    from devstack.graph_emulator.server import RunningEmulator


def build_app(**kwargs: Any) -> web.Application:
    from devstack.graph_emulator.app import build_app as build

    return build(**kwargs)


def serve_in_thread(**kwargs: Any) -> RunningEmulator:
    from devstack.graph_emulator.server import serve_in_thread as serve

    return serve(**kwargs)


__all__ = ["build_app", "serve_in_thread"]
