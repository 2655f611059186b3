"""The growth agenda: items, statuses, carry-over, coach request, shared view and literal user text."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from shared.domain.agenda import (
    ITEM_TEXT_MAX,
    GrowthAgenda,
    ItemKind,
    ItemStatus,
    SharedAgenda,
    Visibility,
    clean_user_text,
)

pytestmark = pytest.mark.unit

DAY = date(2026, 11, 2)
LATER = date(2026, 11, 20)


def agenda() -> GrowthAgenda:
    return (
        GrowthAgenda(employee_id="e1")
        .add_item(ItemKind.LEARNING_GOAL, "Learn Kubernetes", DAY, Visibility.SHARED)
        .add_item(ItemKind.UNLEARN, "Saying yes to every meeting", DAY)
        .add_item(ItemKind.SHARE, "Helm tips", DAY, Visibility.SHARED, share_with="Platform guild")
    )


def test_new_items_are_private_open_and_numbered() -> None:
    items = GrowthAgenda(employee_id="e1").add_micro_need("An intro to the SRE lead", DAY).items
    assert [(i.id, i.kind, i.visibility, i.status, i.created) for i in items] == [
        ("i1", ItemKind.MICRO_NEED, Visibility.PRIVATE, ItemStatus.OPEN, DAY)
    ]


def test_micro_need_can_be_added_any_time_and_ids_never_repeat() -> None:
    a = agenda().update_item("i1", LATER, status=ItemStatus.DONE).carry_over().add_micro_need("A book", LATER)
    assert [i.id for i in a.items] == ["i2", "i3", "i4"]
    assert a.item("i4").created == LATER


def test_shared_view_holds_only_shared_items_and_no_coach_request() -> None:
    view = agenda().request_coach(DAY, "about my manager").shared_view()
    assert [i.text for i in view.items] == ["Learn Kubernetes", "Helm tips"]
    assert "coach" not in SharedAgenda.model_fields
    assert "about my manager" not in view.model_dump_json()


def test_shared_agenda_refuses_a_private_item() -> None:
    private = agenda().item("i2")
    with pytest.raises(ValidationError, match="shared items only"):
        SharedAgenda(employee_id="e1", items=(private,))


def test_carry_over_keeps_open_and_in_progress_items_and_clears_coach_request() -> None:
    a = (
        agenda()
        .update_item("i1", LATER, status=ItemStatus.IN_PROGRESS)
        .update_item("i2", LATER, status=ItemStatus.DROPPED)
        .update_item("i3", LATER, status=ItemStatus.DONE)
        .request_coach(LATER)
        .carry_over()
    )
    assert [(i.id, i.status) for i in a.items] == [("i1", ItemStatus.IN_PROGRESS)]
    assert a.item("i1").updated == LATER
    assert a.coach_request is None


def test_update_can_share_an_item_later_and_unknown_id_raises() -> None:
    a = agenda().update_item("i2", LATER, visibility=Visibility.SHARED)
    assert "Saying yes to every meeting" in [i.text for i in a.shared_view().items]
    with pytest.raises(KeyError):
        a.update_item("nope", LATER, status=ItemStatus.DONE)


def test_share_with_only_on_share_items() -> None:
    with pytest.raises(ValidationError, match="share_with"):
        GrowthAgenda(employee_id="e1").add_item(ItemKind.LEARNING_GOAL, "x", DAY, share_with="team")


@pytest.mark.parametrize("text", ["", "   ", "\x00\x07", "x" * (ITEM_TEXT_MAX + 1)])
def test_item_text_must_be_non_empty_and_short(text: str) -> None:
    with pytest.raises(ValidationError):
        GrowthAgenda(employee_id="e1").add_micro_need(text, DAY)


def test_control_characters_are_removed_newlines_kept() -> None:
    assert clean_user_text("  a\x00b\x1b[31mc\r\nd\te\u200dz  ") == "ab[31mc\nd\te\u200dz"


@pytest.mark.parametrize(
    "text", ["${employee.name}", "**bold** _it_ [link](https://x)", "<script>alert(1)</script>", "{{x}} & %s"]
)
def test_template_markdown_and_html_stay_literal(text: str) -> None:
    a = GrowthAgenda(employee_id="e1").add_micro_need(text, DAY)
    assert a.items[0].text == text
    assert GrowthAgenda.model_validate_json(a.model_dump_json()).items[0].text == text


def test_agenda_round_trips_through_json() -> None:
    a = agenda().request_coach(DAY, "note")
    assert GrowthAgenda.model_validate_json(a.model_dump_json()) == a


printable = st.text(st.characters(blacklist_categories=["Cc", "Cs"]), min_size=1, max_size=200)


@given(printable)
def test_text_without_control_characters_is_kept_exactly_apart_from_trimming(text: str) -> None:
    assert clean_user_text(text) == text.strip()


@given(st.text(max_size=300))
def test_cleaning_is_idempotent_and_leaves_no_control_characters(text: str) -> None:
    cleaned = clean_user_text(text)
    assert clean_user_text(cleaned) == cleaned
    assert all(ch in "\n\t" or (ord(ch) >= 0x20 and not 0x7F <= ord(ch) <= 0x9F) for ch in cleaned)
