"""The in-memory store copies data as ``codec.json_copy`` does (same copies, same refusals), with one encoder."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from shared.adapters.storage.codec import json_copy
from tests.fakes.storage import _copy, _json_text

_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.tuples(inner) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
_keys = st.sampled_from(["a", "series_id", "etag", "_json", "PartitionKey", "Timestamp"]) | st.text(max_size=5)


def _outcome(copy: Any, data: dict[str, Any]) -> tuple[str, Any]:
    try:
        return "ok", copy(data)
    except (TypeError, ValueError) as error:
        return type(error).__name__, str(error)


@given(st.dictionaries(_keys, _values, max_size=4))
def test_the_fake_copies_and_refuses_as_json_copy_does(data: dict[str, Any]) -> None:
    assert _outcome(lambda d: json.loads(_json_text(d)), data) == _outcome(json_copy, data)


@given(st.dictionaries(st.text(max_size=5), _values, max_size=4))
def test_a_stored_copy_reads_back_equal(data: dict[str, Any]) -> None:
    outcome = _outcome(json_copy, data)
    if outcome[0] == "ok":
        stored = json.loads(_json_text(data))
        assert _copy(stored) == stored == outcome[1]
        assert _copy(stored) is not stored
