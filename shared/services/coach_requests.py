"""Coach requests in the Store: table ``coachrequests``, partition = the employee's id.

Row ``<request id>`` holds one request (ids and instants only, see ``shared.domain.coach``); row ``open`` points
at the employee's open request, so asking twice while one is open gives the same request. Both rows are
written in one partition transaction. Taking a request is an ETag-guarded update: of two coaches who read
the same row, one wins and the other gets StaleWrite, re-reads and learns who took it. Closing it updates
the row (with its ETag) and drops the ``open`` pointer, again in one transaction.

Cards: each coach in the pool gets one ``coach_request`` card per request (occurrence ``coach:<id>:<upn>``);
the employee gets one ``coach_taken`` card (``coach:<id>``) when a coach takes it. All go on ``send-card``;
card ids are derived from those occurrence ids, so queueing again never sends twice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from shared.domain.coach import CoachRequest, CoachStatus, card_ref
from shared.ports.storage import AlreadyExists, Queues, Record, StaleWrite, Store, TransactionOp
from shared.services.card_records import CardKind
from shared.services.due_cards import SEND_CARD

logger = logging.getLogger(__name__)
COACH_REQUESTS = "coachrequests"
OPEN_ROW = "open"


@dataclass(frozen=True, slots=True)
class Stored:
    request: CoachRequest
    record: Record


def load_request(store: Store, employee_id: str, request_id: str) -> Stored | None:
    if not employee_id or not request_id or request_id == OPEN_ROW:
        return None
    record = store.find(COACH_REQUESTS, employee_id, request_id)
    if record is None:
        return None
    try:
        return Stored(CoachRequest.from_data(request_id, record.data), record)
    except (KeyError, ValueError):
        logger.warning("coach request %s: malformed row ignored", request_id)
        return None


def current_request(store: Store, employee_id: str) -> Stored | None:
    """The employee's open (or taken, not yet done) request, if any."""
    pointer = store.find(COACH_REQUESTS, employee_id, OPEN_ROW)
    if pointer is None:
        return None
    stored = load_request(store, employee_id, str(pointer.data.get("request_id") or ""))
    return stored if stored is not None and stored.request.is_open else None


def open_request(
    store: Store, queues: Queues, employee_id: str, now: datetime, coach_upns: Sequence[str] | None = None
) -> tuple[CoachRequest, bool]:
    """The employee's one open request (created now if there is none) and whether it is new.

    The coach cards are queued every time the request is still open (sending is idempotent per card), so a
    crash between storing and queueing is repaired by asking again. With ``coach_upns`` one message per coach
    is queued; without, one message that the send-card handler fans out to the configured pool.
    """
    existing = current_request(store, employee_id)
    created = existing is None
    request = existing.request if existing is not None else CoachRequest.new(employee_id, now)
    if existing is None:
        pointer = store.find(COACH_REQUESTS, employee_id, OPEN_ROW)  # a left-over pointer is replaced, ETag-guarded
        mark = {"request_id": request.request_id}
        first = TransactionOp("insert", OPEN_ROW, mark) if pointer is None else _replace(pointer, mark)
        try:
            store.transact(
                COACH_REQUESTS, employee_id, [first, TransactionOp("insert", request.request_id, request.to_data())]
            )
        except (AlreadyExists, StaleWrite):  # another ask won the race: that one is the request
            winner = current_request(store, employee_id)
            if winner is None:
                raise
            request, created = winner.request, False
    if request.status is CoachStatus.OPEN:
        queue_coach_cards(queues, request, coach_upns)
    logger.info("coach request %s: %s", request.request_id, "created" if created else "already open")
    return request, created


def _replace(pointer: Record, data: dict[str, str]) -> TransactionOp:
    return TransactionOp("update", OPEN_ROW, data, etag=pointer.etag)


def queue_coach_cards(queues: Queues, request: CoachRequest, coach_upns: Sequence[str] | None) -> None:
    base = {"kind": str(CardKind.COACH_REQUEST), "employee_id": request.employee_id}
    if coach_upns is None:
        queues.send(SEND_CARD, {**base, "occurrence_id": card_ref(request.request_id)})
        return
    for upn in coach_upns:
        queues.send(SEND_CARD, {**base, "occurrence_id": card_ref(request.request_id, upn), "recipient_upn": upn})


def take(store: Store, stored: Stored, coach_id: str, now: datetime) -> tuple[CoachRequest, bool]:
    """Claim the request for ``coach_id`` with the row's ETag: (the request as it is now, whether this take won)."""
    if stored.request.status is not CoachStatus.OPEN:
        return stored.request, False
    taken = stored.request.take(coach_id, now)
    try:
        store.update(stored.record, taken.to_data())
    except StaleWrite:
        again = load_request(store, stored.request.employee_id, stored.request.request_id)
        return (again.request if again is not None else stored.request), False
    logger.info("coach request %s taken", taken.request_id)
    return taken, True


def close(store: Store, stored: Stored, coach_id: str, now: datetime) -> CoachRequest:
    """Mark the request done (raises NotYours unless ``coach_id`` took it; StaleWrite if it changed meanwhile)."""
    done = stored.request.close(coach_id, now)
    ops = [
        TransactionOp("update", done.request_id, done.to_data(), etag=stored.record.etag),
        TransactionOp("delete", OPEN_ROW),
    ]
    store.transact(COACH_REQUESTS, done.employee_id, ops)
    logger.info("coach request %s done", done.request_id)
    return done


def queue_employee_notice(queues: Queues, request: CoachRequest) -> None:
    """The employee's ``coach_taken`` card: who will contact them (built from the row when it is sent)."""
    queues.send(
        SEND_CARD,
        {
            "kind": str(CardKind.COACH_TAKEN),
            "occurrence_id": card_ref(request.request_id),
            "recipient_id": request.employee_id,
            "employee_id": request.employee_id,
        },
    )


def all_requests(store: Store) -> list[CoachRequest]:
    """Every request (for HR counts): ids and instants only."""
    found = (load_request(store, r.partition, r.row) for r in store.query(COACH_REQUESTS) if r.row != OPEN_ROW)
    return [stored.request for stored in found if stored is not None]
