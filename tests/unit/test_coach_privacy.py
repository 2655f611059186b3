"""Coach requests in the privacy operations: the employee's export holds them, forget and retention delete them."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from shared.services import coach_requests
from shared.services.privacy import export_person, forget_person, purge_expired
from tests.fakes.workbook import InMemoryWorkbook
from tests.unit.test_coach_requests import NOW, World

pytestmark = pytest.mark.unit


def test_the_request_is_the_employees_in_an_export_and_never_the_coachs() -> None:
    w = World()
    w.ask()
    stored = coach_requests.current_request(w.store, "ada")
    assert stored is not None
    coach_requests.take(w.store, stored, "cora", NOW)
    mine = export_person(w.store, "ada@contoso.test", "hr-admin", NOW, b"k")
    assert "coachrequests" in mine["tables"]
    assert "coachrequests" not in export_person(w.store, "cora@contoso.test", "hr-admin", NOW, b"k")["tables"]


def test_forget_and_retention_delete_coach_requests() -> None:
    w = World()
    w.ask()
    assert purge_expired(w.store, NOW + timedelta(days=10), retention_days=30) == 0
    assert purge_expired(w.store, NOW + timedelta(days=40), retention_days=30) >= 1
    assert coach_requests.all_requests(w.store) == []
    w.clock.at = NOW + timedelta(days=41)
    assert "will contact you" in w.ask()  # a left-over pointer does not block a new request
    asyncio.run(forget_person(w.store, InMemoryWorkbook(), "ada@contoso.test", "hr-admin", w.clock.at, audit_key=b"k"))
    assert w.store.query(coach_requests.COACH_REQUESTS) == []
