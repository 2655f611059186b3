"""Creating and updating learningCourseActivities, with the input errors Graph documents.

From the "Error conditions" table of learningcourseactivity-update (v1.0): 400 ``badRequest`` "Input Field
{fieldName} is required" / "is invalid"; 403 "The provider is not valid to create course activity for the given
learning content" when the content belongs to another provider; 403 "User License is not valid to perform the
operation" when the learner lacks the licence. The id Graph gives a new activity is
``{learnerUserId}:{guid}``, as in the create example.

Graph does not document a uniqueness rule for ``externalcourseActivityId``, so the emulator accepts a duplicate
(and a second activity): a client that must not assign twice has to look the key up first.
"""

from __future__ import annotations

import uuid
from typing import Any

from devstack.graph_emulator.errors import GraphError
from devstack.graph_emulator.learning_store import PROVIDER_OFF, Learning, provider
from devstack.graph_emulator.state import EmulatorState

ASSIGNMENT = "#microsoft.graph.learningAssignment"
SELF_INITIATED = "#microsoft.graph.learningSelfInitiatedCourse"
STATUSES = {ASSIGNMENT: ("notStarted", "inProgress", "completed"), SELF_INITIATED: ("inProgress", "completed")}
ASSIGNMENT_TYPES = ("required", "recommended")
WRITABLE = (
    "assignedDateTime",
    "assignmentType",
    "assignerUserId",
    "completedDateTime",
    "completionPercentage",
    "dueDateTime",
    "externalcourseActivityId",
    "notes",
    "startedDateTime",
    "status",
)


def _bad(name: str, what: str) -> GraphError:
    return GraphError(400, "badRequest", f"Input Field {name} {what}")


def _required(body: dict[str, Any], name: str) -> Any:
    value = body.get(name)
    if value is None:
        raise _bad(name, "is required")
    if value == "":
        raise _bad(name, "shouldn't be empty")
    return value


def _check_fields(body: dict[str, Any], kind: str) -> None:
    if body.get("status") not in STATUSES[kind]:
        raise _bad("status", "is invalid")
    if kind == ASSIGNMENT and body.get("assignmentType") not in ASSIGNMENT_TYPES:
        raise _bad("assignmentType", "is invalid")
    percent = body.get("completionPercentage")
    if percent is not None and (not isinstance(percent, int) or isinstance(percent, bool) or not 0 <= percent <= 100):
        raise _bad("completionPercentage", "is invalid")
    due = body.get("dueDateTime")
    if due is not None and not (isinstance(due, dict) and due.get("dateTime") and due.get("timeZone")):
        raise _bad("dueDateTime", "is invalid")


def _external_key(body: dict[str, Any]) -> dict[str, Any]:
    """The metadata (and msgraph-sdk) name is externalcourseActivityId; some doc samples write externalCourse...

    Both are accepted; the stored and returned name is the metadata's.
    """
    if "externalCourseActivityId" in body and "externalcourseActivityId" not in body:
        body = {**body, "externalcourseActivityId": body["externalCourseActivityId"]}
    return {k: v for k, v in body.items() if k != "externalCourseActivityId"}


def create(state: EmulatorState, learning: Learning, provider_id: str, raw: object) -> dict[str, Any]:
    """Validate a create body against the provider and the tenant, store it and return the stored activity."""
    found = provider(learning, provider_id)
    if not isinstance(raw, dict):
        raise GraphError(400, "badRequest", "The request body must be a JSON object.")
    body = _external_key(raw)
    kind = _required(body, "@odata.type")
    if kind not in STATUSES:
        raise _bad("@odata.type", "is invalid")
    content_id, learner = _required(body, "learningContentId"), _required(body, "learnerUserId")
    _required(body, "status")
    _check_fields(body, kind)
    if not found["isCourseActivitySyncEnabled"]:
        raise GraphError(400, "BadRequest", PROVIDER_OFF)
    _check_content_and_learner(state, learning, provider_id, str(content_id), str(learner))
    ident = f"{learner}:{uuid.uuid4()}"
    stored = {"@odata.type": kind, "id": ident, "learningProviderId": provider_id}
    stored |= {name: body.get(name) for name in WRITABLE if kind == ASSIGNMENT or name in body}
    stored |= {"learningContentId": content_id, "learnerUserId": state.resolve_user(str(learner))}
    learning.activities[ident] = stored
    return stored


def _check_content_and_learner(
    state: EmulatorState, learning: Learning, provider_id: str, content_id: str, learner: str
) -> None:
    owner = next((p for p, items in learning.contents.items() if content_id in items), None)
    if owner is None:
        raise _bad("learningContentId", "is invalid")
    if owner != provider_id:
        raise GraphError(
            403, "Forbidden", "The provider is not valid to create course activity for the given learning content"
        )
    user_id = state.resolve_user(learner)
    if user_id is None:
        raise _bad("learnerUserId", "is invalid")
    if user_id in learning.unlicensed_users:
        raise GraphError(403, "Forbidden", "User License is not valid to perform the operation")


def update(learning: Learning, stored: dict[str, Any], raw: object) -> None:
    """Apply a PATCH: the writable properties for the activity's kind, validated as on create."""
    if not isinstance(raw, dict):
        raise GraphError(400, "badRequest", "The request body must be a JSON object.")
    if not learning.providers[stored["learningProviderId"]]["isCourseActivitySyncEnabled"]:
        raise GraphError(400, "BadRequest", PROVIDER_OFF)
    body = _external_key(raw)
    merged = {**stored, **{k: v for k, v in body.items() if k in WRITABLE}}
    _required(merged, "status")
    _check_fields(merged, stored["@odata.type"])
    stored.update(merged)
