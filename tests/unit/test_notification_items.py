"""Parsing Graph notification bodies: good items become notices, bad ones clear rejections, never an exception."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.notification_items import (
    BODY_LEVEL,
    ChangeNotice,
    LifecycleNotice,
    ParsedNotifications,
    Rejection,
    parse_notifications,
)

pytestmark = pytest.mark.unit

USER, EVENT = "6f1c2b9e-0000-4000-8000-000000000001", "AAMkAGI2TG93AAA="


def change(**fields: Any) -> dict[str, Any]:
    item = {
        "subscriptionId": "sub-1",
        "subscriptionExpirationDateTime": "2026-06-03T06:00:00Z",
        "changeType": "updated",
        "resource": f"Users/{USER}/Events/{EVENT}",
        "resourceData": {
            "@odata.type": "#Microsoft.Graph.Event",
            "@odata.id": f"Users/{USER}/Events/{EVENT}",
            "@odata.etag": 'W/"abc"',
            "id": EVENT,
        },
        "clientState": "state",
        "tenantId": "tenant",
    }
    return item | fields


def lifecycle(**fields: Any) -> dict[str, Any]:
    item = {
        "lifecycleEvent": "missed",
        "subscriptionId": "sub-1",
        "subscriptionExpirationDateTime": "2026-06-03T06:00:00Z",
        "clientState": "state",
        "tenantId": "tenant",
        "resource": f"users/{USER}/events",
    }
    return item | fields


def test_a_change_notification_becomes_a_notice() -> None:
    parsed = parse_notifications({"value": [change()]})
    assert parsed == ParsedNotifications(changes=(ChangeNotice("sub-1", USER, EVENT, "updated", "state"),))


@pytest.mark.parametrize(
    "resource",
    [
        f"Users/{USER}/Events/{EVENT}",
        f"users/{USER}/events/{EVENT}",
        f"/USERS/{USER}/EVENTS/{EVENT}",
        f"Users('{USER}')/Events('{EVENT}')",
    ],
)
def test_the_resource_is_read_without_regard_to_case(resource: str) -> None:
    [notice] = parse_notifications({"value": [change(resource=resource)]}).changes
    assert (notice.user_id, notice.event_id) == (USER, EVENT)


def test_change_type_is_normalised_and_deleted_needs_no_resource_data() -> None:
    [notice] = parse_notifications({"value": [change(changeType="Deleted", resourceData=None)]}).changes
    assert notice.change_type == "deleted"


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ("text", "the item is not an object"),
        (change(resource="Users/x/Messages/y"), "resource is not Users/{id}/Events/{id}"),
        (change(resource=f"Users/{USER}/Events"), "resource is not Users/{id}/Events/{id}"),
        (change(resource=f"Users/{USER}/Events/a/b"), "resource is not Users/{id}/Events/{id}"),
        (change(changeType="moved"), "changeType is missing or not one of created, updated, deleted"),
        (change(subscriptionId=""), "subscriptionId is missing or not an id"),
        (change(subscriptionId=7), "subscriptionId is missing or not an id"),
        (change(resourceData={"id": "other"}), "resourceData.id differs from the event in resource"),
        (change(resourceData=[1]), "resourceData is not an object"),
        (change(resource=f"Users/{USER}/Events/{'x' * 600}", resourceData=None), "the resource's event id is"),
    ],
)
def test_a_malformed_item_is_rejected_alone(item: object, reason: str) -> None:
    parsed = parse_notifications({"value": [change(), item, change(changeType="deleted")]})
    assert [n.change_type for n in parsed.changes] == ["updated", "deleted"]
    [rejection] = parsed.rejections
    assert rejection.index == 1 and rejection.reason.startswith(reason)


def test_a_missing_client_state_is_kept_as_none_for_the_check_to_refuse() -> None:
    [notice] = parse_notifications({"value": [change(clientState=None)]}).changes
    assert notice.client_state is None


def test_lifecycle_items_name_the_mailbox_when_the_resource_does() -> None:
    parsed = parse_notifications(
        {"value": [lifecycle(), lifecycle(lifecycleEvent="SUBSCRIPTIONREMOVED", resource=None), change()]}
    )
    assert parsed.lifecycle == (
        LifecycleNotice("sub-1", "missed", USER, "state"),
        LifecycleNotice("sub-1", "subscriptionRemoved", None, "state"),
    )
    assert len(parsed.changes) == 1


def test_an_unknown_lifecycle_event_is_rejected() -> None:
    parsed = parse_notifications({"value": [lifecycle(lifecycleEvent="renewed")]})
    assert parsed.rejections == (
        Rejection(0, "lifecycleEvent is missing or not one of reauthorizationRequired, subscriptionRemoved, missed"),
    )


@pytest.mark.parametrize("body", [None, [], "x", 3, {}, {"value": {}}, {"value": "x"}])
def test_a_body_without_a_value_list_is_one_body_level_rejection(body: object) -> None:
    assert parse_notifications(body).rejections == (Rejection(BODY_LEVEL, "the body has no 'value' list"),)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
KEYS = st.sampled_from(["subscriptionId", "changeType", "resource", "resourceData", "clientState", "lifecycleEvent"])
NEAR_ITEMS = st.builds(
    lambda base, extra: base | extra,
    st.sampled_from([change(), lifecycle(), change(changeType="deleted")]),
    st.dictionaries(KEYS, JSON | st.sampled_from([f"Users/{USER}/Events/{EVENT}", "missed", "updated"]), max_size=3),
)


@given(JSON)
def test_any_json_yields_notices_or_rejections_never_an_exception(body: object) -> None:
    parsed = parse_notifications(body)
    assert isinstance(parsed, ParsedNotifications)


@given(st.lists(NEAR_ITEMS | JSON, max_size=8))
def test_every_item_is_accounted_for_exactly_once(items: list[object]) -> None:
    parsed = parse_notifications({"value": items})
    assert len(parsed.changes) + len(parsed.lifecycle) + len(parsed.rejections) == len(items)
    assert all(0 <= r.index < len(items) and r.reason for r in parsed.rejections)
    for notice in parsed.changes:
        assert notice.change_type in {"created", "updated", "deleted"} and notice.user_id and notice.event_id
