"""Viva Learning over Graph ``employeeExperience`` (msgraph-sdk): provider contents and recommended assignments.

Calls (application permissions, v1.0 API reference):

- ``GET /employeeExperience/learningProviders/{id}/learningContents`` (``LearningContent.Read.All``), every page;
- ``GET /employeeExperience/learningProviders/{id}/learningCourseActivities(externalcourseActivityId='{key}')``
  then, when it is not there, ``POST .../learningCourseActivities`` with a ``learningAssignment`` of type
  ``recommended`` (``LearningAssignedCourse.ReadWrite.All``);
- ``GET /employeeExperience/learningCourseActivities/{id}`` to read an assignment back.

Listing providers, and listing a user's activities, are delegated only in Graph, so the adapter never does either.

Idempotency: Graph documents no uniqueness for ``externalcourseActivityId``, so ``assign`` looks the key up before
each POST attempt (inside the retry), and a retry after an ambiguous failure finds the first POST's activity
instead of making a second one.

Errors: a 403 "service plan" answer raises LearningUnavailable(LICENCE); any other 403 on contents or the lookup
PERMISSION; a 400 about the provider (not registered, course activity sync off) PROVIDER. A 403 or 400 about one
assignment (the learner's licence, content of another provider, bad input) raises AssignmentRefused.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from shared.adapters.graph.retry import DEFAULT_POLICY, STATS, RetryPolicy, RetryStats, status_of, with_retries
from shared.ports.learning import (
    AssignmentRefused,
    AssignmentRequest,
    CourseActivity,
    LearningContent,
    LearningUnavailable,
    UnavailableReason,
)

if TYPE_CHECKING:
    from msgraph.generated.models.learning_content import LearningContent as GraphContent
    from msgraph.generated.models.learning_course_activity import LearningCourseActivity
    from msgraph.graph_service_client import GraphServiceClient

PROVIDER_HINTS = ("registrationid", "provider isn't enabled", "provider is not enabled")
# 403s about one assignment (learningcourseactivity-update's error table), not about the app
ASSIGNMENT_REFUSALS = ("user license is not valid", "provider is not valid to create")


class GraphLearningCatalog:
    def __init__(
        self, client: GraphServiceClient, *, policy: RetryPolicy = DEFAULT_POLICY, stats: RetryStats = STATS
    ) -> None:
        self._client = client
        self._policy = policy
        self._stats = stats

    async def contents(self, provider_id: str) -> list[LearningContent]:
        builder = self._client.employee_experience.learning_providers.by_learning_provider_id(provider_id)
        found: list[LearningContent] = []
        page = await self._call(builder.learning_contents.get)
        while page is not None:
            found += [_content(provider_id, item) for item in page.value or []]
            link = page.odata_next_link
            page = await self._call(builder.learning_contents.with_url(link).get) if link else None
        return found

    async def assign(self, request: AssignmentRequest) -> CourseActivity:
        return await with_retries(lambda: self._assign_once(request), policy=self._policy, stats=self._stats)

    async def activity(self, activity_id: str) -> CourseActivity | None:
        builder = self._client.employee_experience.learning_course_activities.by_learning_course_activity_id(
            activity_id
        )
        try:
            found = await self._call(builder.get)
        except LearningUnavailable:
            raise
        except Exception as error:
            if status_of(error) == 404:
                return None
            raise
        return _activity(found) if found is not None else None

    async def _assign_once(self, request: AssignmentRequest) -> CourseActivity:
        existing = await self._by_key(request.provider_id, request.key)
        if existing is not None:
            return existing
        provider = self._client.employee_experience.learning_providers.by_learning_provider_id(request.provider_id)
        try:
            created = await provider.learning_course_activities.post(_assignment(request))
        except Exception as error:
            mapped = _assignment_error(error)
            if mapped is error:
                raise
            raise mapped from error
        if created is None:
            raise AssignmentRefused("Graph created the assignment but returned no body")
        return _activity(created)

    async def _by_key(self, provider_id: str, key: str) -> CourseActivity | None:
        provider = self._client.employee_experience.learning_providers.by_learning_provider_id(provider_id)
        builder = provider.learning_course_activities_with_externalcourse_activity_id(key)
        try:
            found = await builder.get()
        except Exception as error:
            if status_of(error) == 404:
                return None
            unavailable = _unavailable(error)
            if unavailable is None:
                raise
            raise unavailable from error
        return _activity(found) if found is not None else None

    async def _call(self, operation: Any) -> Any:
        try:
            return await with_retries(operation, policy=self._policy, stats=self._stats)
        except Exception as error:
            unavailable = _unavailable(error)
            if unavailable is not None:
                raise unavailable from error
            raise


def _message(error: BaseException) -> str:
    return str(getattr(getattr(error, "error", None), "message", None) or error)


def _unavailable(error: BaseException) -> LearningUnavailable | None:
    """The permanent, app-wide refusals: no licence, no permission, provider not usable."""
    status, message = status_of(error), _message(error)
    if status == 403:
        licence = "service plan" in message.lower()
        return LearningUnavailable(UnavailableReason.LICENCE if licence else UnavailableReason.PERMISSION, message)
    if status == 400 and any(hint in message.lower() for hint in PROVIDER_HINTS):
        return LearningUnavailable(UnavailableReason.PROVIDER, message)
    return None


def _assignment_error(error: Exception) -> Exception:
    status, message = status_of(error), _message(error)
    if status == 403 and any(hint in message.lower() for hint in ASSIGNMENT_REFUSALS):
        return AssignmentRefused(message)
    unavailable = _unavailable(error)
    if unavailable is not None:
        return unavailable
    if status == 400:
        return AssignmentRefused(message)
    return error


def _content(provider_id: str, item: GraphContent) -> LearningContent:
    return LearningContent(
        id=str(item.id),
        provider_id=provider_id,
        title=item.title or "",
        source_name=item.source_name or "",
        url=item.content_web_url or "",
        duration=item.duration,
        skill_tags=tuple(item.skill_tags or ()),
        language=item.language_tag or "",
        active=item.is_active is not False,
    )


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _activity(item: LearningCourseActivity) -> CourseActivity:
    status = item.status.value if item.status is not None else "notStarted"
    return CourseActivity(
        id=str(item.id),
        key=item.externalcourse_activity_id or "",
        provider_id=item.learning_provider_id or "",
        content_id=item.learning_content_id or "",
        learner_id=item.learner_user_id or "",
        status=str(status),
        completion_percentage=item.completion_percentage,
        completed_at=_utc(item.completed_date_time),
    )


def _assignment(request: AssignmentRequest) -> LearningCourseActivity:
    from msgraph.generated.models.assignment_type import AssignmentType
    from msgraph.generated.models.course_status import CourseStatus
    from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
    from msgraph.generated.models.learning_assignment import LearningAssignment

    due = None
    if request.due is not None:
        stamp = request.due.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000")
        due = DateTimeTimeZone(date_time=stamp, time_zone="UTC")
    return LearningAssignment(
        odata_type="#microsoft.graph.learningAssignment",
        assignment_type=AssignmentType.Recommended,
        assigner_user_id=request.assigner_id,
        learner_user_id=request.learner_id,
        learning_content_id=request.content_id,
        learning_provider_id=request.provider_id,
        externalcourse_activity_id=request.key,
        status=CourseStatus.NotStarted,
        due_date_time=due,
    )
