"""The growth loop's later turns in ``make demo``: a declined conversation moved by repair, disputed outcomes,
missed conversations, and actions closed on the next conversation's prep card.

Everything goes through the product: reports decline in the Graph emulator (its control API answers the way
the Graph ``decline`` action does) and the repair the ``schedule-pair`` check runs moves the occurrence; the
missed sweep is the one the outcomes timer runs; the employee closes their own actions with the keep / done /
drop choice of their next prep card (the manager could do the same on the next outcome card).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from devstack import demo_people as people
from devstack.demo_steps import Demo, Tick, card_sent, each, send_due_cards, sent_card, talk_for
from shared.services.card_records import CardKind, card_id
from shared.services.scheduling_records import SERIES, active_pairs

DECLINE_SHARE = 0.05  # of the series whose first conversation is after the prep lead time
DISPUTE_SHARE = 0.2  # of the employees with a confirm card
DISPUTE_COMMENT = "We agreed on the mentoring first; the course can wait until after the release."
FIRST_WEEK = timedelta(days=14)


def later_series(demo: Demo) -> list[Any]:
    """Active series whose first conversation is beyond the prep lead time (their cards do not go out today)."""
    lead = demo.clock.now() + timedelta(days=demo.container.settings.card_lead_days + 2)
    rows = [r for r in demo.container.store.query(SERIES) if r.data.get("state") == "active"]
    return [r for r in rows if r.data.get("first_start") and datetime.fromisoformat(str(r.data["first_start"])) > lead]


def decliners(demo: Demo) -> list[Any]:
    found = later_series(demo)
    return demo.rng.sample(found, max(1, round(len(found) * DECLINE_SHARE))) if found else []


async def decline_first(demo: Demo, series: Any) -> bool:
    """The report declines the first occurrence in Outlook (the organiser sees the answer on that instance)."""
    now = demo.clock.now()
    found = await demo.container.calendar.occurrences(
        series.partition, str(series.data["event_id"]), now, now + FIRST_WEEK
    )
    if not found:
        return False
    body = {"user": series.row, "event_id": found[0].event_id, "response": "declined"}
    answer = await demo.http.post(f"{demo.stack.graph_root}/_emulator/respond", json=body)
    return answer.status_code < 300


async def decline_and_repair(demo: Demo, movers: list[Any], tick: Tick) -> None:
    """Some reports decline; the repair of the ``schedule-pair`` check moves each declined conversation."""
    from shared.container.scheduling import context_from
    from shared.services.repair import repair_occurrences

    pairs = {(p.manager_id, p.report_id): p for p in active_pairs(demo.container.store)}

    async def decline(series: Any) -> None:
        if not await decline_first(demo, series):
            demo.add("declines refused")
            return
        demo.add("conversations declined")
        outcome = await repair_occurrences(context_from(demo.container, "demo"), pairs[(series.partition, series.row)])
        demo.add("conversations moved by repair", len(outcome.moved))

    await each(movers, decline, tick)


async def confirm_or_dispute(demo: Demo, tick: Tick) -> None:
    """Each logged outcome queued the employee's confirm card: most confirm, some dispute with a comment."""
    await send_due_cards(demo)

    async def answer(row: Any) -> None:
        employee = str(row.data["employee_id"])
        cid = card_id(str(row.data["occurrence_id"]), CardKind.CONFIRM)
        if not await card_sent(demo, cid):
            demo.add("confirm card not sent")
            return
        disputes = demo.rng.random() < DISPUTE_SHARE
        verb, data = ("outcome.dispute", {"cardId": cid, "comment": DISPUTE_COMMENT}) if disputes else (
            "outcome.confirm", {"cardId": cid, "comment": ""})  # fmt: skip
        title = await people.press(demo.http, demo.stack.bot_endpoint, await talk_for(demo, employee), verb, data)
        demo.add(
            ("outcomes disputed" if disputes else "outcomes confirmed") if title == "Saved" else f"{verb}: {title}"
        )

    await each(demo.cards(CardKind.OUTCOME, "submitted"), answer, tick)


def next_conversation(demo: Demo) -> timedelta:
    """How far the next conversation of a series is: the cadence's rhythm."""
    from shared.container.scheduling import policy_from

    return timedelta(weeks=policy_from(demo.container).rhythm_weeks)


def sweep_missed(demo: Demo) -> int:
    """The outcomes timer's sweep: conversations past their date with no outcome for a week become missed."""
    from shared.services.conversation_changes import sweep_missed as sweep

    now = demo.clock.now()
    missed = sweep(demo.container.store, now.date(), now=now)
    demo.add("conversations marked missed", missed)
    return missed


async def close_actions(demo: Demo, tick: Tick) -> None:
    """The next conversation's prep card lists the employee's open actions: they mark them done (or drop one)."""

    async def answer(row: Any) -> None:
        employee, cid = str(row.data["recipient_id"]), row.partition
        card = sent_card(demo, employee, cid)
        choices = [i["id"] for i in people.card_inputs(card or {}) if str(i.get("id", "")).startswith("action.")]
        if card is None or not choices:
            return
        closing = {choice: demo.rng.choice(("done", "done", "drop")) for choice in choices}
        data = {**people.prep_answer(card, cid, demo.rng.randrange(100)), **closing}
        title = await people.press(demo.http, demo.stack.bot_endpoint, await talk_for(demo, employee),
                                   "prep.submit", data)  # fmt: skip
        if title != "Saved":
            demo.add(f"next prep answer: {title}")
            return
        for value in closing.values():
            demo.add("actions closed as done" if value == "done" else "actions dropped")

    await each(demo.cards(CardKind.PREP), answer, tick)
