"""``python -m tests.bench.card_check``: worker CPU per rendered card, with the full schema check and the budget check.

The send path used to validate every rendered card against the whole Adaptive Cards 1.5 schema. This measures
what that cost against the cheap budget check that replaced it, on the four cards a conversation sends, as CPU
time (``time.process_time``) so a busy neighbour does not move the figure.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

from shared.adapters.cards.renderer import TEMPLATE_DIR, render_card
from shared.adapters.cards.validate import check_card, check_card_budget

KINDS = ("employee-prep", "manager-agenda", "outcome-log", "outcome-confirm")


def cpu_ms_per_card(check: Callable[[dict[str, Any]], None] | None, rounds: int) -> float:
    data = {kind: json.loads((TEMPLATE_DIR / f"{kind}.data.json").read_text(encoding="utf-8")) for kind in KINDS}
    for kind in KINDS:  # warm: schema load, template cache
        card = render_card(kind, data[kind])
        if check is not None:
            check(card)
    started = time.process_time()
    for _ in range(rounds):
        for kind in KINDS:
            card = render_card(kind, data[kind])
            if check is not None:
                check(card)
    return 1000 * (time.process_time() - started) / (rounds * len(KINDS))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.card_check", description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    rounds = parser.parse_args().rounds
    for label, check in (("render only", None), ("render + budget check (send path)", check_card_budget),
                         ("render + full 1.5 schema (tests only)", check_card)):  # fmt: skip
        print(f"{label}: {cpu_ms_per_card(check, rounds):.2f} ms CPU per card")


if __name__ == "__main__":
    main()
