"""The emulator's Viva Learning subset over raw HTTP: the documented shapes, permission types, licence and errors.

Built from the v1.0 API reference (the OpenAPI subset has no employeeExperience paths): listing providers and a
user's activities is delegated only; contents need LearningContent.Read.All; activities are created by an
application with LearningAssignedCourse.ReadWrite.All.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from devstack.graph_emulator import learning_catalog as catalog
from tests.fixtures.graph import GraphEmulator

pytestmark = pytest.mark.contract
PROVIDER = catalog.provider_id("contoso-academy")
NO_SYNC = catalog.provider_id("fabrikam-library")
KUBERNETES = catalog.content_id("CA-K8S-101")


def url(graph: GraphEmulator, path: str) -> str:
    return f"{graph.base_url}/employeeExperience{path}"


def control(graph: GraphEmulator, **changes: Any) -> dict[str, Any]:
    answer = httpx.post(f"{graph.root}/_emulator/learning", json=changes)
    answer.raise_for_status()
    return dict(answer.json())


def learner(graph: GraphEmulator, index: int = 1) -> str:
    return str(graph.tenant()["people"][index]["id"])


def assignment(learner_id: str, **changes: Any) -> dict[str, Any]:
    body = {
        "@odata.type": "#microsoft.graph.learningAssignment",
        "assignmentType": "recommended",
        "learningContentId": KUBERNETES,
        "learnerUserId": learner_id,
        "status": "notStarted",
        "externalcourseActivityId": "outcome-1",
        "dueDateTime": {"dateTime": "2026-04-01T17:00:00.0000000", "timeZone": "UTC"},
    }
    return {k: v for k, v in {**body, **changes}.items() if v is not None}


def create(graph: GraphEmulator, body: dict[str, Any], provider: str = PROVIDER) -> httpx.Response:
    return httpx.post(url(graph, f"/learningProviders/{provider}/learningCourseActivities"), json=body)


def error(answer: httpx.Response) -> tuple[int, str]:
    return answer.status_code, str(answer.json()["error"]["message"])


def test_providers_are_delegated_only(graph: GraphEmulator) -> None:
    status, message = error(httpx.get(url(graph, "/learningProviders")))
    assert status == 403 and "doesn't have access" in message
    control(graph, caller="delegated", granted=["LearningProvider.Read"])
    listed = httpx.get(url(graph, "/learningProviders")).json()
    assert listed["@odata.context"].endswith("/v1.0/$metadata#learningProviders")
    assert {p["displayName"]: p["isCourseActivitySyncEnabled"] for p in listed["value"]} == {
        "Contoso Academy": True,
        "Fabrikam Library": False,
    }
    assert httpx.get(url(graph, f"/learningProviders/{PROVIDER}")).json()["id"] == PROVIDER


def test_contents_list_with_filter_select_and_paging(graph: GraphEmulator) -> None:
    path = url(graph, f"/learningProviders/{PROVIDER}/learningContents")
    everything = httpx.get(path).json()["value"]
    kubernetes = next(c for c in everything if c["id"] == KUBERNETES)
    assert kubernetes["skillTags"] == ["Kubernetes"] and kubernetes["duration"] == "PT2H30M"
    assert {"title", "contentWebUrl", "sourceName", "languageTag", "isActive", "externalId"} <= set(kubernetes)
    assert any(c["isActive"] is False for c in everything)
    videos = httpx.get(path, params={"$filter": "format eq 'Video'", "$select": "title"}).json()["value"]
    assert videos and all(set(v) == {"id", "title"} for v in videos)
    first = httpx.get(path, params={"$top": "4"}).json()
    second = httpx.get(first["@odata.nextLink"]).json()
    assert len(first["value"]) == 4 and second["value"][0] == everything[4]
    assert httpx.get(f"{path}/{KUBERNETES}").json() == kubernetes


def test_an_assignment_is_created_and_read_back_every_documented_way(graph: GraphEmulator) -> None:
    learner_id = learner(graph)
    made = create(graph, assignment(learner_id))
    assert made.status_code == 201
    body = made.json()
    assert body["id"].startswith(f"{learner_id}:") and body["@odata.type"] == "#microsoft.graph.learningAssignment"
    assert body["learningProviderId"] == PROVIDER and body["externalcourseActivityId"] == "outcome-1"
    by_id = httpx.get(url(graph, f"/learningCourseActivities/{body['id']}")).json()
    provider = f"/learningProviders/{PROVIDER}/learningCourseActivities"
    by_key = httpx.get(url(graph, f"{provider}(externalcourseActivityId='outcome-1')")).json()
    by_key_doc_spelling = httpx.get(url(graph, f"{provider}(externalCourseActivityId=outcome-1)")).json()
    users = f"{graph.base_url}/users/{{}}/employeeExperience/learningCourseActivities/{body['id']}"
    for_user = httpx.get(users.format(learner_id))
    assert by_id["id"] == by_key["id"] == by_key_doc_spelling["id"] == for_user.json()["id"] == body["id"]
    assert httpx.get(users.format(learner(graph, 2))).status_code == 404  # another learner's: as unknown


def test_a_users_list_is_delegated_only(graph: GraphEmulator) -> None:
    learner_id = learner(graph)
    create(graph, assignment(learner_id))
    path = f"{graph.base_url}/users/{learner_id}/employeeExperience/learningCourseActivities"
    assert httpx.get(path).status_code == 403
    control(graph, caller="delegated", granted=["LearningAssignedCourse.Read.All"])
    assert [a["learnerUserId"] for a in httpx.get(path).json()["value"]] == [learner_id]
    assert create(graph, assignment(learner_id)).status_code == 403  # creating is application only


def test_a_duplicate_key_is_accepted_as_graph_documents_no_uniqueness(graph: GraphEmulator) -> None:
    learner_id = learner(graph)
    assert create(graph, assignment(learner_id)).json()["id"] != create(graph, assignment(learner_id)).json()["id"]


def test_the_provider_reports_completion_with_patch(graph: GraphEmulator) -> None:
    made = create(graph, assignment(learner(graph))).json()
    path = url(graph, f"/learningProviders/{PROVIDER}/learningCourseActivities/{made['id']}")
    done = httpx.patch(path, json={"status": "completed", "completionPercentage": 100})
    assert done.status_code == 204
    read = httpx.get(url(graph, f"/learningCourseActivities/{made['id']}")).json()
    assert (read["status"], read["completionPercentage"]) == ("completed", 100)
    assert httpx.patch(path, json={"completionPercentage": 101}).status_code == 400


@pytest.mark.parametrize(
    ("changes", "status", "words"),
    [
        ({"learnerUserId": None}, 400, "Input Field learnerUserId is required"),
        ({"learningContentId": ""}, 400, "Input Field learningContentId shouldn't be empty"),
        ({"status": "done"}, 400, "Input Field status is invalid"),
        ({"assignmentType": "mandatory"}, 400, "Input Field assignmentType is invalid"),
        ({"learningContentId": catalog.content_id("FL-K8S-9")}, 403, "provider is not valid"),
        ({"learningContentId": "no-such-content"}, 400, "Input Field learningContentId is invalid"),
    ],
)
def test_bad_assignments_get_the_documented_errors(
    graph: GraphEmulator, changes: dict[str, Any], status: int, words: str
) -> None:
    got, message = error(create(graph, assignment(learner(graph), **changes)))
    assert got == status and words in message


def test_provider_licence_and_permission_errors(graph: GraphEmulator) -> None:
    learner_id = learner(graph)
    no_sync = error(create(graph, assignment(learner_id), NO_SYNC))
    assert no_sync == (400, "This provider isn't enabled for the given tenant.")
    unknown = error(create(graph, assignment(learner_id), "no-such-provider"))
    assert unknown[0] == 400 and "registrationId" in unknown[1]
    control(graph, unlicensed_users=[learner_id])
    assert error(create(graph, assignment(learner_id))) == (403, "User License is not valid to perform the operation")
    control(graph, licensed=False)
    contents = httpx.get(url(graph, f"/learningProviders/{PROVIDER}/learningContents"))
    assert error(contents) == (403, "You don't have a service plan adequate for this request.")
    control(graph, licensed=True, granted=[])
    assert "doesn't have access" in error(httpx.get(contents.request.url))[1]
    missing = httpx.get(url(graph, "/learningCourseActivities/nope"))
    assert missing.status_code == 403  # no permission is checked before the id
    graph.reset()
    assert control(graph)["granted"] == ["LearningAssignedCourse.ReadWrite.All", "LearningContent.Read.All"]
    assert error(httpx.get(url(graph, "/learningCourseActivities/nope"))) == (
        404,
        "The requested assignment nope doesn't exist.",
    )
    assert graph.violations() == []
