"""An in-memory LearningCatalog that refuses what Graph refuses (licence, permission, provider, learner licence)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from shared.ports.learning import (
    AssignmentRefused,
    AssignmentRequest,
    CourseActivity,
    LearningContent,
    LearningUnavailable,
    UnavailableReason,
)


class FakeLearningCatalog:
    """``syncing``: providers that accept course activities (Graph: isCourseActivitySyncEnabled)."""

    def __init__(self, contents: Iterable[LearningContent], syncing: Iterable[str], learners: Iterable[str]) -> None:
        self.items = list(contents)
        self.providers = {item.provider_id for item in self.items}
        self.syncing = set(syncing)
        self.learners = set(learners)
        self.licensed = True
        self.permitted = True
        self.unlicensed_learners: set[str] = set()
        self.activities: dict[str, CourseActivity] = {}
        self._ids = itertools.count(1)

    def _check_available(self, provider_id: str | None = None) -> None:
        if not self.permitted:
            raise LearningUnavailable(UnavailableReason.PERMISSION, "the app lacks the permission")
        if not self.licensed:
            raise LearningUnavailable(UnavailableReason.LICENCE, "no Viva Learning service plan")
        if provider_id is not None and provider_id not in self.providers:
            raise LearningUnavailable(UnavailableReason.PROVIDER, f"{provider_id} is not registered")

    async def contents(self, provider_id: str) -> list[LearningContent]:
        self._check_available(provider_id)
        return [item for item in self.items if item.provider_id == provider_id]

    async def assign(self, request: AssignmentRequest) -> CourseActivity:
        self._check_available(request.provider_id)
        for found in self.activities.values():
            if found.provider_id == request.provider_id and found.key == request.key:
                return found
        if request.provider_id not in self.syncing:
            raise LearningUnavailable(UnavailableReason.PROVIDER, "course activity sync is off for the provider")
        self._check_assignment(request)
        ident = f"{request.learner_id}:{next(self._ids)}"
        created = CourseActivity(
            ident, request.key, request.provider_id, request.content_id, request.learner_id, "notStarted"
        )
        self.activities[ident] = created
        return created

    def _check_assignment(self, request: AssignmentRequest) -> None:
        owner = next((item.provider_id for item in self.items if item.id == request.content_id), None)
        if owner is None or request.learner_id not in self.learners:
            raise AssignmentRefused("Input Field learningContentId or learnerUserId is invalid")
        if owner != request.provider_id:
            raise AssignmentRefused("The provider is not valid to create course activity for this learning content")
        if request.learner_id in self.unlicensed_learners:
            raise AssignmentRefused("User License is not valid to perform the operation")

    async def activity(self, activity_id: str) -> CourseActivity | None:
        self._check_available()
        return self.activities.get(activity_id)

    def complete(self, activity_id: str, when: datetime) -> None:
        """What the provider's LMS reports when the learner finishes."""
        done = replace(self.activities[activity_id], status="completed", completion_percentage=100, completed_at=when)
        self.activities[activity_id] = done
