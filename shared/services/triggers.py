"""What a Functions app declares: its HTTP routes, timers (with resolved schedules) and queue triggers.

Read from ``app.get_functions()`` of an ``azure.functions.FunctionApp``. Used by the health check and
by the local Functions runner, so both see exactly what the real host would index.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from shared.domain.ncrontab import Schedule, parse

_SETTING = re.compile(r"%([A-Za-z0-9_]+)%")


@dataclass(frozen=True, slots=True)
class HttpTrigger:
    name: str
    route: str
    methods: tuple[str, ...]
    arg: str
    function: Any = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class TimerTrigger:
    name: str
    schedule: str  # resolved NCRONTAB expression
    declared: str  # as written, e.g. "%WEGROW_SYNC_SCHEDULE%"
    arg: str
    function: Any = field(compare=False, repr=False)

    @property
    def cron(self) -> Schedule:
        return parse(self.schedule)


@dataclass(frozen=True, slots=True)
class QueueTrigger:
    name: str
    queue: str
    arg: str
    function: Any = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Triggers:
    http: tuple[HttpTrigger, ...]
    timers: tuple[TimerTrigger, ...]
    queues: tuple[QueueTrigger, ...]

    def by_name(self, name: str) -> HttpTrigger | TimerTrigger | QueueTrigger:
        everything: tuple[HttpTrigger | TimerTrigger | QueueTrigger, ...] = (*self.http, *self.timers, *self.queues)
        for trigger in everything:
            if trigger.name == name:
                return trigger
        raise KeyError(f"no function named {name!r}")


def resolve_setting(value: str) -> str:
    """Replace ``%NAME%`` with the app setting NAME: the environment first, else WeGrow's default for it."""

    def lookup(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in os.environ:
            return os.environ[name]
        default = _setting_default(name)
        if default is None:
            raise ValueError(f"{name}: app setting referenced as %{name}% is not set and has no default")
        return default

    return _SETTING.sub(lookup, value)


def _setting_default(variable: str) -> str | None:
    from shared.config import Settings, env_name

    for field_name, info in Settings.model_fields.items():
        if env_name(field_name) == variable and isinstance(info.default, str):
            return info.default
    return None


def list_functions(app: Any) -> list[Any]:
    """``app.get_functions()``, callable more than once.

    azure-functions 1.26 remembers every name it lists in ``functions_bindings`` and rejects the second
    listing as duplicates; the worker has already listed the app once when our code runs. The dict only
    serves that duplicate check, so it is cleared first (a real duplicate is still caught).
    """
    app.functions_bindings = None
    return list(app.get_functions())


def describe(app: Any) -> Triggers:
    """The triggers of ``app`` (an azure.functions.FunctionApp); unsupported triggers raise ValueError."""
    http: list[HttpTrigger] = []
    timers: list[TimerTrigger] = []
    queues: list[QueueTrigger] = []
    for function in list_functions(app):
        name, trigger = function.get_function_name(), function.get_trigger()
        if trigger.type == "httpTrigger":
            methods = tuple(str(getattr(m, "value", m)).upper() for m in (trigger.methods or ()))
            http.append(HttpTrigger(name, trigger.route or name, methods, trigger.name, function))
        elif trigger.type == "timerTrigger":
            schedule = resolve_setting(trigger.schedule)
            parse(schedule)  # fail at load, like the host, on a bad schedule
            timers.append(TimerTrigger(name, schedule, trigger.schedule, trigger.name, function))
        elif trigger.type == "queueTrigger":
            queues.append(QueueTrigger(name, resolve_setting(trigger.queue_name), trigger.name, function))
        else:
            raise ValueError(f"function {name}: trigger type {trigger.type!r} is not supported")
    return Triggers(tuple(http), tuple(timers), tuple(queues))


async def call_user_function(trigger: HttpTrigger | TimerTrigger | QueueTrigger, value: object) -> object:
    """Call the decorated function with its trigger argument; await it when async, else run it in a thread."""
    import asyncio
    import inspect

    user_function = trigger.function.get_user_function()
    if inspect.iscoroutinefunction(user_function):
        return await user_function(**{trigger.arg: value})
    return await asyncio.to_thread(user_function, **{trigger.arg: value})
