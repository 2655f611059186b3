"""Learning on the cards, read-only and cheap (an Outlook refresh rebuilds a card every time it is opened):

- the manager's logged outcome card: under each training action for a knowledge gap, up to three stored contents
  that fit it (``shared.domain.learning_match``), or the assignment already made from it;
- the next agenda card: an earlier training action's assignment as "completed" / "in progress" / "not started",
  as the daily sync last read it, so "Did it work?" has evidence.
Reads: one query of the stored contents when a card has a training action still without an assignment, and one
point read per training action. No Graph call: the daily sync (``learning_sync``) keeps the table current.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from shared.domain.actions import ActionType, Gap
from shared.domain.company import CompanyConfig
from shared.domain.learning_match import suggestions_for
from shared.ports.learning import LearningContent
from shared.ports.storage import Store
from shared.services.learning_records import assignment, assignment_key, stored_contents

ASSIGN_VERB = "learning.assign"
STATUSES = ("completed", "inProgress", "notStarted")  # Graph's courseStatus; each card text is in the template


def is_training_for_knowledge(action: Mapping[str, Any]) -> bool:
    """A stored action that calls for learning content: a training action for a knowledge or skill gap."""
    return action.get("type") == ActionType.TRAINING and action.get("gap") in (Gap.KNOWLEDGE, None, "")


def duration_label(duration: timedelta | None) -> str:
    if duration is None or duration <= timedelta(0):
        return ""
    hours, minutes = divmod(int(duration.total_seconds() // 60), 60)
    return " ".join(part for part in (f"{hours} h" if hours else "", f"{minutes} min" if minutes else "") if part)


def suggestion(action_id: str, content: LearningContent) -> dict[str, Any]:
    return {
        "actionId": action_id,
        "contentId": content.id,
        "title": content.title,
        "provider": content.source_name,
        "duration": duration_label(content.duration),
        "url": content.url,
    }


def offered(
    contents: Sequence[LearningContent], config: CompanyConfig, action: Mapping[str, Any]
) -> list[LearningContent]:
    """The contents the card offers for one stored action (only https links: the card opens them)."""
    linked = [c for c in contents if c.url.startswith("https://")]
    return suggestions_for(
        linked, str(action.get("text") or ""), config.org_agenda, str(action.get("initiative") or "")
    )


def learning_of_logged(
    store: Store, config: CompanyConfig, outcome_id: str, actions: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Per stored action (same order): ``suggestions`` and the assignment made (``assignedTitle/Status``)."""
    extras: list[dict[str, Any]] = []
    contents: list[LearningContent] | None = None
    for action in actions:
        extra: dict[str, Any] = {"suggestions": [], "assignedTitle": "", "assignedStatus": ""}
        action_id = str(action.get("id") or "")
        if action_id and is_training_for_knowledge(action):
            made = assignment(store, assignment_key(outcome_id, action_id))
            if made is not None:
                extra |= {"assignedTitle": made.title, "assignedStatus": _status(made.status)}
            else:
                contents = stored_contents(store) if contents is None else contents
                extra["suggestions"] = [suggestion(action_id, c) for c in offered(contents, config, action)]
        extras.append(extra)
    return extras


def learning_status(store: Store, open_action_id: str, action_type: str) -> str:
    """An earlier action's assignment, for the agenda card ('' when none): ``<outcome id>:<action id>``."""
    if action_type != ActionType.TRAINING or ":" not in open_action_id:
        return ""
    outcome, action = open_action_id.split(":", 1)
    made = assignment(store, assignment_key(outcome, action))
    return _status(made.status) if made is not None else ""


def _status(status: str) -> str:
    return status if status in STATUSES else ""
