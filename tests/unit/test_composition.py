"""Card content: the manager's agenda and the employee's prep card; no private item ever reaches the manager."""

from __future__ import annotations

import gc
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.adapters.config_file import load_company_config
from shared.domain import composition
from shared.domain.actions import ActionStatus, ActionType, Gap, OutcomeAction
from shared.domain.agenda import GrowthAgenda, ItemKind, ItemStatus, Visibility
from shared.domain.composition import ConversationContext, compose_manager_agenda, compose_prep
from shared.domain.quadrants import Quadrant
from shared.domain.talking_points import capability_view
from shared.domain.tenure import TenureStage

pytestmark = pytest.mark.unit

CONFIG = load_company_config()
DAY = date(2026, 12, 1)


def context(**changes: object) -> ConversationContext:
    base: dict[str, object] = {
        "config": CONFIG,
        "employee_name": "Ana Silva",
        "manager_name": "Ben Okafor",
        "department": "Engineering",
        "conversation_date": DAY,
        "tenure_stage": TenureStage.PLATEAU_RISK,
    }
    return ConversationContext(**(base | changes))  # type: ignore[arg-type]


def sample() -> GrowthAgenda:
    return (
        GrowthAgenda(employee_id="e1")
        .add_item(ItemKind.LEARNING_GOAL, "Learn Kubernetes", DAY, Visibility.SHARED)
        .add_item(ItemKind.LEARNING_GOAL, "Secret: interview at another company about observability", DAY)
        .add_item(ItemKind.MICRO_NEED, "Done thing", DAY, Visibility.SHARED)
        .update_item("i3", DAY, status=ItemStatus.DONE)
        .request_coach(DAY, "my manager")
    )


def actions() -> list[OutcomeAction]:
    common = {"quadrant": Quadrant.SWEET_SPOT, "gap": Gap.KNOWLEDGE, "due": DAY, "initiative": "platform-migration"}
    return [
        OutcomeAction.model_validate(common | {"id": "a1", "text": "Helm course", "type": ActionType.TRAINING}),
        OutcomeAction.model_validate(
            common | {"id": "a2", "text": "Old", "type": ActionType.MENTORING, "status": ActionStatus.DONE}
        ),
    ]


def test_manager_agenda_holds_shared_open_items_needs_sections_and_open_actions() -> None:
    view = compose_manager_agenda(context(open_actions=actions()), sample().shared_view())
    assert [i.text for i in view.shared_items] == ["Learn Kubernetes"]
    assert view.org_unit == "Engineering"
    assert view.tenure is not None and view.tenure.label == "Plateau risk"
    assert view.tenure.prompt == CONFIG.tenure.plateau_risk.manager_prompt
    assert [n.id for n in view.org_needs] == [
        "kubernetes-operations",
        "infrastructure-as-code",
        "observability",
        "data-literacy",
    ]
    assert [s.quadrant for s in view.sections] == [Quadrant.SWEET_SPOT, Quadrant.UPHILL]
    assert [(a.id, a.initiative_name) for a in view.open_actions] == [("a1", "Platform migration to Kubernetes")]
    assert view.when_we_grow == CONFIG.when_we_grow


def test_private_item_does_not_change_which_org_needs_the_manager_sees() -> None:
    view = compose_manager_agenda(context(), sample().shared_view())
    uphill = next(s for s in view.sections if s.quadrant is Quadrant.UPHILL)
    assert "Observability" in [p.subject for p in uphill.points]  # matched only by the private item
    dumped = view.model_dump_json()
    assert "Secret" not in dumped and "my manager" not in dumped and "coach" not in dumped.lower()


