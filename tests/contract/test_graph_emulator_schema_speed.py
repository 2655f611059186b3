"""The emulator's compiled schema check never lets through a value openapi-core refuses (devstack/graph_emulator/
schema_speed.py): checked on the emulator's real answers and on hypothesis' mutations of them.

A real answer must pass the compiled check (else the fast path is dead and every check is openapi-core's alone, as
slow as before); a mutated one may fail either way, but if the compiled check accepts it, openapi-core must too.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devstack.graph_emulator import validation
from devstack.graph_emulator.schema_speed import REFUSE, FastSchemaValidator, no_looser
from tests.fixtures.graph import GraphEmulator

pytestmark = pytest.mark.contract
Sample = tuple[str, Any]  # component schema name, a value the emulator answered with


def check_for(name: str, reading: bool = True) -> FastSchemaValidator:
    app = validation.openapi()
    validator = app.response_validator if reading else app.request_validator
    made = validator.schema_validators_factory.create(app.spec, app.spec / "components" / "schemas" / name)
    assert isinstance(made, FastSchemaValidator)
    return made


def answered(graph: GraphEmulator) -> list[Sample]:
    people = [p for p in graph.tenant()["people"] if p["hasMailbox"] and p["mail"] and p["accountEnabled"]][:3]
    start = datetime.now(UTC).replace(microsecond=0)
    window = {"startDateTime": start.isoformat(), "endDateTime": (start + timedelta(days=14)).isoformat()}
    samples: list[Sample] = []
    users = httpx.get(f"{graph.base_url}/users", params={"$top": "10"}, timeout=30).json()["value"]
    samples += [("microsoft.graph.user", user) for user in users]
    for person in people:
        base = f"{graph.base_url}/users/{person['id']}"
        events = httpx.get(f"{base}/calendarView", params={**window, "$top": "5"}, timeout=30).json()["value"]
        samples += [("microsoft.graph.event", event) for event in events]
        samples.append(("microsoft.graph.mailboxSettings", httpx.get(f"{base}/mailboxSettings", timeout=30).json()))
    schedule = {
        "schedules": [p["mail"] for p in people],
        "startTime": {"dateTime": start.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
        "endTime": {"dateTime": (start + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
        "availabilityViewInterval": 30,
    }
    found = httpx.post(f"{graph.base_url}/users/{people[0]['id']}/calendar/getSchedule", json=schedule, timeout=30)
    samples += [("microsoft.graph.scheduleInformation", item) for item in found.json()["value"]]
    return samples


@pytest.fixture(scope="module")
def samples(graph_emulator: GraphEmulator) -> list[Sample]:
    graph_emulator.reset()
    found = answered(graph_emulator)
    assert {name for name, _ in found} >= {"microsoft.graph.user", "microsoft.graph.event",
                                           "microsoft.graph.scheduleInformation"}  # fmt: skip
    return found


def test_the_emulators_answers_pass_the_compiled_check(samples: list[Sample]) -> None:
    for name, value in samples:
        check = check_for(name)
        assert check.openapi_core_accepts(value), (name, value)
        assert check.fast_accepts(value), f"the compiled check refuses a real {name}: the fast path is dead"


ODD_TEXT = st.sampled_from(
    ["", "2026-13-45T99:00:00", "2026-12-02T10:00:00Z", "not-a-uuid", "0f8fad5b-d9cb-469f-a165-70867728950e", "NaN",
     "-INF", "1.5e3", "abc\n", "\u00e9"]
)  # fmt: skip
LEAF = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.sampled_from([2**31, -(2**31) - 1, 2**63]),
                 st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12), ODD_TEXT)  # fmt: skip
ANY_JSON = st.recursive(
    LEAF, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=5,
)  # fmt: skip


def places(value: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield at
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from places(inner, (*at, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from places(inner, (*at, index))


def changed(value: Any, at: tuple[Any, ...], action: str, new: Any, key: str) -> Any:
    if not at:
        return new
    parent = value
    for step in at[:-1]:
        parent = parent[step]
    if action == "drop" and isinstance(parent, dict):
        del parent[at[-1]]
    elif action == "add" and isinstance(parent, dict):
        parent[key] = new
    else:
        parent[at[-1]] = new
    return value


@st.composite
def mutants(draw: st.DrawFn, samples: list[Sample]) -> Sample:
    name, original = draw(st.sampled_from(samples))
    value = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 3))):
        numbers = [at for at in places(value) if type(leaf(value, at)) is int]
        if numbers and draw(st.booleans()):  # an int32 / int64 field pushed past its range
            value = changed(value, draw(st.sampled_from(numbers)), "set", draw(st.sampled_from(BEYOND)), "")
            continue
        at = draw(st.sampled_from(list(places(value))))
        value = changed(
            value, at, draw(st.sampled_from(["set", "drop", "add"])), draw(ANY_JSON), draw(st.text(max_size=6))
        )
    return name, value


BEYOND = [2**31, -(2**31) - 1, 2**63, -(2**63) - 1]


def leaf(value: Any, at: tuple[Any, ...]) -> Any:
    for step in at:
        value = value[step]
    return value


def test_a_value_the_compiled_check_accepts_is_one_openapi_core_accepts(samples: list[Sample]) -> None:
    outcomes = {"fast": 0, "refused": 0}

    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(mutants(samples))
    def agree(sample: Sample) -> None:
        name, value = sample
        check = check_for(name)
        if check.fast_accepts(value):
            outcomes["fast"] += 1
            assert check.openapi_core_accepts(value), (name, value)
        else:
            outcomes["refused"] += 1

    agree()
    assert outcomes["fast"] > 0 and outcomes["refused"] > 0, outcomes  # both sides of the gate were exercised


INT32 = {"minimum": -(2**31), "maximum": 2**31 - 1}


@pytest.mark.parametrize(
    ("schema", "copy_of_it"),
    [
        ({"type": "string", "nullable": True}, {"type": ["string", "null"]}),
        ({"$ref": "#/x", "type": "object"}, {"allOf": [{"$ref": "#/x"}, {"type": "object"}]}),
        ({"type": "integer", "format": "int32"}, {"allOf": [INT32, {"type": "integer"}]}),
        ({"type": "number", "format": "double", "description": "d"}, {"type": "number"}),
        ({"type": "string", "format": "date-time"}, {"allOf": [{"format": "date-time"}, {"type": "string"}]}),
        ({"type": "string", "format": "duration"}, {"type": "string"}),
        ({"type": "string", "readOnly": True}, REFUSE),
        ({"type": "integer", "enum": [1, 2]}, REFUSE),
    ],
)
def test_the_copy_is_never_looser_than_openapi_core_reads_the_schema(schema: Any, copy_of_it: Any) -> None:
    assert no_looser(schema, frozenset({"date-time", "int32", "double"})) == copy_of_it


def test_a_remembered_verdict_is_applied_to_every_repeat_of_a_request(graph: GraphEmulator) -> None:
    """The emulator keeps verdicts by request; a repeat of a bad one is refused and recorded each time, and in
    ``record`` mode (the same verdict) it is answered and recorded."""
    person = next(p for p in graph.tenant()["people"] if p["hasMailbox"] and p["accountEnabled"])
    url = f"{graph.base_url}/users/{person['id']}/events"
    bad = {"subject": 5, "start": {"dateTime": "2031-03-01T09:00:00", "timeZone": "UTC"},
           "end": {"dateTime": "2031-03-01T10:00:00", "timeZone": "UTC"}}  # fmt: skip
    for _ in range(2):
        refused = httpx.post(url, json=bad, timeout=30)
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalidRequest", refused.text
    assert [v["kind"] for v in graph.violations()] == ["request", "request"]
    assert graph.violations()[0]["errors"] == graph.violations()[1]["errors"]
    graph.switches(validation="record")
    assert httpx.post(url, json=bad, timeout=30).status_code == 201
    assert len([v for v in graph.violations() if v["kind"] == "request"]) == 3
    good = {**bad, "subject": "Growth conversation"}
    assert httpx.post(url, json=good, timeout=30).status_code == 201
    assert len([v for v in graph.violations() if v["kind"] == "request"]) == 3
