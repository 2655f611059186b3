"""One Directory contract suite, run against FakeDirectory and GraphDirectory on the Graph emulator.

The emulator answers users/delta like Entra ID: a later round carries only what changed (the adapter asks for
``Prefer: return=minimal``), ``manager@delta`` only when the manager link changed, and working hours are never in
a delta item. The fake must answer the same way: a fake that is kinder than the emulator hides product bugs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import time
from zoneinfo import ZoneInfo

import httpx
import pytest

from shared.domain.directory import PersonChange
from shared.domain.people import Person, WorkingHours
from shared.ports.directory import Directory
from shared.services.scheduling_records import PEOPLE, PEOPLE_PARTITION, active_pairs, load_person
from shared.services.sync_org import PAIR_CHANGED, sync_org
from tests.fakes.directory import FakeDirectory
from tests.fakes.storage import InMemoryQueues, InMemoryStore

pytestmark = pytest.mark.contract


@dataclass
class Org:
    """A directory with a manager, two reports (one without a mailbox) and a way to change it as an admin."""

    directory: Directory
    manager_id: str
    report_id: str
    other_manager_id: str
    no_mailbox_id: str
    set_job_title: Callable[[str, str], Awaitable[None]]
    set_manager: Callable[[str, str | None], Awaitable[None]]


def fake_org() -> Org:
    tokyo = WorkingHours("Asia/Tokyo", time(9), time(18))
    fake = FakeDirectory(
        [
            Person("m1", "ann@x.test", "Ann", working_hours=tokyo, mail="ann@x.test"),
            Person("m2", "cy@x.test", "Cy", mail="cy@x.test"),
            Person("r1", "bob.42@x.onmicrosoft.test", "Bob", manager_id="m1", mail="bob@x.test"),
            Person("r2", "dee@x.test", "Dee", manager_id="m1", mail="dee@x.test"),
        ]
    )
    fake.no_mailbox.add("r2")

    async def job_title(person_id: str, title: str) -> None:
        fake.change(person_id, job_title=title)

    async def manager(person_id: str, manager_id: str | None) -> None:
        fake.change(person_id, manager_id=manager_id)

    return Org(fake, "m1", "r1", "m2", "r2", job_title, manager)


@pytest.fixture(params=["fake", "graph"])
async def org(request: pytest.FixtureRequest) -> AsyncIterator[Org]:
    if request.param == "fake":
        yield fake_org()
        return
    from tests.contract.test_graph_adapter_support import adapters_for, pairs

    graph = request.getfixturevalue("graph")
    tenant = graph.tenant()
    manager, report = pairs(tenant)[0]
    other = next(m for m, _ in pairs(tenant) if m["id"] not in {manager["id"], report["id"]})
    no_mailbox = next(p for p in tenant["people"] if not p["hasMailbox"])

    async def job_title(person_id: str, title: str) -> None:
        async with httpx.AsyncClient(base_url=graph.base_url, timeout=30) as http:
            (await http.patch(f"/users/{person_id}", json={"jobTitle": title})).raise_for_status()

    async def set_manager(person_id: str, manager_id: str | None) -> None:
        async with httpx.AsyncClient(base_url=graph.base_url, timeout=30) as http:
            if manager_id is None:
                answer = await http.delete(f"/users/{person_id}/manager/$ref")
            else:
                ref = {"@odata.id": f"https://graph.microsoft.com/v1.0/users/{manager_id}"}
                answer = await http.put(f"/users/{person_id}/manager/$ref", json=ref)
            assert answer.status_code == 204, answer.text

    async with adapters_for(graph.base_url) as adapters:
        ids = (manager["id"], report["id"], other["id"], no_mailbox["id"])
        yield Org(adapters.directory, *ids, job_title, set_manager)


def by_id(changes: list[PersonChange]) -> dict[str, PersonChange]:
    return {change.id: change for change in changes}


async def test_a_full_round_names_everyone_with_their_manager(org: Org) -> None:
    first = await org.directory.delta(None)
    people = {c.id: c.applied_to(None) for c in first.people}
    assert first.full and first.delta_token
    assert people[org.report_id].manager_id == org.manager_id
    assert people[org.manager_id].upn and people[org.report_id].address


async def test_a_job_title_change_comes_without_the_manager_link(org: Org) -> None:
    first = await org.directory.delta(None)
    await org.set_job_title(org.report_id, "Principal Analyst")
    later = await org.directory.delta(first.delta_token)
    change = by_id(later.people)[org.report_id]
    assert not later.full and change.values.get("job_title") == "Principal Analyst"
    assert not change.manager_changed  # absent manager@delta: unchanged
    stored = by_id(first.people)[org.report_id].applied_to(None)
    assert change.applied_to(stored).manager_id == org.manager_id


async def test_a_new_or_removed_manager_link_is_a_change_of_its_own(org: Org) -> None:
    first = await org.directory.delta(None)
    await org.set_manager(org.report_id, org.other_manager_id)
    moved = await org.directory.delta(first.delta_token)
    change = by_id(moved.people)[org.report_id]
    assert change.manager_changed and change.values["manager_id"] == org.other_manager_id
    await org.set_manager(org.report_id, None)
    removed = await org.directory.delta(moved.delta_token)
    assert by_id(removed.people)[org.report_id].values == {"manager_id": None}
    unchanged = await org.directory.delta(removed.delta_token)
    assert (unchanged.people, unchanged.removed_ids) == ([], [])


async def test_working_hours_come_from_the_mailbox_in_an_iana_zone(org: Org) -> None:
    found = await org.directory.mailbox_hours([org.manager_id, org.report_id, org.no_mailbox_id])
    assert set(found.hours) == {org.manager_id, org.report_id}
    assert set(found.no_mailbox) == {org.no_mailbox_id}
    for hours in found.hours.values():
        assert ZoneInfo(hours.time_zone).key == hours.time_zone and hours.start < hours.end


async def test_sync_stores_zone_and_hours_and_keeps_the_pair_through_a_title_change(org: Org) -> None:
    store, queues = InMemoryStore(), InMemoryQueues()
    await sync_org(org.directory, store, queues)
    hours = (await org.directory.mailbox_hours([org.manager_id])).hours[org.manager_id]
    manager = load_person(store, org.manager_id)
    assert manager is not None and manager.working_hours == hours
    no_mailbox = store.find(PEOPLE, PEOPLE_PARTITION, org.no_mailbox_id)
    assert no_mailbox is not None and str(no_mailbox.data["mailbox"]).startswith("no mailbox")
    for message in queues.receive(PAIR_CHANGED, max_messages=32):
        queues.complete(PAIR_CHANGED, message)
    await org.set_job_title(org.report_id, "Principal Analyst")
    summary = await sync_org(org.directory, store, queues)
    assert summary.events == [] and (org.manager_id, org.report_id) in {
        (p.manager_id, p.report_id) for p in active_pairs(store)
    }
    report = load_person(store, org.report_id)
    assert report is not None and (report.job_title, report.manager_id) == ("Principal Analyst", org.manager_id)
