"""Protocols the services depend on, one module per port. They return WeGrow's own types.

Concrete adapters live in ``shared/adapters``; ``shared/container.py`` is the only module that
names them. Unit tests use fakes in ``tests/fakes``; contract tests run one suite per port
against every implementation.
"""
