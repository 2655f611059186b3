"""The emulator's calendars are as strict as Exchange Online where WeGrow depends on it (OpenAPI validation on).

Each test would fail against the emulator's former, kinder behaviour: 63-day getSchedule windows, UPNs resolving
as attendee addresses, attendees' copies busy before they answer, no accept/decline actions, exceptions that
survived a re-timed series, unvalidated recurrence time zones and series expanded in the start's zone.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from tests.fixtures.graph import GraphEmulator

pytestmark = pytest.mark.contract
SATURDAY = "2031-03-01"  # far from every seeded meeting, and seeded meetings are on weekdays
STATUSES = ("free", "tentative", "busy", "oof", "workingElsewhere", "unknown")


# --- helpers (HTTP only: Graph routes and the emulator's control API) -------------------------------------------


def mailbox_people(graph: GraphEmulator, count: int) -> list[dict[str, Any]]:
    people = [p for p in graph.tenant()["people"] if p["hasMailbox"] and p["mail"] and p["accountEnabled"]]
    return people[:count]


def utc(day: str, hour: int, minute: int = 0) -> dict[str, str]:
    return {"dateTime": f"{day}T{hour:02d}:{minute:02d}:00", "timeZone": "UTC"}


def attendee(person: dict[str, Any] | str) -> dict[str, Any]:
    address = person if isinstance(person, str) else person["mail"]
    return {"emailAddress": {"address": address}, "type": "required"}


def create(graph: GraphEmulator, organiser: dict[str, Any], **event: Any) -> dict[str, Any]:
    body = {"subject": "Growth conversation", "start": utc(SATURDAY, 9), "end": utc(SATURDAY, 10), **event}
    resp = httpx.post(f"{graph.base_url}/users/{organiser['id']}/events", json=body, timeout=30)
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


def weekly_saturdays(count: int = 4, start: str = "2031-01-04") -> dict[str, Any]:
    return {
        "pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["saturday"]},
        "range": {"type": "numbered", "startDate": start, "numberOfOccurrences": count},
    }


def get(graph: GraphEmulator, user: dict[str, Any], path: str, **params: str) -> dict[str, Any]:
    resp = httpx.get(f"{graph.base_url}/users/{user['id']}/{path}", params=params, timeout=30)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def view(graph: GraphEmulator, user: dict[str, Any], start: str, end: str) -> list[dict[str, Any]]:
    """calendarView in [start, end) (UTC ISO), all pages."""
    body = get(graph, user, "calendarView", startDateTime=start, endDateTime=end, **{"$top": "100"})
    items = list(body["value"])
    while "@odata.nextLink" in body:
        body = httpx.get(body["@odata.nextLink"], timeout=30).json()
        items.extend(body["value"])
    return items


def instances(graph: GraphEmulator, user: dict[str, Any], event_id: str) -> list[dict[str, Any]]:
    window = {"startDateTime": "2030-12-01T00:00:00Z", "endDateTime": "2031-06-01T00:00:00Z", "$top": "100"}
    return list(get(graph, user, f"events/{event_id}/instances", **window)["value"])


def copy_of(graph: GraphEmulator, user: dict[str, Any], ical_uid: str, start: str, end: str) -> list[dict[str, Any]]:
    return [e for e in view(graph, user, start, end) if e["iCalUId"] == ical_uid]


def schedule(graph: GraphEmulator, caller: dict[str, Any], addresses: list[str], **body: Any) -> httpx.Response:
    payload = {
        "schedules": addresses,
        "startTime": utc(SATURDAY, 8),
        "endTime": utc(SATURDAY, 14),
        "availabilityViewInterval": 60,
        **body,
    }
    return httpx.post(f"{graph.base_url}/users/{caller['id']}/calendar/getSchedule", json=payload, timeout=30)


def respond(graph: GraphEmulator, user: dict[str, Any], event_id: str, action: str, **body: Any) -> httpx.Response:
    payload = {"comment": "", "sendResponse": True, **body}
    return httpx.post(f"{graph.base_url}/users/{user['id']}/events/{event_id}/{action}", json=payload, timeout=30)


def set_addresses(graph: GraphEmulator, user: dict[str, Any], mail: str, proxies: list[str]) -> None:
    """Control API: the user's SMTP addresses (proxyAddresses is read-only in Graph)."""
    resp = httpx.post(
        f"{graph.root}/_emulator/mailbox/{user['id']}/addresses",
        json={"mail": mail, "proxyAddresses": proxies},
        timeout=30,
    )
    assert resp.status_code == 200, resp.text


