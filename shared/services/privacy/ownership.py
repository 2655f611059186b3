"""Whose a stored record is: decided by its keys and owner fields, never by text that mentions someone.

Owners per table:

- keys that are person ids: ``people`` (row), ``pairs`` and ``series`` (manager = partition, report = row),
  ``agendas``, ``conversations`` and ``bookings`` (partition), ``leases``, ``outbox`` and pair-keyed ``audit``
  and ``outcomes`` rows (the pair key ``manager__report``);
- owner fields: ``cards`` (``recipient_id``, ``employee_id``), ``outcomes`` (``manager_id``, ``report_id``,
  ``logged_by``, ``employee_id``), ``outbox`` (``manager_id``, ``report_id``);
- a conversation's rows in ``outcomes`` (partition = occurrence id: the manager's ``log``, the employee's
  ``confirmation``) belong to both people of that conversation (from its cards; a coach who got a coach request
  is not a party);
- privacy ``audit`` rows: the subject reference (a keyed hash) names the person;
- ``runs`` and ``sync`` hold no one's data.

A person's UPN typed into another person's agenda item does not make that item theirs. An export shows
another party's content in a shared conversation record as ``[redacted]``: the person gets the keys, the
dates and what they wrote or received, not what the other person wrote.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from shared.ports.storage import Record, Store
from shared.services.privacy.subjects import AUDIT, AUDIT_PARTITION, UNKEYED

# Every table WeGrow writes: a new table must be added here, or export/forget would miss it.
TABLES = (
    "people", "pairs", "series", "agendas", "cards", "conversations", "outcomes", "outbox", "runs", "leases",
    "bookings", "audit", "sync", "coachrequests", "languages", "delivery", "learning",
)  # fmt: skip
KEY_PARTS: Mapping[str, tuple[str, ...]] = {
    "people": ("row",),
    "pairs": ("partition", "row"),
    "series": ("partition", "row"),
    "agendas": ("partition",),
    "coachrequests": ("partition",),  # the employee who asked (a coach's id in a row does not make it theirs)
    "languages": ("partition",),  # the person whose Teams locale and mailbox language these are
    "delivery": ("partition",),  # the person whose card channel this is
    "conversations": ("partition",),
    "bookings": ("partition",),
    "leases": ("row",),
    "outbox": ("partition",),
    "outcomes": ("partition",),
    "audit": ("partition",),
}
OWNER_FIELDS: Mapping[str, tuple[str, ...]] = {
    "cards": ("recipient_id", "employee_id"),
    "outcomes": ("manager_id", "report_id", "logged_by", "employee_id"),
    "outbox": ("manager_id", "report_id"),
    "learning": ("learner_id",),  # an assigned course (catalogue rows name nobody)
}
# Content one person wrote, in a record two people share: (table, row) -> (author field, content fields).
AUTHORED: Mapping[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("outcomes", "log"): ("logged_by", ("actions",)),
    ("outcomes", "confirmation"): ("employee_id", ("confirmation",)),
}
REDACTED = "[redacted]"
COACH_REQUEST = "coach_request"


def key_ids(record: Record) -> set[str]:
    """The person ids a record's keys name (a pair key ``manager__report`` names both)."""
    parts = KEY_PARTS.get(record.table, ())
    if record.table == AUDIT and record.partition == AUDIT_PARTITION:
        return set()
    keys = [record.partition if part == "partition" else record.row for part in parts]
    return {segment for key in keys for segment in key.split("__") if segment}


def owners(record: Record) -> set[str]:
    fields = OWNER_FIELDS.get(record.table, ())
    return key_ids(record) | {str(record.data[f]) for f in fields if record.data.get(f)}


def conversation_parties(cards: Iterable[Record]) -> dict[str, set[str]]:
    """Occurrence id -> the employee and manager of that conversation (coach request recipients excluded)."""
    parties: dict[str, set[str]] = {}
    for card in cards:
        occurrence = str(card.data.get("occurrence_id") or "")
        if not occurrence:
            continue
        people = {str(card.data.get("employee_id") or "")}
        if card.data.get("kind") != COACH_REQUEST:
            people.add(str(card.data.get("recipient_id") or ""))
        parties.setdefault(occurrence, set()).update(p for p in people if p)
    return parties


def is_owned(record: Record, person_id: str, parties: Mapping[str, set[str]], audit_ref: str) -> bool:
    if record.table == AUDIT and record.partition == AUDIT_PARTITION:
        return audit_ref != UNKEYED and record.data.get("subject") == audit_ref
    if person_id in owners(record):
        return True
    return record.table == "outcomes" and person_id in parties.get(record.partition, set())


def owned_records(store: Store, person_id: str, audit_ref: str) -> dict[str, list[Record]]:
    """Per table, the records that are the person's (by keys, owner fields or conversation)."""
    everything = {table: store.query(table) for table in TABLES}
    parties = conversation_parties(everything["cards"])
    found = {t: [r for r in rs if is_owned(r, person_id, parties, audit_ref)] for t, rs in everything.items()}
    return {table: records for table, records in found.items() if records}


def redacted(record: Record, person_id: str) -> dict[str, Any]:
    """The record's data as the person may see it: another party's content replaced by ``[redacted]``."""
    data = dict(record.data)
    authored = AUTHORED.get((record.table, record.row))
    if authored is not None and str(data.get(authored[0], "")) != person_id:
        data.update({name: REDACTED for name in authored[1] if name in data})
    if record.table == "outcomes" and record.row.startswith("note:") and str(data.get("manager_id")) != person_id:
        data["text"] = REDACTED  # the manager's private note on an outcome: theirs alone
    if record.table == "cards" and str(data.get("recipient_id", "")) != person_id:
        data["template_data"] = REDACTED  # what the card showed its recipient is the recipient's
    return data


def as_export(record: Record, person_id: str) -> dict[str, Any]:
    return {
        "partition": record.partition,
        "row": record.row,
        "data": json.loads(json.dumps(redacted(record, person_id), default=str)),
    }
