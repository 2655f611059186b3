"""Each thread's kept-alive connections to Table Storage (``table_http``): its own, and spares for GETs sent at once.

A connection is opened by http.client (TLS with certifi's CA bundle, or ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE`` as
``requests`` read them; a proxy from ``HTTPS_PROXY``/``HTTP_PROXY`` and ``NO_PROXY``, tunnelled for HTTPS) and then
written and read directly (``table_wire.Wire``). Every connection is closed with the client: no socket is left open.
"""

from __future__ import annotations

import http.client
import os
import threading
import weakref
from typing import Any
from urllib.parse import urlsplit

from shared.adapters.storage.table_wire import Wire

TIMEOUT_S = 60.0
_CA_BUNDLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")  # what requests reads, in its order


class Connections:
    """The kept-alive connections of each thread to one ``scheme://host``."""

    def __init__(self, scheme: str, host: str) -> None:
        self.scheme, self.host = scheme, host
        self._local = threading.local()
        self._proxy = _proxy_for(scheme, host)  # read once: scanning os.environ per call costs
        self.plain_proxy = bool(self._proxy) and scheme == "http"  # then a request's target is the absolute URL
        self._open: set[Wire] = set()
        weakref.finalize(self, _close_all, self._open)

    def main(self) -> tuple[Wire, bool]:
        """This thread's connection, and whether it was open already."""
        wire: Wire | None = getattr(self._local, "wire", None)
        if wire is not None:
            return wire, True
        wire = self._local.wire = self._opened()
        return wire, False

    def several(self, count: int) -> list[Wire]:
        """``count`` connections of this thread: its own, then spares (kept alive too), opened as needed."""
        spares: list[Wire] = getattr(self._local, "spares", None) or []
        while len(spares) < count - 1:
            spares.append(self._opened())
        self._local.spares = spares
        return [self.main()[0], *spares[: count - 1]]

    def drop(self, wire: Wire) -> None:
        """Close ``wire`` and forget it (a failed or closing connection; the next call opens another)."""
        if getattr(self._local, "wire", None) is wire:
            self._local.wire = None
        spares: list[Wire] = getattr(self._local, "spares", None) or []
        if wire in spares:
            spares.remove(wire)
        self._open.discard(wire)
        wire.close()

    def _opened(self) -> Wire:
        wire = Wire(self._connect())
        self._open.add(wire)
        return wire

    def _connect(self) -> http.client.HTTPConnection:
        target = urlsplit(self._proxy).netloc if self._proxy else self.host
        if self.scheme == "https":
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                target, timeout=TIMEOUT_S, context=_tls_context()
            )
            if self._proxy:
                connection.set_tunnel(self.host)
        else:
            connection = http.client.HTTPConnection(target, timeout=TIMEOUT_S)
        connection.connect()
        return connection


def _close_all(wires: set[Wire]) -> None:
    for wire in list(wires):
        wire.close()
    wires.clear()


def _proxy_for(scheme: str, host: str) -> str | None:
    if not any(key.lower().endswith("_proxy") for key in os.environ):
        return None
    from urllib.request import getproxies, proxy_bypass

    proxy = getproxies().get(scheme)
    return None if not proxy or proxy_bypass(host.split(":")[0]) else proxy


_TLS: list[Any] = []


def _tls_context() -> Any:
    """One TLS context per process: the CA bundle from the environment, else certifi's, as ``requests`` had it."""
    if not _TLS:
        import ssl

        bundle = next((os.environ[name] for name in _CA_BUNDLES if os.environ.get(name)), None)
        if bundle is None:
            import certifi

            bundle = certifi.where()
        _TLS.append(ssl.create_default_context(cafile=bundle))
    return _TLS[0]