def smtp_only(graph: GraphEmulator, user: dict[str, Any]) -> tuple[str, str]:
    """Give ``user`` SMTP addresses that differ from their UPN; return (primary, alias) in odd case."""
    local = user["id"][:8]
    primary, alias = f"primary.{local}@mail.contoso.example", f"alias.{local}@mail.contoso.example"
    set_addresses(graph, user, primary, [f"SMTP:{primary}", f"smtp:{alias}"])
    assert primary != user["userPrincipalName"].lower()
    return primary.upper(), alias.title()


def status_of(event: dict[str, Any], person: dict[str, Any]) -> str:
    wanted = person["mail"].lower()
    return next(
        str(a["status"]["response"]) for a in event["attendees"] if a["emailAddress"]["address"].lower() == wanted
    )


# --- getSchedule ---------------------------------------------------------------------------------------------


def test_get_schedule_window_is_at_most_62_days(graph: GraphEmulator) -> None:
    (me,) = mailbox_people(graph, 1)
    too_long = schedule(graph, me, [me["mail"]], startTime=utc("2031-01-01", 0), endTime=utc("2031-03-05", 0))
    assert too_long.status_code == 400
    assert too_long.json()["error"]["code"] == "ErrorTimeIntervalTooBig"
    assert too_long.json()["error"]["message"] == (
        "The requested time duration specified for FreeBusyViewOptions.TimeWindow is too long. "
        "The allowed limit = 62 days"
    )
    exactly = schedule(
        graph,
        me,
        [me["mail"]],
        startTime=utc("2031-01-01", 0),
        endTime=utc("2031-03-04", 0),
        availabilityViewInterval=1440,
    )
    assert exactly.status_code == 200
    assert len(exactly.json()["value"][0]["availabilityView"]) == 62
    assert graph.violations() == []


def test_availability_view_interval_is_5_to_1440_minutes(graph: GraphEmulator) -> None:
    (me,) = mailbox_people(graph, 1)
    for bad in (4, 1441, 0):
        assert schedule(graph, me, [me["mail"]], availabilityViewInterval=bad).status_code == 400
    five = schedule(graph, me, [me["mail"]], availabilityViewInterval=5)
    day = schedule(graph, me, [me["mail"]], availabilityViewInterval=1440)
    assert len(five.json()["value"][0]["availabilityView"]) == 6 * 12
    assert day.json()["value"][0]["availabilityView"] == "0"


def test_schedules_resolve_by_smtp_address_only(graph: GraphEmulator) -> None:
    me, other = mailbox_people(graph, 2)
    primary, alias = smtp_only(graph, other)
    create(graph, other, subject="Busy on Saturday", start=utc(SATURDAY, 9), end=utc(SATURDAY, 10))
    resp = schedule(graph, me, [other["userPrincipalName"], "ghost@contoso.example", primary, alias])
    assert resp.status_code == 200
    by_upn, ghost, by_primary, by_alias = resp.json()["value"]
    for unresolved in (by_upn, ghost):
        assert set(unresolved) == {"scheduleId", "error"}  # never an empty (free) availabilityView
        assert unresolved["error"]["responseCode"]
        assert "Unable to resolve e-mail address" in unresolved["error"]["message"]
    assert by_upn["scheduleId"] == other["userPrincipalName"]
    for found in (by_primary, by_alias):
        assert found["availabilityView"] == "020000"
        assert [i["subject"] for i in found["scheduleItems"]] == ["Busy on Saturday"]
    assert graph.violations() == []


