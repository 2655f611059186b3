"""HR views: the Learning needs roll-up (counts per unit, fewer-than-5 rule) and the plateau-risk list."""

from __future__ import annotations

from collections import Counter
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from shared.domain.hr_views import FEWER_THAN_5, MIN_GROUP, NEVER, Member, plateau_risk, roll_up

UNITS = st.sampled_from(["Sales", "Engineering", "Support"])
QUADRANTS = st.sampled_from(["sweet_spot", "uphill", "gift", "waste"])


def member(n: int, unit: str, hired: date | None = date(2020, 1, 1)) -> Member:
    return Member(f"p{n}", f"p{n}@contoso.test", unit, "boss@contoso.test", hired)


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[Member], dict[str, int], list[tuple[str, str]]]:
    units = draw(st.lists(UNITS, max_size=30))
    people = [member(n, unit) for n, unit in enumerate(units)]
    needs = {m.person_id: draw(st.integers(0, 4)) for m in people}
    actions = draw(st.lists(st.tuples(UNITS, QUADRANTS), max_size=40))
    return people, needs, actions


@given(worlds())
def test_counts_add_up_per_unit(world: tuple[list[Member], dict[str, int], list[tuple[str, str]]]) -> None:
    people, needs, actions = world
    units = {u.org_unit: u for u in roll_up(people, needs, actions)}
    assert set(units) == {m.org_unit for m in people} | {unit for unit, _ in actions}
    for name, unit in units.items():
        assert unit.people == sum(1 for m in people if m.org_unit == name)
        assert unit.shared_micro_needs == sum(needs[m.person_id] for m in people if m.org_unit == name)
        assert unit.uphill_gaps == Counter(actions)[(name, "uphill")]
        assert unit.gift_topics == Counter(actions)[(name, "gift")]


@given(worlds())
def test_a_unit_under_five_people_shows_no_number_at_all(
    world: tuple[list[Member], dict[str, int], list[tuple[str, str]]],
) -> None:
    people, needs, actions = world
    for unit in roll_up(people, needs, actions):
        shown = unit.shown()
        assert shown[0] == unit.org_unit
        if unit.people < MIN_GROUP:
            assert shown[1:] == (FEWER_THAN_5,) * 4
        else:
            assert shown[1:] == (unit.people, unit.shared_micro_needs, unit.uphill_gaps, unit.gift_topics)


def test_the_fifth_person_turns_the_numbers_on() -> None:
    four = [member(n, "Sales") for n in range(4)]
    needs = {m.person_id: 1 for m in four}
    assert roll_up(four, needs, [("Sales", "uphill")])[0].shown() == ("Sales", *[FEWER_THAN_5] * 4)
    five = [*four, member(4, "Sales")]
    assert roll_up(five, needs, [("Sales", "uphill")])[0].shown() == ("Sales", 5, 4, 1, 0)


def test_plateau_risk_lists_the_two_to_three_year_band_longest_unheard_first() -> None:
    today = date(2026, 3, 10)
    people = [
        member(1, "Sales", date(2024, 3, 10)),  # exactly 24 months: in the band
        member(2, "Sales", date(2023, 3, 11)),  # one day short of 36 months: in the band
        member(3, "Sales", date(2023, 3, 10)),  # 36 months: established, out
        member(4, "Sales", date(2024, 3, 11)),  # one day short of 24 months: growing, out
        member(5, "Sales", date(2024, 1, 1)),
        member(6, "Sales", None),  # no hire date: unknown, out
    ]
    held = {"p1": date(2026, 2, 1), "p5": date(2025, 11, 3)}
    rows = plateau_risk(people, held, today)
    assert [row[0] for row in rows] == ["p2@contoso.test", "p5@contoso.test", "p1@contoso.test"]
    assert rows[0][4] == NEVER and rows[1][3:] == ("2024-01-01", "2025-11-03")
