"""The growth loop of issue 17 in the Agents Playground, one person at a time (see test_playground.py for how
the Playground is restarted as another person and how queued cards reach them).

The employee closes an item and logs their learning by chat, then edits and drops items and asks for a coach on
the prep card; the first coach of the pool takes the request and the second sees it taken; the manager's agenda
shows only what is still open and shared, and the outcome card refuses a training action for a time gap with the
rule's explanation before it saves; the employee disputes the outcome with a comment.

The pair's second conversation is reached the way the ``cards`` timer would reach it, by a ``send-card`` queue
message for its agenda card (run through the host's admin endpoint); its occurrence is read from the calendar.
There the manager sees the item the employee kept as carried and closes the action of the first conversation,
and the employee's "my actions" shows it done. Nothing is written to the Store by the test.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Locator, Page

from devstack.demo_playground import PlaygroundUser
from devstack.tenant import generate_tenant
from shared.adapters.graph.client import aclose_graph_client
from shared.services.card_records import CardKind
from shared.services.due_cards import DueCard, PairOccurrence, pair_occurrences
from tests.e2e import test_playground as ui
from tests.e2e.playground_world import PEOPLE, World, started_world
from tests.e2e.test_playground import chat_as, choose, choose_all, kept, newest_card, open_chat, queued_card, say

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
page = ui.page  # the browser page fixture

SEED = 7  # devstack.stack.StackOptions.seed
KEPT, DROPPED, CLOSED = "Pair on the release checklist", "A standing desk", "Read the style guide"
EDITED = "Pair on the release checklist with Sam"
LEARNED = "Gave a sharing session on feature flags"
OUTCOME = "Block two afternoons a month for the checklist work"
DISPUTE = "We agreed one afternoon, not two"
NEXT_ACTION = "Take the release-engineering course"
LOOK_AHEAD = timedelta(days=200)
COMPANY = Path(__file__).resolve().parents[2] / "shared" / "data" / "company.yaml"


def manager_prompts() -> list[str]:
    """The tenure-stage prompts of the bundled company config (every demo person has a hire date)."""
    tenure = yaml.safe_load(COMPANY.read_text())["tenure"]
    return [stage["manager_prompt"].strip() for stage in tenure.values() if "manager_prompt" in stage]


def coach_pool() -> tuple[PlaygroundUser, PlaygroundUser]:
    """Two people of the demo tenant who manage nobody (so no pair needs them as a manager)."""
    tenant = generate_tenant(PEOPLE, SEED)
    managers = set(tenant.managers.values())
    plain = [u for u in tenant.users if u["id"] not in managers]
    first, second = (PlaygroundUser(u["id"], u["displayName"], u["userPrincipalName"]) for u in plain[-2:])
    return first, second


@pytest.fixture(scope="module")
def loop_world() -> Iterator[tuple[World, tuple[PlaygroundUser, PlaygroundUser]]]:
    coaches = coach_pool()
    pool = {"WEGROW_COACH_POOL": ",".join(c.upn for c in coaches)}
    avoid = frozenset(c.upn.lower() for c in coaches)
    with started_world("growth-loop", extra_env=pool, avoid=avoid) as started:
        yield started, coaches


def shot(world: World, target: Page | Locator, name: str) -> None:
    world.out.mkdir(parents=True, exist_ok=True)
    target.screenshot(path=str(world.out / f"{name}.png"))


def test_the_growth_loop(loop_world: tuple[World, tuple[PlaygroundUser, PlaygroundUser]], page: Page) -> None:
    world, (first_coach, second_coach) = loop_world
    employee_prepares(world, page)
    coaches_take_the_request(world, page, first_coach, second_coach)
    manager_diagnoses_the_gap(world, page)
    employee_disputes(world, page)
    manager_closes_the_earlier_action(world, page)
    employee_sees_the_action_done(world, page)


def employee_prepares(world: World, page: Page) -> None:
    open_chat(page, world)
    for n, need in enumerate((KEPT, DROPPED, CLOSED)):
        say(page, f"add a micro-need: {need}")
        page.get_by_role("paragraph").filter(has_text="Added to your growth agenda").nth(n).wait_for()
    say(page, "done 3")
    page.get_by_text(f"Marked done: {CLOSED}").last.wait_for()
    say(page, f"learned: {LEARNED}")
    page.get_by_text("Logged what you learned").last.wait_for()
    shot(world, page, "01-chat-done-and-learned")

    world.run_function("cards")
    prep = newest_card(page, "Prepare your growth conversation")
    items = item_texts(prep)
    assert KEPT in items and DROPPED in items and LEARNED in items
    assert CLOSED not in items  # marked done by chat: it left the agenda
    kept_n, dropped_n = items.index(KEPT) + 1, items.index(DROPPED) + 1
    fill_prep(page, prep, kept_n, dropped_n)
    shot(world, prep, "02-prep-edited")
    prep.get_by_role("button", name="Save my preparation").click()
    shot(world, saved_with_coach(page), "03-prep-saved")


def saved_with_coach(page: Page) -> Locator:
    """The saved prep card, rebuilt from storage, with the coach request on it.

    Saving queues the coach request only when the submission asked for one. A late re-render between the last
    check and the click can clear the box (see :func:`fill_prep`), and the saved card, which shows what was
    stored, then has it unchecked: the person ticks it again and saves, as anyone would.
    """
    for _ in range(3):
        saved = newest_card(page, "Saved")
        wants_coach = saved.get_by_label("I'd rather talk to a coach")
        if wants_coach.is_checked():
            return saved
        wants_coach.check()
        saved.get_by_role("button", name="Save my preparation").click()
        page.wait_for_timeout(1000)
    raise AssertionError("the saved preparation never kept the coach request")


def fill_prep(page: Page, prep: Locator, kept_n: int, dropped_n: int) -> None:
    """Edit, share, drop and ask for a coach, then check all of it again before Save: a late
    re-render of the card's message clears what was entered before it (CI once saved without the coach box)."""
    edited = prep.get_by_label(f"Item {kept_n}", exact=True)
    boxes = [
        prep.get_by_label(f"Share item {kept_n} with my manager"),
        prep.get_by_label(f"Share item {dropped_n} with my manager"),
        prep.get_by_label("I'd rather talk to a coach"),
    ]
    drop = (f"Item {dropped_n}: keep, done or drop", "Drop")
    for attempt in range(3):
        mark = f"fill-{attempt}"
        prep.evaluate(ui.STAMP, mark)
        if edited.input_value() != EDITED:
            kept(edited, EDITED)
        for box in boxes:
            if not box.is_checked():
                box.check()
        if not ui.shows(prep, *drop):
            choose(page, prep, *drop)
        page.wait_for_timeout(1000)
        entered = edited.input_value() == EDITED and all(box.is_checked() for box in boxes) and ui.shows(prep, *drop)
        if entered and ui.same_card(prep, mark):
            return
    raise AssertionError("the prep card kept losing what was entered")