def test_free_busy_follows_show_as_on_each_mailbox_copy(graph: GraphEmulator) -> None:
    organiser, guest = mailbox_people(graph, 2)
    events = [
        create(graph, organiser, subject=status, showAs=status, start=utc(SATURDAY, 8 + n), end=utc(SATURDAY, 9 + n),
               attendees=[attendee(guest)])
        for n, status in enumerate(STATUSES)
    ]  # fmt: skip
    mine, theirs = schedule(graph, organiser, [organiser["mail"], guest["mail"]]).json()["value"]
    # workingElsewhere is 0 in availabilityView (scheduleInformation docs); unknown is "no data", 4.
    assert mine["availabilityView"] == "012304"
    assert [i["status"] for i in mine["scheduleItems"]] == list(STATUSES[1:])
    assert theirs["availabilityView"] == "011111"  # unanswered invitations are tentative; a free one stays free
    assert [i["status"] for i in theirs["scheduleItems"]] == ["tentative"] * 5
    guest_ids = {e["subject"]: e["id"] for e in view(graph, guest, f"{SATURDAY}T00:00:00Z", f"{SATURDAY}T23:00:00Z")}
    for event in events:
        assert respond(graph, guest, guest_ids[event["subject"]], "accept").status_code == 202
    theirs = schedule(graph, organiser, [guest["mail"]]).json()["value"][0]
    assert theirs["availabilityView"] == "012304"
    assert graph.violations() == []


# --- attendee responses --------------------------------------------------------------------------------------


def test_new_invitation_is_tentative_until_answered_and_answers_show_for_the_organiser(graph: GraphEmulator) -> None:
    organiser, guest = mailbox_people(graph, 2)
    event = create(graph, organiser, attendees=[attendee(guest)])
    day = (f"{SATURDAY}T00:00:00Z", f"{SATURDAY}T23:00:00Z")
    (copy,) = copy_of(graph, guest, event["iCalUId"], *day)
    assert (copy["showAs"], copy["responseStatus"]["response"], copy["isOrganizer"]) == ("tentative", "none", False)
    assert event["showAs"] == "busy" and status_of(event, guest) == "none"

    expected = {"tentativelyAccept": ("tentative", "tentativelyAccepted"), "accept": ("busy", "accepted")}
    for action, (show_as, response) in expected.items():
        assert respond(graph, guest, copy["id"], action).status_code == 202
        (copy,) = copy_of(graph, guest, event["iCalUId"], *day)
        assert (copy["showAs"], copy["responseStatus"]["response"]) == (show_as, response)
        assert status_of(get(graph, organiser, f"events/{event['id']}"), guest) == response
        assert schedule(graph, organiser, [guest["mail"]]).json()["value"][0]["availabilityView"][1] == (
            "1" if show_as == "tentative" else "2"
        )

    assert respond(graph, guest, copy["id"], "decline", comment="Sorry").status_code == 202
    assert copy_of(graph, guest, event["iCalUId"], *day) == []  # Outlook removes a declined meeting
    assert schedule(graph, organiser, [guest["mail"]]).json()["value"][0]["availabilityView"] == "000000"
    assert status_of(get(graph, organiser, f"events/{event['id']}"), guest) == "declined"
    assert graph.violations() == []


def test_answers_on_one_occurrence_or_the_whole_series(graph: GraphEmulator) -> None:
    organiser, guest = mailbox_people(graph, 2)
    series = create(graph, organiser, start=utc("2031-01-04", 9), end=utc("2031-01-04", 10),
                    attendees=[attendee(guest)], recurrence=weekly_saturdays())  # fmt: skip
    (master_copy,) = [
        e for e in get(graph, guest, "events", **{"$top": "100"})["value"] if e["iCalUId"] == series["iCalUId"]
    ]
    occurrences = instances(graph, guest, master_copy["id"])
    assert respond(graph, guest, occurrences[1]["id"], "accept").status_code == 202
    after = instances(graph, guest, master_copy["id"])
    assert [o["showAs"] for o in after] == ["tentative", "busy", "tentative", "tentative"]
    assert [status_of(o, guest) for o in instances(graph, organiser, series["id"])] == [
        "none", "accepted", "none", "none"
    ]  # fmt: skip
    assert respond(graph, guest, master_copy["id"], "accept").status_code == 202
    assert {o["showAs"] for o in instances(graph, guest, master_copy["id"])} == {"busy"}
    assert respond(graph, guest, after[2]["id"], "decline", sendResponse=False).status_code == 202
    assert [o["id"] for o in instances(graph, guest, master_copy["id"])] == [after[i]["id"] for i in (0, 1, 3)]
    assert graph.violations() == []


