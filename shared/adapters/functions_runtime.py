"""What the Azure Functions runtime hands a function, built by hand for manual and local runs."""

from __future__ import annotations


def past_due_timer() -> object:
    """The TimerRequest a manual or scheduled run receives (``func.TimerRequest`` itself is abstract)."""
    from azure.functions.timer import TimerRequest

    return TimerRequest(past_due=False)