def item_texts(card: Locator) -> list[str]:
    """The texts of the prep card's items, in order ("Item 1", "Item 2", ...)."""
    texts: list[str] = []
    while (field := card.get_by_label(f"Item {len(texts) + 1}", exact=True)).count():
        texts.append(field.input_value())
    return texts


def coaches_take_the_request(world: World, page: Page, first: PlaygroundUser, second: PlaygroundUser) -> None:
    chat_as(world, page, first)
    request = queued_card(page, world, "Confidential coaching request", "coach_request")
    request.get_by_role("button", name="I'll take it").click()
    page.get_by_text("You took it").first.wait_for()
    shot(world, page, "04-first-coach-took-it")

    chat_as(world, page, second)
    request = queued_card(page, world, "Confidential coaching request", "coach_request")
    taken = page.get_by_text(f"Taken by {first.display_name}").or_(page.get_by_text("Already taken by"))
    if request.get_by_role("button", name="I'll take it").count():  # the Playground runs no Universal Actions refresh
        request.get_by_role("button", name="I'll take it").click()
    taken.first.wait_for()
    shot(world, page, "05-second-coach-sees-it-taken")


def manager_diagnoses_the_gap(world: World, page: Page) -> None:
    chat_as(world, page, world.manager)
    world.run_function("cards")
    agenda = newest_card(page, "Growth conversation agenda")
    text = agenda.inner_text()
    assert EDITED in text and DROPPED not in text and CLOSED not in text
    assert any(prompt in text for prompt in manager_prompts()), "the tenure-stage prompt is on the agenda"
    shot(world, agenda, "06-manager-agenda")

    agenda.get_by_role("button", name="Log outcomes").click()
    log = newest_card(page, "Action 1")
    fill_action(page, log, world, ("Time: manage", "Training"), OUTCOME)  # a time gap is not a training need
    log.get_by_role("button", name="Save and send for confirmation").click()
    page.get_by_text("is not a training need").first.wait_for()
    shot(world, page, "07-mismatch-refused")

    log = newest_card(page, "Action 1")
    fill_action(page, log, world, ("Time: manage", "Not a training need: manage"), OUTCOME)
    log.get_by_role("button", name="Save and send for confirmation").click()
    shot(world, newest_card(page, "Saved"), "08-outcome-saved")


