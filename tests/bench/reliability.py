"""Turns the fault suite's counts (out/chaos/*.json) into docs/reliability.md. Run by ``make chaos``."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TITLES = {
    "graph_faults": "10% random Graph faults (429, 503, 504, dropped connections): same end state as a clean run",
    "kill_and_rerun": "Worker killed at a random calendar call, then re-run: one series per pair",
    "two_workers": "Two workers in parallel on duplicated messages, with 10% Graph faults: no duplicates",
    "azurite_restart": "Azurite (persistence on disk) restarted mid-cycle: no queued work lost",
    "cards_export": "10% random Graph and connector faults over a full cycle: same cards and workbook rows",
}
INTRO = """# Reliability

`make chaos` runs `tests/integration/test_chaos.py`, `test_chaos_azurite.py` and `test_chaos_cards_export.py` with
`WEGROW_CHAOS_FULL=1` (full trial counts), then writes this file from `out/chaos/*.json`. `make test` runs the
same tests with a few trials. The end state compared is, per pair, the series record's state, series id and
end date, plus the tagged series found in each manager's calendar on the Graph emulator (exactly one per
recorded active series, none unrecorded). The first slot of a series can differ when pairs are handled in
another order, since a manager's series created first is busy time for the next one; both are valid. Where a
person's last free slot is contested (a part-time manager on a full calendar), the pair that ran first gets it
and the other is "fully booked in window": such pairs are counted as `contested`, not as a difference.

Cards and workbook rows: `tests/integration/test_chaos_cards_export.py` runs sync -> plan -> schedule -> cards ->
prep answers -> outcome logs -> confirmations -> export, once clean and once with 10% Graph and connector faults,
re-running a step that raised as its queue would. The clock walks past every pair's first conversation, so every
first conversation gets its prep, agenda, outcome and confirm cards in both runs. Compared: the cards marked sent
(per report, kind and n-th conversation), the card ids the connector received (none twice) and the row ids in the
workbook's .xlsx (the pair-and-date hash read as report and n-th conversation, since the first slot may differ).
Its full mode (four faulty trials, about six minutes) runs with `WEGROW_CHAOS_FULL=1`; the Makefile's `chaos` target
does not list this module yet, so its figures below come from running it by hand in that mode.
"""


FOUND_AND_FIXED = """## What the fault, bad-input and scale suites found, and what was fixed

- Azurite stopped with SIGTERM lost the table writes since its last autosave (24 of 58 series records):
  `devstack/azurite.py` now stops it with SIGINT, which saves first.
- A company config with a control character raised yaml's ReaderError, not the one-line error:
  `shared/adapters/config_file.py`.
- An activity with `from: {}` (found by hypothesis) gave a 502 from deep in the SDK turn: refused with 400.
- A crashed worker's pair burnt its 5 deliveries on a 300 s lease and reached the poison queue: a leased
  pair is now re-queued, hidden until the lease ends.
- A report without a mailbox got a series on default hours and was re-planned on every run: `no-mailbox`
  state, retried when the directory changes. One manager without a mailbox failed a whole batch: per item.
- A person who is both a report and a manager was double-booked by concurrent slot choices: a booking
  ledger in Table Storage (`shared/services/scheduling_bookings.py`).
- A foreign meeting at exactly an occurrence's times was not seen as a conflict (`repair.py`). Once attendee
  copies were tentative until answered, as in Exchange, repair discounted the foreign busy meeting instead of the
  report's own copy: the weakest item at the occurrence's times is now the one discounted.
- Agents SDK 1.9.0 leaked an aiohttp session on each throttled conversation opening
  (`shared/adapters/teams/sdk_fixes.py`).
- A prep card on a full agenda (60 items) answered 400 "malformed activity": a clear answer, nothing saved.
- Our card limiter let twice the connector's app limit through (39 of 159 sends got 429):
  `shared/services/card_rate.py` counts the way the connector does.
"""


def render(results: dict[str, dict[str, object]]) -> str:
    lines = [INTRO, FOUND_AND_FIXED]
    for name, title in TITLES.items():
        counts = results.get(name)
        lines.append(f"## {title}\n")
        if counts is None:
            lines.append("Not run yet.\n")
            continue
        run = "full (`make chaos`)" if counts.get("full") else "small (`make test`)"
        lines.append(f"Run: {run}, {counts.get('date')}.\n")
        lines.append("| count | value |\n|---|---:|")
        lines += [f"| {k} | {v} |" for k, v in sorted(counts.items()) if k not in {"full", "date"}]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    results = {p.stem: json.loads(p.read_text()) for p in sorted((ROOT / "out" / "chaos").glob("*.json"))}
    (ROOT / "docs" / "reliability.md").write_text(render(results))


if __name__ == "__main__":
    main()
