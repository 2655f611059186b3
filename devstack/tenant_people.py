"""People of the demo tenant: which office each sits in, their addresses, and their Graph user JSON.

Teams are mostly co-located: a report sits in the manager's office, except in spread teams and for a few people
who joined from elsewhere. Offices the tree left out take over leaf teams from the end of the org, so that even a
small tenant has the custom-zone office and as many of the others as it has teams for.

Addresses are as Exchange makes them. ``mail`` is ``given.surname@contoso.example`` (a number is added when the
name is taken). ``proxyAddresses`` holds ``SMTP:<mail>`` and sometimes a secondary ``smtp:`` alias. About 15% of
people sign in with a UPN that is not their mail: ``given.surname.N@contoso.onmicrosoft.com`` or an
employee-number UPN. A person without a mailbox has no mail and no proxy addresses.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from devstack import tenant_data as data

DOMAIN = "contoso.example"
INITIAL_DOMAIN = "contoso.onmicrosoft.com"
UPN_NOT_MAIL = 0.15
SECONDARY_ALIAS = 0.3
SPREAD_TEAM = 0.15  # a team whose members sit in any office
MOVED_AWAY = 0.06  # a member of a co-located team who sits elsewhere anyway
SUB_TEAM_AWAY = 0.2  # a manager (with their own team) in another office than their manager
NO_MAILBOX, DISABLED = 0.02, 0.02
COVER_FIRST = ("Helsinki", "Tel Aviv", "Adelaide", "Phoenix", "Tokyo", "Bangalore", "Sydney")


def assign_offices(parents: list[int | None], rng: random.Random) -> list[int]:
    """An office index per person: co-located teams, some spread ones, every office present when teams allow."""
    count = len(data.OFFICES)
    offices = [rng.choices(range(count), data.OFFICE_WEIGHTS)[0]]
    leads = {p for p in parents if p is not None}
    spread: dict[int, bool] = {0: True}  # the executive team: department heads sit anywhere
    for index in range(1, len(parents)):
        manager = parents[index]
        assert manager is not None
        if manager not in spread:
            spread[manager] = rng.random() < SPREAD_TEAM
        away = rng.random() < (SUB_TEAM_AWAY if index in leads else MOVED_AWAY)
        stays = not spread[manager] and not away
        offices.append(offices[manager] if stays else rng.choices(range(count), data.OFFICE_WEIGHTS)[0])
    _cover_missing(parents, offices)
    return offices


def _cover_missing(parents: list[int | None], offices: list[int]) -> None:
    teams: dict[int, list[int]] = {}
    for index, parent in enumerate(parents):
        if parent is not None:
            teams.setdefault(parent, []).append(index)
    leaf_teams = [m for m in sorted(teams, reverse=True) if m != 0 and not any(r in teams for r in teams[m])]
    names = [o.name for o in data.OFFICES]
    missing = [names.index(n) for n in COVER_FIRST if names.index(n) not in set(offices)]
    for office, manager in zip(missing, leaf_teams, strict=False):
        for member in (manager, *teams[manager]):
            offices[member] = office


@dataclass
class Addresses:
    """Taken SMTP addresses (lower case), so that mail and aliases stay unique, as Exchange requires."""

    taken: set[str] = field(default_factory=set)

    def claim(self, local: str, domain: str = DOMAIN) -> str:
        candidate, number = f"{local}@{domain}", 1
        while candidate in self.taken:
            number += 1
            candidate = f"{local}{number}@{domain}"
        self.taken.add(candidate)
        return candidate


def addresses(
    index: int, given: str, surname: str, has_mailbox: bool, book: Addresses, rng: random.Random
) -> tuple[str, str | None, list[str]]:
    """(userPrincipalName, mail, proxyAddresses) for one person."""
    local = f"{given}.{surname}".lower()
    mail = book.claim(local) if has_mailbox else None
    proxies = [f"SMTP:{mail}"] if mail else []
    if mail and rng.random() < SECONDARY_ALIAS:
        proxies.append(f"smtp:{book.claim(f'{given[0]}{surname}'.lower())}")
    if mail is None or rng.random() < UPN_NOT_MAIL:
        upn = f"{local}.{index}@{INITIAL_DOMAIN}" if rng.random() < 0.5 else f"e{100000 + index}@{DOMAIN}"
    else:
        upn = mail
    return upn, mail, proxies


def person(
    index: int,
    user_id: str,
    office: data.Office,
    title: str,
    department: str,
    anchor: date,
    book: Addresses,
    rng: random.Random,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A Graph user and their mailboxSettings (None: no mailbox)."""
    given, surname = rng.choice(data.GIVEN_NAMES), rng.choice(data.SURNAMES)
    has_mailbox = index == 0 or rng.random() >= NO_MAILBOX
    upn, mail, proxies = addresses(index, given, surname, has_mailbox, book, rng)
    hired = anchor - timedelta(days=int(rng.triangular(0, 365 * 14, 365 * 2)))
    user = {
        "id": user_id,
        "userPrincipalName": upn,
        "mail": mail,
        "proxyAddresses": proxies,
        "displayName": f"{given} {surname}",
        "givenName": given,
        "surname": surname,
        "department": department,
        "jobTitle": title,
        "employeeId": str(100000 + index),
        "employeeHireDate": f"{hired.isoformat()}T00:00:00Z",
        "accountEnabled": index == 0 or rng.random() >= DISABLED,
        "officeLocation": office.name,
        "usageLocation": office.country,
        "city": office.name,
        "country": office.country,
        "postalCode": office.postal_code,
        "businessPhones": [f"{office.phone_prefix} {index % 10000:04d}"],
        "mobilePhone": f"{office.phone_prefix} 9{index % 1000:03d}",
        "preferredLanguage": "en-US",
        "identities": [{"signInType": "userPrincipalName", "issuer": upn.partition("@")[2], "issuerAssignedId": upn}],
    }
    return user, data.mailbox_settings(office, rng) if has_mailbox else None
