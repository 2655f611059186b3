"""The ``$batch`` body ``table_batch.submit`` writes: each part carries its own row's entity, whatever the other rows
hold (rows with the same text-only data share their properties' text, issue 20), with a Content-Length that is the
part's byte count."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, cast

from hypothesis import example, given, settings
from hypothesis import strategies as st

from shared.adapters.storage import table_batch
from shared.adapters.storage.table_batch import entity_and_data
from shared.ports.storage import TransactionOp


@dataclass
class _Answer:
    status: int = 202
    body: bytes = b"HTTP/1.1 204 No Content\r\n"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class CapturingHttp:
    base_url: str = "http://127.0.0.1:10002/devstoreaccount1"
    bodies: list[bytes] = field(default_factory=list)

    def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> _Answer:
        self.bodies.append(body)
        return _Answer()


def parts_of(body: bytes) -> list[tuple[dict[str, str], str]]:
    """Each application/http part's request headers and its entity text (empty for a delete)."""
    text = body.decode("ascii")
    found = []
    for part in text.split("Content-Type: application/http\r\n")[1:]:
        request = part.split("\r\n\r\n", 1)[1]
        head, _, rest = request.partition("\r\n\r\n")
        content = rest.split("\r\n--changeset_", 1)[0]
        headers = dict(line.split(": ", 1) for line in head.split("\r\n")[1:])
        found.append((headers, content))
    return found


_values = st.one_of(
    st.text(max_size=4), st.booleans(), st.integers(-3, 3), st.sampled_from([0.0, -0.0, 1.5, 1, True, "1"])
)
_data = st.dictionaries(st.sampled_from(["series_id", "a", "é", "n"]), _values, max_size=3)
_ops = st.lists(
    st.tuples(st.sampled_from(["insert", "upsert", "update", "delete"]), st.text(min_size=1, max_size=4), _data),
    min_size=1,
    max_size=8,
)


@settings(max_examples=200)
@given(st.text(min_size=1, max_size=4), _ops)
@example("p", [("insert", "r1", {"n": 0.0}), ("insert", "r2", {"n": -0.0}), ("insert", "r3", {"n": True})])
@example("p", [("insert", "r1", {"s": "x"}), ("insert", "r2", {"s": "x"}), ("insert", "r3", {"s": "y"})])
def test_each_part_holds_its_own_rows_entity(partition: str, ops: list[tuple[str, str, dict[str, Any]]]) -> None:
    http = CapturingHttp()
    table_batch.submit(cast(Any, http), "bookings", partition, [TransactionOp(k, row, d, '"e"') for k, row, d in ops])
    parts = parts_of(http.bodies[0])
    assert len(parts) == len(ops)
    for (kind, row, data), (headers, content) in zip(ops, parts, strict=True):
        if kind == "delete":
            assert content == ""
            continue
        expected = entity_and_data(partition, row, data)[0]
        assert list(json.loads(content).items()) == list(json.loads(expected).items())
        assert content == expected  # the same text, shared or not (so 0.0 and -0.0 stay apart)
        assert int(headers["Content-Length"]) == len(content.encode())


def test_a_failed_part_names_the_rollback() -> None:
    class Refusing(CapturingHttp):
        def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> _Answer:
            return _Answer(202, b'HTTP/1.1 409 Conflict\r\n{"odata.error":{"code":"EntityAlreadyExists"}}')

    from shared.ports.storage import AlreadyExists

    try:
        table_batch.submit(cast(Any, Refusing()), "bookings", "p", [TransactionOp("insert", "r", {"series_id": "s"})])
    except AlreadyExists as error:
        assert re.search("bookings/p: transaction rolled back", str(error))
    else:
        raise AssertionError("a 409 part must fail the transaction")
