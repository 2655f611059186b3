"""Group membership (``Directory.group_member_ids``), one suite against FakeDirectory and GraphDirectory on the
Graph emulator (``GET /groups/{id}/transitiveMembers``): nested groups followed, only users returned, every page
read, an unknown group an error and never an empty set.

On the emulator the groups are the demo tenant's: the "WeGrow pilot" group holds people and a nested team group.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from shared.domain.people import Person
from shared.ports.directory import Directory, UnknownGroup
from tests.fakes.directory import FakeDirectory

pytestmark = pytest.mark.contract
UNKNOWN = "00000000-0000-4000-8000-00000000dead"
OPERATION = "GET /groups/{group_id}/transitiveMembers"


@dataclass
class Groups:
    """A directory with a pilot group that nests a team group, and what each holds (users, worked out apart)."""

    directory: Directory
    pilot_id: str
    team_id: str
    pilot_users: frozenset[str]
    team_users: frozenset[str]
    page_size: Callable[[int], None]
    requests: Callable[[], int | None]  # transitiveMembers round trips so far (None: not counted)


def fake_groups() -> Groups:
    fake = FakeDirectory([Person(uid, f"{uid}@x.test", uid.upper()) for uid in ("u1", "u2", "u3", "u4", "u5")])
    fake.put_group("team", ["u2", "u3", "pilot"])  # a cycle back to the pilot: Entra allows nesting loops
    fake.put_group("pilot", ["u1", "team", "device-1", "u3"])  # a device is a member, not a person
    fake.put_group("other", ["u4"])
    return Groups(fake, "pilot", "team", frozenset({"u1", "u2", "u3"}), frozenset({"u1", "u2", "u3"}),
                  lambda _: None, lambda: None)  # fmt: skip


def users_in(groups: dict[str, list[str]], group_id: str, people: set[str]) -> frozenset[str]:
    """The users reachable from the group, worked out from the tenant's own description."""
    seen, queue, found = {group_id}, [group_id], set()
    while queue:
        for member in groups.get(queue.pop(0), []):
            if member in people:
                found.add(member)
            elif member in groups and member not in seen:
                seen.add(member)
                queue.append(member)
    return frozenset(found)


@pytest.fixture(params=["fake", "graph"])
async def groups(request: pytest.FixtureRequest) -> AsyncIterator[Groups]:
    if request.param == "fake":
        yield fake_groups()
        return
    from tests.contract.test_graph_adapter_support import adapters_for

    graph = request.getfixturevalue("graph")
    tenant = graph.tenant()
    people = {p["id"] for p in tenant["people"]}
    members = {g["id"]: list(g["members"]) for g in tenant["groups"]}
    pilot = next(g["id"] for g in tenant["groups"] if g["displayName"] == "WeGrow pilot")
    team = next(m for m in members[pilot] if m in members)

    def requests() -> int:
        return int(graph.log()["operations"].get(OPERATION, 0))

    async with adapters_for(graph.base_url) as adapters:
        yield Groups(adapters.directory, pilot, team, users_in(members, pilot, people),
                     users_in(members, team, people), lambda n: graph.switches(page_size=n), requests)  # fmt: skip
        assert graph.violations() == []


async def test_nested_members_are_included_and_only_users_come_back(groups: Groups) -> None:
    found = await groups.directory.group_member_ids(groups.pilot_id)
    assert found == groups.pilot_users
    assert groups.team_users and groups.team_users <= found
    assert groups.pilot_id not in found and groups.team_id not in found  # groups are not people


async def test_the_nested_group_alone(groups: Groups) -> None:
    assert await groups.directory.group_member_ids(groups.team_id) == groups.team_users


async def test_every_page_is_read(groups: Groups) -> None:
    groups.page_size(2)
    before = groups.requests()
    found = await groups.directory.group_member_ids(groups.pilot_id)
    assert found == groups.pilot_users
    after = groups.requests()
    if before is not None and after is not None:
        objects = len(groups.pilot_users) + 1  # the users and the nested team group
        assert after - before == -(-objects // 2) > 1  # one round trip per page of two, nothing more


async def test_one_request_per_page_at_the_default_size(groups: Groups) -> None:
    before = groups.requests()
    await groups.directory.group_member_ids(groups.pilot_id)
    after = groups.requests()
    if before is not None and after is not None:
        assert after - before == 1  # $top=999: a demo pilot fits one page


async def test_an_unknown_group_is_an_error_not_an_empty_set(groups: Groups) -> None:
    with pytest.raises(UnknownGroup) as refused:
        await groups.directory.group_member_ids(UNKNOWN)
    assert refused.value.group_id == UNKNOWN and UNKNOWN in str(refused.value)
    with pytest.raises(UnknownGroup, match="WeGrow pilot"):  # a display name where the object id belongs
        await groups.directory.group_member_ids("WeGrow pilot")


def test_the_emulator_answers_like_graph(graph: Any) -> None:
    """The wire: 404 Request_ResourceNotFound, groups typed as groups, $top bounds, unsupported advanced queries."""
    base = graph.base_url
    missing = httpx.get(f"{base}/groups/{UNKNOWN}/transitiveMembers", timeout=30)
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "Request_ResourceNotFound")
    named = httpx.get(f"{base}/groups/WeGrow pilot/transitiveMembers", timeout=30).json()["error"]
    assert (named["code"], named["message"]) == ("Request_BadRequest", "Invalid object identifier 'WeGrow pilot'.")
    pilot = next(g for g in graph.tenant()["groups"] if g["displayName"] == "WeGrow pilot")
    body = httpx.get(f"{base}/groups/{pilot['id']}/transitiveMembers?$select=id", timeout=30).json()
    types = {item["@odata.type"] for item in body["value"]}
    assert types == {"#microsoft.graph.user", "#microsoft.graph.group"} and "@odata.nextLink" not in body
    direct = httpx.get(f"{base}/groups/{pilot['id']}/members?$select=id", timeout=30).json()["value"]
    assert len(direct) == len(pilot["members"]) < len(body["value"])
    assert httpx.get(f"{base}/groups/{pilot['id']}/transitiveMembers?$top=1000", timeout=30).status_code == 400
    unsupported = httpx.get(f"{base}/groups/{pilot['id']}/transitiveMembers?$count=true", timeout=30)
    assert (unsupported.status_code, unsupported.json()["error"]["code"]) == (400, "Request_UnsupportedQuery")
    paged = httpx.get(f"{base}/groups/{pilot['id']}/transitiveMembers?$top=3&$select=id", timeout=30).json()
    following = httpx.get(paged["@odata.nextLink"], timeout=30).json()
    first_ids = {item["id"] for item in paged["value"]}
    assert len(first_ids) == 3 and first_ids.isdisjoint(item["id"] for item in following["value"])
    assert graph.violations() == []
