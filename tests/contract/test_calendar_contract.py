"""One Calendar contract suite, run against FakeCalendar and GraphCalendar on the Graph emulator.

Also, on the emulator only: the batch operations' request counts, transactionId deduplication, and
batched creates under injected faults still making exactly one event per series.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from shared.adapters.graph.mapping_events import series_filter
from shared.domain.calendar import Recurrence, RecurrenceKind, SeriesEvent, SeriesSpec
from shared.domain.people import Weekday
from shared.domain.series import body_teaser, series_id
from shared.ports.calendar import Calendar
from shared.ports.directory import MailboxUnavailable
from tests.fakes.calendar import FakeCalendar
from tests.fixtures.graph import GraphEmulator

pytestmark = pytest.mark.contract

FIRST = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)  # Tuesday 10:00 in Berlin
WINDOW = (datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 5, 1, tzinfo=UTC))
MINUTE = timedelta(minutes=1)


@dataclass
class Subject:
    calendar: Calendar
    manager_id: str
    manager_upn: str
    report_upn: str
    other_manager_id: str = "m2"
    other_report_upn: str = "dee@x.test"
    deny: Callable[[str], Awaitable[None]] | None = None  # put a mailbox outside the app's access policy
    add_busy: Callable[[str, datetime, datetime], Awaitable[None]] | None = None  # (mailbox address, start, end)
    unknown_address: str = "nobody@x.test"  # an address that is no mailbox's SMTP address
    report_id: str = "r1"  # the report's user id (their own mailbox, for remove_attendee_copy)
    # the report declines one occurrence (the organiser's occurrence id), optionally proposing (start, end) in UTC
    decline: Callable[[str, tuple[datetime, datetime] | None], Awaitable[None]] | None = None
    # the report's own id for the organiser's series (iCalUId) or, given its start, one of its occurrences
    copy_id: Callable[[str, datetime | None], Awaitable[str]] | None = None


@pytest.fixture(params=["fake", "graph"])
async def subject(request: pytest.FixtureRequest) -> AsyncIterator[Subject]:
    if request.param == "fake":
        fake = FakeCalendar({"m1": "ann@x.test", "m2": "cy@x.test", "r1": "bob@x.test"})

        async def deny_fake(mailbox: str) -> None:
            fake.out_of_scope.add(mailbox)

        async def busy_fake(address: str, start: datetime, end: datetime) -> None:
            fake.add_busy(address, start, end)

        async def decline_fake(occurrence_id: str, proposal: tuple[datetime, datetime] | None) -> None:
            fake.decline(occurrence_id, "bob@x.test", proposal)

        async def copy_fake(ical_uid: str, start: datetime | None) -> str:
            [event] = [e for e in fake.events.values() if e.ical_uid == ical_uid]
            if start is None:
                return fake.copy_id(event.event_id)
            [found] = [
                o for o in await fake.occurrences("m1", event.event_id, start, start + MINUTE) if o.start == start
            ]
            return fake.copy_id(found.event_id)

        fake.unresolvable.add("nobody@x.test")
        yield Subject(
            fake,
            "m1",
            "ann@x.test",
            "bob@x.test",
            deny=deny_fake,
            add_busy=busy_fake,
            decline=decline_fake,
            copy_id=copy_fake,
        )
        return
    from tests.contract.test_graph_adapter_support import adapters_for, pairs

    graph = request.getfixturevalue("graph")
    usable = pairs(graph.tenant())
    manager, report = usable[0]
    other_manager, other_report = next((m, r) for m, r in usable if m["id"] != manager["id"])

    async def deny_graph(mailbox: str) -> None:
        graph._call("POST", "access-policy", {"denied": [mailbox]})

    owners = {p["mail"].lower(): p["id"] for p in graph.tenant()["people"] if p.get("mail")}

    async def busy_graph(address: str, start: datetime, end: datetime) -> None:
        wall = {"timeZone": "UTC"}
        body = {
            "subject": "Focus",
            "start": {**wall, "dateTime": start.replace(tzinfo=None).isoformat()},
            "end": {**wall, "dateTime": end.replace(tzinfo=None).isoformat()},
        }
        async with httpx.AsyncClient(base_url=graph.base_url, timeout=30) as http:
            (await http.post(f"/users/{owners[address.lower()]}/events", json=body)).raise_for_status()

    unknown = upn_that_is_not_an_address(graph.tenant()) or "nobody@contoso.example"

    async def decline_graph(occurrence_id: str, proposal: tuple[datetime, datetime] | None) -> None:
        body: dict[str, Any] = {"user": report["id"], "event_id": occurrence_id, "response": "declined"}
        if proposal is not None:
            wall = [
                {"dateTime": t.astimezone(UTC).replace(tzinfo=None).isoformat(), "timeZone": "UTC"} for t in proposal
            ]
            body["proposedNewTime"] = {"start": wall[0], "end": wall[1]}
        async with httpx.AsyncClient(timeout=30) as http:
            (await http.post(f"{graph.root}/_emulator/respond", json=body)).raise_for_status()

    async def copy_graph(ical_uid: str, start: datetime | None) -> str:
        return await report_copy_on_emulator(graph, report["id"], ical_uid, start)

    async with adapters_for(graph.base_url) as adapters:
        yield Subject(
            adapters.calendar,
            manager["id"],
            manager["mail"],
            report["mail"],
            other_manager["id"],
            other_report["mail"],
            deny_graph,
            busy_graph,
            unknown,
            report["id"],
            decline_graph,
            copy_graph,
        )


async def report_copy_on_emulator(graph: GraphEmulator, report_id: str, ical_uid: str, start: datetime | None) -> str:
    """The report's copy of a series (by iCalUId), or of the occurrence starting at ``start`` (from its instances)."""
    utc = {"Prefer": 'outlook.timezone="UTC"'}
    async with httpx.AsyncClient(base_url=graph.base_url, timeout=30, headers=utc) as http:
        listed = await http.get(f"/users/{report_id}/events", params={"$filter": f"iCalUId eq '{ical_uid}'"})
        [copy] = [e["id"] for e in listed.raise_for_status().json()["value"] if not e["isOrganizer"]]
        if start is None:
            return str(copy)
        window = [t.astimezone(UTC).replace(tzinfo=None).isoformat() for t in (start, start + MINUTE)]
        instances = await http.get(
            f"/users/{report_id}/events/{copy}/instances", params={"startDateTime": window[0], "endDateTime": window[1]}
        )
        found = instances.raise_for_status().json()["value"]
        naive = start.astimezone(UTC).replace(tzinfo=None)
        return str(next(i["id"] for i in found if datetime.fromisoformat(i["start"]["dateTime"][:19]) == naive))


