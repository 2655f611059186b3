"""The bench report: out/bench.json and the generated section of docs/performance.md."""

from __future__ import annotations

import json
from pathlib import Path

from tests.bench.report import HEADING, Figure, write_quick, write_reports

DOC = "# Performance\n\n## Cold import\n\nhand-written text\n\n## Benchmarks\n\nold table\n\n## Later\n\nkept too\n"


def _root(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "performance.md").write_text(DOC)
    return tmp_path


def test_a_figure_over_runs_is_their_median_with_the_spread_and_whether_it_meets_its_target(tmp_path: Path) -> None:
    root = _root(tmp_path)
    cpu = Figure.over_runs("card_cpu_ms_per_card", [6.0, 4.0, 4.5], "<= 5", "python -m x", "worker CPU")
    write_reports([cpu], "2026-12-01", root)
    entry = json.loads((root / "out" / "bench.json").read_text())["card_cpu_ms_per_card"]
    assert entry["value"] == 4.5 and (entry["low"], entry["high"], entry["runs"]) == (4.0, 6.0, 3)
    assert entry["met"] is True and entry["target"] == "<= 5" and entry["command"] == "python -m x"
    doc = (root / "docs" / "performance.md").read_text()
    assert "| `card_cpu_ms_per_card` | 4.500 (4.000-6.000, 3 runs) | <= 5 | yes | worker CPU | 2026-12-01 |" in doc


def test_only_the_benchmarks_section_is_replaced(tmp_path: Path) -> None:
    root = _root(tmp_path)
    write_reports([Figure("rerun_cpu_ms_per_pair_300", 2.5, "<= 1", "cmd")], "2026-12-01", root)
    doc = (root / "docs" / "performance.md").read_text()
    assert "hand-written text" in doc and "## Later\n\nkept too" in doc
    assert "old table" not in doc and doc.count(HEADING) == 1
    assert "| `rerun_cpu_ms_per_pair_300` | 2.500 | <= 1 | **no** |" in doc


def test_a_partial_run_keeps_the_other_figures_with_their_dates_and_a_full_run_drops_them(tmp_path: Path) -> None:
    root = _root(tmp_path)
    write_reports([Figure("decline_to_repair_median_s", 1.1, "<= 60", "d")], "2026-11-23", root)
    write_reports([Figure("card_action_p99_ms", 80.0, "<= 250", "a")], "2026-12-01", root, keep_others=True)
    payload = json.loads((root / "out" / "bench.json").read_text())
    assert payload["decline_to_repair_median_s"]["date"] == "2026-11-23"
    assert "| `decline_to_repair_median_s` | 1.100 | <= 60 | yes |" in (root / "docs" / "performance.md").read_text()
    write_reports([Figure("card_action_p99_ms", 90.0, "<= 250", "a")], "2026-12-02", root)
    assert set(json.loads((root / "out" / "bench.json").read_text())) == {"card_action_p99_ms"}


def test_a_spread_survives_a_partial_run_that_keeps_it(tmp_path: Path) -> None:
    root = _root(tmp_path)
    write_reports([Figure.over_runs("cycle_cpu_ms_per_pair_300", [8.0, 9.0, 12.0], "<= 10", "c")], "d1", root)
    write_reports([Figure("other", 1.0, "report", "o")], "d2", root, keep_others=True)
    assert (
        "| `cycle_cpu_ms_per_pair_300` | 9.000 (8.000-12.000, 3 runs) | <= 10 | yes |"
        in (root / "docs" / "performance.md").read_text()
    )


def test_quick_mode_writes_its_own_file_and_leaves_the_docs_and_bench_json_alone(tmp_path: Path) -> None:
    root = _root(tmp_path)
    path = write_quick([Figure("card_fanout_429s", 0.0, "0", "q")], "2026-12-01", root)
    assert path == root / "out" / "bench-quick.json"
    assert json.loads(path.read_text())["card_fanout_429s"]["met"] is True
    assert (root / "docs" / "performance.md").read_text() == DOC
    assert not (root / "out" / "bench.json").exists()
