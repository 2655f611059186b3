"""A small org on fakes for the scheduling service tests."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.domain.people import Person, WorkingHours
from shared.services.schedule_pair import ScheduleContext
from shared.services.scheduling_policy import SchedulingPolicy
from tests.fakes.calendar import FakeCalendar
from tests.fakes.directory import FakeDirectory
from tests.fakes.storage import InMemoryQueues, InMemoryStore

NOW = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)  # Monday morning


def people() -> list[Person]:
    berlin = WorkingHours(time_zone="W. Europe Standard Time")
    return [
        Person("m1", "ann@x.test", "Ann Manager", department="Sales", working_hours=berlin),
        Person("r1", "bob@x.test", "Bob", manager_id="m1", department="Sales", working_hours=berlin),
        Person(
            "r2", "cy@x.test", "Cy", manager_id="m1", department="Sales", working_hours=WorkingHours("Europe/London")
        ),
        Person("m2", "dee@x.test", "Dee Manager", department="R&D", working_hours=berlin),
        Person("r3", "eve@x.test", "Eve", manager_id="m2", department="R&D", working_hours=berlin),
    ]


class World:
    def __init__(self) -> None:
        everyone = people()
        self.directory = FakeDirectory(everyone)
        self.calendar = FakeCalendar({p.id: p.upn for p in everyone})
        self.store = InMemoryStore()
        self.queues = InMemoryQueues(now=lambda: NOW)
        self.policy = SchedulingPolicy()

    def ctx(self, worker: str = "w1", now: datetime = NOW) -> ScheduleContext:
        return ScheduleContext(self.calendar, self.directory, self.store, self.policy, now, worker)

    def drain(self, queue: str) -> list[dict[str, object]]:
        bodies = []
        while messages := self.queues.receive(queue):
            for message in messages:
                bodies.append(message.body)
                self.queues.complete(queue, message)
        return bodies
