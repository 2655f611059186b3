"""The OData ``$filter`` text of a Table Storage query: a partition, and properties equal to one of some texts."""

from __future__ import annotations

from urllib.parse import quote

from shared.ports.storage import Where


def odata_filter(partition: str | None, where: Where | None) -> str:
    """The ``$filter`` query parameter: the partition, and each ``where`` property (``RowKey`` too) equal to one of
    its texts; empty when there is nothing to filter on."""
    clauses = [] if partition is None else [f"PartitionKey eq '{quoted(partition)}'"]
    for name, texts in (where or {}).items():
        if not name.isidentifier():
            raise ValueError(f"not a property name a query can filter on: {name!r}")
        clauses.append("(" + " or ".join(f"{name} eq '{quoted(text)}'" for text in texts) + ")")
    return "$filter=" + quote(" and ".join(clauses), safe="") if clauses else ""


def quoted(value: str) -> str:
    """A text as an OData string literal's content (a quote doubled)."""
    return value.replace("'", "''")
