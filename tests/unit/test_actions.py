"""Outcome actions: the training-or-managing rule, outcome ids and JSON round-trips."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from shared.domain.actions import (
    GAP_NAMES,
    ActionStatus,
    ActionType,
    Gap,
    Outcome,
    OutcomeAction,
    allowed_types,
    outcome_id,
    rule_violation,
    suggested_type,
)
from shared.domain.quadrants import Quadrant
from shared.domain.tenure import TenureStage

pytestmark = pytest.mark.unit

DUE = date(2027, 1, 10)
NON_KNOWLEDGE = [Gap.TIME, Gap.MOTIVATION, Gap.CLARITY, Gap.TOOLS]


def action(type_: ActionType, gap: Gap, **extra: object) -> OutcomeAction:
    data: dict[str, object] = {"id": "a1", "text": "Pair with the SRE team", "quadrant": Quadrant.SWEET_SPOT}
    return OutcomeAction.model_validate(data | {"type": type_, "gap": gap, "due": DUE} | extra)


def test_only_a_knowledge_gap_calls_for_training() -> None:
    assert suggested_type(Gap.KNOWLEDGE) is ActionType.TRAINING
    assert ActionType.TRAINING in allowed_types(Gap.KNOWLEDGE)
    assert ActionType.MANAGE not in allowed_types(Gap.KNOWLEDGE)


@pytest.mark.parametrize("gap", NON_KNOWLEDGE)
def test_other_gaps_call_for_managing(gap: Gap) -> None:
    assert suggested_type(gap) is ActionType.MANAGE
    assert allowed_types(gap) == {ActionType.MANAGE}
    assert action(ActionType.MANAGE, gap).type is ActionType.MANAGE


@pytest.mark.parametrize("gap", NON_KNOWLEDGE)
@pytest.mark.parametrize("type_", [t for t in ActionType if t is not ActionType.MANAGE])
def test_learning_action_for_a_non_knowledge_gap_is_refused(type_: ActionType, gap: Gap) -> None:
    with pytest.raises(ValidationError, match=f"a {GAP_NAMES[gap]} gap is not a training need"):
        action(type_, gap)


def test_manage_for_a_knowledge_gap_is_refused() -> None:
    assert rule_violation(ActionType.MANAGE, Gap.KNOWLEDGE) is not None
    with pytest.raises(ValidationError, match="knowledge or skill gap calls for a learning action"):
        action(ActionType.MANAGE, Gap.KNOWLEDGE)


def test_every_type_has_a_label() -> None:
    assert ActionType.MANAGE.label == "Not a training need: manage"
    assert {t.label for t in ActionType} and len({t.label for t in ActionType}) == len(ActionType)


def test_outcome_id_is_deterministic_and_open_actions_filter() -> None:
    done = action(ActionType.TRAINING, Gap.KNOWLEDGE, id="a2", status=ActionStatus.DONE)
    outcome = Outcome(
        manager_id="m1",
        report_id="r1",
        org_unit="Engineering",
        tenure_stage=TenureStage.GROWING,
        conversation_date=date(2026, 12, 1),
        actions=(action(ActionType.STRETCH_ASSIGNMENT, Gap.KNOWLEDGE, initiative="platform-migration"), done),
    )
    assert outcome.id == outcome_id("m1__r1", date(2026, 12, 1))
    assert outcome.id != outcome_id("m1__r1", date(2026, 12, 2))
    assert [a.id for a in outcome.open_actions()] == ["a1"]
    assert Outcome.model_validate_json(outcome.model_dump_json()) == outcome


def test_action_text_stays_literal() -> None:
    assert action(ActionType.MANAGE, Gap.TIME, text="Block ${time} <b>weekly</b>").text == "Block ${time} <b>weekly</b>"
