"""The bot's first chat turn loads only what it needs (cold start), and the verbs the bot registers ahead of
loading the card-action modules are the ones those modules own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from shared.adapters.teams import agent
from shared.container import QueuesOnFirstUse
from shared.ports.storage import Queues
from shared.services import card_actions, learning_views, no_slot_booking, reminder_cards
from tests.fakes.storage import InMemoryQueues

ROOT = Path(__file__).resolve().parents[2]


def test_registered_verbs_are_the_owning_modules_verbs() -> None:
    assert tuple(card_actions.VERB_KINDS) == agent.SUBMIT_VERBS
    assert agent.REFRESH_VERB == card_actions.REFRESH_VERB
    assert agent.LOG_OUTCOMES_VERB == card_actions.LOG_OUTCOMES_VERB
    assert agent.BOOK_VERB == no_slot_booking.BOOK_VERB
    assert agent.REMINDER_OPEN_VERB == reminder_cards.OPEN_VERB
    assert agent.ASSIGN_VERB == learning_views.ASSIGN_VERB


# A fresh interpreter builds the bot and answers "help" in memory, then lists what got imported.
PROBE = """
import asyncio, json, sys
from types import SimpleNamespace
from shared.adapters.teams.bot_messages import BotServices, reply_to
from shared.adapters.teams.agent import build_bot
from shared.config import load_settings
from shared.ports.clock import SystemClock
from tests.fakes.storage import InMemoryQueues, InMemoryStore

settings = load_settings(storage_connection="UseDevelopmentStorage=true")
services = BotServices(InMemoryStore(), InMemoryQueues(), SystemClock(), settings, default_language=lambda: "en")
build_bot(settings, services)
context = SimpleNamespace(activity=SimpleNamespace(locale="en-US", conversation=None))
reply = reply_to(services, "help", "u", context)
later = ("shared.adapters.teams.agenda_commands", "shared.services.card_actions", "shared.domain.planning",
         "shared.adapters.teams.views", "azure.storage.queue")
print(json.dumps({"reply": bool(reply), "loaded": [m for m in later if m in sys.modules]}))
"""


def test_building_the_bot_and_answering_help_loads_no_agenda_card_or_queue_module() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"reply": True, "loaded": []}


def test_queues_on_first_use_builds_the_queues_once_on_the_first_call() -> None:
    built: list[InMemoryQueues] = []

    def build() -> Queues:
        if not built:
            built.append(InMemoryQueues())
        return built[0]

    queues = QueuesOnFirstUse(build)
    assert built == []
    queues.send("send-card", {"card": 1})
    assert queues.length("send-card") == 1
    (message,) = queues.receive("send-card")
    assert message.body == {"card": 1}
    queues.release("send-card", message)
    (again,) = queues.receive("send-card")
    queues.complete("send-card", again)
    assert queues.length("send-card") == 0
    assert len(built) == 1


STORE_PROBE = """
import json, sys
from shared.adapters.storage.tables import TableStore
from shared.config import load_settings

store = TableStore.from_settings(load_settings(storage_connection="UseDevelopmentStorage=true"))
heavy = ("azure.data.tables", "azure.core", "requests", "urllib3", "isodate")
print(json.dumps({"url": store._http.base_url, "loaded": [m for m in heavy if m in sys.modules]}))
"""


def test_the_table_store_is_built_from_a_connection_string_without_the_azure_sdk() -> None:
    """The Store signs its own requests: azure-data-tables (azure-core's pipeline, requests, urllib3) was about 70 ms
    of a cold worker's first bot turn only to read the connection string."""
    result = subprocess.run([sys.executable, "-c", STORE_PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"url": "http://127.0.0.1:10002/devstoreaccount1", "loaded": []}
