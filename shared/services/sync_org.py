"""Org sync: follow the directory delta, store people and pairs, and emit pair changes.

An unchanged org costs one delta round trip and no writes. Pair changes are ``new-pair``, ``manager-change`` (with
the old manager), ``leaver`` and ``disabled``; all are in the summary, and the ones with something to end go to the
``pair-changed`` queue (:data:`QUEUED_KINDS`). A new pair is left to planning, which creates its series, so a queue
message for it would cost two Storage calls (send, then complete) and do nothing: on a first sync, every pair.

A delta item is a partial update (Graph sends "at least the properties that have been updated"): it is merged
into the stored person, so a job-title change without ``manager@delta`` leaves the manager as it was. Each
changed person's mailbox zone and working hours are read again (mailboxSettings, 20 per ``$batch``) and stored.
A full sync (the first, or after an expired token) reads the people partition and the languages table once, not
each person's rows one by one (``_StoredRows``).

A person the directory removes leaves a tombstone (partition ``leavers`` of ``people``: their object id and UPN,
nothing else), so privacy export and forget still find their records by object id or UPN.

With a pilot configured (``pilot``), sync also reads the pilot groups' members and stores them for planning
(pilot_scope.py); an unknown group is ``SyncSummary.pilot_error`` and pauses planning.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from shared.domain.directory import DirectoryDelta, PersonChange
from shared.domain.people import Person
from shared.ports.directory import Directory, MailboxHours
from shared.ports.storage import TRANSACTION_LIMIT, Queues, Record, Store, StoreError, TransactionOp, Write
from shared.services.languages import LANGUAGES, MAILBOX, language_update
from shared.services.languages import ROW as LANGUAGE_ROW
from shared.services.pilot_scope import PilotConfig, refresh_pilot_scope
from shared.services.scheduling_records import (
    PEOPLE,
    PEOPLE_PARTITION,
    SERIES,
    SYNC,
    person_from_row,
    person_key,
    person_row,
)
from shared.services.sync_pairs import SyncedPairs, pair_event

PAIR_CHANGED = "pair-changed"
QUEUED_KINDS = frozenset({"manager-change", "leaver", "disabled"})  # repair.handle_pair_changed ends their series
LEAVERS_PARTITION = "leavers"
DELTA_PARTITION, DELTA_ROW = "directory", "users"


@dataclass(slots=True)
class SyncSummary:
    people_changed: int = 0
    round_trips: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)
    pilot_members: dict[str, int] = field(default_factory=dict)  # pilot group id -> members (users) read
    pilot_error: str | None = None  # e.g. an unknown pilot group: planning does nothing until it is fixed


class _StoredRows:
    """Where sync finds what is stored about a person: a point read each on a delta sync. A full sync (the first,
    or after an expired token) touches everyone, so it reads the people partition and the languages table once
    instead: thousands of point reads fewer on a first sync, and the people query also says who has gone."""

    def __init__(self, store: Store, full: bool) -> None:
        self._store = store
        self._people = {r.row: r for r in store.query(PEOPLE, PEOPLE_PARTITION)} if full else None
        self._languages = {r.partition: r for r in store.query(LANGUAGES) if r.row == LANGUAGE_ROW} if full else None
        self._applied: set[str] = set()  # read again if the delta lists them twice: the first change was written
        self._written: dict[str, dict[str, Any]] = {}  # people rows not stored yet (``write_person``, ``flush``)
        self._languages_written: dict[str, dict[str, Any]] = {}  # languages rows not stored yet, by person

    def person_row(self, person_id: str) -> Record | None:
        if person_id in self._written:
            return Record(PEOPLE, PEOPLE_PARTITION, person_id, self._written[person_id])
        if self._people is None or person_id in self._applied:
            return self._store.find(*person_key(person_id))
        return self._people.get(person_id)

    def person(self, person_id: str) -> Person | None:
        found = self.person_row(person_id)
        return None if found is None else person_from_row(person_id, found.data)

    def language_row(self, person_id: str) -> Record | None:
        if person_id in self._languages_written:
            return Record(LANGUAGES, person_id, LANGUAGE_ROW, self._languages_written[person_id])
        if self._languages is None or person_id in self._applied:
            return self._store.find(LANGUAGES, person_id, LANGUAGE_ROW)
        return self._languages.get(person_id)

    def applied(self, person_id: str) -> None:
        self._applied.add(person_id)

    def write_person(self, person_id: str, row: dict[str, Any]) -> None:
        """Keep the person's row to store with the others (``flush``): they share one partition, so a first sync
        stores a hundred per request instead of one (issue 20). Read back from here until then."""
        self._written[person_id] = row

    def remember_language(self, person_id: str, tag: str | None) -> None:
        """The person's mailbox language, kept to store with the others (``flush``): each person's row is a
        partition of its own, so they go several at once (``Store.write_at_once``) instead of one wait each."""
        update = language_update(self.language_row(person_id), MAILBOX, tag)
        if update is not None:
            self._languages_written[person_id] = update

    def flush(self) -> None:
        """Store the kept people rows, a transaction of up to ``TRANSACTION_LIMIT`` at a time, and the kept
        languages rows at once (the first failure is raised once all were tried)."""
        ops = [TransactionOp("upsert", person_id, row) for person_id, row in self._written.items()]
        for start in range(0, len(ops), TRANSACTION_LIMIT):
            self._store.transact(PEOPLE, PEOPLE_PARTITION, ops[start : start + TRANSACTION_LIMIT])
        self._written.clear()
        languages = [
            Write(LANGUAGES, person_id, TransactionOp("upsert", LANGUAGE_ROW, row))
            for person_id, row in self._languages_written.items()
        ]
        failed = [result for result in self._store.write_at_once(languages) if isinstance(result, StoreError)]
        self._languages_written.clear()
        if failed:
            raise failed[0]

    def missing_from(self, delta: DirectoryDelta) -> list[str]:
        """A full sync lists everyone: whoever is stored but not in it has gone (nobody on a delta sync)."""
        if self._people is None:
            return []
        present = {person.id for person in delta.people}
        return [row for row in self._people if row not in present]


def _open_pair(pairs: SyncedPairs, person: Person) -> None:
    assert person.manager_id is not None
    org_unit = person.department or "unassigned"
    pairs.write(person.manager_id, person.id, {"active": True, "org_unit": org_unit})


def _recheck_no_mailbox(store: Store, person: Person, old: Person) -> None:
    """The directory changed this person (e.g. ``mail`` set when a mailbox arrives): let planning retry
    their pairs recorded as ``no-mailbox``. One partition query and a point read or two per changed person."""
    records = list(store.query(SERIES, person.id))
    for manager_id in dict.fromkeys(m for m in (person.manager_id, old.manager_id) if m):
        found = store.find(SERIES, manager_id, person.id)
        records += [found] if found is not None else []
    for record in records:
        if record.data.get("state") == "no-mailbox" and not record.data.get("recheck"):
            store.upsert(SERIES, record.partition, record.row, {**record.data, "recheck": True})


def _person_row_with_mailbox(stored_rows: _StoredRows, person: Person, mailboxes: MailboxHours) -> dict[str, Any]:
    """The person's row with their mailbox's zone and hours; a failed look-up keeps what was stored."""
    if person.id in mailboxes.hours:
        row = person_row(replace(person, working_hours=mailboxes.hours[person.id]))
        # when the hours were read: scheduling reads them again once they are a week old (HOURS_FRESH_DAYS)
        return {**row, "mailbox": "ok", "hours_read_at": datetime.now(UTC).isoformat()}
    row = person_row(person)
    if person.id in mailboxes.no_mailbox:
        return {**row, "mailbox": mailboxes.no_mailbox[person.id]}
    stored = stored_rows.person_row(person.id)
    return {**row, "mailbox": str(stored.data.get("mailbox") or "unknown") if stored is not None else "unknown"}


def _apply_person(
    store: Store, change: PersonChange, mailboxes: MailboxHours, stored_rows: _StoredRows, pairs: SyncedPairs
) -> list[dict[str, Any]]:
    old = stored_rows.person(change.id)
    person = change.applied_to(old)
    stored_rows.write_person(person.id, _person_row_with_mailbox(stored_rows, person, mailboxes))
    stored_rows.remember_language(person.id, mailboxes.languages.get(person.id))
    stored_rows.applied(person.id)
    if old is not None:
        _recheck_no_mailbox(store, person, old)
    if not person.account_enabled:
        return pairs.close_all(person.id, "disabled") if old is None or old.account_enabled else []
    events: list[dict[str, Any]] = []
    old_manager = old.manager_id if old is not None and old.account_enabled else None
    if person.manager_id == old_manager:
        if person.manager_id and old is not None and old.department != person.department:
            _open_pair(pairs, person)
        return events
    if old_manager:
        pairs.write(old_manager, person.id, {"active": False, "closed": "manager-change"})
    if person.manager_id:
        _open_pair(pairs, person)
        kind = "manager-change" if old_manager else "new-pair"
        extra = {"old_manager_id": old_manager} if old_manager else {}
        events.append(pair_event(kind, person.manager_id, person.id, **extra))
    elif old_manager:
        events.append(pair_event("manager-change", "", person.id, old_manager_id=old_manager))
    return events


def _keep_tombstone(store: Store, stored_rows: _StoredRows, person_id: str) -> None:
    """Remember a removed person's object id and UPN (only those) so privacy operations can still find them."""
    stored = stored_rows.person_row(person_id)
    if stored is not None:
        store.upsert(PEOPLE, LEAVERS_PARTITION, person_id, {"upn": str(stored.data.get("upn", "")).lower()})