def test_the_organiser_cannot_answer_their_own_meeting(graph: GraphEmulator) -> None:
    organiser, guest = mailbox_people(graph, 2)
    event = create(graph, organiser, attendees=[attendee(guest)])
    codes = {
        "accept": "ErrorCalendarIsOrganizerForAccept",
        "tentativelyAccept": "ErrorCalendarIsOrganizerForTentative",
        "decline": "ErrorCalendarIsOrganizerForDecline",
    }
    for action, code in codes.items():
        resp = respond(graph, organiser, event["id"], action)
        assert resp.status_code == 400
        assert resp.json()["error"]["code"] == code
    control = httpx.post(
        f"{graph.root}/_emulator/respond",
        json={"user": organiser["id"], "event_id": event["id"], "response": "accepted"},
        timeout=30,
    )
    assert control.status_code == 400
    assert get(graph, organiser, f"events/{event['id']}")["responseStatus"]["response"] == "organizer"


def test_proposed_new_time_needs_send_response_and_allowed_proposals(graph: GraphEmulator) -> None:
    organiser, guest = mailbox_people(graph, 2)
    event = create(graph, organiser, attendees=[attendee(guest)], allowNewTimeProposals=False)
    (copy,) = copy_of(graph, guest, event["iCalUId"], f"{SATURDAY}T00:00:00Z", f"{SATURDAY}T23:00:00Z")
    proposal = {"start": utc(SATURDAY, 11), "end": utc(SATURDAY, 12)}
    assert respond(graph, guest, copy["id"], "tentativelyAccept", proposedNewTime=proposal).status_code == 400
    assert respond(graph, guest, copy["id"], "tentativelyAccept").status_code == 202


def test_control_api_answers_like_the_graph_actions(graph: GraphEmulator) -> None:
    organiser, guest = mailbox_people(graph, 2)
    event = create(graph, organiser, attendees=[attendee(guest)])
    resp = httpx.post(
        f"{graph.root}/_emulator/respond",
        json={"user": guest["userPrincipalName"], "event_id": event["id"], "response": "accepted"},
        timeout=30,
    )
    assert resp.status_code == 200
    (copy,) = copy_of(graph, guest, event["iCalUId"], f"{SATURDAY}T00:00:00Z", f"{SATURDAY}T23:00:00Z")
    assert (copy["showAs"], copy["responseStatus"]["response"]) == ("busy", "accepted")


def test_an_attendee_may_mark_their_own_copy_free(graph: GraphEmulator) -> None:
    organiser, guest = mailbox_people(graph, 2)
    event = create(graph, organiser, attendees=[attendee(guest)])
    (copy,) = copy_of(graph, guest, event["iCalUId"], f"{SATURDAY}T00:00:00Z", f"{SATURDAY}T23:00:00Z")
    patched = httpx.patch(
        f"{graph.base_url}/users/{guest['id']}/events/{copy['id']}", json={"showAs": "free"}, timeout=30
    )
    assert patched.status_code == 200
    mine, theirs = schedule(graph, organiser, [organiser["mail"], guest["mail"]]).json()["value"]
    assert (mine["availabilityView"], theirs["availabilityView"]) == ("020000", "000000")
    assert respond(graph, guest, copy["id"], "accept").status_code == 202  # answering sets the status again
    assert schedule(graph, organiser, [guest["mail"]]).json()["value"][0]["availabilityView"] == "020000"


# --- addresses -----------------------------------------------------------------------------------------------


def test_attendees_resolve_by_mail_and_proxy_addresses_never_by_upn(graph: GraphEmulator) -> None:
    organiser, by_upn, by_alias = mailbox_people(graph, 3)
    smtp_only(graph, by_upn)
    _, alias = smtp_only(graph, by_alias)
    event = create(graph, organiser, attendees=[attendee(by_upn["userPrincipalName"]), attendee(alias)])
    day = (f"{SATURDAY}T00:00:00Z", f"{SATURDAY}T23:00:00Z")
    assert copy_of(graph, by_upn, event["iCalUId"], *day) == []  # a UPN is not an SMTP address: no copy
    assert len(copy_of(graph, by_alias, event["iCalUId"], *day)) == 1
    assert [a["status"]["response"] for a in event["attendees"]] == ["none", "none"]
    assert graph.violations() == []


