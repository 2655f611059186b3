"""How scheduling keeps people, pairs, series and leases in the Store (one place for the row shapes)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from shared.domain.people import Pair, Person, Weekday, WorkingHours
from shared.ports.storage import (
    AlreadyExists,
    EntityKey,
    NotFound,
    Record,
    StaleWrite,
    Store,
    StoreError,
    TransactionOp,
    Write,
)

PEOPLE, PAIRS, SERIES, LEASES, SYNC = "people", "pairs", "series", "leases", "sync"
PEOPLE_PARTITION = "people"


def person_row(person: Person) -> dict[str, Any]:
    hours = person.working_hours
    return {
        "upn": person.upn.lower(),
        "mail": person.mail.lower(),
        "job_title": person.job_title or "",
        "display_name": person.display_name,
        "manager_id": person.manager_id or "",
        "department": person.department or "",
        "account_enabled": person.account_enabled,
        "hire_date": person.hire_date.isoformat() if person.hire_date else "",
        "time_zone": hours.time_zone,
        "work_start": hours.start.isoformat("minutes"),
        "work_end": hours.end.isoformat("minutes"),
        "work_days": ",".join(sorted(d.value for d in hours.days)),
    }


def person_from_row(person_id: str, data: Mapping[str, Any]) -> Person:
    hours = WorkingHours(
        time_zone=str(data.get("time_zone") or "UTC"),
        start=time.fromisoformat(str(data.get("work_start") or "09:00")),
        end=time.fromisoformat(str(data.get("work_end") or "17:00")),
        days=frozenset(Weekday(d) for d in str(data.get("work_days") or "").split(",") if d) or WorkingHours().days,
    )
    return Person(
        id=person_id,
        upn=str(data["upn"]),
        display_name=str(data["display_name"]),
        manager_id=str(data.get("manager_id") or "") or None,
        department=str(data.get("department") or "") or None,
        job_title=str(data.get("job_title") or "") or None,
        hire_date=date.fromisoformat(str(data["hire_date"])) if data.get("hire_date") else None,
        account_enabled=bool(data.get("account_enabled", True)),
        working_hours=hours,
        mail=str(data.get("mail") or ""),
    )


def load_person(store: Store, person_id: str) -> Person | None:
    found = store.find(*person_key(person_id))
    return None if found is None else person_from_row(person_id, found.data)


def people_with_upn(store: Store, upn: str, partition: str = PEOPLE_PARTITION) -> list[Record]:
    """The rows of ``partition`` whose UPN is ``upn`` (any case): the service filters (UPNs are stored lower case
    by ``person_row``), so a lookup reads the row it finds, not the whole directory."""
    wanted = upn.strip()
    found = store.query(PEOPLE, partition, where={"upn": list(dict.fromkeys((wanted.lower(), wanted)))})
    return [record for record in found if str(record.data.get("upn", "")).lower() == wanted.lower()]


def active_pairs(store: Store) -> list[Pair]:
    return [
        Pair(manager_id=r.partition, report_id=r.row, org_unit=str(r.data.get("org_unit") or "unassigned"))
        for r in store.query(PAIRS)
        if r.data.get("active")
    ]


@dataclass(frozen=True, slots=True)
class Lease:
    """An ETag lease on one pair: whoever wrote the lease row last (with a matching ETag) holds it."""

    key: str
    holder: str
    written: Record | None = field(default=None, compare=False)  # the lease row as taken (its ETag)


def lease_key(pair_key: str) -> EntityKey:
    """The pair's lease row (what ``acquire_lease`` reads first)."""
    return LEASES, "pair", pair_key


def person_key(person_id: str) -> EntityKey:
    """The person's people row."""
    return PEOPLE, PEOPLE_PARTITION, person_id


def acquire_lease(store: Store, pair_key: str, holder: str, now: datetime, ttl: timedelta) -> Lease | None:
    """Take the pair's lease, or None when another live holder has it (StaleWrite/AlreadyExists lost the race)."""
    data = {"holder": holder, "expires": (now + ttl).isoformat()}
    current = store.find(LEASES, "pair", pair_key)
    try:
        if current is None:
            return Lease(pair_key, holder, store.insert(LEASES, "pair", pair_key, data))
        expires = str(current.data.get("expires") or "")
        expired = not expires or datetime.fromisoformat(expires) <= now
        if current.data.get("holder") not in {holder, ""} and not expired:
            return None
        return Lease(pair_key, holder, store.update(current, data))
    except (AlreadyExists, StaleWrite):
        return None


def acquire_leases(
    store: Store, pair_keys: Sequence[str], holder: str, now: datetime, ttl: timedelta
) -> dict[str, Lease | None]:
    """``acquire_lease`` for several pairs, their writes sent at once (one wait, not one per pair; issue 20): each
    pair's lease, or None where another live holder has it or won the race."""
    data = {"holder": holder, "expires": (now + ttl).isoformat()}
    taken: dict[str, Lease | None] = {}
    writes: list[Write] = []
    for key in dict.fromkeys(pair_keys):
        current = store.find(LEASES, "pair", key)
        if current is not None and not _free_for(current, holder, now):
            taken[key] = None
        else:
            op = "insert" if current is None else "update"
            writes.append(Write(LEASES, "pair", TransactionOp(op, key, data, current.etag if current else None)))
    for write, result in zip(writes, store.write_at_once(writes), strict=True):
        lost = isinstance(result, (AlreadyExists, StaleWrite))
        if isinstance(result, StoreError) and not lost:
            raise result
        taken[write.op.row] = None if lost else Lease(write.op.row, holder, cast(Record, result))
    return taken


def _free_for(current: Record, holder: str, now: datetime) -> bool:
    expires = str(current.data.get("expires") or "")
    return current.data.get("holder") in {holder, ""} or not expires or datetime.fromisoformat(expires) <= now


def release_leases(store: Store, leases: Sequence[Lease]) -> None:
    """``release_lease`` for several leases: the rows as taken are freed by their ETags at once; one written since
    (or gone), or taken without an ETag, is read first and freed on its own, as ``release_lease`` does."""
    free = {"holder": "", "expires": ""}
    held = [(lease, lease.written.etag) for lease in leases if lease.written is not None and lease.written.etag]
    writes = [Write(LEASES, "pair", TransactionOp("update", lease.key, free, etag)) for lease, etag in held]
    results = store.write_at_once(writes)
    freed = {lease.key for (lease, _), result in zip(held, results, strict=True) if isinstance(result, Record)}
    for lease in leases:
        if lease.key not in freed:
            release_lease(store, replace(lease, written=None))


def release_lease(store: Store, lease: Lease) -> None:
    """Free the lease if this holder still has it. The row as taken is freed by its ETag without a read; a row
    written since (or gone) is read first, as it always was."""
    if lease.written is not None and lease.written.etag is not None:
        try:
            store.update(lease.written, {"holder": "", "expires": ""})
            return
        except (StaleWrite, NotFound):
            pass
    current = store.find(LEASES, "pair", lease.key)
    if current is not None and current.data.get("holder") == lease.holder:
        try:
            store.update(current, {"holder": "", "expires": ""})
        except StaleWrite:
            return


def lease_wait(store: Store, pair_key: str, now: datetime) -> int:
    """Whole seconds until the pair's current lease expires (0 when it is free or already expired)."""
    current = store.find(LEASES, "pair", pair_key)
    expires = str(current.data.get("expires") or "") if current is not None else ""
    if not expires:
        return 0
    return max(0, math.ceil((datetime.fromisoformat(expires) - now).total_seconds()))
