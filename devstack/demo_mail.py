"""Cards by email and learning in ``make demo``: the stack's settings, and people who ask for email.

The sender mailbox: the demo tenant has nobody outside a manager-report pair, so the demo sends from a disabled
account that keeps its mailbox and manages nobody. That is what a dedicated sender mailbox is in Exchange Online
(a shared mailbox is a disabled user with a mailbox), and WeGrow plans no conversations for disabled accounts, so
the sender's own cards never mix with the ones it sends. The originator is the provider id the Graph emulator
registers (as a real tenant registers its actionable message provider); the learning providers are the ones the
emulator seeds (listing providers is delegated only in Graph, so a deployment lists them in a setting too).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from devstack import demo_people as people
from devstack.demo_steps import Demo, Tick, each
from devstack.graph_emulator.learning_catalog import PROVIDERS, provider_id
from devstack.graph_emulator.mail_cards import LOCAL_ORIGINATOR
from devstack.tenant import Tenant, generate_tenant

EMAIL_SHARE = 0.1  # of the employees who chat with the bot before their prep card
EMAIL_COMMAND = "send my cards by email"


def sender_mailbox(tenant: Tenant) -> str:
    """The UPN of a disabled account with a mailbox and no reports (the first in directory order)."""
    managers = set(tenant.managers.values())
    for user in tenant.users:
        ident = str(user["id"])
        if not user.get("accountEnabled", True) and ident in tenant.mailbox_settings and ident not in managers:
            return str(user["userPrincipalName"])
    raise RuntimeError("the demo tenant has no disabled account with a mailbox to send cards from")


def demo_env(people_count: int, seed: int) -> dict[str, str]:
    """What the demo adds to the stack's settings: the card email sender, the originator, the learning providers."""
    return {
        "WEGROW_CARD_EMAIL_SENDER": sender_mailbox(generate_tenant(people_count, seed)),
        "WEGROW_ACTIONABLE_ORIGINATOR": LOCAL_ORIGINATOR,
        "WEGROW_LEARNING_PROVIDER_IDS": ",".join(provider_id(key) for key, _, _ in PROVIDERS),
    }


async def ask_for_email(demo: Demo, employees: list[str], tick: Tick) -> None:
    """About one employee in ten types the chat command before their prep card goes out."""

    async def ask(employee: str) -> None:
        if demo.rng.random() >= EMAIL_SHARE:
            return
        talk = await people.open_chat(demo.http, demo.stack.connector_url, employee, demo.tenant)
        status = await people.say(demo.http, demo.stack.bot_endpoint, talk, EMAIL_COMMAND)
        demo.add("asked for cards by email" if status < 300 else "email request failed")

    await each(employees, ask, tick)


def problems(counts: Mapping[str, Any]) -> list[str]:
    """What issue 19's part of the demo must show; empty when it all happened."""
    found = []
    if not counts.get("learning suggestions shown"):
        found.append("no learning suggestions on a logged outcome card")
    if not counts.get("learning assignments"):
        found.append("no learning assignment on the Graph emulator")
    if not counts.get("cards by email"):
        found.append("no cards by email")
    languages = [name for name in counts if name.startswith("cards in ") and counts[name]]
    if len(languages) < 2:
        found.append(f"cards in {len(languages)} language(s), fewer than 2")
    return found