# --- series: significant changes, moved instances, attendee copies ------------------------------------------


def test_retiming_a_series_drops_exceptions_and_answers_but_a_subject_change_keeps_them(graph: GraphEmulator) -> None:
    organiser, guest = mailbox_people(graph, 2)
    series = create(graph, organiser, start=utc("2031-01-04", 9), end=utc("2031-01-04", 10),
                    attendees=[attendee(guest)], recurrence=weekly_saturdays())  # fmt: skip
    url = f"{graph.base_url}/users/{organiser['id']}/events"
    first, second, *_ = instances(graph, organiser, series["id"])
    moved = {"start": utc("2031-01-04", 15), "end": utc("2031-01-04", 16)}
    assert httpx.patch(f"{url}/{first['id']}", json=moved, timeout=30).status_code == 200
    assert httpx.delete(f"{url}/{second['id']}", timeout=30).status_code == 204
    (master_copy,) = get(graph, guest, "events", **{"$filter": f"iCalUId eq '{series['iCalUId']}'"})["value"]
    copy_id = master_copy["id"]  # the guest's series (its instances carry their own iCalUId)
    assert respond(graph, guest, copy_id, "accept").status_code == 202

    assert httpx.patch(f"{url}/{series['id']}", json={"subject": "Renamed"}, timeout=30).status_code == 200
    kept = instances(graph, organiser, series["id"])
    assert [o["type"] for o in kept] == ["exception", "occurrence", "occurrence"]
    assert kept[0]["start"]["dateTime"].startswith("2031-01-04T15:00") and kept[0]["subject"] == "Renamed"
    assert {status_of(o, guest) for o in kept} == {"accepted"}

    for change in ({"recurrence": weekly_saturdays(5)}, {"start": utc("2031-01-04", 10), "end": utc("2031-01-04", 11)}):
        current = instances(graph, organiser, series["id"])
        assert httpx.patch(f"{url}/{current[0]['id']}", json=moved, timeout=30).status_code == 200
        assert httpx.delete(f"{url}/{current[1]['id']}", timeout=30).status_code == 204
        assert respond(graph, guest, copy_id, "accept").status_code == 202
        assert httpx.patch(f"{url}/{series['id']}", json=change, timeout=30).status_code == 200
        again = instances(graph, organiser, series["id"])
        assert [o["type"] for o in again] == ["occurrence"] * 5  # moved and cancelled occurrences are back
        assert {status_of(o, guest) for o in again} == {"none"}  # responses cleared by a significant change
    assert graph.violations() == []


def test_moving_an_occurrence_resets_its_answers_and_the_attendee_copy_follows(graph: GraphEmulator) -> None:
    organiser, guest = mailbox_people(graph, 2)
    series = create(graph, organiser, start=utc("2031-01-04", 9), end=utc("2031-01-04", 10),
                    attendees=[attendee(guest)], recurrence=weekly_saturdays())  # fmt: skip
    master_copy = next(
        e for e in get(graph, guest, "events", **{"$top": "100"})["value"] if e["iCalUId"] == series["iCalUId"]
    )
    assert respond(graph, guest, master_copy["id"], "accept").status_code == 202
    second = instances(graph, organiser, series["id"])[1]
    moved = {"start": utc("2031-01-11", 13), "end": utc("2031-01-11", 14), "subject": "Moved"}
    url = f"{graph.base_url}/users/{organiser['id']}/events/{second['id']}"
    assert httpx.patch(url, json=moved, timeout=30).status_code == 200
    copies = instances(graph, guest, master_copy["id"])
    assert [o["responseStatus"]["response"] for o in copies] == ["accepted", "none", "accepted", "accepted"]
    assert [o["showAs"] for o in copies] == ["busy", "tentative", "busy", "busy"]
    assert copies[1]["start"]["dateTime"].startswith("2031-01-11T13:00") and copies[1]["subject"] == "Moved"
    assert [status_of(o, guest) for o in instances(graph, organiser, series["id"])] == [
        "accepted", "none", "accepted", "accepted"
    ]  # fmt: skip
    renamed = httpx.patch(f"{url}", json={"subject": "Moved again"}, timeout=30)  # not a move: answers stay
    assert renamed.status_code == 200
    assert respond(graph, guest, copies[1]["id"], "accept").status_code == 202
    assert httpx.patch(f"{url}", json={"subject": "Same time"}, timeout=30).status_code == 200
    assert instances(graph, guest, master_copy["id"])[1]["responseStatus"]["response"] == "accepted"
    assert graph.violations() == []


