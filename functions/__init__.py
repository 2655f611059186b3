"""Thin triggers, one blueprint per capability: parse input, call one service, return."""

from functions.bot import bp as bot
from functions.cards import bp as cards
from functions.health import bp as health
from functions.learning import bp as learning
from functions.notifications import bp as notifications
from functions.outcomes import bp as outcomes
from functions.scheduling import bp as scheduling
from functions.subscriptions import bp as subscriptions

BLUEPRINTS = (health, bot, scheduling, cards, outcomes, subscriptions, notifications, learning)
