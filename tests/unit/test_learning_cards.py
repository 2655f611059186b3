"""Viva Learning on the cards, with the fake catalog: the sync stores active contents, a logged training action
shows up to three suggestions, "Assign as recommended" assigns once for the card's recipient only, the next agenda
shows completion, and without a licence the cards omit suggestions and the health summary says why once."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from devstack.graph_emulator import learning_catalog as seeded
from shared.adapters.config_file import load_company_config
from shared.container.cards import render_kind
from shared.ports.learning import LearningContent
from shared.services.card_actions import CardReply, Verdict
from shared.services.card_content import agenda_data
from shared.services.card_records import CardKind, find_card
from shared.services.health_notices import notices
from shared.services.learning_assign import assign_recommended
from shared.services.learning_sync import sync_learning
from shared.services.outcome_cards import rebuilt_view
from tests.fakes.learning import FakeLearningCatalog
from tests.fakes.storage import InMemoryStore
from tests.unit.test_card_actions_outcomes import CLOCK_FIRST, FIRST, log, slot
from tests.unit.test_card_content_open_actions import meeting
from tests.unit.test_outcomes_world import FixedClock, seed_pair

pytestmark = pytest.mark.unit
CONFIG = load_company_config()
PROVIDER = seeded.provider_id("contoso-academy")
EXPIRY = timedelta(days=14)


def contents() -> list[LearningContent]:
    return [
        LearningContent(
            seeded.content_id(ext), seeded.provider_id(key), title, "Contoso Academy",
            f"https://learning.test/{ext}", timedelta(minutes=90), tuple(tags), active=ext not in seeded.INACTIVE,
        )
        for key, ext, title, _, _, tags in seeded.CONTENTS
        if key == "contoso-academy"
    ]  # fmt: skip


def world() -> tuple[InMemoryStore, FakeLearningCatalog]:
    store = InMemoryStore()
    seed_pair(store, "grace", "ada")
    return store, FakeLearningCatalog(contents(), syncing=[PROVIDER], learners=["ada", "grace"])


def logged_card(store: InMemoryStore) -> dict[str, Any]:
    inputs = slot(1, text="Kubernetes upgrades course", initiative="platform-migration", gap="knowledge")
    reply = log(store, "occ-1", FIRST, CLOCK_FIRST, **inputs, **slot(2, type="manage", gap="time", text="Focus hour"))
    assert reply.verdict is Verdict.ACCEPTED, reply
    return dict(reply.view)


def assign(store: InMemoryStore, catalog: FakeLearningCatalog, data: dict[str, Any], actor: str) -> CardReply:
    card = find_card(store, str(data["cardId"]))
    assert card is not None

    def rebuild(found: Any) -> dict[str, Any] | None:
        return rebuilt_view(store, CONFIG, found, CLOCK_FIRST.now())

    return asyncio.run(assign_recommended(store, catalog, CLOCK_FIRST, CONFIG, data, actor, rebuild, EXPIRY))


def test_a_logged_training_action_offers_three_and_assigning_one_makes_one_activity() -> None:
    store, catalog = world()
    summary = asyncio.run(sync_learning(store, catalog, [PROVIDER], CLOCK_FIRST.now()))
    assert summary.contents == len([c for c in contents() if c.active])
    view = logged_card(store)
    training, managing = view["loggedActions"]
    assert len(training["suggestions"]) == 3 and managing["suggestions"] == []
    assert all("Kubernetes" in s["title"] or "Helm" in s["title"] for s in training["suggestions"][:2])
    rendered = json.dumps(render_kind(CardKind.OUTCOME, view))
    assert rendered.count('"learning.assign"') == 3
    chosen = training["suggestions"][0]
    data = {"cardId": view["cardId"], "actionId": chosen["actionId"], "contentId": chosen["contentId"]}
    assert assign(store, catalog, data, "ada").verdict is Verdict.REFUSED  # the employee cannot use the manager's card
    assert catalog.activities == {}
    first, again = assign(store, catalog, data, "grace"), assign(store, catalog, data, "grace")
    assert first.verdict is Verdict.ACCEPTED and again.verdict is Verdict.ACCEPTED
    (activity,) = catalog.activities.values()
    assert (activity.learner_id, activity.content_id) == ("ada", chosen["contentId"])
    shown = first.view["loggedActions"][0]
    assert shown["suggestions"] == [] and shown["assignedTitle"] == chosen["title"]
    assert shown["assignedStatus"] == "notStarted"


def test_content_not_offered_for_the_action_is_refused() -> None:
    store, catalog = world()
    asyncio.run(sync_learning(store, catalog, [PROVIDER], CLOCK_FIRST.now()))
    view = logged_card(store)
    retired = seeded.content_id("CA-K8S-401")
    reply = assign(store, catalog, {"cardId": view["cardId"], "actionId": "a1", "contentId": retired}, "grace")
    managing = assign(store, catalog, {"cardId": view["cardId"], "actionId": "a2", "contentId": retired}, "grace")
    assert reply.verdict is Verdict.REFUSED and managing.verdict is Verdict.REFUSED
    assert catalog.activities == {}


def test_completion_shows_on_the_next_agenda_after_the_sync() -> None:
    store, catalog = world()
    asyncio.run(sync_learning(store, catalog, [PROVIDER], CLOCK_FIRST.now()))
    view = logged_card(store)
    chosen = view["loggedActions"][0]["suggestions"][0]
    assign(store, catalog, {"cardId": view["cardId"], "actionId": "a1", "contentId": chosen["contentId"]}, "grace")
    (activity_id,) = catalog.activities
    catalog.complete(activity_id, datetime(2026, 3, 20, tzinfo=UTC))
    before = agenda_data(store, CONFIG, meeting(store))
    assert [a["learning"] for a in before["openActions"] if a["typeLabel"] == "Training"] == ["notStarted"]
    asyncio.run(sync_learning(store, catalog, [PROVIDER], FixedClock().now()))
    after = agenda_data(store, CONFIG, meeting(store))
    assert [a["learning"] for a in after["openActions"] if a["typeLabel"] == "Training"] == ["completed"]
    assert "Recommended course: completed" in json.dumps(render_kind(CardKind.AGENDA, {**after, "cardId": "c"}))


def test_without_a_licence_no_suggestions_and_the_health_summary_says_why_once() -> None:
    store, catalog = world()
    asyncio.run(sync_learning(store, catalog, [PROVIDER], CLOCK_FIRST.now()))
    catalog.licensed = False
    asyncio.run(sync_learning(store, catalog, [PROVIDER], CLOCK_FIRST.now()))
    asyncio.run(sync_learning(store, catalog, [PROVIDER], CLOCK_FIRST.now() + timedelta(days=1)))
    (notice,) = notices(store)
    assert notice.reason == "licence" and "licence" in notice.message and notice.since == CLOCK_FIRST.now()
    view = logged_card(store)
    assert all(action["suggestions"] == [] for action in view["loggedActions"])
    catalog.licensed = True
    asyncio.run(sync_learning(store, catalog, [PROVIDER], CLOCK_FIRST.now()))
    assert notices(store) == ()
