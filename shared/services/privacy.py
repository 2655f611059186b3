"""Privacy operations: export everything stored about a person, forget a person, purge expired outcomes.

A record is the person's when its partition or row key names them (their id or UPN as a key
segment), or when it sits in a content table (agendas, outcomes, cards) and mentions them:
``forget`` deletes it. A record of someone else that only mentions them in its data (a
report's ``manager_id``) keeps its shape, with the mention replaced by a pseudonym. In the HR
workbook the person's UPN and id become the same pseudonym, so the aggregates (counts per unit,
quadrant, month) stay true. The pseudonym is random per forget operation: nothing links it back.
Every operation writes an ``audit`` row: who, what, when and counts, never the person's data.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from shared.ports.storage import Record, Store
from shared.ports.workbook import PERSON_COLUMNS, Workbook
from shared.services.record_outcome import OUTBOX_PREFIX, OUTCOME_PREFIX, OUTCOMES
from shared.services.scheduling_records import PEOPLE, PEOPLE_PARTITION

# Every table WeGrow writes: a new table must be added here, or export/forget would miss it.
TABLES = (
    "people", "pairs", "series", "agendas", "cards", "conversations", "outcomes", "outbox", "runs", "leases",
    "bookings", "audit", "sync",
)  # fmt: skip
AUDIT = "audit"
CONTENT_TABLES = frozenset({"agendas", "outcomes", "cards"})  # any record there that mentions the person is theirs


class UnknownPerson(LookupError):
    """No stored person has this UPN."""


def person_id_for(store: Store, upn: str) -> str:
    wanted = upn.strip().lower()
    for record in store.query(PEOPLE, PEOPLE_PARTITION):
        if str(record.data.get("upn", "")).lower() == wanted:
            return record.row
    raise UnknownPerson(f"no person with UPN {upn!r} is stored")


def _pattern(*needles: str) -> re.Pattern[str]:
    """A needle as a whole token: not inside a longer id (letters, digits, '-', '.', '@' around it)."""
    alternatives = "|".join(re.escape(n) for n in needles if n)
    return re.compile(rf"(?<![A-Za-z0-9.@-])(?:{alternatives})(?![A-Za-z0-9.@-])", re.IGNORECASE)


def _mentions(record: Record, pattern: re.Pattern[str]) -> tuple[bool, bool]:
    """(the keys name the person, the data mentions them)."""
    in_keys = bool(pattern.search(record.partition) or pattern.search(record.row))
    return in_keys, bool(pattern.search(json.dumps(record.data, default=str)))


def _occurrences(found: Mapping[str, list[Record]]) -> set[str]:
    """Conversation occurrences of the person (from their cards and outcomes): rows keyed by them are theirs too."""
    return {
        str(r.data["occurrence_id"])
        for t in ("cards", "outcomes")
        for r in found.get(t, [])
        if r.data.get("occurrence_id")
    }


def find_person_records(store: Store, person_id: str, upn: str) -> dict[str, list[Record]]:
    pattern = _pattern(person_id, upn.lower())
    everything = {table: store.query(table) for table in TABLES}
    found = {t: [r for r in rs if any(_mentions(r, pattern))] for t, rs in everything.items()}
    occurrences = _occurrences(found)
    for table, records in everything.items():
        seen = {(r.partition, r.row) for r in found[table]}
        found[table] += [r for r in records if (r.partition, r.row) not in seen and r.partition in occurrences]
    return {table: records for table, records in found.items() if records}


def _audit(store: Store, actor: str, operation: str, subject: str, now: datetime, counts: Mapping[str, int]) -> None:
    data = {"actor": actor, "operation": operation, "subject": subject, "at": now.isoformat(), "counts": dict(counts)}
    store.insert(AUDIT, "privacy", f"{now.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}", data)


def subject_ref(person_id: str) -> str:
    """An opaque reference to the subject for the audit log (no name, no UPN)."""
    return "s-" + hashlib.sha256(person_id.encode()).hexdigest()[:16]


def export_person(store: Store, upn: str, actor: str, now: datetime) -> dict[str, Any]:
    """Everything stored about the person, per table, as JSON-ready data."""
    person_id = person_id_for(store, upn)
    found = find_person_records(store, person_id, upn)
    tables = {
        t: [{"partition": r.partition, "row": r.row, "data": dict(r.data)} for r in rs] for t, rs in found.items()
    }
    _audit(store, actor, "export-person", subject_ref(person_id), now, {t: len(rs) for t, rs in found.items()})
    return {"upn": upn.lower(), "id": person_id, "exported_at": now.isoformat(), "tables": tables}


def _scrub(value: Any, pattern: re.Pattern[str], pseudonym: str) -> Any:
    if isinstance(value, str):
        return pattern.sub(pseudonym, value)
    if isinstance(value, list):
        return [_scrub(v, pattern, pseudonym) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, pattern, pseudonym) for k, v in value.items()}
    return value


async def forget_person(store: Store, workbook: Workbook | None, upn: str, actor: str, now: datetime) -> dict[str, int]:
    """Delete the person's records, pseudonymise mentions elsewhere and their workbook rows; returns counts."""
    person_id = person_id_for(store, upn)
    pattern, pseudonym = _pattern(person_id, upn.lower()), f"person-{uuid.uuid4().hex[:12]}"
    counts: dict[str, int] = {"deleted": 0, "pseudonymised": 0, "workbook_cells": 0}
    for table, records in find_person_records(store, person_id, upn).items():
        if table == AUDIT:
            continue
        for record in records:
            owned, mentioned = _mentions(record, pattern)
            if owned or table in CONTENT_TABLES or not mentioned:
                store.delete(table, record.partition, record.row)
                counts["deleted"] += 1
            else:
                store.upsert(table, record.partition, record.row, _scrub(dict(record.data), pattern, pseudonym))
                counts["pseudonymised"] += 1
    if workbook is not None:
        replacements = {upn.lower(): pseudonym, person_id: pseudonym}
        counts["workbook_cells"] = await workbook.replace_values(replacements, PERSON_COLUMNS)
    _audit(store, actor, "forget-person", subject_ref(person_id), now, counts)
    return counts


def purge_expired(store: Store, now: datetime, retention_days: int, actor: str = "retention") -> int:
    """Delete outcome records (and their outbox entries) whose conversation is older than the retention."""
    cutoff = (now - timedelta(days=retention_days)).date().isoformat()
    purged = 0
    for record in store.query(OUTCOMES):
        if record.row.startswith(OUTCOME_PREFIX) and str(record.data.get("conversation_date", "9999")) < cutoff:
            store.delete(OUTCOMES, record.partition, record.row)
            store.delete(OUTCOMES, record.partition, OUTBOX_PREFIX + record.row.removeprefix(OUTCOME_PREFIX))
            purged += 1
    if purged:
        _audit(store, actor, "retention-purge", "outcomes", now, {"purged": purged})
    return purged
