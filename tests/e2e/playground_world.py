"""The world of the browser test: the local stack with the Agents Playground as the Teams client.

The stack's Functions runner sends its proactive cards to ``devstack.demo_relay``, which forwards to
the Playground's mock connector; the Playground posts its activities (messages, Action.Execute
invokes) to the runner's ``/api/messages``. Setup reads the Store only to choose whom to sign in as.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from devstack.demo_playground import Playground, PlaygroundUser
from devstack.stack import Stack, StackOptions
from shared.config import load_settings
from shared.container import Container
from shared.domain.people import Person
from shared.services.scheduling_messages import SCHEDULE_PAIR
from shared.services.scheduling_records import SERIES, load_person
from shared.services.sync_org import PAIR_CHANGED
from tests.conftest import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip
REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "out" / "e2e"
PEOPLE = 40


class PlaygroundRetried(UserWarning):
    """A browser-test step was retried after the Playground did not answer; pyproject shows it (not an error)."""


def require_chromium() -> None:
    """Fail (not skip) with the way to fix it: the browser test is part of ``make test``."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` as root (apt-get install chromium)", pytrace=False)


@dataclass
class World:
    stack: Stack
    playground: Playground
    container: Container
    manager: Person
    employee: Person
    out: Path = OUT  # this module's screenshots and logs

    def user(self, person: Person) -> PlaygroundUser:
        return PlaygroundUser(person.id, person.display_name, person.upn)

    def sign_in(self, person: Person | PlaygroundUser) -> None:
        """The Playground simulates one user: restart it (same ports) as ``person``.

        The other person is deliberately not in its user list: a card for them must fail (500
        ``UserNotFound``) and be retried by the queue until they are signed in. Listed, the Playground
        opens a throwaway conversation for them and the card is "sent" into a chat nobody will see.
        """
        self.playground.stop()
        self.playground.start(person if isinstance(person, PlaygroundUser) else self.user(person))

    def runner_log(self) -> list[str]:
        """The lines the stack's Functions runner has logged so far."""
        return (self.out / "logs" / "functions.log").read_text(errors="replace").splitlines()

    def run_function(self, name: str, message: dict[str, Any] | None = None) -> None:
        """The host's admin endpoint: fire a timer, or run a queue function on one message (JSON text)."""
        body = {"input": json.dumps(message)} if message is not None else {}
        response = httpx.post(f"{self.stack.functions_url}/admin/functions/{name}", json=body, timeout=120)
        assert response.status_code == 202, f"{name}: {response.status_code} {response.text}"


def run_cycle(env: dict[str, str]) -> None:
    wegrow = str(Path(sys.executable).parent / "wegrow")
    done = subprocess.run([wegrow, "cycle", "--steps", "sync,plan,schedule", "--json"], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, f"wegrow cycle failed: {done.stderr[-2000:]}"


def pick_pair(container: Container, avoid: frozenset[str] = frozenset()) -> tuple[Person, Person] | None:
    """A manager and report whose first conversation is within the card lead time (so the prep card is due).

    None until the scheduling queues are empty: the stack's runner polls ``schedule-pair`` and
    ``pair-changed`` too, so it may have leased some of the cycle's messages and still be working on them.
    """
    if any(container.queues.length(queue) for queue in (SCHEDULE_PAIR, PAIR_CHANGED)):
        return None
    now = datetime.now(UTC)
    lead = timedelta(days=container.settings.card_lead_days)
    for row in container.store.query(SERIES):
        first = row.data.get("first_start")
        if row.data.get("state") == "active" and first and now < datetime.fromisoformat(str(first)) < now + lead:
            manager, employee = load_person(container.store, row.partition), load_person(container.store, row.row)
            if manager is not None and employee is not None and not {manager.upn.lower(), employee.upn.lower()} & avoid:
                return manager, employee
    return None


def wait_until(condition: Callable[[], object], what: str, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def _clean(out: Path, whole: bool) -> None:
    """Remove an earlier run's output; the unnamed world leaves the other modules' folders (they may be running)."""
    if whole:
        shutil.rmtree(out, ignore_errors=True)
        return
    for folder in (out / "logs", out / "playground"):
        shutil.rmtree(folder, ignore_errors=True)
    for path in out.glob("*.*"):
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def started_world(
    name: str = "", locale: str = "", extra_env: dict[str, str] | None = None, avoid: frozenset[str] = frozenset()
) -> Iterator[World]:
    """The stack, the cycle, a pair whose prep card is due, and the Playground signed in as its employee.

    ``name`` keeps each test module's screenshots and logs apart (``out/e2e/<name>``); ``locale`` is the
    Playground's activities' BCP 47 locale (``devstack.demo_locale_relay``); the pair has nobody whose UPN is
    in ``avoid``.
    """
    require_chromium()
    out = OUT / name if name else OUT
    _clean(out, whole=bool(name))
    relay_port = free_port()
    # a week of lead time: the stricter demo tenant has fewer free slots, and at some hours no small team has a
    # conversation inside the default three days
    env = {"WEGROW_CARD_LEAD_DAYS": "7", **(extra_env or {})}
    options = StackOptions(
        people=PEOPLE, connector_url=f"http://127.0.0.1:{relay_port}/", log_dir=out / "logs", extra_env=env
    )
    stack = Stack(options).start()
    playground = Playground(stack.bot_endpoint, free_port(), relay_port, out / "playground", locale=locale)
    try:
        run_cycle({**os.environ, **stack.env})
        container = Container(load_settings(**{k.removeprefix("WEGROW_").lower(): v for k, v in stack.env.items()
                                               if k.startswith("WEGROW_")}))  # fmt: skip
        what = "empty scheduling queues and a series that starts within the card lead time"
        manager, employee = wait_until(lambda: pick_pair(container, avoid), what, timeout=300)
        world = World(stack, playground, container, manager, employee, out)
        world.sign_in(employee)
        yield world
    finally:
        playground.close()
        stack.stop()


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with started_world() as started:
        yield started
