"""Problems an admin must fix that no run record shows (e.g. Viva Learning without a licence), for the health
detail. Table ``health``, partition ``notice``, one row per topic: written once when the problem appears (and
again only when its reason changes), deleted when it is gone, so the summary says why once, not at every run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.ports.storage import Store

logger = logging.getLogger(__name__)
HEALTH = "health"
NOTICE = "notice"


@dataclass(frozen=True, slots=True)
class Notice:
    topic: str
    reason: str
    message: str
    since: datetime

    def as_json(self) -> dict[str, Any]:
        return {"topic": self.topic, "reason": self.reason, "message": self.message, "since": self.since.isoformat()}


def raise_notice(store: Store, topic: str, reason: str, message: str, now: datetime) -> bool:
    """Record the problem unless the same reason is already recorded; True when it was new (then it is logged)."""
    found = store.find(HEALTH, NOTICE, topic)
    if found is not None and found.data.get("reason") == reason:
        return False
    store.upsert(HEALTH, NOTICE, topic, {"reason": reason, "message": message, "since": now.isoformat()})
    logger.warning("health notice %s: %s", topic, message)
    return True


def clear_notice(store: Store, topic: str) -> None:
    if store.find(HEALTH, NOTICE, topic) is not None:
        store.delete(HEALTH, NOTICE, topic)
        logger.info("health notice %s cleared", topic)


def notice_of(store: Store, topic: str) -> Notice | None:
    found = store.find(HEALTH, NOTICE, topic)
    return _notice(topic, found.data) if found is not None else None


def notices(store: Store) -> tuple[Notice, ...]:
    return tuple(_notice(record.row, record.data) for record in store.query(HEALTH, NOTICE))


def _notice(topic: str, data: Any) -> Notice:
    return Notice(
        topic,
        str(data.get("reason") or ""),
        str(data.get("message") or ""),
        datetime.fromisoformat(str(data.get("since"))),
    )
