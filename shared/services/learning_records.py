"""Table ``learning``: the active contents of the configured providers, and the assignments managers made.

- partition ``content``, row ``<provider id>_<content id>``: one active content (title, provider name, link,
  duration in minutes, skill tags), written by the sync (``learning_sync``), read when a card is built;
- partition ``activity``, row ``<outcome id>_<action id>``: the "recommended" assignment made from that action
  (activity id, provider, content, learner, status as last read from Graph).
Ids only and catalog data: nothing anyone typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.ports.learning import CourseActivity, LearningContent
from shared.ports.storage import Store

LEARNING = "learning"
CONTENT = "content"
ACTIVITY = "activity"
TOPIC = "learning"  # the health notice's topic (health_notices.py)


@dataclass(frozen=True, slots=True)
class Assignment:
    """An assignment as stored: ``status`` is Graph's (notStarted | inProgress | completed) or ``removed``."""

    key: str
    activity_id: str
    provider_id: str
    content_id: str
    learner_id: str
    status: str
    title: str = ""

    @property
    def completed(self) -> bool:
        return self.status == "completed"


def content_row(content: LearningContent) -> str:
    return f"{content.provider_id}_{content.id}"


def content_data(content: LearningContent) -> dict[str, Any]:
    minutes = int(content.duration.total_seconds() // 60) if content.duration is not None else None
    return {
        "id": content.id,
        "provider_id": content.provider_id,
        "title": content.title,
        "source_name": content.source_name,
        "url": content.url,
        "minutes": minutes,
        "skill_tags": list(content.skill_tags),
        "language": content.language,
    }


def content_of(data: Mapping[str, Any]) -> LearningContent:
    minutes = data.get("minutes")
    return LearningContent(
        id=str(data.get("id") or ""),
        provider_id=str(data.get("provider_id") or ""),
        title=str(data.get("title") or ""),
        source_name=str(data.get("source_name") or ""),
        url=str(data.get("url") or ""),
        duration=timedelta(minutes=minutes) if isinstance(minutes, int) else None,
        skill_tags=tuple(str(tag) for tag in data.get("skill_tags") or ()),
        language=str(data.get("language") or ""),
    )


def stored_contents(store: Store) -> list[LearningContent]:
    """The active contents the last sync stored (one query; empty when learning is off or unavailable)."""
    return [content_of(record.data) for record in store.query(LEARNING, CONTENT)]


def stored_content(store: Store, provider_id: str, content_id: str) -> LearningContent | None:
    found = store.find(LEARNING, CONTENT, f"{provider_id}_{content_id}")
    return content_of(found.data) if found is not None else None


def assignment_key(outcome_id: str, action_id: str) -> str:
    """Our idempotency key (Graph's externalcourseActivityId): one assignment per outcome action."""
    return f"{outcome_id}_{action_id}"


def save_assignment(store: Store, key: str, activity: CourseActivity, title: str, now: datetime) -> Assignment:
    data = {
        "activity_id": activity.id,
        "provider_id": activity.provider_id,
        "content_id": activity.content_id,
        "learner_id": activity.learner_id,
        "status": activity.status,
        "title": title,
        "checked_at": now.isoformat(),
    }
    store.upsert(LEARNING, ACTIVITY, key, data)
    return _assignment(key, data)


def assignment(store: Store, key: str) -> Assignment | None:
    found = store.find(LEARNING, ACTIVITY, key)
    return _assignment(key, found.data) if found is not None else None


def assignments(store: Store) -> list[Assignment]:
    return [_assignment(record.row, record.data) for record in store.query(LEARNING, ACTIVITY)]


def set_status(store: Store, key: str, status: str, now: datetime) -> None:
    found = store.find(LEARNING, ACTIVITY, key)
    if found is not None and found.data.get("status") != status:
        store.update(found, {**found.data, "status": status, "checked_at": now.isoformat()})


def _assignment(key: str, data: Mapping[str, Any]) -> Assignment:
    return Assignment(
        key,
        str(data.get("activity_id") or ""),
        str(data.get("provider_id") or ""),
        str(data.get("content_id") or ""),
        str(data.get("learner_id") or ""),
        str(data.get("status") or "notStarted"),
        str(data.get("title") or ""),
    )
