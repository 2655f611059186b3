"""Learning that fits a training need, in ``make demo``: the Viva Learning sync, the suggestions on logged outcome
cards, and one "Assign as recommended" checked on the Graph emulator.

The sync is the ``learning`` step of ``wegrow cycle`` (the daily timer's pass), run in-process before the outcome
cards. A manager's logged outcome card is read back the way Teams and Outlook refresh it (Action.Execute with the
``outcome.refresh`` verb, through the real bot endpoint); its "Assign as recommended" buttons are the suggestions.
The assignment is then looked up on the emulator by the id WeGrow stored (``GET
/employeeExperience/learningCourseActivities/{id}``), so a row that only exists in our table does not count.
"""

from __future__ import annotations

from typing import Any

from devstack import demo_people as people
from devstack.demo_steps import Demo, Tick, talk_for
from shared.services.card_records import CardKind

ASSIGN_VERB = "learning.assign"
ENOUGH = 3  # logged outcome cards with suggestions to read back (then the rest are skipped)
ASSIGNABLE_PROVIDER = "Contoso Academy"  # the seeded provider that accepts course activities


async def sync(demo: Demo, tick: Tick) -> None:
    from shared.services.learning_sync import sync_learning

    c = demo.container
    summary = await sync_learning(c.store, c.learning_catalog, c.settings.learning_providers, c.clock.now())
    demo.add("learning contents synced", summary.contents)
    if summary.unavailable:
        demo.add(f"learning unavailable ({summary.unavailable})")
    tick(1)


async def invoke(demo: Demo, user_id: str, verb: str, data: dict[str, Any]) -> dict[str, Any]:
    """Press an Action.Execute button; the card the bot answers with ({} when it refused with an error)."""
    value = {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"}
    talk = await talk_for(demo, user_id)
    response = await people.post(demo.http, demo.stack.bot_endpoint,
                                 talk.activity("invoke", name="adaptiveCard/action", value=value))  # fmt: skip
    return dict(response.json().get("value") or {}) if response.status_code == 200 else {}


def assign_buttons(card: Any) -> list[dict[str, Any]]:
    """The data of every "Assign as recommended" button on the card, with the provider line of its suggestion."""
    found: list[dict[str, Any]] = []
    if isinstance(card, dict):
        if card.get("type") == "Container" and _has_assign(card):
            texts = people.card_texts(card)
            for action in _assign_actions(card):
                found.append({**action["data"], "provider": next((t for t in texts if t == ASSIGNABLE_PROVIDER), "")})
            return found
        for value in card.values():
            found += assign_buttons(value)
    elif isinstance(card, list):
        for item in card:
            found += assign_buttons(item)
    return found


def _assign_actions(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        own = [node] if node.get("type") == "Action.Execute" and node.get("verb") == ASSIGN_VERB else []
        return own + [a for v in node.values() for a in _assign_actions(v)]
    if isinstance(node, list):
        return [a for item in node for a in _assign_actions(item)]
    return []


def _has_assign(container: dict[str, Any]) -> bool:
    """A suggestion's own container: exactly one assign button inside it."""
    return len(_assign_actions(container)) == 1


async def suggestions_and_assign(demo: Demo, tick: Tick) -> None:
    """Read back logged outcome cards; count their suggestions; assign one from the first card that offers it."""
    assigned, shown = False, 0
    for n, row in enumerate(demo.cards(CardKind.OUTCOME, "submitted"), start=1):
        if assigned and shown >= ENOUGH:
            tick(n)
            continue
        manager, cid = str(row.data["recipient_id"]), row.partition
        buttons = assign_buttons(await invoke(demo, manager, "outcome.refresh", {"cardId": cid}))
        if buttons:
            shown += 1
            demo.add("outcome cards with learning suggestions")
            demo.add("learning suggestions shown", len(buttons))
            demo.counts["most suggestions on one action"] = max(
                demo.counts.get("most suggestions on one action", 0), _most_per_action(buttons)
            )
        choice = next((b for b in buttons if b["provider"] == ASSIGNABLE_PROVIDER), None)
        if choice is not None and not assigned:
            data = {key: choice[key] for key in ("cardId", "actionId", "contentId")}
            await invoke(demo, manager, ASSIGN_VERB, data)
            assigned = await _on_emulator(demo)
        tick(n)


def _most_per_action(buttons: list[dict[str, Any]]) -> int:
    per_action: dict[str, int] = {}
    for button in buttons:
        per_action[str(button.get("actionId"))] = per_action.get(str(button.get("actionId")), 0) + 1
    return max(per_action.values())


async def _on_emulator(demo: Demo) -> bool:
    """Count the stored assignments the Graph emulator has as learningCourseActivities."""
    from shared.services.learning_records import assignments

    found = 0
    for made in assignments(demo.container.store):
        answer = await demo.http.get(
            f"{demo.stack.graph_url}/employeeExperience/learningCourseActivities/{made.activity_id}"
        )
        found += answer.status_code == 200 and answer.json().get("id") == made.activity_id
    demo.counts["learning assignments"] = found
    return found > 0
