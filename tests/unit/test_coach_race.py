"""Coach requests under real races (two threads that both read the same row before either writes): two asks make
one request, two coaches' "I'll take it" give it to exactly one of them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from shared.ports.storage import Record, Store
from shared.services import coach_requests
from shared.services.card_action_submit import handle_card_action
from tests.unit.test_card_integrity import RacingStore
from tests.unit.test_coach_requests import World

pytestmark = pytest.mark.unit


class RacingRows(RacingStore):
    """The first read of a ``coachrequests`` row named ``row`` in each of two threads waits for the other."""

    def __init__(self, inner: Store, row: Callable[[str], bool]) -> None:
        super().__init__(inner)
        self.row = row

    def find(self, table: str, partition: str, row: str) -> Record | None:
        found = self.inner.find(table, partition, row)
        if table == coach_requests.COACH_REQUESTS and self.row(row) and threading.get_ident() not in self.waited:
            self.waited.add(threading.get_ident())
            self.barrier.wait()
        return found


def both_at_once(first: Callable[[], Any], second: Callable[[], Any]) -> list[Any]:
    results: list[Any] = []
    lock = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        outcome = call()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    return results


def test_two_asks_at_once_make_one_request() -> None:
    w = World()
    racing = RacingRows(w.store, lambda row: row == coach_requests.OPEN_ROW)

    def ask() -> bool:
        return coach_requests.open_request(racing, w.queues, "ada", w.clock.now())[1]

    assert sorted(both_at_once(ask, ask)) == [False, True]
    assert len(coach_requests.all_requests(w.store)) == 1


async def test_two_coaches_taking_at_once_one_wins() -> None:
    w = World()
    w.ask()
    await w.deliver()
    cards = {coach: w.coach_card(coach) for coach in ("cora", "cole")}
    racing = RacingRows(w.store, lambda row: row != coach_requests.OPEN_ROW)

    def take(coach: str) -> Callable[[], str]:
        return lambda: str(
            handle_card_action(racing, w.clock, "coach.accept", {"cardId": cards[coach]}, coach).view["notice"]
        )

    notices = both_at_once(take("cora"), take("cole"))
    (request,) = coach_requests.all_requests(w.store)
    winner = "Cora Coach" if request.coach_id == "cora" else "Cole Coach"
    assert request.coach_id in {"cora", "cole"}
    assert sorted(n.split(".")[0] for n in notices) == [f"Already taken by {winner}", "You took it"]
