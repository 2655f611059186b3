"""How a JSON-safe dict maps to a Table Storage entity and back.

Decision (documented for every Store implementation): ``Record.data`` holds JSON values only.
Strings, booleans, floats and 32-bit integers are stored as native entity properties; anything
else (objects, arrays, ``None``, integers outside Int32) is stored as a JSON string and listed in
the ``_json`` property, so it comes back as it went in. Datetimes are not JSON: pass ISO-8601
strings (``datetime.isoformat()``), which also sort correctly when they are all UTC.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from math import isfinite
from typing import Any

JSON_MARKER = "_json"
_TYPE = "@odata.type"  # a property's type annotation: ``name@odata.type``
RESERVED = frozenset({"PartitionKey", "RowKey", "Timestamp", "etag", JSON_MARKER})
_INT32 = range(-(2**31), 2**31)
_TABLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]{2,62}$")


def check_table_name(name: str) -> None:
    """Table Storage names: a letter, then letters or digits, 3 to 63 characters in all."""
    if not _TABLE_NAME.match(name):
        raise ValueError(f"invalid table name {name!r}: use 3-63 letters or digits, starting with a letter")


def json_copy(data: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of ``data``; raises TypeError/ValueError when it is not JSON-safe or uses a reserved name."""
    clash = RESERVED.intersection(data)
    if clash:
        raise ValueError(f"reserved property name(s): {sorted(clash)}")
    copied: dict[str, Any] = json.loads(json.dumps(dict(data), allow_nan=False))
    return copied


def _is_native(value: Any) -> bool:
    if isinstance(value, bool | str | float):
        return True
    return isinstance(value, int) and value in _INT32


def encoded(partition: str, row: str, data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The entity for ``data`` under (partition, row), and the JSON-safe copy of ``data`` it encodes.

    The same result as copying the whole of ``data`` through JSON first (:func:`json_copy`), without the JSON
    text for plain values: a string, a bool, a finite float or an Int32 is its own copy. Only other values (objects,
    arrays, ``None``, big integers, subclasses such as a StrEnum) go through JSON, one at a time. A transaction of
    the year's bookings writes thousands of such flat rows (issue 20)."""
    if any(type(name) is not str for name in data):  # JSON turns such keys into text: copy as json_copy does
        return encoded(partition, row, json_copy(data))
    clash = RESERVED.intersection(data)
    if clash:
        raise ValueError(f"reserved property name(s): {sorted(clash)}")
    entity: dict[str, Any] = {"PartitionKey": partition, "RowKey": row}
    copied: dict[str, Any] = {}
    in_json: list[str] = []
    for name, value in data.items():
        kind = type(value)
        if kind is str or kind is bool or (kind is int and value in _INT32) or (kind is float and isfinite(value)):
            entity[name] = copied[name] = value
            continue
        value = copied[name] = json.loads(json.dumps(value, allow_nan=False))
        if _is_native(value):
            entity[name] = value
        else:
            entity[name] = json.dumps(value)
            in_json.append(name)
    if in_json:
        entity[JSON_MARKER] = ",".join(in_json)
    return entity, copied


def from_entity(entity: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON-safe data of an entity as the service sends it (minimal metadata): keys, system properties and
    ``odata.*`` removed, the type annotations applied (minimal metadata types only what JSON cannot say, such as an
    Int64), then the properties listed in ``_json`` read back from their JSON text. Both in the properties' order,
    so of two unreadable values the first is the one refused."""
    data: dict[str, Any] = {}
    typed: dict[str, Any] = {}
    for name, value in entity.items():
        if name.endswith(_TYPE):
            typed[name[: -len(_TYPE)]] = value
        elif name not in RESERVED and not name.startswith("odata."):
            data[name] = value
    for name in [name for name in data if name in typed] if typed else ():
        kind = typed[name]
        if kind == "Edm.Int64":
            data[name] = int(data[name])
        elif kind == "Edm.Double" and isinstance(data[name], str):
            data[name] = float(data[name])  # NaN and the infinities are sent as strings
    marked = set(str(entity.get(JSON_MARKER) or "").split(",")) - {""}
    for name in [name for name in data if name in marked] if marked else ():
        data[name] = json.loads(data[name])
    return data
