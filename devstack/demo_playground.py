"""The Microsoft 365 Agents Playground (npm) as a child process, signed in as one person of the demo tenant.

The Playground is a Teams-like web client with its own mock Bot Connector under ``/_connector`` on
the same port as its UI. It simulates one user, ``currentUser`` of its config file
(``M365_AGENTS_PLAYGROUND_CONFIG_PATH``); its UI has no user switch. We write that file so the
Playground user *is* a person of the tenant (``id`` and ``aadObjectId`` = their Entra object id):
the bot's actor check then sees that person, and the bot's proactive ``create_conversation`` for that
person lands in the Playground's personal chat. To act as someone else, stop it and start it again
(same port) as the other person.

Notes: it listens on all interfaces (no host flag in 0.2.28); ``TEAMSAPPTESTER_BROWSER=none`` keeps
it from opening a browser and ``--disable-telemetry`` from calling out.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from devstack.stack import ROOT, Child, StackError, stop_child, wait_for_line

BIN = ROOT / "node_modules" / ".bin" / "agentsplayground"
TENANT_ID = "00000000-0000-0000-0000-0000000000aa"
BOT_ID = "00000000-0000-0000-0000-000000000000"


@dataclass(frozen=True)
class PlaygroundUser:
    object_id: str
    display_name: str
    upn: str


def posix_locale(tag: str) -> str:
    """``de-DE`` -> ``de_DE.UTF-8`` (Node's default locale follows LANG / LC_ALL)."""
    return tag.replace("-", "_") + ".UTF-8"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


MIN_OTHER_USERS = 5  # the Playground's config schema wants at least five other users


def _account(user: PlaygroundUser) -> dict[str, str]:
    given, _, surname = user.display_name.partition(" ")
    return {
        "id": user.object_id,
        "name": user.display_name,
        "userPrincipleName": user.upn,  # sic: the Playground's schema spells it so
        "aadObjectId": user.object_id,
        "givenName": given,
        "surname": surname or given,
        "email": user.upn,
    }


def _placeholder(n: int) -> PlaygroundUser:
    return PlaygroundUser(f"00000000-0000-0000-0000-0000000001{n:02d}", f"Guest User{n}", f"guest{n}@example.invalid")


def config_yaml(user: PlaygroundUser, others: tuple[PlaygroundUser, ...] = ()) -> str:
    """The Playground config: ``user`` signed in, ``others`` in the tenant (JSON is valid YAML)."""
    padding = tuple(_placeholder(n) for n in range(max(0, MIN_OTHER_USERS - len(others))))
    config = {
        "version": "0.1.1",
        "tenantId": TENANT_ID,
        "bot": {"id": BOT_ID, "name": "WeGrow"},
        "currentUser": _account(user),
        "users": [_account(other) for other in (*others, *padding)],
        "personalChat": {"id": f"personal-{user.object_id}"},
        "groupChat": {"id": "group-chat", "name": "Group Chat"},
        "team": {
            "id": "team-id",
            "name": "WeGrow demo",
            "aadGroupId": "00000000-0000-0000-0000-000000000031",
            "channels": [{"id": "channel-general", "name": "General"}],
        },
    }
    return json.dumps(config, indent=2)


class Playground:
    """``start(user)``, ``stop()`` (the UI only), ``close()`` (also the relay).

    ``url`` is the UI; ``connector_url`` is what the bot sends proactive cards to: the relay in
    ``devstack.demo_relay`` in front of the Playground's connector. It keeps its port across restarts.
    """

    def __init__(self, bot_endpoint: str, port: int, relay_port: int, work_dir: Path, locale: str = "") -> None:
        self.bot_endpoint = bot_endpoint
        self.locale = locale  # a BCP 47 tag, e.g. "de-DE": the activities' locale (see devstack.demo_locale_relay)
        self._locale_relay: Child | None = None
        self._locale_url = ""
        self.port = port
        self.relay_port = relay_port
        self.work_dir = work_dir
        self._child: Child | None = None
        self._relay: Child | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def debug_log(self) -> Path:
        """The Playground's own debug log (``M365_AGENTS_PLAYGROUND_LOGFILE``), begun afresh at each start."""
        return self.work_dir / "playground-debug.log"

    def reached_bot(self) -> bool:
        """Whether the Playground has reached the bot endpoint since it started.

        Its page asks the server for its config on load, and the server answers only after it has waited
        (``wait-on``, up to 15 s) for the bot endpoint to answer; it logs ``wait-on(<pid>) complete`` then.
        """
        try:
            text = self.debug_log.read_text(errors="replace")
        except FileNotFoundError:
            return False
        return any(line.startswith("log wait-on(") and line.endswith(" complete") for line in text.splitlines())

    @property
    def connector_url(self) -> str:
        return f"http://127.0.0.1:{self.relay_port}/"

    def _start_relay(self) -> None:
        log_path = self.work_dir / "relay.log"
        log_file = log_path.open("wb")
        command = [sys.executable, "-m", "devstack.demo_relay", "--port", str(self.relay_port),
                   "--target", f"{self.url}/_connector"]  # fmt: skip
        process = subprocess.Popen(command, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        self._relay = Child("relay", process, log_path, log_file)
        wait_for_line(self._relay, "ready ")

    def _bot_url(self) -> str:
        """The bot endpoint, or in front of it the locale relay when the Playground should speak ``locale``."""
        if not self.locale:
            return self.bot_endpoint
        if self._locale_relay is None:
            port = _free_port()
            log_path = self.work_dir / "locale-relay.log"
            log_file = log_path.open("wb")
            command = [sys.executable, "-m", "devstack.demo_locale_relay", "--port", str(port),
                       "--target", self.bot_endpoint, "--locale", self.locale]  # fmt: skip
            process = subprocess.Popen(command, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
            self._locale_relay = Child("locale-relay", process, log_path, log_file)
            wait_for_line(self._locale_relay, "ready ")
            self._locale_url = f"http://127.0.0.1:{port}/api/messages"
        return self._locale_url

    def start(self, user: PlaygroundUser, others: tuple[PlaygroundUser, ...] = ()) -> Playground:
        if not BIN.exists():
            raise StackError(f"{BIN} is missing: run `make node` (npm install) first")
        self.work_dir.mkdir(parents=True, exist_ok=True)
        if self._relay is None:
            self._start_relay()
        config = self.work_dir / "playground.yml"
        config.write_text(config_yaml(user, others))
        self.debug_log.unlink(missing_ok=True)
        log_path = self.work_dir / "playground.log"
        log_file = log_path.open("wb")
        env = {
            **os.environ,
            "TEAMSAPPTESTER_BROWSER": "none",
            "M365_AGENTS_PLAYGROUND_CONFIG_PATH": str(config),
            "M365_AGENTS_PLAYGROUND_LOGFILE": str(self.debug_log),
            **({"LANG": posix_locale(self.locale), "LC_ALL": posix_locale(self.locale)} if self.locale else {}),
        }
        command = [str(BIN), "-e", self._bot_url(), "-c", "msteams", "-p", str(self.port),
                   "--service-url", f"{self.url}/_connector", "--disable-telemetry"]  # fmt: skip
        process = subprocess.Popen(command, cwd=self.work_dir, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        self._child = Child("playground", process, log_path, log_file)
        try:
            self._await_port()
        except BaseException:
            self.stop()
            raise
        return self

    def _await_port(self) -> None:
        assert self._child is not None
        line = wait_for_line(self._child, "Listening on ", timeout=60)
        if line.strip() != f"Listening on {self.port}":
            raise StackError(f"the Playground wanted port {self.port} but says: {line.strip()}")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # it reads its config after listening, and exits if it is bad
            if self._child.process.poll() is not None:
                debug = self.debug_log.read_text(errors="replace")
                raise StackError("the Playground exited:\n" + "\n".join(debug.splitlines()[-4:]))
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url, timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise StackError("the Playground UI did not answer within 30 s")

    def stop(self) -> None:
        """Stop the Playground (its chats are in memory and go with it); the relay stays."""
        if self._child is not None:
            stop_child(self._child)
            self._child = None

    def close(self) -> None:
        self.stop()
        for child in (self._relay, self._locale_relay):
            if child is not None:
                stop_child(child)
        self._relay = self._locale_relay = None