async def sync_org(directory: Directory, store: Store, queues: Queues, pilot: PilotConfig | None = None) -> SyncSummary:
    """One delta round from the stored token; store what changed and queue one message per pair change that ends
    something (a new pair is only counted: planning schedules it).

    ``pilot``: the configured pilot groups, whose membership is read and stored for planning (None: leave the
    stored pilot membership as it is)."""
    stored = store.find(SYNC, DELTA_PARTITION, DELTA_ROW)
    token = str(stored.data.get("token")) if stored is not None else None
    delta = await directory.delta(token)
    summary = SyncSummary(round_trips=delta.round_trips)
    mailboxes = await directory.mailbox_hours([c.id for c in delta.people]) if delta.people else MailboxHours()
    stored_rows, pairs = _StoredRows(store, delta.full), SyncedPairs(store)
    for change in sorted(delta.people, key=lambda c: c.id):
        summary.events += _apply_person(store, change, mailboxes, stored_rows, pairs)
    stored_rows.flush()  # before a leaver's row is deleted below
    for person_id in sorted({*delta.removed_ids, *stored_rows.missing_from(delta)}):
        summary.events += pairs.close_all(person_id, "leaver")
        _keep_tombstone(store, stored_rows, person_id)
        store.delete(PEOPLE, PEOPLE_PARTITION, person_id)
    pairs.flush()  # before the pair changes are queued: their handlers read the pairs
    summary.people_changed = len(delta.people) + len(delta.removed_ids)  # a full sync counts everyone
    for event in summary.events:
        if event["kind"] in QUEUED_KINDS:
            queues.send(PAIR_CHANGED, event)
    if delta.delta_token and delta.delta_token != token:
        store.upsert(SYNC, DELTA_PARTITION, DELTA_ROW, {"token": delta.delta_token})
    if pilot is not None:
        refreshed = await refresh_pilot_scope(directory, store, pilot)
        summary.pilot_members, summary.pilot_error = refreshed.members, refreshed.error
    return summary
