"""Load a FunctionApp and check that the runner supports everything it declares."""

from __future__ import annotations

import importlib
from typing import Any

from shared.services.triggers import Triggers, describe, list_functions

# Bindings the runner understands besides the trigger itself: the HTTP response of an HTTP trigger.
_SUPPORTED_EXTRA = {("http", "$return")}


def load_app(spec: str = "function_app:app") -> Any:
    """Import ``module:attribute`` (default: the real ``function_app.app``)."""
    module_name, _, attribute = spec.partition(":")
    return getattr(importlib.import_module(module_name), attribute or "app")


def load_triggers(app: Any) -> Triggers:
    """The app's triggers; raise ValueError on a binding the runner would silently ignore."""
    for function in list_functions(app):
        trigger = function.get_trigger()
        for binding in function.get_bindings():
            if binding is trigger or (binding.type, binding.name) in _SUPPORTED_EXTRA:
                continue
            if binding.type == trigger.type and binding.name == trigger.name:
                continue
            raise ValueError(
                f"function {function.get_function_name()}: binding {binding.type}/{binding.name} "
                "is not supported by the local runner"
            )
    return describe(app)
