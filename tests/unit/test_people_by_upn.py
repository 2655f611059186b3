"""Finding a person by UPN asks the store for that UPN only (a coach request card per coach, the privacy tools):
it read the whole people partition each time, ten thousand rows in a big tenant."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.people import Person
from shared.ports.storage import Record, Where
from shared.services.privacy.subjects import find_subject
from shared.services.scheduling_records import PEOPLE, PEOPLE_PARTITION, people_with_upn, person_row
from tests.fakes.storage import InMemoryStore

pytestmark = pytest.mark.unit


class FilterRecordingStore(InMemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.queries: list[tuple[str, str | None, Any]] = []

    def query(self, table: str, partition: str | None = None, where: Where | None = None) -> list[Record]:
        self.queries.append((table, partition, where))
        return super().query(table, partition, where)


def people_store(count: int = 50) -> FilterRecordingStore:
    store = FilterRecordingStore()
    for n in range(count):
        person = Person(f"id-{n}", f"Person.{n}@Contoso.test", f"Person {n}")
        store.upsert(PEOPLE, PEOPLE_PARTITION, person.id, person_row(person))
    return store


@given(st.integers(0, 49), st.lists(st.booleans(), min_size=1, max_size=40))
def test_a_upn_in_any_case_finds_its_person_through_a_filtered_query(n: int, upper: list[bool]) -> None:
    store = people_store()
    upn = f"person.{n}@contoso.test"
    typed = "".join(c.upper() if upper[i % len(upper)] else c for i, c in enumerate(upn))
    found = people_with_upn(store, f"  {typed} ")
    assert [record.row for record in found] == [f"id-{n}"]
    assert all(where for _, _, where in store.queries), "every query names the UPN: none reads the partition"


def test_an_unknown_upn_finds_nobody() -> None:
    assert people_with_upn(people_store(), "nobody@contoso.test") == []


def test_the_privacy_tools_find_a_subject_by_upn_without_reading_everyone() -> None:
    store = people_store()
    subject = find_subject(store, "PERSON.7@contoso.test")
    assert (subject.id, subject.upn, subject.leaver) == ("id-7", "person.7@contoso.test", False)
    assert all(where for _, _, where in store.queries)
