"""Fixed vocabularies for the demo tenant: names, departments, offices with time zones, titles, mailbox settings."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

GIVEN_NAMES = (
    "Ada", "Bea", "Carlos", "Dana", "Elif", "Femi", "Grace", "Hiro", "Ines", "Jonas", "Kavya", "Liam", "Mei",
    "Noah", "Olu", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoe",
)  # fmt: skip
SURNAMES = (
    "Adeyemi", "Bauer", "Chen", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Iyer", "Jansen", "Kowalski",
    "Lopez", "Murphy", "Nakamura", "Okafor", "Patel", "Quist", "Rossi", "Singh", "Tanaka", "Usman", "Visser",
    "Wong", "Yilmaz", "Zhang",
)  # fmt: skip
DEPARTMENTS = (
    "Engineering", "Sales", "Marketing", "Finance", "People", "Operations", "Customer Success", "Product",
    "Legal", "Research",
)  # fmt: skip
INDIVIDUAL_TITLES = ("Specialist", "Analyst", "Senior Specialist", "Associate", "Consultant", "Lead")


@dataclass(frozen=True)
class Office:
    name: str
    country: str  # usageLocation (ISO 3166 alpha-2)
    postal_code: str
    phone_prefix: str
    time_zone: str  # as Exchange stores it: a Windows zone name or an IANA name
    start: str  # local working-hours start
    end: str


OFFICES = (
    Office("Seattle", "US", "98101", "+1 206 555", "Pacific Standard Time", "08:00:00.0000000", "17:00:00.0000000"),
    Office("New York", "US", "10001", "+1 212 555", "America/New_York", "09:00:00.0000000", "17:30:00.0000000"),
    Office(
        "Amsterdam", "NL", "1011 AB", "+31 20 555", "W. Europe Standard Time", "08:30:00.0000000", "17:00:00.0000000"
    ),
    Office("London", "GB", "EC1A 1BB", "+44 20 7946", "Europe/London", "09:00:00.0000000", "17:30:00.0000000"),
    Office("Bangalore", "IN", "560001", "+91 80 5555", "India Standard Time", "09:30:00.0000000", "18:30:00.0000000"),
    Office("Sydney", "AU", "2000", "+61 2 5550", "AUS Eastern Standard Time", "08:00:00.0000000", "16:30:00.0000000"),
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


def job_title(index: int, parents: list[int | None], department: str, is_manager: bool, rng: random.Random) -> str:
    if index == 0:
        return "Chief Executive Officer"
    if parents[index] == 0:
        return f"VP {department}"
    if is_manager:
        return f"{rng.choice(('Director', 'Manager', 'Team Lead'))}, {department}"
    return f"{department} {rng.choice(INDIVIDUAL_TITLES)}"


def mailbox_settings(office: Office, rng: random.Random) -> dict[str, Any]:
    """Graph mailboxSettings: the mailbox time zone and working hours (a few people work part of the week)."""
    days = list(WEEKDAYS) if rng.random() >= 0.1 else list(WEEKDAYS[:4])
    return {
        "timeZone": office.time_zone,
        "workingHours": {
            "daysOfWeek": days,
            "startTime": office.start,
            "endTime": office.end,
            "timeZone": {"name": office.time_zone},
        },
        "automaticRepliesSetting": {
            "status": "disabled",
            "externalAudience": "none",
            "scheduledStartDateTime": {"dateTime": "2026-01-01T08:00:00.0000000", "timeZone": "UTC"},
            "scheduledEndDateTime": {"dateTime": "2026-01-02T08:00:00.0000000", "timeZone": "UTC"},
            "internalReplyMessage": "",
            "externalReplyMessage": "",
        },
        "language": {"locale": "en-US", "displayName": "English (United States)"},
        "userPurpose": {"value": "user"},
        "dateFormat": "yyyy-MM-dd",
        "timeFormat": "HH:mm",
        "delegateMeetingMessageDeliveryOptions": "sendToDelegateAndInformationToPrincipal",
    }
