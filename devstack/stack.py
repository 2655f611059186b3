"""The whole local stack as child processes on free 127.0.0.1 ports: Azurite, Graph emulator, connector, runner.

Used by ``make demo``, the browser test and the bench::

    with Stack(StackOptions(people=300)) as stack:
        stack.env        # the WEGROW_* settings every process got (pass them to a Container)
        stack.bot_endpoint

Each child's stdout and stderr go to ``<log_dir>/<name>.log``; a child is ready when its log shows
its ``ready`` line. ``stop()`` ends exactly the processes this object started (by PID), in reverse
order, and runs on errors and Ctrl-C too (context manager).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO

from devstack.azurite import Azurite, free_port

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0


class StackError(RuntimeError):
    """A child process failed to start; the message names it and the tail of its log."""


@dataclass(frozen=True)
class StackOptions:
    people: int = 300
    seed: int = 7
    log_dir: Path | None = None
    schedule_timers: bool = False  # False: timers fire only on demand (POST /admin/functions/NAME)
    connector_url: str | None = None  # another connector (e.g. the Agents Playground's) instead of the emulator
    functions_port: int | None = None  # choose it up front when a client must know the endpoint before start
    extra_env: dict[str, str] = field(default_factory=dict)
    # Graph change notifications: the runner's loopback URL as the public base, and a local clientState key
    notifications: bool = False


# Not a secret: the local stack's clientState key (real deployments get a generated Key Vault secret).
LOCAL_NOTIFICATION_SECRET = "local-stack-notification-key-not-secret-0123456789"


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    log_file: IO[bytes]

    def log_tail(self, lines: int = 15) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def wait_for_line(child: Child, prefix: str, timeout: float = READY_TIMEOUT_S) -> str:
    """The first line of the child's log starting with ``prefix`` (StackError if it exits or times out)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in child.log_path.read_text(errors="replace").splitlines():
            if line.startswith(prefix):
                return line
        if child.process.poll() is not None:
            raise StackError(f"{child.name} exited with code {child.process.returncode}:\n{child.log_tail()}")
        time.sleep(0.05)
    raise StackError(f"{child.name} printed no '{prefix}' line within {timeout:.0f}s:\n{child.log_tail()}")


def stop_child(child: Child) -> None:
    if child.process.poll() is None:
        child.process.terminate()
        try:
            child.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            child.process.kill()
            child.process.wait()
    child.log_file.close()


class Stack:
    """Start with :meth:`start` (or ``with``); the URLs and ``env`` are valid once it returns."""

    def __init__(self, options: StackOptions | None = None) -> None:
        self.options = options or StackOptions()
        self.log_dir = self.options.log_dir or Path(tempfile.mkdtemp(prefix="wegrow-stack-"))
        self.azurite: Azurite | None = None
        self.children: list[Child] = []
        self.graph_url = ""
        self.connector_url = ""
        self.functions_port = self.options.functions_port or free_port()

    @property
    def functions_url(self) -> str:
        return f"http://127.0.0.1:{self.functions_port}"

    @property
    def bot_endpoint(self) -> str:
        return f"{self.functions_url}/api/messages"

    @property
    def graph_root(self) -> str:
        return self.graph_url.removesuffix("/v1.0")

    @property
    def env(self) -> dict[str, str]:
        """The settings the Functions runner gets (also what an in-process Container needs)."""
        assert self.azurite is not None, "start the stack first"
        return {
            "WEGROW_ENV": "local",
            "WEGROW_BOT_AUTH": "anonymous",
            "WEGROW_GRAPH_BASE_URL": self.graph_url,
            "WEGROW_STORAGE_CONNECTION": self.azurite.connection_string,
            "AzureWebJobsStorage": self.azurite.connection_string,
            "WEGROW_CONNECTOR_URL": self.connector_url,
            "WEGROW_TENANT_ID": "00000000-0000-0000-0000-0000000000aa",
            **(self._notification_env() if self.options.notifications else {}),
            **self.options.extra_env,
        }

    def _notification_env(self) -> dict[str, str]:
        return {"WEGROW_PUBLIC_BASE_URL": self.functions_url, "WEGROW_NOTIFICATION_SECRET": LOCAL_NOTIFICATION_SECRET}

    def start(self) -> Stack:
        try:
            self._start_all()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_all(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.azurite = Azurite()
        self.azurite.start()
        opts = self.options
        graph = self._spawn("graph", "devstack.graph_emulator", "--port", "0", "--people", str(opts.people),
                            "--seed", str(opts.seed))  # fmt: skip
        connector = self._spawn("connector", "devstack.connector_emulator", "--port", "0")
        self.graph_url = wait_for_line(graph, "ready ").removeprefix("ready ")
        self.connector_url = opts.connector_url or wait_for_line(connector, "ready ").removeprefix("ready ") + "/"
        flags = [] if opts.schedule_timers else ["--no-schedule"]
        runner = self._spawn("functions", "devstack.functions_host", "--port", str(self.functions_port), *flags,
                             env=self.env)  # fmt: skip
        wait_for_line(runner, "ready ")

    def _spawn(self, name: str, module: str, *args: str, env: dict[str, str] | None = None) -> Child:
        log_path = self.log_dir / f"{name}.log"
        log_file = log_path.open("wb")
        child_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        process = subprocess.Popen(
            [sys.executable, "-m", module, *args], cwd=ROOT, env=child_env,
            stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        child = Child(name, process, log_path, log_file)
        self.children.append(child)
        return child

    def stop(self) -> None:
        """End exactly the processes this stack started, newest first."""
        while self.children:
            stop_child(self.children.pop())
        if self.azurite is not None:
            self.azurite.stop()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object | TracebackType) -> None:
        self.stop()
