"""Azurite (npm) table and queue services on 127.0.0.1, on free ports, for tests and ``make demo``.

In memory by default; with ``location`` the data lives in that folder and survives a restart
(:meth:`Azurite.restart` keeps the ports, so the connection string stays valid).
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "node_modules" / ".bin"
ACCOUNT = "devstoreaccount1"
# Azurite's documented, well-known development key (not a secret).
ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
SERVICES = ("table", "queue")
# Always --disableTelemetry: otherwise Azurite tries to reach the internet.
FLAGS = ("--skipApiVersionCheck", "--loose", "--disableTelemetry", "--silent")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def connection_string(table_port: int, queue_port: int) -> str:
    return (
        f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={ACCOUNT_KEY};"
        f"TableEndpoint=http://127.0.0.1:{table_port}/{ACCOUNT};"
        f"QueueEndpoint=http://127.0.0.1:{queue_port}/{ACCOUNT};"
    )


def wait_for_port(port: int, timeout: float = 60.0, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"azurite exited with code {process.returncode} before opening port {port}")
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"azurite did not open 127.0.0.1:{port} within {timeout:.0f}s")


class Azurite:
    """The table and queue services as two child processes."""

    def __init__(self, location: Path | None = None) -> None:
        self.location = location
        self.ports = {service: free_port() for service in SERVICES}
        self._processes: dict[str, subprocess.Popen[bytes]] = {}

    @property
    def connection_string(self) -> str:
        return connection_string(self.ports["table"], self.ports["queue"])

    def start(self) -> Azurite:
        if self.location is not None:
            self.location.mkdir(parents=True, exist_ok=True)
        for service in SERVICES:
            self._processes[service] = subprocess.Popen(
                self._command(service), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT
            )
        try:
            for service, process in self._processes.items():
                wait_for_port(self.ports[service], process=process)
        except BaseException:
            self.stop()  # never leave a half-started Azurite behind
            raise
        return self

    def stop(self) -> None:
        # SIGINT is Azurite's graceful shutdown: it saves its LokiJS database. On SIGTERM it exits at once and
        # loses the table writes acknowledged since its last autosave (about 5 s), which a restart must not do.
        for process in self._processes.values():
            process.send_signal(signal.SIGINT)
        for process in self._processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._processes.clear()

    def restart(self) -> None:
        """Stop and start again on the same ports (data survives only with ``location``)."""
        self.stop()
        self.start()

    def _command(self, service: str) -> list[str]:
        executable = BIN / f"azurite-{service}"
        if not executable.exists():
            raise RuntimeError(f"{executable} is missing: run `make node` (npm install) first")
        storage = ["--location", str(self.location)] if self.location else ["--inMemoryPersistence"]
        host, port = f"--{service}Host", f"--{service}Port"
        return [str(executable), host, "127.0.0.1", port, str(self.ports[service]), *storage, *FLAGS]

    def __enter__(self) -> Azurite:
        return self.start()

    def __exit__(self, *exc: object | TracebackType) -> None:
        self.stop()
