"""Export everything that is a person's, or forget them: records picked by ownership (see ``ownership``).

``forget`` deletes the person's records, ends their conversation series and cards, and turns their UPN and id
into a pseudonym where other records refer to them by id (a report's ``manager_id``) and in the HR workbook,
so the aggregates stay true. Text another person wrote is left as that person wrote it. The pseudonym is random
per operation: nothing links it back. Every operation writes an ``audit`` row: actor, operation, time, counts
and the subject as a keyed hash (HMAC-SHA256 with ``WEGROW_AUDIT_KEY``); never names, UPNs or content.

Series are ended through the product's own path: one ``pair-changed`` message (kind ``leaver``) per pair the
person was in, which the ``pair_changed`` function (``repair.handle_pair_changed``) turns into a cancelled
series with its message to the other person. Cards end because their rows are deleted: a card action finds no
card and is refused, and a queued card cannot be built once the person is gone.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from shared.ports.storage import Queues, Record, Store
from shared.ports.workbook import PERSON_COLUMNS, Workbook
from shared.services.privacy.ownership import TABLES, as_export, owned_records
from shared.services.privacy.subjects import AUDIT, AUDIT_PARTITION, UNKEYED, Subject, audit, find_subject, subject_ref
from shared.services.scheduling_records import PEOPLE
from shared.services.sync_org import LEAVERS_PARTITION, PAIR_CHANGED

REFERENCE_TABLES = ("people", "pairs", "runs", "sync", "audit")  # ids as values here are references, not content


def _ref(subject: Subject, audit_key: bytes | None) -> str:
    return subject_ref(subject.id, audit_key) if audit_key else UNKEYED


def export_person(store: Store, who: str, actor: str, now: datetime, audit_key: bytes | None = None) -> dict[str, Any]:
    """Everything that is the person's, per table, as JSON-ready data; ``who`` is an object id or a UPN."""
    subject = find_subject(store, who)
    ref = _ref(subject, audit_key)
    found = owned_records(store, subject.id, ref)
    tables = {table: [as_export(r, subject.id) for r in records] for table, records in found.items()}
    audit(store, actor, "export-person", ref, now, {t: len(rs) for t, rs in found.items()})
    return {
        "upn": subject.upn,
        "id": subject.id,
        "leaver": subject.leaver,
        "exported_at": now.isoformat(),
        "tables": tables,
    }


def _pairs(found: Mapping[str, list[Record]]) -> list[tuple[str, str]]:
    return sorted({(r.partition, r.row) for table in ("pairs", "series") for r in found.get(table, [])})


def end_series(queues: Queues, pairs: list[tuple[str, str]]) -> int:
    """Queue the product's cancellation for each pair (idempotent: cancelling twice finds nothing the 2nd time)."""
    for manager_id, report_id in pairs:
        queues.send(PAIR_CHANGED, {"kind": "leaver", "manager_id": manager_id, "report_id": report_id})
    return len(pairs)


def _swap_ids(value: Any, ids: frozenset[str], pseudonym: str) -> Any:
    """Values that *are* the person's id or UPN (or a ``manager__report`` key naming them), never free text."""
    if isinstance(value, str):
        if value.lower() in ids:
            return pseudonym
        parts = value.split("__")
        return "__".join(pseudonym if p.lower() in ids else p for p in parts) if len(parts) > 1 else value
    if isinstance(value, list):
        return [_swap_ids(v, ids, pseudonym) for v in value]
    if isinstance(value, dict):
        return {k: _swap_ids(v, ids, pseudonym) for k, v in value.items()}
    return value


def _pseudonymise_references(store: Store, subject: Subject, pseudonym: str) -> int:
    """Records of others and operational records that refer to the person by id get the pseudonym instead.

    Only the tables in ``REFERENCE_TABLES`` are scanned, and only whole values are replaced: what a person
    typed (agendas, cards, outcomes) is never rewritten.
    """
    ids, changed = frozenset(i for i in (subject.id.lower(), subject.upn) if i), 0
    for table in REFERENCE_TABLES:
        for record in store.query(table):
            if table == AUDIT and record.partition == AUDIT_PARTITION:
                continue
            data = _swap_ids(dict(record.data), ids, pseudonym)
            if data != dict(record.data):
                store.upsert(table, record.partition, record.row, data)
                changed += 1
    return changed


async def forget_person(
    store: Store,
    workbook: Workbook | None,
    who: str,
    actor: str,
    now: datetime,
    *,
    queues: Queues | None = None,
    audit_key: bytes | None = None,
) -> dict[str, int]:
    """Delete what is the person's, end their series and cards, pseudonymise references; returns counts."""
    subject = find_subject(store, who)
    ref = _ref(subject, audit_key)
    found = owned_records(store, subject.id, ref)
    counts = {"deleted": 0, "pseudonymised": 0, "series_ended": 0, "cards_ended": 0, "workbook_cells": 0}
    if queues is not None:  # before the pair rows go: a crash after this re-runs the same cancellations
        counts["series_ended"] = end_series(queues, _pairs(found))
    for table, records in found.items():
        for record in records:
            if table == AUDIT and record.partition == AUDIT_PARTITION:
                continue  # the privacy audit trail stays: it holds only the keyed reference
            store.delete(table, record.partition, record.row)
            counts["deleted"] += 1
            counts["cards_ended"] += table == "cards"
    store.delete(PEOPLE, LEAVERS_PARTITION, subject.id)
    pseudonym = f"person-{uuid.uuid4().hex[:12]}"
    counts["pseudonymised"] = _pseudonymise_references(store, subject, pseudonym)
    if workbook is not None:
        replacements = {subject.upn: pseudonym, subject.id: pseudonym} if subject.upn else {subject.id: pseudonym}
        counts["workbook_cells"] = await workbook.replace_values(replacements, PERSON_COLUMNS)
    audit(store, actor, "forget-person", ref, now, counts)
    return counts


__all__ = ["TABLES", "end_series", "export_person", "forget_person"]