def upn_that_is_not_an_address(tenant: dict[str, Any]) -> str | None:
    """A mailbox user's UPN that differs from their mail: Exchange resolves SMTP addresses only."""
    for person in tenant["people"]:
        upn, mail = person["userPrincipalName"].lower(), (person.get("mail") or "").lower()
        if (
            person["hasMailbox"]
            and upn != mail
            and upn not in {m.lower().removeprefix("smtp:") for m in person.get("proxyAddresses") or []}
        ):
            return str(person["userPrincipalName"])
    return None


def spec_for(subject: Subject, sid: str, other: bool = False) -> SeriesSpec:
    recurrence = Recurrence(
        RecurrenceKind.WEEKLY,
        2,
        date(2027, 3, 2),
        (Weekday.TUESDAY,),
        end_date=date(2027, 4, 27),
        time_zone="Europe/Berlin",
    )
    return SeriesSpec(
        series_id=sid,
        organizer_id=subject.other_manager_id if other else subject.manager_id,
        attendee_upn=subject.other_report_upn if other else subject.report_upn,
        attendee_name="Report",
        subject="Growth conversation: contract",
        body_html=body_teaser("Report", "contract test"),
        first_start=FIRST,
        duration_minutes=45,
        recurrence=recurrence,
    )


async def test_find_create_find_returns_the_tagged_series(subject: Subject) -> None:
    sid = series_id("contract", subject.manager_id, subject.report_upn, "v1")
    assert await subject.calendar.find_series(subject.manager_id, sid) is None
    created = await subject.calendar.create_series(spec_for(subject, sid))
    found = await subject.calendar.find_series(subject.manager_id, sid)
    assert found is not None and (found.event_id, found.series_id) == (created.event_id, sid)
    assert found.first_start == FIRST and found.duration_minutes == 45
    assert subject.report_upn.lower() in {u.lower() for u in found.attendee_upns}


