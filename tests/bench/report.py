"""Writes out/bench.json and replaces only the "Benchmarks" section of docs/performance.md.

A partial run (``--only``) updates its own figures and keeps the others from out/bench.json, each with its date.
A figure measured over several runs is their median, with the lowest and highest run beside it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.bench.notes import NOTES
from tests.bench.stats import Spread, meets

HEADING = "## Benchmarks"
MET = {True: "yes", False: "**no**", None: ""}


@dataclass(frozen=True)
class Figure:
    key: str
    value: float
    target: str
    command: str
    note: str = ""
    spread: Spread | None = None

    @classmethod
    def over_runs(cls, key: str, values: list[float], target: str, command: str, note: str = "") -> Figure:
        spread = Spread.of(values)
        return cls(key, spread.median, target, command, note, spread if spread.runs > 1 else None)

    def shown(self) -> str:
        return self.spread.text() if self.spread is not None else Spread.of([self.value]).text()

    def row(self, day: str = "") -> str:
        dated = f" | {day}" if day else ""
        met = MET[meets(self.value, self.target)]
        return f"| `{self.key}` | {self.shown()} | {self.target} | {met} | {self.note}{dated} | `{self.command}` |"

    def entry(self, day: str) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "target": self.target, "met": meets(self.value, self.target),
                               "command": self.command, "note": self.note, "date": day}  # fmt: skip
        if self.spread is not None:
            out.update(low=self.spread.low, high=self.spread.high, runs=self.spread.runs)
        return out


def figure_of(key: str, entry: dict[str, Any]) -> Figure:
    spread = None
    if "runs" in entry:
        spread = Spread(entry["value"], entry["low"], entry["high"], entry["runs"])
    return Figure(key, entry["value"], entry["target"], entry["command"], entry.get("note", ""), spread)


def section(payload: dict[str, dict[str, Any]]) -> str:
    lines = [HEADING, "", "Measured by `make bench` (`python -m tests.bench.run`) on the 2-core build machine, which",
             "other jobs share: wall times vary by tens of percent from run to run; CPU per unit, counts and ratios",
             "much less. A value with a range is the median of that many runs (lowest-highest). CPU figures are the",
             "worker's own CPU (`time.process_time`, or the Functions host's via psutil); the emulators' CPU is",
             "reported apart.", "",
             "| figure | value | target | met | note | date | command |", "|---|---:|---|---|---|---|---|"]  # fmt: skip
    for key, entry in payload.items():
        lines.append(figure_of(key, entry).row(entry["date"]))
    return "\n".join(lines) + "\n" + NOTES


def write_reports(figures: list[Figure], day: str, root: Path, keep_others: bool = False) -> None:
    out = root / "out"
    out.mkdir(exist_ok=True)
    path = out / "bench.json"
    payload: dict[str, dict[str, Any]] = json.loads(path.read_text()) if keep_others and path.exists() else {}
    for f in figures:
        payload[f.key] = f.entry(day)
    path.write_text(json.dumps(payload, indent=2) + "\n")
    doc = root / "docs" / "performance.md"
    text = doc.read_text() if doc.exists() else "# Performance\n"
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.S | re.M)
    new = section(payload)
    text = pattern.sub(lambda _: new + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + new
    doc.write_text(text.rstrip() + "\n")


def write_quick(figures: list[Figure], day: str, root: Path) -> Path:
    """Quick mode (BENCH_QUICK=1) writes out/bench-quick.json only: docs keep the full run's figures."""
    out = root / "out"
    out.mkdir(exist_ok=True)
    path = out / "bench-quick.json"
    path.write_text(json.dumps({f.key: f.entry(day) for f in figures}, indent=2) + "\n")
    return path
