"""Bad input: every HTTP route and card action, a malformed config, and awkward people.

Each case gets a clear outcome: never a 500 (or an escaped exception), never a half-written state.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

import azure.functions as func
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.adapters.config_file import CompanyConfigError, parse_company_config
from shared.container import Container
from shared.domain.people import Person, WorkingHours
from shared.services.card_action_submit import handle_card_action
from shared.services.card_actions import VERB_KINDS, Verdict, handle_refresh
from shared.services.card_records import CardKind, CardRecord, CardStatus, card_id, insert_card
from shared.services.schedule_pair import ScheduleContext
from shared.services.scheduling_handlers import run_cycle
from shared.services.scheduling_policy import SchedulingPolicy
from shared.services.scheduling_records import SERIES
from tests.fakes.storage import InMemoryQueues, InMemoryStore
from tests.fixtures.bot_container import FixedClock, install_bot_container
from tests.fixtures.graph import GraphEmulator
from tests.fixtures.jwks import KeyServer
from tests.integration.test_chaos_support import series_tags
from tests.integration.test_scheduling import everyone
from tests.unit.scheduling_world import NOW, World

pytestmark = pytest.mark.integration
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)


@pytest.fixture
def env(bot_jwks: KeyServer, monkeypatch: pytest.MonkeyPatch) -> Container:
    return install_bot_container(monkeypatch, bot_jwks.metadata_url, NOW)


@cache
def http_routes() -> dict[str, tuple[Any, tuple[str, ...]]]:
    """Every HTTP-triggered function of function_app.app: route -> (callable, methods)."""
    from function_app import app
    from shared.services.triggers import list_functions

    routes = {}
    for function in list_functions(app):
        trigger = function.get_trigger()
        if trigger.type == "httpTrigger":
            methods = tuple(str(getattr(m, "value", m)) for m in trigger.methods or ("GET", "POST"))
            routes[trigger.route] = (function.get_user_function(), methods)
    return routes


async def call(route: str, method: str, body: bytes, headers: dict[str, str], params: dict[str, str]) -> Any:
    function, _ = http_routes()[route]
    request = func.HttpRequest(method, f"http://127.0.0.1/api/{route}", headers=headers, params=params, body=body)
    result = function(request)
    return await result if asyncio.iscoroutine(result) else result


def test_every_http_route_is_covered() -> None:
    assert {"health", "messages"} <= set(http_routes())


bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.sampled_from(["type", "name", "value", "from", "text"]), json_values).map(
        lambda v: json.dumps(v).encode()
    ),
)
header_sets = st.dictionaries(
    st.sampled_from(["Authorization", "Content-Type", "X-Ms-Client", "Accept"]), st.text(max_size=40), max_size=3
)


@FUZZ
@given(
    data=st.data(), body=bodies, headers=header_sets, params=st.dictionaries(st.text(max_size=8), st.text(max_size=8))
)
async def test_fuzzed_requests_on_every_route_get_a_clean_status(
    env: Container, data: st.DataObject, body: bytes, headers: dict[str, str], params: dict[str, str]
) -> None:
    route = data.draw(st.sampled_from(sorted(http_routes())))
    method = data.draw(st.sampled_from(http_routes()[route][1]))
    before = {name: dict(rows) for name, rows in env.store.tables.items()}  # type: ignore[attr-defined]
    response = await call(route, method, body, headers, params)
    assert isinstance(response, func.HttpResponse)
    assert b"Traceback" not in response.get_body()
    if route.startswith("health"):  # 503 by design when a timer is late; still a clean answer. The detail's
        # function key is checked by the host before the function runs (tests/integration/test_health_detail.py).
        assert response.status_code in {200, 503} and "status" in json.loads(response.get_body())
    elif route.startswith("notifications"):  # Graph signs nothing: items are trusted by their clientState only
        # 404 while notifications are off (this env), else 400 not JSON, 413 too big, 202 with bad items dropped
        assert response.status_code in {202, 400, 404, 413}, (route, response.status_code, response.get_body()[:200])
    else:
        assert response.status_code < 500, (route, response.status_code, response.get_body()[:200])
        assert response.status_code in {400, 401}, "unsigned input must be refused, not handled"
    assert {name: dict(rows) for name, rows in env.store.tables.items()} == before  # type: ignore[attr-defined]


# ------------------------------------------------------------------ card actions


def sent(store: InMemoryStore, kind: CardKind, recipient: str = "ada") -> str:
    record = CardRecord(card_id("occ-bad", kind), kind, "occ-bad", recipient, "grace", CardStatus.SENT, {})
    return insert_card(store, record).card_id


@FUZZ
@given(
    verb=st.sampled_from([*VERB_KINDS, "prep.refresh", "", "x" * 300]),
    kind=st.sampled_from(list(CardKind)),
    actor=st.sampled_from(["ada", "grace", None, ""]),
    data=st.dictionaries(st.text(max_size=20), json_values, max_size=6),
    use_card=st.booleans(),
)
def test_fuzzed_card_actions_are_answered_and_all_or_nothing(
    verb: str, kind: CardKind, actor: str | None, data: dict[str, Any], use_card: bool
) -> None:
    store = InMemoryStore()
    cid = sent(store, kind)
    payload = {**data, "cardId": cid} if use_card else data
    before = {name: dict(rows) for name, rows in store.tables.items()}
    reply = handle_card_action(store, FixedClock(NOW), verb, payload, actor)
    assert reply.message.strip()
    if reply.verdict is not Verdict.ACCEPTED:
        assert {name: dict(rows) for name, rows in store.tables.items()} == before, reply.message
    else:
        assert actor == "ada" and VERB_KINDS.get(verb) is kind
    refreshed = handle_refresh(store, payload, actor)
    assert refreshed.message.strip() or (refreshed.verdict is Verdict.EDITABLE and actor == "ada")


# ------------------------------------------------------------------ config


@pytest.mark.parametrize(
    "text",
    [
        "{not yaml: [",
        "- just\n- a list\n",
        "cadence: every tuesday\n",
        "messaging:\n  when_we_grow: 42\nunknown_key: true\n",
        "",
        "\x00\x01",
    ],
)
def test_malformed_company_config_is_one_clear_error(text: str) -> None:
    with pytest.raises(CompanyConfigError) as caught:
        parse_company_config(text, "company.yaml")
    message = str(caught.value)
    assert "company.yaml" in message and "Traceback" not in message


# ------------------------------------------------------------------ awkward people


def world_with(*extra: Person) -> World:
    world = World()
    for person in extra:
        world.directory.put(person)
        world.calendar.upns[person.id] = person.upn  # type: ignore[attr-defined]
    return world


async def cycle(world: World) -> Any:
    return await run_cycle(world.ctx(), world.queues, everyone)


def series_states(world: World) -> dict[str, str]:
    return {r.row: str(r.data["state"]) for r in world.store.query(SERIES)}


async def test_user_without_a_manager_gets_no_pair_and_others_are_scheduled() -> None:
    world = world_with(Person("solo", "solo@x.test", "Solo", manager_id=None, department="Ops"))
    summary = await cycle(world)
    assert "solo" not in series_states(world) and summary.pairs == 3
    assert set(series_states(world).values()) == {"active"}


async def test_user_with_no_mailbox_gets_a_recorded_outcome_and_breaks_nothing(
    graph: GraphEmulator, azurite_store: Any
) -> None:
    from tests.contract.test_graph_adapter_support import adapters_for

    tenant = graph.tenant()["people"]
    no_mailbox = {p["id"] for p in tenant if not p["hasMailbox"] and p.get("managerId")}
    assert no_mailbox, "the demo tenant has reports without a mailbox"
    async with adapters_for(graph.base_url) as adapters:
        now = datetime.now(UTC)
        ctx = ScheduleContext(adapters.calendar, adapters.directory, azurite_store, SchedulingPolicy(), now, "w1")
        summary = await run_cycle(ctx, InMemoryQueues(), everyone)
    records = {r.row: r.data for r in azurite_store.query(SERIES)}
    # No invitation can reach a user without a mailbox: the pair is recorded with the reason, and has no series.
    for report in no_mailbox:
        assert records[report]["state"] == "no-mailbox" and "no mailbox" in records[report]["reason"]
    assert summary.outcomes.get("no-mailbox", 0) >= len(no_mailbox)
    managers = {p["managerId"] for p in tenant if p["id"] in no_mailbox}
    assert not set(series_tags(graph.root, managers)) & {records[r]["series_id"] for r in no_mailbox}
    assert summary.series_created > 0 and summary.outcomes.get("error", 0) == 0


async def test_manager_with_200_reports_gets_one_series_each_or_a_reason() -> None:
    reports = [
        Person(f"big{i}", f"big{i}@x.test", f"Report {i}", manager_id="boss", department="Ops") for i in range(200)
    ]
    world = world_with(Person("boss", "boss@x.test", "Boss", department="Ops"), *reports)
    summary = await cycle(world)
    states = {k: v for k, v in series_states(world).items() if k.startswith("big")}
    assert len(states) == 200 and set(states.values()) <= {"active", "no-slot"}
    assert summary.no_slot == len(summary.no_slot_reasons)
    ids = [e.spec.series_id for e in world.calendar.events.values() if not e.cancelled]
    assert len(ids) == len(set(ids))


async def test_a_time_zone_graph_does_not_know_is_a_pair_state_with_a_reason_never_a_guess() -> None:
    odd = WorkingHours(time_zone="Mars/Olympus_Mons")
    world = world_with(Person("odd", "odd@x.test", "Odd", manager_id="m1", department="Sales", working_hours=odd))
    await cycle(world)
    record = world.store.find(SERIES, "m1", "odd")
    assert record is not None and record.data["state"] == "zone-unknown"
    assert "Mars/Olympus_Mons" in str(record.data["reason"]) and not record.data.get("event_id")
