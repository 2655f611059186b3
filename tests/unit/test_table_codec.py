"""``codec.encoded`` skips the JSON text for plain values (issue 20): the entity and the copy must be what copying
the whole of ``data`` through JSON first gives, and it must refuse what that refuses, with the same error type."""

from __future__ import annotations

import json
import math
from enum import StrEnum
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from shared.adapters.storage.codec import JSON_MARKER, RESERVED, encoded, from_entity, json_copy
from shared.adapters.storage.table_answers import decoded as _decoded


class Status(StrEnum):
    SENT = "sent"


def whole_copy_first(partition: str, row: str, data: dict[Any, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The encoding as it was: the whole of ``data`` through JSON, then each copied value stored natively or as
    JSON text."""
    copied = json_copy(data)
    entity: dict[str, Any] = {"PartitionKey": partition, "RowKey": row}
    in_json = []
    for name, value in copied.items():
        native = isinstance(value, bool | str | float) or (isinstance(value, int) and -(2**31) <= value < 2**31)
        entity[name] = value if native else json.dumps(value)
        in_json += [] if native else [name]
    if in_json:
        entity[JSON_MARKER] = ",".join(in_json)
    return entity, copied


_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([2**31 - 1, 2**31, -(2**31), -(2**31) - 1, math.nan, math.inf, Status.SENT])
    | st.floats()
    | st.text(max_size=6)
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.tuples(inner) | st.dictionaries(st.text(max_size=3), inner, max_size=2)
    ),
    max_leaves=6,
)
_keys = st.sampled_from(["a", "status", "etag", "_json", "RowKey"]) | st.text(max_size=4) | st.integers(0, 3)


def _outcome(encode: Any, data: dict[Any, Any]) -> tuple[str, Any]:
    try:
        entity, copied = encode("p'1", "r/2", data)
    except (TypeError, ValueError) as error:
        return type(error).__name__, ""
    return "ok", (json.dumps(entity), json.dumps(copied), [type(v) for v in entity.values()])


@given(st.dictionaries(_keys, _values, max_size=5))
@example({"status": Status.SENT, "f": math.nan})
@example({"status": Status.SENT, "big": 2**31, "small": -(2**31)})
@example({1: "one", "1": "text"})
@settings(max_examples=300)
def test_encoded_is_the_whole_copy_encoding(data: dict[Any, Any]) -> None:
    assert _outcome(encoded, data) == _outcome(whole_copy_first, data)


def test_plain_values_are_stored_as_they_are_and_others_as_json_text() -> None:
    entity, copied = encoded("p", "r", {"s": "x", "n": 7, "f": 0.5, "b": True, "big": 2**40, "o": {"k": [1]}})
    assert entity == {"PartitionKey": "p", "RowKey": "r", "s": "x", "n": 7, "f": 0.5, "b": True,
                      "big": "1099511627776", "o": '{"k": [1]}', JSON_MARKER: "big,o"}  # fmt: skip
    assert from_entity(entity) == copied == {"s": "x", "n": 7, "f": 0.5, "b": True, "big": 2**40, "o": {"k": [1]}}


def test_a_str_enum_is_stored_as_its_text_and_copied_as_a_plain_str() -> None:
    entity, copied = encoded("p", "r", {"status": Status.SENT})
    assert entity["status"] == "sent" and type(entity["status"]) is str and type(copied["status"]) is str
    assert JSON_MARKER not in entity


def test_nan_and_reserved_names_are_refused() -> None:
    for bad, error in (({"f": math.nan}, ValueError), ({"etag": "x"}, ValueError), ({"o": object()}, TypeError)):
        try:
            encoded("p", "r", bad)
        except error:
            continue
        raise AssertionError(f"{bad} was accepted")


_names = st.sampled_from(["a", "b", "n", "PartitionKey", "Timestamp", "etag", "odata.etag", "odata.metadata"])
_raw = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=5)
    | st.sampled_from(['{"k": [1]}', "[1, 2]", "null", "12345678901", "NaN", "-Infinity", "2.5"])
)


@st.composite
def service_entities(draw: st.DrawFn) -> dict[str, Any]:
    """An entity as the service might send it: properties, some typed (``@odata.type``), some listed as JSON text."""
    entity: dict[str, Any] = draw(st.dictionaries(_names, _raw, max_size=6))
    for name in draw(st.lists(st.sampled_from(["a", "b", "n", "z"]), max_size=3)):
        entity[name + "@odata.type"] = draw(st.sampled_from(["Edm.Int64", "Edm.Double", "Edm.String", "Edm.DateTime"]))
    if draw(st.booleans()):
        entity[JSON_MARKER] = ",".join(draw(st.lists(st.sampled_from(["a", "b", "z", ""]), max_size=3)))
    return entity


def applied_then_from_entity(entity: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    """The decoding as it was: type annotations applied property by property, then the JSON texts read back."""
    plain: dict[str, Any] = {}
    for name, value in entity.items():
        if name.startswith("odata.") or name.endswith("@odata.type"):
            continue
        kind = entity.get(name + "@odata.type")
        if kind == "Edm.Int64":
            value = int(value)
        elif kind == "Edm.Double" and isinstance(value, str):
            value = float(value)
        plain[name] = value
    encoded = set(str(plain.get(JSON_MARKER, "")).split(",")) - {""}  # then the codec's reading, as it was
    data = {name: json.loads(v) if name in encoded else v for name, v in plain.items() if name not in RESERVED}
    return data, entity.get("odata.etag")


def _decode_outcome(decode: Any, entity: dict[str, Any]) -> tuple[str, str]:
    try:
        return "ok", json.dumps(decode(entity), allow_nan=True)
    except (TypeError, ValueError, OverflowError) as error:  # JSONDecodeError is a ValueError
        return "refused", type(error).__name__


@given(service_entities())
@example({"a": "5", "a@odata.type": "Edm.Int64", "b": "NaN", "b@odata.type": "Edm.Double", "odata.etag": "W/1"})
@example({"a": '{"k": [1]}', "b": "[1, 2]", JSON_MARKER: "a,b,a,", "etag": "x", "Timestamp": "t"})
@settings(max_examples=300)
def test_a_read_entity_decodes_as_annotations_then_from_entity_did(entity: dict[str, Any]) -> None:
    assert _decode_outcome(_decoded, entity) == _decode_outcome(applied_then_from_entity, entity)


def sdk_entity_text(partition: str, row: str, data: dict[Any, Any]) -> str:
    """The entity's JSON as it was written before issue 20's cut: ``json.dumps`` of the entity with its types."""
    entity: dict[str, Any] = {}
    for name, value in encoded(partition, row, data)[0].items():
        entity[name] = value
        if isinstance(value, str):
            entity[f"{name}@odata.type"] = "Edm.String"
        elif isinstance(value, float):
            entity[f"{name}@odata.type"] = "Edm.Double"
    return json.dumps(entity)


@settings(max_examples=300)
@given(st.text(max_size=5), st.text(max_size=5), st.dictionaries(_keys, _values, max_size=4))
@example("p", "r", {"é": "日本", "n": 2**31 - 1, "f": -0.0, "b": False, "x": [1, None], "big": 2**40, "q": '"\\'})
def test_entity_text_is_the_json_dumps_text_without_the_spaces(partition: str, row: str, data: dict[Any, Any]) -> None:
    """``entity_and_data`` writes the text property by property: it must parse to the same entity, in the same order,
    be ASCII (so its length is its Content-Length), and refuse what ``encoded`` refuses."""
    from shared.adapters.storage.table_batch import entity_and_data

    try:
        expected = sdk_entity_text(partition, row, data)
    except (TypeError, ValueError) as error:
        try:
            entity_and_data(partition, row, data)
        except type(error):
            return
        raise AssertionError("entity_and_data accepted what encoded refuses") from None
    text, copied = entity_and_data(partition, row, data)
    assert text.isascii()
    assert list(json.loads(text).items()) == list(json.loads(expected).items())
    assert copied == encoded(partition, row, data)[1]
