"""The Playground wrapper reads its readiness from the Playground's own debug log."""

from __future__ import annotations

from pathlib import Path

from devstack.demo_playground import Playground

STARTED = "log Listening on 5000\nlog Waiting for connection of endpoint: http://127.0.0.1:1/api/messages\n"


def playground(tmp_path: Path) -> Playground:
    return Playground("http://127.0.0.1:1/api/messages", 5000, 5001, tmp_path)


def test_not_reached_before_the_log_exists(tmp_path: Path) -> None:
    assert not playground(tmp_path).reached_bot()


def test_not_reached_while_it_still_waits_for_the_bot(tmp_path: Path) -> None:
    (tmp_path / "playground-debug.log").write_text(STARTED + "log waiting for 1 resources: http://127.0.0.1:1\n")
    assert not playground(tmp_path).reached_bot()


def test_not_reached_when_the_wait_timed_out(tmp_path: Path) -> None:
    timed_out = "log wait-on(42) Timed out waiting for: http://127.0.0.1:1; exiting with error\n"
    (tmp_path / "playground-debug.log").write_text(STARTED + timed_out)
    assert not playground(tmp_path).reached_bot()


def test_reached_once_the_wait_completed(tmp_path: Path) -> None:
    (tmp_path / "playground-debug.log").write_text(
        STARTED + "log wait-on(3999) complete\nlog Events recording disabled.\n"
    )
    assert playground(tmp_path).reached_bot()
