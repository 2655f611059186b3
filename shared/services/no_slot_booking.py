""" "Book this time" on the manager's no-slot card: start the pair's series at the option they picked.

The integrity rules are the other cards' (shared.services.card_actions): the card id must be known, the actor
must be the manager it was sent to (never anything the card carries), the pair must still be theirs, and the
card is claimed with its ETag before anything is written, so a double click or two clients book once. Then:

1. the series row is read again: the pair must still be ``no-slot``/``no-overlap`` with the very record the
   card was built on, the option must exist and must not have started;
2. the series is looked up by its id (a retry after a crash finds the one it created) or, if there is none,
   the time is claimed in the booking ledger for both people and the series is created through the Calendar
   port, exactly as a planned series is (``build_spec`` in the manager's zone, ``create_series_many``);
3. the row is written ``active`` as ``record_event`` writes it, and the card is marked submitted.

The manager gets the card back, saying it is booked and when (in their zone).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from shared.domain.calendar import SeriesEvent
from shared.domain.card_verdicts import (
    ALREADY,
    NO_MAILBOX,
    OUT_OF_DATE,
    PAIR_ENDED,
    PASSED_OPTION,
    TAKEN,
    UNKNOWN_OPTION,
)
from shared.domain.card_verdicts import WRONG_ACTION as WRONG_VERB
from shared.domain.people import Pair, Person
from shared.ports.clock import Clock
from shared.ports.directory import MailboxUnavailable
from shared.ports.storage import StaleWrite, Store
from shared.services import scheduling_bookings
from shared.services.card_actions import CardReply, Verdict, authorised_card
from shared.services.card_conversations import pair_is_current
from shared.services.card_records import CardKind, CardRecord, CardStatus, ClaimRefused, claim, release, set_status
from shared.services.no_slot_cards import Option, booked_data, is_current, options_of
from shared.services.schedule_context import ScheduleContext, record_event
from shared.services.scheduling_records import SERIES, load_person
from shared.services.scheduling_slots import build_spec

logger = logging.getLogger(__name__)
BOOK_VERB = "noslot.book"
WHY = "booked by the manager from the closest options"
NOT_NO_SLOT = "This pair is no longer waiting for a time (it is {state}). Nothing was booked."
ContextSource = Callable[[], ScheduleContext]


def _refuse(message: str, card: CardRecord | None = None) -> CardReply:
    return CardReply(Verdict.REFUSED, message, card.kind if card else None, card.card_id if card else "")


def _option_number(data: Mapping[str, Any]) -> int | None:
    raw = data.get("option")
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    return int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 3 else None


def _chosen(store: Store, card: CardRecord, data: Mapping[str, Any], now: datetime) -> Option | CardReply:
    """The option the manager picked, if the pair's record is still the card's and the option is ahead."""
    manager_id, report_id = card.recipient_id, card.employee_id
    row = store.find(SERIES, manager_id, report_id)
    state = str(row.data.get("state") or "unknown") if row is not None else "no longer recorded"
    if row is None or state not in {"no-slot", "no-overlap"}:
        return _refuse(NOT_NO_SLOT.format(state=state), card)
    if not is_current(card.occurrence_id, manager_id, report_id, row.data):
        return _refuse(OUT_OF_DATE, card)
    number = _option_number(data)
    option = next((o for o in options_of(row.data) if o.n == number), None)
    if option is None:
        return _refuse(UNKNOWN_OPTION, card)
    if option.start <= now:
        return _refuse(PASSED_OPTION, card)
    return option


def _checked(store: Store, clock: Clock, data: Mapping[str, Any], actor_id: str | None) -> CardReply | CardRecord:
    card = authorised_card(store, data, actor_id)
    if isinstance(card, CardReply):
        return card
    if card.kind is not CardKind.NO_SLOT:
        logger.warning("card action refused: verb does not match card %s", card.card_id)
        return _refuse(WRONG_VERB)
    if card.status is CardStatus.SUBMITTED:
        return _already_booked(store, card)
    if not pair_is_current(store, card.recipient_id, card.employee_id):
        logger.warning("card %s refused: its pair has ended", card.card_id)
        return _refuse(PAIR_ENDED, card)
    return card


def _already_booked(store: Store, card: CardRecord) -> CardReply:
    """A second click after the booking: what was booked, nothing done."""
    held = card.record.data.get("booked_start") if card.record is not None else None
    row = store.find(SERIES, card.recipient_id, card.employee_id)
    manager, report = load_person(store, card.recipient_id), load_person(store, card.employee_id)
    if not isinstance(held, str) or row is None or manager is None or report is None:
        return CardReply(Verdict.READ_ONLY, ALREADY, card.kind, card.card_id)
    start = datetime.fromisoformat(held)
    end = datetime.fromisoformat(str(card.record.data.get("booked_end") or held)) if card.record else start
    view = booked_data(manager, report, start, end)
    return CardReply(Verdict.READ_ONLY, f"Already booked: {view['booked']['label']}.", card.kind, card.card_id, view)


async def book_option(
    store: Store, clock: Clock, data: Mapping[str, Any], actor_id: str | None, context: ContextSource
) -> CardReply:
    """Handle "Book this time": refuse (nothing written) or book once and answer with the booked card."""
    card = _checked(store, clock, data, actor_id)
    if isinstance(card, CardReply):
        return card
    now = clock.now()
    option = _chosen(store, card, data, now)
    if isinstance(option, CardReply):
        logger.info("card %s: booking refused: %s", card.card_id, option.message)
        return option
    manager, report = load_person(store, card.recipient_id), load_person(store, card.employee_id)
    if manager is None or report is None:
        return _refuse(PAIR_ENDED, card)
    try:
        claimed = claim(store, card, now)
    except ClaimRefused:
        logger.info("card %s: booking refused, the card is claimed by another click", card.card_id)
        return CardReply(Verdict.REFUSED, ALREADY, card.kind, card.card_id)
    try:
        event = await _series_at(context(), store, manager, report, option)
    except Exception:
        release(store, claimed)
        raise
    if isinstance(event, CardReply):
        release(store, claimed)
        return event
    return _finish(store, now, claimed, manager, report, option)


async def _series_at(
    ctx: ScheduleContext, store: Store, manager: Person, report: Person, option: Option
) -> SeriesEvent | CardReply:
    """The pair's series at the option's start: found (a retry) or created after claiming the time."""
    row = store.find(SERIES, manager.id, report.id)
    sid = str(row.data.get("series_id") or "") if row is not None else ""
    if not sid:
        return _refuse(NOT_NO_SLOT.format(state="without a series id"))
    found = await ctx.calendar.find_series(manager.id, sid)
    if found is None:
        if not scheduling_bookings.claim(store, (manager.id, report.id), option.start, option.end, sid):
            return _refuse(TAKEN)
        spec = build_spec(ctx, manager, report, sid, option.start, WHY, manager.working_hours.time_zone)
        created = (await ctx.calendar.create_series_many([spec]))[sid]
        if isinstance(created, MailboxUnavailable):
            scheduling_bookings.release(store, (manager.id, report.id), option.start, option.end, sid)
            logger.warning("no-slot booking %s/%s: mailbox unavailable", manager.id, report.id)
            return _refuse(NO_MAILBOX)
        found = created
    outside = ", ".join(option.outside) or "nobody"
    record_event(ctx, Pair(manager.id, report.id), found, f"{WHY} (outside: {outside})")
    logger.info("no-slot booking %s/%s: series %s from %s", manager.id, report.id, sid, option.start.isoformat())
    return found


def _finish(
    store: Store, now: datetime, claimed: CardRecord, manager: Person, report: Person, option: Option
) -> CardReply:
    booked = {"booked_start": option.start.isoformat(), "booked_end": option.end.isoformat()}
    view = booked_data(manager, report, option.start, option.end)
    message = f"Booked: {view['booked']['label']}."
    try:
        set_status(store, claimed, CardStatus.SUBMITTED, now, **booked)
    except StaleWrite:  # the series is recorded; only the card's own status lost a race
        logger.info("card %s: booked, but its row changed meanwhile", claimed.card_id)
    return CardReply(Verdict.ACCEPTED, message, claimed.kind, claimed.card_id, view)