def test_attendee_copies_follow_the_organisers_attendee_list(graph: GraphEmulator) -> None:
    organiser, first, second = mailbox_people(graph, 3)
    event = create(graph, organiser, attendees=[attendee(first)])
    day = (f"{SATURDAY}T00:00:00Z", f"{SATURDAY}T23:00:00Z")
    url = f"{graph.base_url}/users/{organiser['id']}/events/{event['id']}"
    changed = {"attendees": [attendee(second)], "subject": "New subject"}
    assert httpx.patch(url, json=changed, timeout=30).status_code == 200
    assert copy_of(graph, first, event["iCalUId"], *day) == []
    (copy,) = copy_of(graph, second, event["iCalUId"], *day)
    assert (copy["subject"], copy["showAs"]) == ("New subject", "tentative")


# --- time zones ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "where",
    [
        {"start": {"dateTime": f"{SATURDAY}T09:00:00", "timeZone": "Mars/Olympus"}},
        {"end": {"dateTime": f"{SATURDAY}T10:00:00", "timeZone": "Greenwich Mean Time"}},
        {
            "recurrence": {
                **weekly_saturdays(),
                "range": {**weekly_saturdays()["range"], "recurrenceTimeZone": "Nowhere"},
            }
        },
    ],
)
def test_unknown_time_zones_are_refused(graph: GraphEmulator, where: dict[str, Any]) -> None:
    (organiser,) = mailbox_people(graph, 1)
    body = {"subject": "x", "start": utc("2031-01-04", 9), "end": utc("2031-01-04", 10), **where}
    resp = httpx.post(f"{graph.base_url}/users/{organiser['id']}/events", json=body, timeout=30)
    assert resp.status_code == 400
    assert resp.json()["error"]["code"] == "TimeZoneNotSupportedException"
    assert "The following TimeZone value is not supported" in resp.json()["error"]["message"]


def test_windows_and_iana_zone_names_are_accepted(graph: GraphEmulator) -> None:
    (organiser,) = mailbox_people(graph, 1)
    for zone in ("W. Europe Standard Time", "Europe/Berlin", "UTC", "Etc/GMT"):
        when = {"start": {"dateTime": f"{SATURDAY}T09:00:00", "timeZone": zone},
                "end": {"dateTime": f"{SATURDAY}T10:00:00", "timeZone": zone}}  # fmt: skip
        create(graph, organiser, **when)


def test_a_series_expands_in_its_recurrence_time_zone(graph: GraphEmulator) -> None:
    """Friday 18:00 Pacific is Saturday 02:00 UTC: a UTC series keeps Saturdays at 02:00 UTC across US DST."""
    (organiser,) = mailbox_people(graph, 1)
    recurrence = weekly_saturdays(3, SATURDAY)
    recurrence["range"]["recurrenceTimeZone"] = "UTC"
    series = create(
        graph,
        organiser,
        start={"dateTime": "2031-02-28T18:00:00", "timeZone": "Pacific Standard Time"},
        end={"dateTime": "2031-02-28T18:30:00", "timeZone": "Pacific Standard Time"},
        recurrence=recurrence,
    )
    assert series["recurrence"]["range"]["recurrenceTimeZone"] == "UTC"
    starts = [o["start"]["dateTime"][:16] for o in instances(graph, organiser, series["id"])]
    assert starts == ["2031-03-01T02:00", "2031-03-08T02:00", "2031-03-15T02:00"]
    ids = [o["id"][-8:] for o in instances(graph, organiser, series["id"])]
    assert ids == ["20310301", "20310308", "20310315"]


# --- the seeded tenant -----------------------------------------------------------------------------------------