def test_prep_card_shows_own_open_items_private_too_with_one_prompt_per_kind() -> None:
    prep = compose_prep(context(open_actions=actions()), sample())
    assert [p.kind for p in prep.prompts] == list(ItemKind)
    goals = next(p for p in prep.prompts if p.kind is ItemKind.LEARNING_GOAL)
    assert [(i.text, i.visibility) for i in goals.items] == [
        ("Learn Kubernetes", "shared"),
        ("Secret: interview at another company about observability", "private"),
    ]
    assert goals.question == CONFIG.prompts.learning_goal
    assert prep.coach_requested is True
    assert prep.coach_offer == CONFIG.prompts.coach_offer
    assert prep.tenure is not None and prep.tenure.prompt == CONFIG.tenure.plateau_risk.employee_prompt
    assert [a.id for a in prep.open_actions] == ["a1"]


def test_unknown_department_gets_company_wide_needs_and_no_tenure_without_hire_date() -> None:
    view = compose_manager_agenda(context(department=None, tenure_stage=None), sample().shared_view())
    assert view.org_unit == "unassigned"
    assert view.tenure is None
    assert [n.id for n in view.org_needs] == ["data-literacy"]


item_text = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=80).filter(
    lambda t: t.strip() and any(not ch.isspace() and ord(ch) >= 32 for ch in t)
)
items = st.lists(
    st.tuples(st.sampled_from(list(ItemKind)), item_text, st.booleans(), st.sampled_from(list(ItemStatus))),
    max_size=12,
)


@settings(max_examples=120, deadline=None)
@given(items=items, department=st.sampled_from(["Engineering", "Sales", "Customer Support", None]))
def test_composition_never_puts_a_private_item_into_the_manager_agenda(
    items: list[tuple[ItemKind, str, bool, ItemStatus]], department: str | None
) -> None:
    agenda = GrowthAgenda(employee_id="e1")
    for kind, text, shared, status in items:
        visibility = Visibility.SHARED if shared else Visibility.PRIVATE
        try:
            agenda = agenda.add_item(kind, text, DAY, visibility)
        except ValueError:
            continue  # text that is empty after cleaning is refused, as it should be
        agenda = agenda.update_item(agenda.items[-1].id, DAY, status=status)
    view = compose_manager_agenda(context(department=department), agenda.shared_view())
    private_ids = {i.id for i in agenda.items if i.visibility is Visibility.PRIVATE}
    shown_ids = {i.id for i in view.shared_items} | {p.item_id for s in view.sections for p in s.points}
    assert not private_ids & shown_ids
    shared_texts = {i.text for i in agenda.items if i.visibility is Visibility.SHARED}
    shown_subjects = {p.subject for s in view.sections for p in s.points if p.item_id is not None}
    assert shown_subjects <= shared_texts
    assert {i.text for i in view.shared_items} <= shared_texts


@given(
    department=st.sampled_from(["Engineering", "Sales", "Customer Support", None]),
    day=st.dates(min_value=date(2024, 1, 1), max_value=date(2032, 12, 31)),
)
@settings(max_examples=40)
def test_kept_org_needs_are_the_views_built_afresh(department: str | None, day: date) -> None:
    ctx = context(department=department, conversation_date=day)
    expected = tuple(capability_view(CONFIG, c, day) for c in ctx.capabilities)
    assert compose_prep(ctx, GrowthAgenda(employee_id="e1")).org_needs == expected
    assert compose_prep(ctx, GrowthAgenda(employee_id="e1")).org_needs == expected  # the kept ones


def test_each_company_config_gets_its_own_org_needs_and_drops_them_with_it() -> None:
    compose_prep(context(), GrowthAgenda(employee_id="e1"))
    initiatives = tuple(i.model_copy(update={"name": f"Renamed {i.name}"}) for i in CONFIG.org_agenda.initiatives)
    renamed = CONFIG.model_copy(
        update={"org_agenda": CONFIG.org_agenda.model_copy(update={"initiatives": initiatives})}
    )
    needs = compose_prep(context(config=renamed), GrowthAgenda(employee_id="e1")).org_needs
    assert needs and all(n.initiative_name.startswith("Renamed ") for n in needs)
    kept_for = composition._NEEDS._by_config
    assert id(renamed) in kept_for
    key = id(renamed)
    del renamed, initiatives
    gc.collect()
    assert key not in kept_for
