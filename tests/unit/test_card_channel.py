"""Where a card goes: Teams unless email is set up and the person cannot or would rather not use Teams."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shared.domain.card_channel import Channel, choose_channel

channels = st.sampled_from(list(Channel))


@given(st.booleans(), st.one_of(st.none(), channels), channels)
def test_without_an_email_sender_everything_goes_to_teams(
    unreachable: bool, preference: Channel | None, unit: Channel
) -> None:
    chosen = choose_channel(
        email_available=False, teams_unreachable=unreachable, preference=preference, unit_default=unit
    )
    assert chosen is Channel.TEAMS


@given(st.one_of(st.none(), channels), channels)
def test_someone_teams_cannot_reach_gets_email_whatever_they_chose(preference: Channel | None, unit: Channel) -> None:
    chosen = choose_channel(email_available=True, teams_unreachable=True, preference=preference, unit_default=unit)
    assert chosen is Channel.EMAIL


@given(channels, channels)
def test_a_person_choice_beats_their_unit_default(preference: Channel, unit: Channel) -> None:
    assert (
        choose_channel(email_available=True, teams_unreachable=False, preference=preference, unit_default=unit)
        is preference
    )
    assert choose_channel(email_available=True, teams_unreachable=False, preference=None, unit_default=unit) is unit