async def test_occurrences_follow_the_pattern_and_one_can_be_moved(subject: Subject) -> None:
    sid = series_id("contract", subject.manager_id, subject.report_upn, "v2")
    created = await subject.calendar.create_series(spec_for(subject, sid))
    before = await subject.calendar.occurrences(subject.manager_id, created.event_id, *WINDOW)
    berlin = ZoneInfo("Europe/Berlin")  # 10:00 local on every occurrence, across the 28 March DST change
    assert [o.start.astimezone(berlin).strftime("%a %H:%M") for o in before] == ["Tue 10:00"] * 5
    assert [o.start.date() for o in before] == [date(2027, 3, 2) + timedelta(weeks=2 * k) for k in range(5)]
    target = FIRST + timedelta(days=1, hours=2)
    await subject.calendar.move_occurrence(
        subject.manager_id, before[0].event_id, target, target + timedelta(minutes=45)
    )
    after = await subject.calendar.occurrences(subject.manager_id, created.event_id, *WINDOW)
    assert after[0].start == target and [o.start for o in after[1:]] == [o.start for o in before[1:]]


async def test_series_time_shows_as_busy_and_cancel_removes_it(subject: Subject) -> None:
    sid = series_id("contract", subject.manager_id, subject.report_upn, "v3")
    created = await subject.calendar.create_series(spec_for(subject, sid))
    busy = await subject.calendar.busy_times(
        subject.manager_id, [subject.manager_upn], FIRST, FIRST + timedelta(hours=1)
    )
    assert any(b.start <= FIRST < b.end for b in busy[subject.manager_upn.lower()])
    await subject.calendar.cancel(subject.manager_id, created.event_id, "Thank you for the conversations.")
    assert await subject.calendar.find_series(subject.manager_id, sid) is None


async def test_batched_find_and_create_across_two_mailboxes(subject: Subject) -> None:
    specs = [spec_for(subject, series_id("contract", subject.manager_id, "batch", f"v{k}")) for k in range(3)]
    specs.append(spec_for(subject, series_id("contract", subject.other_manager_id, "batch", "v0"), other=True))
    lookups = [(s.organizer_id, s.series_id) for s in specs]
    assert await subject.calendar.find_series_many(lookups) == {s.series_id: None for s in specs}
    created = await subject.calendar.create_series_many(specs)
    assert set(created) == {s.series_id for s in specs}
    found = await subject.calendar.find_series_many(lookups)
    for spec in specs:
        made, seen = created[spec.series_id], found[spec.series_id]
        assert isinstance(made, SeriesEvent) and isinstance(seen, SeriesEvent)
        assert (seen.event_id, seen.series_id, seen.first_start) == (made.event_id, spec.series_id, FIRST)
    assert await subject.calendar.find_series_many([]) == {}


async def test_creating_the_same_series_again_returns_the_first_one(subject: Subject) -> None:
    specs = [spec_for(subject, series_id("contract", subject.manager_id, "again", f"v{k}")) for k in range(2)]
    first = await subject.calendar.create_series_many(specs)
    again = await subject.calendar.create_series_many(specs)
    assert {k: _event_id(v) for k, v in again.items()} == {k: _event_id(v) for k, v in first.items()}


async def test_an_out_of_scope_mailbox_fails_only_its_own_items(subject: Subject) -> None:
    assert subject.deny is not None
    await subject.deny(subject.other_manager_id)
    mine = spec_for(subject, series_id("contract", subject.manager_id, "scope", "v1"))
    theirs = spec_for(subject, series_id("contract", subject.other_manager_id, "scope", "v1"), other=True)
    found = await subject.calendar.find_series_many([(s.organizer_id, s.series_id) for s in (mine, theirs)])
    assert found[mine.series_id] is None and isinstance(found[theirs.series_id], MailboxUnavailable)
    created = await subject.calendar.create_series_many([mine, theirs])
    assert isinstance(created[mine.series_id], SeriesEvent)
    assert isinstance(created[theirs.series_id], MailboxUnavailable)


async def test_the_attendees_copy_of_an_unanswered_series_is_tentative(subject: Subject) -> None:
    """Exchange shows an invitation nobody answered as tentative on the attendee's calendar, not busy."""
    sid = series_id("contract", subject.manager_id, subject.report_upn, "tentative")
    await subject.calendar.create_series(spec_for(subject, sid))
    people = [subject.manager_upn, subject.report_upn]
    busy = await subject.calendar.busy_times(subject.manager_id, people, FIRST, FIRST + timedelta(hours=1))
    assert [b.status for b in busy[subject.manager_upn.lower()] if b.start == FIRST] == ["busy"]
    assert [b.status for b in busy[subject.report_upn.lower()] if b.start == FIRST] == ["tentative"]


