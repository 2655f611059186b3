"""One LearningCatalog contract suite, run against FakeLearningCatalog and GraphLearningCatalog on the emulator.

Both list a provider's contents with their skill tags, make a "recommended" assignment once per key, read it back
(with its completion, as the provider reports it), and refuse as Graph does: no licence, no permission, a provider
that is not registered or takes no course activities, a learner without the licence, content of another provider.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from devstack.graph_emulator import learning_catalog as catalog
from shared.ports.learning import (
    AssignmentRefused,
    AssignmentRequest,
    LearningCatalog,
    LearningContent,
    LearningUnavailable,
    UnavailableReason,
)
from tests.fakes.learning import FakeLearningCatalog

pytestmark = pytest.mark.contract
PROVIDER = catalog.provider_id("contoso-academy")
NO_SYNC = catalog.provider_id("fabrikam-library")
KUBERNETES = catalog.content_id("CA-K8S-101")
OTHER_PROVIDERS = catalog.content_id("FL-K8S-9")


@dataclass
class LearningWorld:
    catalog: LearningCatalog
    learner: str
    manager: str
    without_licence: Callable[[], None]
    without_permission: Callable[[], None]
    learner_unlicensed: Callable[[str], None]
    complete: Callable[[str], None]


def fake_world() -> LearningWorld:
    def item(provider: str, external: str, title: str, tags: tuple[str, ...]) -> LearningContent:
        return LearningContent(
            catalog.content_id(external), provider, title, "Contoso Academy", "https://x", timedelta(hours=1), tags
        )

    items = [
        item(PROVIDER, "CA-K8S-101", "Kubernetes operations fundamentals", ("Kubernetes",)),
        item(PROVIDER, "CA-DATA-201", "SQL for the curious", ("Data literacy", "SQL")),
        item(NO_SYNC, "FL-K8S-9", "Kubernetes in a weekend", ("Kubernetes",)),
    ]
    fake = FakeLearningCatalog(items, syncing=[PROVIDER], learners=["learner", "manager"])

    def unlicensed(learner: str) -> None:
        fake.unlicensed_learners.add(learner)

    return LearningWorld(
        fake,
        "learner",
        "manager",
        lambda: setattr(fake, "licensed", False),
        lambda: setattr(fake, "permitted", False),
        unlicensed,
        lambda ident: fake.complete(ident, datetime(2026, 3, 2, 9, 30, tzinfo=UTC)),
    )


def graph_world(graph: Any, adapter: LearningCatalog) -> LearningWorld:
    people = [p for p in graph.tenant()["people"] if p["accountEnabled"]]
    control = f"{graph.root}/_emulator/learning"

    def set_control(**changes: Any) -> None:
        httpx.post(control, json=changes).raise_for_status()

    def complete(ident: str) -> None:
        url = f"{graph.base_url}/employeeExperience/learningProviders/{PROVIDER}/learningCourseActivities/{ident}"
        done = {"status": "completed", "completionPercentage": 100, "completedDateTime": "2026-03-02T09:30:00Z"}
        assert httpx.patch(url, json=done).status_code == 204

    return LearningWorld(
        adapter,
        people[1]["id"],
        people[0]["id"],
        lambda: set_control(licensed=False),
        lambda: set_control(granted=[]),
        lambda learner: set_control(unlicensed_users=[learner]),
        complete,
    )


@pytest.fixture(params=["fake", "graph"])
async def world(request: pytest.FixtureRequest) -> AsyncIterator[LearningWorld]:
    if request.param == "fake":
        yield fake_world()
        return
    from shared.adapters.graph.client import aclose_graph_client, build_graph_client
    from shared.adapters.graph.learning import GraphLearningCatalog
    from shared.config import load_settings
    from tests.contract.test_graph_adapter_support import FAST_POLICY

    graph = request.getfixturevalue("graph")
    settings = load_settings(storage_connection="UseDevelopmentStorage=true", graph_base_url=graph.base_url)
    client = build_graph_client(settings, http_client=httpx.AsyncClient(timeout=30))
    try:
        yield graph_world(graph, GraphLearningCatalog(client, policy=FAST_POLICY))
    finally:
        await aclose_graph_client(client)


def request_for(world: LearningWorld, content: str = KUBERNETES, provider: str = PROVIDER) -> AssignmentRequest:
    due = datetime(2026, 4, 1, 17, tzinfo=UTC)
    return AssignmentRequest("outcome-7:learning", provider, content, world.learner, world.manager, due)


async def test_contents_carry_titles_links_durations_and_skill_tags(world: LearningWorld) -> None:
    found = {item.id: item for item in await world.catalog.contents(PROVIDER)}
    kubernetes = found[KUBERNETES]
    assert kubernetes.title == "Kubernetes operations fundamentals" and kubernetes.skill_tags == ("Kubernetes",)
    assert kubernetes.url.startswith("https://") and kubernetes.duration and kubernetes.duration > timedelta(0)
    assert OTHER_PROVIDERS not in found and all(item.provider_id == PROVIDER for item in found.values())


async def test_an_assignment_is_made_once_per_key_and_read_back(world: LearningWorld) -> None:
    first = await world.catalog.assign(request_for(world))
    again = await world.catalog.assign(request_for(world))
    assert again.id == first.id
    assert (first.key, first.content_id, first.learner_id, first.status) == (
        "outcome-7:learning",
        KUBERNETES,
        world.learner,
        "notStarted",
    )
    read = await world.catalog.activity(first.id)
    assert read is not None and read.id == first.id and not read.completed


async def test_completion_reported_by_the_provider_shows_on_the_next_read(world: LearningWorld) -> None:
    made = await world.catalog.assign(request_for(world))
    world.complete(made.id)
    read = await world.catalog.activity(made.id)
    assert read is not None and read.completed and read.completion_percentage == 100
    assert read.completed_at == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


async def test_an_unknown_activity_reads_as_none(world: LearningWorld) -> None:
    assert await world.catalog.activity(f"{world.learner}:00000000-0000-4000-8000-000000000000") is None


@pytest.mark.parametrize(
    ("switch", "reason"),
    [("without_licence", UnavailableReason.LICENCE), ("without_permission", UnavailableReason.PERMISSION)],
)
async def test_no_licence_or_no_permission_makes_learning_unavailable(
    world: LearningWorld, switch: str, reason: UnavailableReason
) -> None:
    getattr(world, switch)()
    with pytest.raises(LearningUnavailable) as listing:
        await world.catalog.contents(PROVIDER)
    with pytest.raises(LearningUnavailable) as assigning:
        await world.catalog.assign(request_for(world))
    assert listing.value.reason is reason and assigning.value.reason is reason


async def test_a_provider_that_takes_no_course_activities_or_is_unknown_is_unavailable(world: LearningWorld) -> None:
    with pytest.raises(LearningUnavailable) as no_sync:
        await world.catalog.assign(request_for(world, OTHER_PROVIDERS, NO_SYNC))
    with pytest.raises(LearningUnavailable) as unknown:
        await world.catalog.contents("00000000-0000-4000-8000-0000000000aa")
    assert no_sync.value.reason is UnavailableReason.PROVIDER and unknown.value.reason is UnavailableReason.PROVIDER


async def test_one_assignment_can_be_refused_without_making_learning_unavailable(world: LearningWorld) -> None:
    with pytest.raises(AssignmentRefused):
        await world.catalog.assign(request_for(world, OTHER_PROVIDERS))  # content of another provider
    world.learner_unlicensed(world.learner)
    with pytest.raises(AssignmentRefused):
        await world.catalog.assign(request_for(world))
    assert await world.catalog.contents(PROVIDER)  # the catalog itself still answers
