"""Chat commands that move agenda items: the pure parser (hypothesis: any text gives a command, never an exception)
and the bot's answers for "done <n>", "drop <n>", "my actions" and "learned: ..." with fakes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import SimpleNamespace
from typing import Any, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.adapters.teams import bot_messages
from shared.config import load_settings
from shared.domain import chat_commands as cmd
from shared.domain.agenda import MAX_ITEMS, ItemKind, ItemStatus
from shared.domain.status import Progress
from shared.services import agenda_store
from tests.fakes.storage import InMemoryQueues, InMemoryStore
from tests.unit.test_outcomes_world import FixedClock, action, log_and_confirm, seed_pair

pytestmark = pytest.mark.unit


def chat(kind: str) -> Any:
    return cast(Any, SimpleNamespace(activity=SimpleNamespace(conversation=SimpleNamespace(conversation_type=kind))))


PERSONAL, GROUP = chat("personal"), chat("groupChat")


@given(st.text())
def test_any_text_is_a_command_never_an_exception(text: str) -> None:
    assert isinstance(cmd.parse_command(text), cmd.Command)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1))
def test_free_text_after_the_colon_is_kept(text: str) -> None:
    parsed = cmd.parse_command(f"learned: {text}")
    if text.strip():
        assert isinstance(parsed, cmd.Learned) and parsed.text.strip() == text.strip()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("done 3", cmd.MarkItem(3, Progress.DONE)),
        ("  Drop   #2 ", cmd.MarkItem(2, Progress.DROPPED)),
        ("done item 12", cmd.MarkItem(12, Progress.DONE)),
        ("My Actions", cmd.MyActions()),
        ("my  agenda", cmd.MyAgenda()),
        ("learned: gave a sharing session on SLOs", cmd.Learned("gave a sharing session on SLOs")),
        ("I learned: the Rust book", cmd.Learned("the Rust book")),
        ("add a micro-need: an intro to FinOps", cmd.AddMicroNeed("an intro to FinOps")),
        ("talk to a coach", cmd.TalkToCoach()),
        ("help", cmd.Help()),
    ],
)
def test_commands_parse(text: str, expected: cmd.Command) -> None:
    assert cmd.parse_command(text) == expected


@pytest.mark.parametrize("text", ["done", "drop x", "done 0", "done -1", "done ３", "done 1000", "hello"])
def test_almost_commands_are_not_understood(text: str) -> None:
    assert isinstance(cmd.parse_command(text), cmd.Unknown)


class Bot:
    def __init__(self) -> None:
        self.store, self.clock = InMemoryStore(), FixedClock()
        seed_pair(self.store, "grace", "ada")
        settings = load_settings(storage_connection="UseDevelopmentStorage=true")
        self.services = bot_messages.BotServices(self.store, InMemoryQueues(self.clock.now), self.clock, settings)

    def say(self, text: str, context: Any = PERSONAL) -> str:
        return bot_messages.reply_to(self.services, text, "ada", context)


def test_unknown_text_says_so_and_shows_the_help() -> None:
    answer = Bot().say("what can you do for me")
    assert answer.startswith("I didn't understand") and "done <number>" in answer and "learned:" in answer
    assert "done 1" in Bot().say("done")


def test_done_and_drop_use_the_numbers_my_agenda_shows() -> None:
    bot = Bot()
    for text in ("first", "second", "third"):
        bot.say(f"add a micro-need: {text}")
    assert bot.say("my agenda").splitlines()[1:4] == ["1. [private] first", "2. [private] second", "3. [private] third"]
    assert bot.say("done 2") == "Marked done: second"
    assert bot.say("drop 2") == "Dropped: third", "numbers follow the open items as listed now"
    statuses = [i.status for i in agenda_store.load_agenda(bot.store, "ada").items]
    assert statuses == [ItemStatus.OPEN, ItemStatus.DONE, ItemStatus.DROPPED]


def test_an_unknown_number_is_a_clear_answer_and_nothing_changes() -> None:
    bot = Bot()
    bot.say("add a micro-need: only one")
    before = agenda_store.load_agenda(bot.store, "ada")
    assert bot.say("done 4") == 'There is no item 4: "my agenda" lists items 1 to 1. Nothing was changed.'
    assert agenda_store.load_agenda(bot.store, "ada") == before
    assert "no open items" in Bot().say("drop 1")


def test_reading_and_marking_items_answer_only_in_the_personal_chat() -> None:
    bot = Bot()
    bot.say("add a micro-need: private thing")
    for text in ("my agenda", "my actions", "done 1"):
        assert bot.say(text, GROUP) == bot_messages.PERSONAL_ONLY
    assert agenda_store.load_agenda(bot.store, "ada").items[0].status is ItemStatus.OPEN


def test_learned_is_logged_privately_and_too_long_text_writes_nothing() -> None:
    bot = Bot()
    assert bot.say("learned: finished the FinOps course").startswith("Logged what you learned")
    item = agenda_store.load_agenda(bot.store, "ada").items[0]
    assert item.kind is ItemKind.LEARNED and item.visibility == "private"
    assert "[learned] finished the FinOps course" in bot.say("my agenda")
    assert "Nothing was logged" in bot.say("learned: " + "x" * 501)
    assert len(agenda_store.load_agenda(bot.store, "ada").items) == 1


def test_my_actions_lists_open_actions_with_status_and_due_date() -> None:
    bot = Bot()
    assert bot.say("my actions") == "You have no open actions from earlier conversations."
    log_and_confirm(bot.store, FixedClock(), "grace", "ada", [action("Lead the kick-off")], day=date(2026, 3, 2))
    answer = bot.say("my actions")
    assert "- [open] Lead the kick-off (Stretch assignment, due 2026-04-30)" in answer


def test_a_full_agenda_is_workable_by_chat() -> None:
    bot = Bot()
    agenda = agenda_store.load_agenda(bot.store, "ada")
    for n in range(MAX_ITEMS):
        agenda = agenda.add_micro_need(f"need {n}", date(2026, 3, 1))
    agenda_store.save_agenda(bot.store, agenda, bot.clock.now())
    assert "Nothing was added" in bot.say("add a micro-need: one more")
    assert bot.say("done 1") == "Marked done: need 0"
    assert bot.say("add a micro-need: one more").startswith("Added")


def test_writing_commands_share_the_rate_limit() -> None:
    bot = Bot()
    for n in range(bot_messages.COMMAND_LIMIT):
        bot.say(f"learned: thing {n}")
    assert bot.say("drop 1") == bot_messages.SLOW_DOWN
    assert bot.say("my agenda").startswith("Your growth agenda"), "reading is not limited"


def _in(locale: str | None) -> Any:
    return SimpleNamespace(
        activity=SimpleNamespace(locale=locale, conversation=SimpleNamespace(conversation_type="personal"))
    )


def test_the_bot_answers_in_the_language_of_the_message() -> None:
    bot = Bot()
    assert bot.say("add a micro-need: Kubernetes-Grundlagen", _in("de-DE")).startswith("Zu Ihrer Wachstumsagenda")
    assert "[privat]" in bot.say("my agenda", _in("de-AT"))
    assert bot.say("hello", _in("ja-JP")).startswith("すみません")
    assert bot.say("help", _in("fr-FR")).startswith("I can help")  # unsupported: the company default (English)
    bot.services = replace(bot.services, default_language=lambda: "de")
    assert bot.say("help", _in("fr-FR")).startswith("Ich helfe Ihnen")
    assert bot.say("help", _in("en-GB")).startswith("I can help")


@pytest.mark.parametrize(
    ("text", "channel"), [("send my cards by email", "email"), ("Send my cards in Teams", "teams")]
)
def test_cards_by_commands_parse(text: str, channel: str) -> None:
    assert cmd.parse_command(text) == cmd.CardsBy(channel)


def test_a_person_can_choose_email_only_when_the_organisation_sends_cards_by_email() -> None:
    from shared.services.card_channels import DELIVERY, PREFERENCE, ROW

    bot = Bot()
    assert "not set up" in bot.say("send my cards by email")
    assert bot.store.find(DELIVERY, "ada", ROW) is None
    settings = load_settings(
        storage_connection="UseDevelopmentStorage=true",
        card_email_sender="wegrow-cards@contoso.test",
        actionable_originator="6f0c5d35-6c1f-4c0c-9f0e-0e3b2a9c5e11",
    )
    bot.services = replace(bot.services, settings=settings)
    assert bot.say("send my cards by email").startswith("From now on your WeGrow cards come by email")
    assert bot.store.get(DELIVERY, "ada", ROW).data[PREFERENCE] == "email"
    assert bot.say("send my cards in teams").startswith("From now on your WeGrow cards come here in Teams")
    assert bot.store.get(DELIVERY, "ada", ROW).data[PREFERENCE] == "teams"