async def test_busy_times_covers_a_window_longer_than_getschedule_allows(subject: Subject) -> None:
    """getSchedule refuses windows over 62 days; the port still answers for 120 days, joined without repeats."""
    assert subject.add_busy is not None
    start = datetime(2027, 3, 1, tzinfo=UTC)
    late = start + timedelta(days=100, hours=9)
    across = start + timedelta(days=61, hours=23)  # straddles the first 62-day cut
    await subject.add_busy(subject.report_upn, late, late + timedelta(hours=1))
    await subject.add_busy(subject.report_upn, across, across + timedelta(hours=2))
    busy = await subject.calendar.busy_times(
        subject.manager_id, [subject.report_upn], start, start + timedelta(days=120)
    )
    starts = [b.start for b in busy[subject.report_upn.lower()]]
    assert late in starts and starts.count(across) == 1


async def test_an_address_that_is_no_mailbox_is_unknown_time_never_free(subject: Subject) -> None:
    window = (FIRST, FIRST + timedelta(days=7))
    busy = await subject.calendar.busy_times(subject.manager_id, [subject.unknown_address], *window)
    items = busy[subject.unknown_address.lower()]
    assert items and all(b.status == "unknown" for b in items)
    assert min(b.start for b in items) <= window[0] and max(b.end for b in items) >= window[1]


async def test_retiming_a_series_drops_its_moved_occurrences_but_a_new_subject_keeps_them(subject: Subject) -> None:
    """Outlook: changing a series' recurrence or time drops its exceptions (MS-OXOCAL 3.1.4.7.3.5)."""
    sid = series_id("contract", subject.manager_id, subject.report_upn, "retime")
    spec = spec_for(subject, sid)
    created = await subject.calendar.create_series(spec)
    before = await subject.calendar.occurrences(subject.manager_id, created.event_id, *WINDOW)
    target = before[1].start + timedelta(days=1)
    await subject.calendar.move_occurrence(
        subject.manager_id, before[1].event_id, target, target + timedelta(minutes=45)
    )
    await subject.calendar.update_series(created.event_id, replace(spec, subject="Growth conversation: renamed"))
    kept = await subject.calendar.occurrences(subject.manager_id, created.event_id, *WINDOW)
    assert kept[1].start == target
    assert spec.recurrence is not None
    longer = replace(spec.recurrence, end_date=date(2027, 5, 25))
    await subject.calendar.update_series(created.event_id, replace(spec, recurrence=longer))
    after = await subject.calendar.occurrences(subject.manager_id, created.event_id, *WINDOW)
    assert after[1].start == before[1].start  # the move is gone


def _event_id(value: object) -> str:
    assert isinstance(value, SeriesEvent), value
    return value.event_id


# ---------------------------------------------------------------- the emulator and the Graph adapter only


def _event_body(report_upn: str, transaction_id: str) -> dict[str, object]:
    return {
        "subject": "Growth conversation",
        "start": {"dateTime": "2027-03-02T10:00:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": "2027-03-02T10:45:00", "timeZone": "Europe/Berlin"},
        "attendees": [{"emailAddress": {"address": report_upn}, "type": "required"}],
        "transactionId": transaction_id,
    }


def test_emulator_returns_the_existing_event_for_a_repeated_transaction_id(graph: GraphEmulator) -> None:
    from tests.contract.test_graph_adapter_support import pairs

    (manager, report), (other, _) = pairs(graph.tenant())[0], pairs(graph.tenant())[-1]
    assert other["id"] != manager["id"]
    body = _event_body(report["mail"], "7f1c2d3e-0000-4000-8000-000000000001")
    with httpx.Client(base_url=graph.base_url, timeout=30) as http:
        first, again = (http.post(f"/users/{manager['id']}/events", json=body) for _ in range(2))
        elsewhere = http.post(f"/users/{other['id']}/events", json=body)
        fresh = http.post(f"/users/{manager['id']}/events", json={**body, "transactionId": "another"})
        assert {first.status_code, again.status_code, elsewhere.status_code} == {201}
        assert again.json()["id"] == first.json()["id"]
        assert elsewhere.json()["id"] != first.json()["id"]  # deduplicated per organiser
        assert fresh.json()["id"] != first.json()["id"]
        http.post(f"/users/{manager['id']}/events/{first.json()['id']}/cancel", json={"comment": "gone"})
        after_cancel = http.post(f"/users/{manager['id']}/events", json=body)
        assert after_cancel.status_code == 201 and after_cancel.json()["id"] != first.json()["id"]


