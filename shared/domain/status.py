"""The progress of anything a person commits to: an agenda item or an outcome action."""

from __future__ import annotations

from enum import StrEnum


class Progress(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def is_open(self) -> bool:
        return self in {Progress.OPEN, Progress.IN_PROGRESS}
