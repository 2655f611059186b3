"""A card goes out in its reader's language (Teams locale, else mailbox language, else the company default), and
the card an action answers with is in the language of the client that acted."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from shared.adapters.teams.views import card_for
from shared.services.card_actions import CardReply, Verdict
from shared.services.card_content import meeting_when
from shared.services.card_delivery import deliver_card
from shared.services.card_records import CardKind
from shared.services.languages import MAILBOX, TEAMS, language_for, remember
from tests.unit.test_card_actions_followups import START, RecordingMessenger, deps, world

OCC = "occ-language"


def prep_message(recipient: str = "ada") -> dict[str, Any]:
    return {"kind": "prep", "occurrence_id": OCC, "recipient_id": recipient, "employee_id": "ada",
            "template_data": {"managerId": "grace", "start": START}}  # fmt: skip


async def sent_prep_card(language_rows: dict[str, str], company_default: str = "en") -> dict[str, Any]:
    store, _ = world()
    for source, tag in language_rows.items():
        remember(store, "ada", source, tag)
    messenger = RecordingMessenger()
    with_language = replace(deps(store, messenger), language_of=lambda who: language_for(store, who, company_default))
    await deliver_card(with_language, prep_message())
    (_, card), *_ = messenger.cards
    return dict(card)


async def test_a_german_teams_user_gets_a_german_prep_card() -> None:
    card = await sent_prep_card({TEAMS: "de-DE", MAILBOX: "ja-JP"})
    assert card["lang"] == "de"
    assert "Bereiten Sie Ihr Entwicklungsgespräch vor" in json.dumps(card, ensure_ascii=False)


async def test_the_mailbox_language_counts_when_teams_said_nothing_usable() -> None:
    card = await sent_prep_card({TEAMS: "fr-FR", MAILBOX: "ja-JP"})
    assert card["lang"] == "ja"
    assert "成長面談の準備" in json.dumps(card, ensure_ascii=False)


async def test_nobody_known_reads_the_company_default() -> None:
    assert (await sent_prep_card({}, company_default="de"))["lang"] == "de"
    assert "lang" not in await sent_prep_card({})


def test_an_answer_card_follows_the_acting_client_language() -> None:
    reply = CardReply(Verdict.EXPIRED, "", kind=CardKind.PREP, view={"meetingDate": "Mon 9 Mar"})
    german = json.dumps(card_for(reply, "de"), ensure_ascii=False)
    assert "Dieses Gespräch ist vorbei" in german
    assert "This conversation has passed" in json.dumps(card_for(reply, "en"))


@given(st.datetimes(min_value=datetime(1970, 1, 2), timezones=st.timezones()))
def test_the_meeting_time_is_left_to_the_reader_client_in_strict_rfc_3339(start: datetime) -> None:
    """Adaptive Cards shows {{DATE()}}/{{TIME()}} in the reader's own zone and locale; it needs an exact UTC instant."""
    when = meeting_when(start)
    match = re.fullmatch(r"\{\{DATE\((?P<a>[0-9TZ:-]+), LONG\)\}\} \{\{TIME\((?P<b>[0-9TZ:-]+)\)\}\}", when)
    assert match is not None and match["a"] == match["b"]
    parsed = datetime.fromisoformat(match["a"].removesuffix("Z")).replace(tzinfo=UTC)
    assert parsed == start.replace(microsecond=0).astimezone(UTC).replace(microsecond=0)