def test_seeded_invitations_are_unanswered_and_tentative(graph: GraphEmulator) -> None:
    tenant = graph.tenant()
    anchor = date.fromisoformat(tenant["anchor"])
    window = (f"{anchor}T00:00:00Z", f"{anchor + timedelta(days=21)}T00:00:00Z")
    copies = [
        event
        for person in [p for p in tenant["people"] if p["hasMailbox"]][:15]
        for event in view(graph, person, *window)
        if not event["isOrganizer"]
    ]
    assert copies, "the seeded tenant has meetings with attendees"
    assert {e["responseStatus"]["response"] for e in copies} == {"none"}
    assert {e["showAs"] for e in copies} <= {"tentative", "free"}
    assert "tentative" in {e["showAs"] for e in copies}


# --- proposed new times, iCalUId, cancelled instances, deleted attendee copies ---------------------------------


def proposal_of(event: dict[str, Any], person: dict[str, Any]) -> Any:
    wanted = person["mail"].lower()
    (found,) = [a for a in event["attendees"] if a["emailAddress"]["address"].lower() == wanted]
    return found.get("proposedNewTime")


def test_a_decline_with_a_proposed_time_shows_on_the_organisers_occurrence_only(graph: GraphEmulator) -> None:
    """decline / tentativelyAccept take ``proposedNewTime`` (a timeSlot); the organiser sees it as
    ``attendees[].proposedNewTime`` on what was answered, and it is absent elsewhere (attendee resource)."""
    organiser, guest = mailbox_people(graph, 2)
    series = create(graph, organiser, start=utc("2031-01-04", 9), end=utc("2031-01-04", 10),
                    attendees=[attendee(guest)], recurrence=weekly_saturdays())  # fmt: skip
    (copy,) = get(graph, guest, "events", **{"$filter": f"iCalUId eq '{series['iCalUId']}'"})["value"]
    theirs = instances(graph, guest, copy["id"])
    slot = {"start": utc("2031-01-12", 14), "end": utc("2031-01-12", 15)}
    assert respond(graph, guest, theirs[1]["id"], "decline", proposedNewTime=slot).status_code == 202
    seen = instances(graph, organiser, series["id"])
    assert proposal_of(seen[1], guest) == {
        "start": {"dateTime": "2031-01-12T14:00:00.0000000", "timeZone": "UTC"},
        "end": {"dateTime": "2031-01-12T15:00:00.0000000", "timeZone": "UTC"},
    }
    assert [proposal_of(o, guest) for o in (seen[0], seen[2], seen[3])] == [None, None, None]
    assert proposal_of(get(graph, organiser, f"events/{series['id']}"), guest) is None
    assert proposal_of(get(graph, organiser, f"events/{seen[1]['id']}"), guest) is not None
    assert respond(graph, guest, theirs[2]["id"], "tentativelyAccept", proposedNewTime=slot).status_code == 202
    assert respond(graph, guest, theirs[2]["id"], "tentativelyAccept").status_code == 202  # withdraws it
    assert proposal_of(instances(graph, organiser, series["id"])[2], guest) is None
    bad = [{"start": slot["start"]}, {"start": slot["end"], "end": slot["start"]}, "tomorrow"]
    for proposal in bad:
        assert respond(graph, guest, theirs[3]["id"], "decline", proposedNewTime=proposal).status_code == 400
    assert respond(graph, guest, theirs[3]["id"], "accept", proposedNewTime=slot).status_code == 400
    assert graph.violations() == []


def test_ical_uid_is_shared_by_the_copies_and_differs_per_occurrence(graph: GraphEmulator) -> None:
    organiser, guest = mailbox_people(graph, 2)
    series = create(graph, organiser, start=utc("2031-01-04", 9), end=utc("2031-01-04", 10),
                    attendees=[attendee(guest)], recurrence=weekly_saturdays())  # fmt: skip
    by_uid = {"$filter": f"iCalUId eq '{series['iCalUId']}'"}
    (mine,) = get(graph, organiser, "events", **by_uid)["value"]
    (theirs,) = get(graph, guest, "events", **by_uid)["value"]
    assert (mine["id"], mine["isOrganizer"], theirs["isOrganizer"]) == (series["id"], True, False)
    uids = [o["iCalUId"] for o in instances(graph, organiser, series["id"])]
    assert len(set(uids)) == 4 and series["iCalUId"] not in uids
    assert uids == [o["iCalUId"] for o in instances(graph, guest, theirs["id"])]
    assert get(graph, guest, "events", **{"$filter": "iCalUId eq 'nothing'"})["value"] == []
    refused = httpx.get(
        f"{graph.base_url}/users/{guest['id']}/events", params={"$filter": "startswith(iCalUId, '04')"}, timeout=30
    )
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "ErrorInvalidUrlQueryFilter"


