"""Who a privacy operation is about: a stored person, or a leaver found by their tombstone; the audit reference."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from shared.ports.storage import Store
from shared.services.scheduling_records import PEOPLE, PEOPLE_PARTITION, people_with_upn
from shared.services.sync_org import LEAVERS_PARTITION

AUDIT = "audit"
AUDIT_PARTITION = "privacy"
UNKEYED = "unkeyed"  # the audit row's subject when no audit key is configured: no reference at all


class UnknownPerson(LookupError):
    """No stored person or leaver has this object id or UPN."""


@dataclass(frozen=True, slots=True)
class Subject:
    id: str  # the Entra object id
    upn: str
    leaver: bool = False  # found by the tombstone sync leaves when the directory removes someone


def find_subject(store: Store, who: str) -> Subject:
    """The person with this object id or UPN: a current person first, else a leaver's tombstone."""
    wanted = who.strip()
    for partition, leaver in ((PEOPLE_PARTITION, False), (LEAVERS_PARTITION, True)):
        found = store.find(PEOPLE, partition, wanted)
        if found is not None:
            return Subject(found.row, str(found.data.get("upn", "")).lower(), leaver)
        for record in people_with_upn(store, wanted, partition):
            return Subject(record.row, wanted.lower(), leaver)
    raise UnknownPerson(f"no person or leaver with object id or UPN {who!r} is stored")


def subject_ref(person_id: str, key: bytes) -> str:
    """The audit log's reference to a person: HMAC-SHA256 keyed with the audit secret (no name, no UPN).

    A plain hash of an object id can be reversed by hashing the directory; without the key it cannot.
    """
    if not key:
        raise ValueError("the audit key is empty: set WEGROW_AUDIT_KEY")
    return "s-" + hmac.new(key, person_id.encode(), hashlib.sha256).hexdigest()[:32]


def audit(store: Store, actor: str, operation: str, subject: str, now: datetime, counts: Mapping[str, int]) -> None:
    """One audit row: who, what, when and counts; never the person's data."""
    data = {"actor": actor, "operation": operation, "subject": subject, "at": now.isoformat(), "counts": dict(counts)}
    store.insert(AUDIT, AUDIT_PARTITION, f"{now.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}", data)
