"""Coach requests: "I'd rather talk to a coach", taken by one coach of the pool, then closed.

Pure: no I/O. A request holds ids and instants only (who asked, which coach took it, when), never
agenda content and never the manager: it goes to the coach pool only (DESIGN.md, privacy).
HR sees counts and the time to first contact (:func:`coach_request_stats`), nothing else.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from statistics import median
from typing import Any

CARD_PREFIX = "coach"
_CARD_REF = re.compile(r"^coach:(?P<request>[0-9a-f]{32})(?::(?P<upn>[^:\s]{1,256}))?$")


class CoachStatus(StrEnum):
    OPEN = "open"
    TAKEN = "taken"
    DONE = "done"


class NotTakeable(Exception):
    """The request is no longer open: someone took it (or it is closed)."""


class NotYours(Exception):
    """Only the coach who took the request may close it, and only once."""


def request_id_for(employee_id: str, created_at: datetime) -> str:
    """Deterministic, key-safe id of one request."""
    return hashlib.sha256(f"{employee_id}\x1f{created_at.isoformat()}".encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class CoachRequest:
    request_id: str
    employee_id: str
    status: CoachStatus
    created_at: datetime
    taken_at: datetime | None = None
    done_at: datetime | None = None
    coach_id: str = ""

    @classmethod
    def new(cls, employee_id: str, now: datetime) -> CoachRequest:
        return cls(request_id_for(employee_id, now), employee_id, CoachStatus.OPEN, now)

    @property
    def is_open(self) -> bool:
        return self.status is not CoachStatus.DONE

    def take(self, coach_id: str, now: datetime) -> CoachRequest:
        if self.status is not CoachStatus.OPEN or not coach_id:
            raise NotTakeable(self.request_id)
        return replace(self, status=CoachStatus.TAKEN, coach_id=coach_id, taken_at=now)

    def close(self, coach_id: str, now: datetime) -> CoachRequest:
        if self.status is not CoachStatus.TAKEN or coach_id != self.coach_id:
            raise NotYours(self.request_id)
        return replace(self, status=CoachStatus.DONE, done_at=now)

    def hours_to_first_contact(self) -> float | None:
        if self.taken_at is None:
            return None
        return (self.taken_at - self.created_at).total_seconds() / 3600

    def to_data(self) -> dict[str, Any]:
        return {
            "employee_id": self.employee_id,
            "status": str(self.status),
            "created_at": self.created_at.isoformat(),
            "taken_at": self.taken_at.isoformat() if self.taken_at else "",
            "done_at": self.done_at.isoformat() if self.done_at else "",
            "coach_id": self.coach_id,
        }

    @classmethod
    def from_data(cls, request_id: str, data: Mapping[str, Any]) -> CoachRequest:
        """Raises ValueError on a malformed row."""
        return cls(
            request_id=request_id,
            employee_id=str(data["employee_id"]),
            status=CoachStatus(str(data["status"])),
            created_at=datetime.fromisoformat(str(data["created_at"])),
            taken_at=_instant(data.get("taken_at")),
            done_at=_instant(data.get("done_at")),
            coach_id=str(data.get("coach_id") or ""),
        )


def _instant(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def card_ref(request_id: str, coach_upn: str = "") -> str:
    """The occurrence id of a card about a request: one per coach (with the UPN), one for the employee."""
    return f"{CARD_PREFIX}:{request_id}:{coach_upn}" if coach_upn else f"{CARD_PREFIX}:{request_id}"


def parse_card_ref(occurrence_id: str) -> str | None:
    """The request id in a card's occurrence id (None for anything else, including old-style ids)."""
    match = _CARD_REF.fullmatch(occurrence_id)
    return match.group("request") if match else None


@dataclass(frozen=True, slots=True)
class CoachStats:
    requests: int
    open: int
    taken: int
    done: int
    median_hours_to_first_contact: float | None


def coach_request_stats(requests: Iterable[CoachRequest]) -> CoachStats:
    """Counts and the median time to first contact (taken_at - created_at, hours): numbers only, for HR."""
    rows = list(requests)
    hours = [h for h in (r.hours_to_first_contact() for r in rows) if h is not None]
    return CoachStats(
        requests=len(rows),
        open=sum(r.status is CoachStatus.OPEN for r in rows),
        taken=sum(r.status is CoachStatus.TAKEN for r in rows),
        done=sum(r.status is CoachStatus.DONE for r in rows),
        median_hours_to_first_contact=round(median(hours), 2) if hours else None,
    )