def test_cancelling_one_instance_removes_it_from_both_calendars(graph: GraphEmulator) -> None:
    organiser, guest = mailbox_people(graph, 2)
    series = create(graph, organiser, start=utc("2031-01-04", 9), end=utc("2031-01-04", 10),
                    attendees=[attendee(guest)], recurrence=weekly_saturdays())  # fmt: skip
    (copy,) = get(graph, guest, "events", **{"$filter": f"iCalUId eq '{series['iCalUId']}'"})["value"]
    theirs = instances(graph, guest, copy["id"])
    url = f"{graph.base_url}/users/{guest['id']}/events/{theirs[1]['id']}/cancel"
    assert httpx.post(url, json={"comment": "no"}, timeout=30).status_code == 400  # only the organiser cancels
    ours = instances(graph, organiser, series["id"])
    url = f"{graph.base_url}/users/{organiser['id']}/events/{ours[1]['id']}/cancel"
    assert httpx.post(url, json={"comment": "Holiday"}, timeout=30).status_code == 202
    assert [o["id"] for o in instances(graph, organiser, series["id"])] == [ours[i]["id"] for i in (0, 2, 3)]
    assert [o["id"] for o in instances(graph, guest, copy["id"])] == [theirs[i]["id"] for i in (0, 2, 3)]
    assert httpx.post(url, json={"comment": "again"}, timeout=30).status_code == 404
    assert graph.violations() == []


def test_an_attendee_may_delete_their_copy_and_the_organisers_series_stays(graph: GraphEmulator) -> None:
    organiser, guest = mailbox_people(graph, 2)
    event = create(graph, organiser, attendees=[attendee(guest)])
    by_uid = {"$filter": f"iCalUId eq '{event['iCalUId']}'"}
    (copy,) = get(graph, guest, "events", **by_uid)["value"]
    assert httpx.delete(f"{graph.base_url}/users/{guest['id']}/events/{copy['id']}", timeout=30).status_code == 204
    assert get(graph, guest, "events", **by_uid)["value"] == []
    assert schedule(graph, organiser, [guest["mail"]]).json()["value"][0]["availabilityView"] == "000000"
    assert [e["id"] for e in get(graph, organiser, "events", **by_uid)["value"]] == [event["id"]]
    assert graph.violations() == []


def test_the_log_counts_patches_per_event_direct_and_batched(graph: GraphEmulator) -> None:
    """``GET /_emulator/log/patched``: how often each event was changed, so a test can tell one pair's move from
    another's (the operation counts say only how many PATCHes the whole tenant saw)."""
    organiser, guest = mailbox_people(graph, 2)
    series = create(graph, organiser, start=utc("2031-01-04", 9), end=utc("2031-01-04", 10),
                    attendees=[attendee(guest)], recurrence=weekly_saturdays())  # fmt: skip
    first, second, *_ = instances(graph, organiser, series["id"])
    url = f"{graph.base_url}/users/{organiser['id']}/events"
    graph.clear_log()
    for hour in (15, 16):
        moved = {"start": utc("2031-01-04", hour), "end": utc("2031-01-04", hour + 1)}
        assert httpx.patch(f"{url}/{first['id']}", json=moved, timeout=30).status_code == 200
    later = {"start": utc("2031-01-11", 15), "end": utc("2031-01-11", 16)}
    item = {"id": "1", "method": "PATCH", "url": f"/users/{organiser['id']}/events/{second['id']}", "body": later,
            "headers": {"Content-Type": "application/json"}}  # fmt: skip
    batch = httpx.post(f"{graph.base_url}/$batch", json={"requests": [item]}, timeout=30)
    assert batch.status_code == 200 and batch.json()["responses"][0]["status"] == 200, batch.text
    patched = httpx.get(f"{graph.root}/_emulator/log/patched", timeout=30).json()["events"]
    assert patched == {first["id"]: 2, second["id"]: 1}
