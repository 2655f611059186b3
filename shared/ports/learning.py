"""Viva Learning (Graph ``employeeExperience``): the contents of the tenant's learning providers, and
"recommended" assignments a manager makes, whose completion shows on the next agenda.

The app runs without a signed-in user, and Graph documents listing learning providers (and listing a user's course
activities) as delegated only. So the providers come from a setting, and an assignment is read back by its id.
Without a Viva Learning licence or permission, every call raises LearningUnavailable: the card then omits the
suggestions, and the health summary says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol, runtime_checkable


class UnavailableReason(StrEnum):
    LICENCE = "licence"  # the tenant has no Viva Learning service plan
    PERMISSION = "permission"  # the app lacks the Graph permission (or the call is delegated only)
    PROVIDER = "provider"  # the provider id is not registered, or it does not accept course activities


class LearningUnavailable(Exception):
    """Viva Learning cannot answer this app: permanent until an admin acts (``reason`` says what to fix)."""

    def __init__(self, reason: UnavailableReason, detail: str = "") -> None:
        super().__init__(f"Viva Learning unavailable ({reason}){': ' + detail if detail else ''}")
        self.reason = reason


class AssignmentRefused(Exception):
    """Graph refused this one assignment (the learner has no licence, the content belongs elsewhere, bad input)."""


@dataclass(frozen=True, slots=True)
class LearningContent:
    id: str
    provider_id: str
    title: str
    source_name: str  # the provider's name as the content shows it
    url: str
    duration: timedelta | None
    skill_tags: tuple[str, ...]
    language: str = ""
    active: bool = True


@dataclass(frozen=True, slots=True)
class AssignmentRequest:
    """A "recommended" assignment. ``key`` is ours (the provider's externalCourseActivityId): it makes it idempotent."""

    key: str
    provider_id: str
    content_id: str
    learner_id: str
    assigner_id: str
    due: datetime | None = None  # UTC


@dataclass(frozen=True, slots=True)
class CourseActivity:
    id: str
    key: str
    provider_id: str
    content_id: str
    learner_id: str
    status: str  # notStarted | inProgress | completed
    completion_percentage: int | None = None
    completed_at: datetime | None = None  # UTC

    @property
    def completed(self) -> bool:
        return self.status == "completed"


@runtime_checkable
class LearningCatalog(Protocol):
    async def contents(self, provider_id: str) -> list[LearningContent]:
        """Every content of the provider, active or not (callers match skill tags and keep the active ones)."""
        ...

    async def assign(self, request: AssignmentRequest) -> CourseActivity:
        """Create the assignment, or return the one already made with the same key (never a second one)."""
        ...

    async def activity(self, activity_id: str) -> CourseActivity | None:
        """The assignment as the provider last reported it, or None when it no longer exists."""
        ...