def fill_action(page: Page, log: Locator, world: World, gap_and_type: tuple[str, str], text: str) -> None:
    gap, action_type = gap_and_type
    choices = [
        ("Action 1: quadrant", "Uphill"),
        ("Action 1: gap", gap),
        ("Action 1: type", action_type),
        ("Action 1: owner", world.employee.display_name),
    ]
    choose_all(page, log, choices)
    log.get_by_label("Action 1: due date").fill("2027-04-30")
    kept(log.get_by_label("Action 1: what will happen"), text)
    choose_all(page, log, choices)  # a late re-render clears the choices: still there after the typing


def employee_disputes(world: World, page: Page) -> None:
    chat_as(world, page, world.employee)
    confirm = queued_card(page, world, "Confirm what you agreed", "(confirm)")
    assert OUTCOME in confirm.inner_text()
    kept(confirm.get_by_label("Comment", exact=False), DISPUTE)
    confirm.get_by_role("button", name="Dispute", exact=True).click()
    shot(world, newest_card(page, "Saved"), "09-disputed")


def second_conversation(world: World) -> DueCard:
    """The agenda card of the pair's next conversation after the first, as the ``cards`` timer would queue it."""
    now, container = datetime.now(UTC), world.container

    async def occurrences() -> list[PairOccurrence]:
        try:
            return await pair_occurrences(container.store, container.calendar, now, now + LOOK_AHEAD)
        finally:  # the Graph client belongs to this thread's loop: close it and let a later use build its own
            await aclose_graph_client(container.graph_client)
            for built in ("graph_client", "calendar"):
                vars(container).pop(built, None)

    with ThreadPoolExecutor(1) as thread:  # playwright's sync API keeps an event loop running in this thread
        found = thread.submit(asyncio.run, occurrences()).result(timeout=120)
    mine = sorted((p for p in found if p.employee_id == world.employee.id), key=lambda p: p.occurrence.start)
    assert len(mine) >= 2, "the series has a second conversation"
    second = mine[1]
    manager, employee = world.manager.id, world.employee.id
    return DueCard(CardKind.AGENDA, second.occurrence_id, manager, employee, manager, second.occurrence.start)


def manager_closes_the_earlier_action(world: World, page: Page) -> None:
    chat_as(world, page, world.manager)
    world.run_function("send_card", second_conversation(world).message())
    agenda = newest_card(page, "Growth conversation agenda")
    text = agenda.inner_text()
    assert f"{EDITED} (carried)" in text, text
    assert "Open actions from last time" in text and OUTCOME in text
    shot(world, agenda, "10-second-agenda-carried")

    agenda.get_by_role("button", name="Log outcomes").click()
    log = newest_card(page, "Open actions from earlier conversations")
    assert OUTCOME in log.inner_text()
    choose(page, log, "Close it?", "Done")
    fill_action(page, log, world, ("Knowledge or skill: train", "Training"), NEXT_ACTION)
    shot(world, log, "11-closing-the-earlier-action")
    log.get_by_role("button", name="Save and send for confirmation").click()
    shot(world, newest_card(page, "Saved"), "12-second-outcome-saved")


def employee_sees_the_action_done(world: World, page: Page) -> None:
    """The first action, closed as done by the manager, has left "my actions" (it lists open actions only)."""
    chat_as(world, page, world.employee)
    mentions_before = page.get_by_text(OUTCOME).count()  # the chat's history may still show it
    say(page, "my actions")
    answer = page.get_by_text("Your open actions").or_(page.get_by_text("You have no open actions"))
    answer.last.wait_for()
    page.wait_for_timeout(1000)  # the whole answer has landed
    assert page.get_by_text(OUTCOME).count() == mentions_before, "the action closed as done is no longer listed"
    shot(world, page, "13-my-actions")