async def test_graph_batches_twenty_look_ups_and_creates_per_round_trip(graph: GraphEmulator) -> None:
    from tests.contract.test_graph_adapter_support import adapters_for, count, pairs

    manager, report = pairs(graph.tenant())[0]
    subject = Subject(None, manager["id"], manager["mail"], report["mail"])  # type: ignore[arg-type]
    specs = [spec_for(subject, series_id("contract", manager["id"], "many", f"v{k}")) for k in range(25)]
    async with adapters_for(graph.base_url) as adapters:
        graph.clear_log()
        await adapters.calendar.find_series_many([(s.organizer_id, s.series_id) for s in specs])
        log = graph.log()
        assert (log["http_round_trips"], count(log, "GET /users/{id}/events")) == (2, 25)
        graph.clear_log()
        created = await adapters.calendar.create_series_many(specs)
        log = graph.log()
        assert (log["http_round_trips"], count(log, "POST /users/{id}/events")) == (2, 25)
        assert log["max_concurrency"].get(manager["id"], 0) <= 4
    assert len({_event_id(e) for e in created.values()}) == 25


async def test_graph_batched_creates_under_faults_make_one_event_per_series(graph: GraphEmulator) -> None:
    from tests.contract.test_graph_adapter_support import adapters_for, pairs

    usable = pairs(graph.tenant())
    specs = []
    for k, (manager, report) in enumerate(usable[:12]):
        subject = Subject(None, manager["id"], manager["mail"], report["mail"])  # type: ignore[arg-type]
        specs.append(spec_for(subject, series_id("contract", manager["id"], report["id"], f"fault{k}")))
    graph.switches(fault_rate=0.3, fault_seed=5)
    async with adapters_for(graph.base_url) as adapters:
        created = await adapters.calendar.create_series_many(specs)
        assert graph.log()["faulted"] > 0
        graph.switches(fault_rate=0)
        async with httpx.AsyncClient(base_url=graph.base_url, timeout=30) as http:
            for spec in specs:
                tagged = await http.get(
                    f"/users/{spec.organizer_id}/events", params={"$filter": series_filter(spec.series_id)}
                )
                assert [e["id"] for e in tagged.json()["value"]] == [_event_id(created[spec.series_id])]


async def test_busy_times_many_matches_one_call_per_manager_and_names_an_unavailable_mailbox(
    subject: Subject,
) -> None:
    sid = series_id("contract", subject.manager_id, subject.report_upn, "busy-many")
    await subject.calendar.create_series(spec_for(subject, sid))
    window = (FIRST - timedelta(days=1), FIRST + timedelta(days=15))
    queries = [(subject.manager_id, [subject.manager_upn]), (subject.other_manager_id, [subject.other_report_upn])]
    many = await subject.calendar.busy_times_many(queries, *window)
    one = await subject.calendar.busy_times(subject.manager_id, [subject.manager_upn], *window)
    assert many[subject.manager_id] == one and any(b.start == FIRST for b in one[subject.manager_upn.lower()])
    assert set(many[subject.other_manager_id]) == {subject.other_report_upn.lower()}  # type: ignore[arg-type]
    assert subject.deny is not None
    await subject.deny(subject.other_manager_id)
    again = await subject.calendar.busy_times_many(queries, *window)
    assert isinstance(again[subject.other_manager_id], MailboxUnavailable) and again[subject.manager_id] == one


async def test_busy_times_many_puts_several_managers_in_one_round_trip(graph: GraphEmulator) -> None:
    from tests.contract.test_graph_adapter_support import adapters_for, pairs

    managers = list({m["id"]: m for m, _ in pairs(graph.tenant())}.values())[:5]
    queries = [(m["id"], [m["mail"]]) for m in managers]
    async with adapters_for(graph.base_url) as adapters:
        graph.clear_log()
        answers = await adapters.calendar.busy_times_many(queries, *WINDOW)
    assert set(answers) == {m["id"] for m in managers} and len(managers) == 5
    assert graph.log()["http_round_trips"] == 1
