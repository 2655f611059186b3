"""Thin triggers, one blueprint per capability: parse input, call one service, return."""

from functions.health import bp as health

BLUEPRINTS = (health,)
