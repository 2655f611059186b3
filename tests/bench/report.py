"""Writes out/bench.json and replaces only the "Benchmarks" section of docs/performance.md.

A partial run (``--only``) updates its own figures and keeps the others from out/bench.json, each with its date.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.bench.notes import NOTES

HEADING = "## Benchmarks"


@dataclass(frozen=True)
class Figure:
    key: str
    value: float
    target: str
    command: str
    note: str = ""

    def row(self, day: str = "") -> str:
        dated = f" | {day}" if day else ""
        return f"| `{self.key}` | {self.value:.3f} | {self.target} | {self.note}{dated} | `{self.command}` |"


def section(payload: dict[str, dict[str, Any]]) -> str:
    lines = [HEADING, "", "Measured by `make bench` (`python -m tests.bench.run`) on the 2-core build machine, which",
             "other jobs share: timings vary by tens of percent from run to run; counts and ratios much less.", "",
             "| figure | value | target | note | date | command |", "|---|---:|---|---|---|---|"]  # fmt: skip
    for key, entry in payload.items():
        figure = Figure(key, entry["value"], entry["target"], entry["command"], entry.get("note", ""))
        lines.append(figure.row(entry["date"]))
    return "\n".join(lines) + "\n" + NOTES


def write_reports(figures: list[Figure], day: str, root: Path, keep_others: bool = False) -> None:
    out = root / "out"
    out.mkdir(exist_ok=True)
    path = out / "bench.json"
    payload: dict[str, dict[str, Any]] = json.loads(path.read_text()) if keep_others and path.exists() else {}
    for f in figures:
        payload[f.key] = {"value": f.value, "target": f.target, "command": f.command, "note": f.note, "date": day}
    path.write_text(json.dumps(payload, indent=2) + "\n")
    doc = root / "docs" / "performance.md"
    text = doc.read_text() if doc.exists() else "# Performance\n"
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.S | re.M)
    new = section(payload)
    text = pattern.sub(lambda _: new + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + new
    doc.write_text(text.rstrip() + "\n")
