"""Viva Learning end to end on Azurite and the Graph emulator (msgraph-sdk over HTTP): the sync stores the seeded
provider's active contents, a logged training action's card shows three suggestions, "Assign as recommended"
creates one learningCourseActivity on the emulator, and without a licence the card shows none and the health
summary says why."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from devstack.graph_emulator import learning_catalog as seeded
from shared.adapters.config_file import load_company_config
from shared.adapters.storage.tables import TableStore
from shared.container.cards import render_kind
from shared.ports.learning import LearningCatalog
from shared.services.card_action_submit import handle_card_action
from shared.services.card_actions import Verdict
from shared.services.card_records import CardKind, CardRecord, CardStatus, card_id, insert_card
from shared.services.health_notices import notices
from shared.services.learning_assign import assign_recommended
from shared.services.learning_records import LEARNING, stored_contents
from shared.services.learning_sync import sync_learning
from shared.services.outcome_cards import rebuilt_view
from tests.fixtures.graph import GraphEmulator
from tests.unit.test_outcomes_world import FixedClock, seed_pair

pytestmark = pytest.mark.integration
CONFIG = load_company_config()
PROVIDERS = [seeded.provider_id("contoso-academy")]
START = "2026-03-10T09:00:00+00:00"
CLOCK = FixedClock(datetime(2026, 3, 10, 15, tzinfo=UTC))


@pytest.fixture
async def catalog(graph: GraphEmulator) -> AsyncIterator[LearningCatalog]:
    from shared.adapters.graph.client import aclose_graph_client, build_graph_client
    from shared.adapters.graph.learning import GraphLearningCatalog
    from shared.config import load_settings
    from tests.contract.test_graph_adapter_support import FAST_POLICY

    settings = load_settings(storage_connection="UseDevelopmentStorage=true", graph_base_url=graph.base_url)
    client = build_graph_client(settings, http_client=httpx.AsyncClient(timeout=30))
    try:
        yield GraphLearningCatalog(client, policy=FAST_POLICY)
    finally:
        await aclose_graph_client(client)


def pair(graph: GraphEmulator, store: TableStore) -> tuple[str, str]:
    people = [p for p in graph.tenant()["people"] if p["accountEnabled"]]
    manager, report = people[0]["id"], people[1]["id"]
    seed_pair(store, manager, report)
    return manager, report


def logged_view(store: TableStore, manager: str, report: str) -> dict[str, Any]:
    cid = card_id("occ-learning", CardKind.OUTCOME)
    ids = {"managerId": manager, "start": START, "cardId": cid}
    insert_card(store, CardRecord(cid, CardKind.OUTCOME, "occ-learning", manager, report, CardStatus.SENT, ids))
    fields = {"text": "Kubernetes upgrades course", "quadrant": "sweet_spot", "type": "training", "gap": "knowledge",
              "initiative": "platform-migration", "owner": report, "due": "2026-05-30"}  # fmt: skip
    data = {"cardId": cid, **{f"action_1_{key}": value for key, value in fields.items()}}
    reply = handle_card_action(store, CLOCK, "outcome.log", data, manager, config=lambda: CONFIG)
    assert reply.verdict is Verdict.ACCEPTED and reply.rebuilt, reply
    return dict(reply.view)


async def test_a_training_outcome_offers_three_and_assigning_creates_an_activity_on_graph(
    graph: GraphEmulator, azurite_store: TableStore, catalog: LearningCatalog
) -> None:
    store = azurite_store
    manager, report = pair(graph, store)
    summary = await sync_learning(store, catalog, PROVIDERS, CLOCK.now())
    active = [c for c in seeded.CONTENTS if c[0] == "contoso-academy" and c[1] not in seeded.INACTIVE]
    assert summary.contents == len(active) == len(stored_contents(store))
    view = logged_view(store, manager, report)
    (action,) = view["loggedActions"]
    assert len(action["suggestions"]) == 3
    card = render_kind(CardKind.OUTCOME, view)
    assert json.dumps(card).count('"learning.assign"') == 3
    chosen = action["suggestions"][0]

    def rebuild(found: Any) -> dict[str, Any] | None:
        return rebuilt_view(store, CONFIG, found, CLOCK.now())

    data = {"cardId": view["cardId"], "actionId": chosen["actionId"], "contentId": chosen["contentId"]}
    refused = await assign_recommended(store, catalog, CLOCK, CONFIG, data, report, rebuild, timedelta(days=14))
    assert refused.verdict is Verdict.REFUSED
    reply = await assign_recommended(store, catalog, CLOCK, CONFIG, data, manager, rebuild, timedelta(days=14))
    assert reply.verdict is Verdict.ACCEPTED and reply.view["loggedActions"][0]["assignedTitle"] == chosen["title"]
    (stored,) = store.query(LEARNING, "activity")
    url = f"{graph.base_url}/employeeExperience/learningCourseActivities/{stored.data['activity_id']}"
    async with httpx.AsyncClient(timeout=30) as http:
        made = (await http.get(url)).json()
    assert made["learnerUserId"] == report and made["learningContentId"] == chosen["contentId"]
    assert made["assignmentType"] == "recommended" and made["assignerUserId"] == manager


async def test_without_a_licence_the_card_omits_suggestions_and_health_says_why(
    graph: GraphEmulator, azurite_store: TableStore, catalog: LearningCatalog
) -> None:
    store = azurite_store
    manager, report = pair(graph, store)
    await sync_learning(store, catalog, PROVIDERS, CLOCK.now())
    async with httpx.AsyncClient(timeout=30) as http:
        (await http.post(f"{graph.root}/_emulator/learning", json={"licensed": False})).raise_for_status()
    summary = await sync_learning(store, catalog, PROVIDERS, CLOCK.now())
    assert summary.unavailable == "licence" and stored_contents(store) == []
    view = logged_view(store, manager, report)
    assert view["loggedActions"][0]["suggestions"] == []
    (notice,) = notices(store)
    assert notice.topic == "learning" and "licence" in notice.message
