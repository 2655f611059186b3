"""Viva Learning state and the checks Graph documents: permission type, licence, provider registration.

Permissions (API reference pages, v1.0): listing or reading learning providers and listing a user's course
activities are **delegated only** ("Application: Not supported"); learning contents take
``LearningContent.Read.All``; creating or updating a course activity is **application only**
(``LearningAssignedCourse.ReadWrite.All``, or ``LearningSelfInitiatedCourse.ReadWrite.All`` for self-initiated
ones); reading one activity by id takes ``LearningAssignedCourse.Read.All`` (or a higher one).

Errors (the "Error conditions" table of learningcourseactivity-get/-delete): 403 "Your account doesn't have
access to this report or data..." for a missing permission, 403 "You don't have a service plan adequate for this
request." without a Viva Learning licence, 400 "This provider isn't enabled for the given tenant." (here: course
activity sync is off), 400 "... Make sure the registrationId you entered is valid ..." for an unknown provider,
404 "The requested assignment {id} doesn't exist.".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from devstack.graph_emulator import learning_catalog
from devstack.graph_emulator.errors import GraphError

APPLICATION, DELEGATED = "application", "delegated"
CONTENT_READ = "LearningContent.Read.All"
ASSIGNED_WRITE = "LearningAssignedCourse.ReadWrite.All"
DEFAULT_GRANTS = frozenset({CONTENT_READ, ASSIGNED_WRITE})  # what WeGrow's identity is given (docs/permissions.md)

# operation -> (application permissions that allow it, delegated permissions that allow it); empty: not supported
PROVIDER_READ = ((), ("LearningProvider.Read", "LearningProvider.ReadWrite"))
CONTENTS_READ = ((CONTENT_READ, "LearningContent.ReadWrite.All"), (CONTENT_READ, "LearningContent.ReadWrite.All"))
ACTIVITY_WRITE = ((ASSIGNED_WRITE, "LearningSelfInitiatedCourse.ReadWrite.All"), ())
ACTIVITY_READ = (
    ("LearningAssignedCourse.Read.All", ASSIGNED_WRITE, "LearningSelfInitiatedCourse.Read.All"),
    ("LearningAssignedCourse.Read", "LearningSelfInitiatedCourse.Read"),
)
ACTIVITY_LIST = ((), ("LearningAssignedCourse.Read.All", "LearningSelfInitiatedCourse.Read.All"))

NO_ACCESS = (
    "Your account doesn't have access to this report or data. Contact your global administrator to request access."
)
NO_PLAN = "You don't have a service plan adequate for this request."
BAD_PROVIDER = (
    "There was an issue with your request. Make sure the registrationId you entered is valid or registered for your "
    "tenant"
)
PROVIDER_OFF = "This provider isn't enabled for the given tenant."


@dataclass
class Learning:
    licensed: bool = True  # the tenant has Viva Learning (else every call: 403 "service plan")
    unlicensed_users: set[str] = field(default_factory=set)  # learners without the licence an assignment needs
    caller: str = APPLICATION
    granted: set[str] = field(default_factory=lambda: set(DEFAULT_GRANTS))
    providers: dict[str, dict[str, Any]] = field(default_factory=learning_catalog.providers)
    contents: dict[str, dict[str, dict[str, Any]]] = field(default_factory=learning_catalog.contents)
    activities: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> learningCourseActivity JSON


def allow(learning: Learning, operation: tuple[tuple[str, ...], tuple[str, ...]]) -> None:
    """Raise Graph's 403 unless the caller's kind and grants allow the operation, then check the licence."""
    accepted = operation[0] if learning.caller == APPLICATION else operation[1]
    if not set(accepted) & learning.granted:
        raise GraphError(403, "Forbidden", NO_ACCESS)
    if not learning.licensed:
        raise GraphError(403, "Forbidden", NO_PLAN)


def provider(learning: Learning, provider_id: str) -> dict[str, Any]:
    found = learning.providers.get(provider_id)
    if found is None:
        raise GraphError(400, "BadRequest", BAD_PROVIDER)
    return found


def no_activity(activity_id: str) -> GraphError:
    return GraphError(404, "NotFound", f"The requested assignment {activity_id} doesn't exist.")


def activity(learning: Learning, activity_id: str) -> dict[str, Any]:
    found = learning.activities.get(activity_id)
    if found is None:
        raise no_activity(activity_id)
    return found


def by_external_id(learning: Learning, provider_id: str, external_id: str) -> dict[str, Any]:
    provider(learning, provider_id)
    for found in learning.activities.values():
        if found["learningProviderId"] == provider_id and found.get("externalcourseActivityId") == external_id:
            return found
    raise no_activity(external_id)
