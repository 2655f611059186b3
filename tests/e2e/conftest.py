"""Browser test fixtures: the stack with the Agents Playground (see playground_world.py)."""

from tests.e2e.playground_world import world  # noqa: F401  (a fixture)
