"""Shared pytest setup. Server fixtures (Azurite, emulators) live in tests/fixtures/ as plugins."""

from __future__ import annotations

import socket

import pytest
from hypothesis import HealthCheck, settings

# CI shares its two cores with other jobs: a slow draw there says nothing about the code, so the "too slow" health
# check and per-example deadlines are off for every property (each test still sets its own example count).
settings.register_profile("wegrow", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("wegrow")

pytest_plugins: list[str] = [
    "tests.fixtures.graph",
    "tests.fixtures.azurite",
    "tests.fixtures.jwks",
    "tests.fixtures.connector",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from tests.property_depth import deepen, examples_wanted
    from tests.scheduling_order import longest_modules_first

    longest_modules_first(items)
    examples = examples_wanted()
    if examples is not None:  # make fuzz
        deepen(items, examples)


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (servers we start listen only on loopback)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse any connection that is not to loopback: tests never call the internet."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        if isinstance(address, tuple) and address and str(address[0]) not in {"127.0.0.1", "localhost", "::1"}:
            raise RuntimeError(f"test tried to reach {address!r}: only loopback is allowed")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)
