"""The daily Viva Learning pass: store each configured provider's active contents, and refresh the status of the
assignments managers made (so the next agenda card can say "completed" without calling Graph).

Providers come from ``WEGROW_LEARNING_PROVIDER_IDS`` (listing providers is delegated only in Graph). When Viva
Learning refuses the app (no licence, no permission) or a provider (not registered, or its course activity sync
off), the reason is recorded once as a health notice and the contents concerned are removed, so the cards simply
omit suggestions; the next pass that works clears the notice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.ports.learning import LearningCatalog, LearningUnavailable, UnavailableReason
from shared.ports.storage import Store
from shared.services.health_notices import clear_notice, raise_notice
from shared.services.learning_records import (
    CONTENT,
    LEARNING,
    TOPIC,
    assignments,
    content_data,
    content_row,
    set_status,
)

logger = logging.getLogger(__name__)
REASON_TEXT = {
    UnavailableReason.LICENCE: "the tenant has no Viva Learning licence (service plan)",
    UnavailableReason.PERMISSION: "the app lacks the Graph permission LearningContent.Read.All or "
    "LearningAssignedCourse.ReadWrite.All (admin consent)",
    UnavailableReason.PROVIDER: "a provider in WEGROW_LEARNING_PROVIDER_IDS is not registered, or does not accept "
    "course activities",
}


@dataclass
class LearningSyncSummary:
    contents: int = 0
    removed: int = 0
    activities_checked: int = 0
    completed: int = 0
    unavailable: str = ""  # the reason, when Viva Learning refused
    providers: int = 0
    skipped: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "providers": self.providers,
            "contents": self.contents,
            "removed": self.removed,
            "activities_checked": self.activities_checked,
            "completed": self.completed,
            "unavailable": self.unavailable,
        }

    def line(self) -> str:
        if self.unavailable:
            return f"learning: unavailable ({self.unavailable}); suggestions off"
        return (
            f"learning: {self.contents} contents from {self.providers} providers, "
            f"{self.activities_checked} assignments checked, {self.completed} completed"
        )


def unavailable_message(reason: UnavailableReason) -> str:
    return f"Viva Learning suggestions are off: {REASON_TEXT[reason]}. Cards show no learning suggestions."


def note_unavailable(store: Store, error: LearningUnavailable, now: datetime) -> None:
    """Say why once in the health summary (the notice is written only when the reason is new)."""
    raise_notice(store, TOPIC, str(error.reason), unavailable_message(error.reason), now)


async def sync_learning(
    store: Store, catalog: LearningCatalog, providers: Sequence[str], now: datetime
) -> LearningSyncSummary:
    summary = LearningSyncSummary(providers=len(providers))
    if not providers:
        return summary
    problem: LearningUnavailable | None = None
    try:
        for provider in providers:
            try:
                await _sync_provider(store, catalog, provider, summary)
            except LearningUnavailable as error:
                if error.reason is not UnavailableReason.PROVIDER:
                    raise
                problem = error  # this provider only: the others still give suggestions
                summary.skipped.append(provider)
                summary.removed += _remove_contents(store, [provider])
        await _refresh_assignments(store, catalog, summary, now)
    except LearningUnavailable as error:  # no licence or no permission: learning is off for every provider
        problem = error
        summary.removed += _remove_contents(store, providers)
    if problem is None:
        clear_notice(store, TOPIC)
    else:
        summary.unavailable = str(problem.reason)
        note_unavailable(store, problem, now)
    return summary


async def _sync_provider(store: Store, catalog: LearningCatalog, provider: str, summary: LearningSyncSummary) -> None:
    found = [content for content in await catalog.contents(provider) if content.active and content.id]
    wanted = {content_row(content): content for content in found}
    for row, content in wanted.items():
        store.upsert(LEARNING, CONTENT, row, content_data(content))
    stale = [r.row for r in store.query(LEARNING, CONTENT) if r.row.startswith(f"{provider}_") and r.row not in wanted]
    for row in stale:
        store.delete(LEARNING, CONTENT, row)
    summary.contents += len(wanted)
    summary.removed += len(stale)


async def _refresh_assignments(
    store: Store, catalog: LearningCatalog, summary: LearningSyncSummary, now: datetime
) -> None:
    for stored in assignments(store):
        if stored.completed or stored.status == "removed":
            continue
        current = await catalog.activity(stored.activity_id)
        status = current.status if current is not None else "removed"
        set_status(store, stored.key, status, now)
        summary.activities_checked += 1
        summary.completed += status == "completed"


def _remove_contents(store: Store, providers: Sequence[str]) -> int:
    rows = [r.row for r in store.query(LEARNING, CONTENT) if any(r.row.startswith(f"{p}_") for p in providers)]
    for row in rows:
        store.delete(LEARNING, CONTENT, row)
    return len(rows)
