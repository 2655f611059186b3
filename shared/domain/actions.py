"""Outcomes of a conversation: actions, each with a quadrant, a type, the gap it closes and an initiative.

The training-or-managing rule: only a knowledge gap calls for training (or another learning action).
A gap of time, motivation, clarity or tools is the manager's to manage, so its action type must be
``manage`` ("not a training need").
"""

from __future__ import annotations

import hashlib
from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.domain.agenda import ItemText, NameText
from shared.domain.people import pair_key
from shared.domain.quadrants import Quadrant
from shared.domain.status import Progress
from shared.domain.tenure import TenureStage


class ActionType(StrEnum):
    TRAINING = "training"
    STRETCH_ASSIGNMENT = "stretch_assignment"
    MENTORING = "mentoring"
    LEARNING_NETWORK = "learning_network"
    SHARING_SESSION = "sharing_session"
    MANAGE = "manage"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    ActionType.TRAINING: "Training",
    ActionType.STRETCH_ASSIGNMENT: "Stretch assignment",
    ActionType.MENTORING: "Mentoring",
    ActionType.LEARNING_NETWORK: "Learning network",
    ActionType.SHARING_SESSION: "Sharing session",
    ActionType.MANAGE: "Not a training need: manage",
}


class Gap(StrEnum):
    """What stands between the person and the result, as the manager diagnoses it on the outcome card."""

    KNOWLEDGE = "knowledge"  # knowledge or skill: the only gap training closes
    TIME = "time"
    MOTIVATION = "motivation"  # will
    CLARITY = "clarity"
    TOOLS = "tools"  # resources

    @property
    def label(self) -> str:
        return GAP_LABELS[self]


GAP_LABELS = {
    Gap.KNOWLEDGE: "Knowledge or skill (train)",
    Gap.MOTIVATION: "Will (manage)",
    Gap.TIME: "Time (manage)",
    Gap.CLARITY: "Clarity (manage)",
    Gap.TOOLS: "Resources (manage)",
}


class Worked(StrEnum):
    """The manager's answer, at a later conversation, to "did this training close the gap?"."""

    YES = "yes"
    PARTLY = "partly"
    NO = "no"


class Confirmation(StrEnum):
    """Where the employee stands on the outcome the manager logged."""

    UNCONFIRMED = "unconfirmed"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"


ActionStatus = Progress


class Owner(StrEnum):
    EMPLOYEE = "employee"
    MANAGER = "manager"


def allowed_types(gap: Gap) -> frozenset[ActionType]:
    """Knowledge gaps: any learning action. Every other gap: manage only."""
    if gap is Gap.KNOWLEDGE:
        return frozenset(ActionType) - {ActionType.MANAGE}
    return frozenset({ActionType.MANAGE})


def suggested_type(gap: Gap) -> ActionType:
    return ActionType.TRAINING if gap is Gap.KNOWLEDGE else ActionType.MANAGE


def rule_violation(action_type: ActionType, gap: Gap) -> str | None:
    """Why this type does not fit this gap, or None when it does (a sentence the outcome card shows)."""
    if action_type in allowed_types(gap):
        return None
    if gap is Gap.KNOWLEDGE:
        return (
            "a knowledge or skill gap calls for a learning action (training, stretch assignment, mentoring, "
            "network or sharing session), not 'manage'"
        )
    return f"a {GAP_NAMES[gap]} gap is not a training need: choose 'Not a training need: manage'"


GAP_NAMES = {Gap.KNOWLEDGE: "knowledge", Gap.TIME: "time", Gap.MOTIVATION: "will", Gap.CLARITY: "clarity",
             Gap.TOOLS: "resources"}  # fmt: skip


def asks_if_it_worked(action_type: ActionType) -> bool:
    """Only a training action gets "Did it work?" when it is closed (the workbook's "Did it work" column)."""
    return action_type is ActionType.TRAINING


class OutcomeAction(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=40)
    text: ItemText
    quadrant: Quadrant
    type: ActionType
    gap: Gap
    initiative: str | None = Field(None, description="initiative id from the org agenda")
    owner: Owner = Owner.EMPLOYEE
    due: date
    status: ActionStatus = ActionStatus.OPEN
    worked: Worked | None = None

    @model_validator(mode="after")
    def _training_or_managing(self) -> Self:
        problem = rule_violation(self.type, self.gap)
        if problem:
            raise ValueError(problem)
        return self


class Outcome(BaseModel):
    """What one conversation of a pair decided. The id is derived, so a retry finds the same record."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    manager_id: str = Field(min_length=1)
    report_id: str = Field(min_length=1)
    org_unit: NameText
    tenure_stage: TenureStage | None
    conversation_date: date
    actions: tuple[OutcomeAction, ...] = Field((), max_length=20)
    employee_confirmed: bool = False

    @property
    def pair_key(self) -> str:
        return pair_key(self.manager_id, self.report_id)

    @property
    def id(self) -> str:
        return outcome_id(self.pair_key, self.conversation_date)

    def open_actions(self) -> tuple[OutcomeAction, ...]:
        return tuple(a for a in self.actions if a.status.is_open)


def outcome_id(pair_key: str, conversation_date: date) -> str:
    """Deterministic id of a pair's outcome for one conversation date."""
    digest = hashlib.sha256(f"{pair_key}|{conversation_date.isoformat()}".encode()).hexdigest()
    return f"o-{digest[:24]}"
