"""Fixed vocabularies for the demo tenant: names, departments, offices with time zones, titles, mailbox settings.

Offices name their zone both ways, as Exchange may store it: a Windows name (what Outlook writes) and an IANA
name (what a Graph client may write). One office uses Outlook's "Customized Time Zone": its working hours carry a
``#microsoft.graph.customTimeZone`` object (see ``CUSTOM_ZONE``), and the events its people organise name
``CUSTOM_EQUIVALENT``, a standard zone with the same offsets and transitions, because an event's start and end must
name a zone Graph accepts.
"""

from __future__ import annotations

import copy
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
WEEK = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")  # anchor + index = that day
MONDAY_TO_FRIDAY = WEEK[:5]
SUNDAY_TO_THURSDAY = ("sunday", "monday", "tuesday", "wednesday", "thursday")
CUSTOM_NAME = "Customized Time Zone"
CUSTOM_EQUIVALENT = "FLE Standard Time"  # Europe/Helsinki: UTC+2, +3 from the last Sunday of March to October's
# Graph's customTimeZone as documented: bias in minutes, ahead of UTC positive; daylight time is bias + daylightBias.
CUSTOM_ZONE: dict[str, Any] = {
    "@odata.type": "#microsoft.graph.customTimeZone",
    "bias": 120,
    "name": CUSTOM_NAME,
    "standardOffset": {"time": "04:00:00.0000000", "dayOccurrence": 5, "dayOfWeek": "sunday", "month": 10, "year": 0},
    "daylightOffset": {
        "daylightBias": 60,
        "time": "03:00:00.0000000",
        "dayOccurrence": 5,
        "dayOfWeek": "sunday",
        "month": 3,
        "year": 0,
    },
}


@dataclass(frozen=True)
class Office:
    name: str
    country: str  # usageLocation (ISO 3166 alpha-2)
    postal_code: str
    phone_prefix: str
    windows_zone: str
    iana_zone: str
    start: str  # local working-hours start (HH:MM)
    end: str
    days: tuple[str, ...] = MONDAY_TO_FRIDAY
    weight: float = 1.0  # how often a team is placed here
    custom_zone: bool = False  # mailboxes say "Customized Time Zone" (CUSTOM_ZONE, equivalent to windows_zone)


OFFICES = (
    Office("Seattle", "US", "98101", "+1 206 555", "Pacific Standard Time", "America/Los_Angeles", "08:00", "17:00",
           weight=3),
    Office("Phoenix", "US", "85004", "+1 602 555", "US Mountain Standard Time", "America/Phoenix", "07:30", "16:00"),
    Office("New York", "US", "10001", "+1 212 555", "Eastern Standard Time", "America/New_York", "09:00", "17:30",
           weight=2),
    Office("London", "GB", "EC1A 1BB", "+44 20 7946", "GMT Standard Time", "Europe/London", "09:00", "17:30",
           weight=2),
    Office("Amsterdam", "NL", "1011 AB", "+31 20 555", "W. Europe Standard Time", "Europe/Amsterdam", "08:30",
           "17:00", weight=2),
    Office("Helsinki", "FI", "00100", "+358 9 555", CUSTOM_EQUIVALENT, "Europe/Helsinki", "08:00", "16:00",
           weight=0.5, custom_zone=True),
    Office("Tel Aviv", "IL", "6100000", "+972 3 555", "Israel Standard Time", "Asia/Jerusalem", "09:00", "18:00",
           days=SUNDAY_TO_THURSDAY),
    Office("Bangalore", "IN", "560001", "+91 80 5555", "India Standard Time", "Asia/Kolkata", "09:30", "18:30",
           weight=2),
    Office("Tokyo", "JP", "100-0005", "+81 3 5555", "Tokyo Standard Time", "Asia/Tokyo", "09:00", "18:00"),
    Office("Adelaide", "AU", "5000", "+61 8 5550", "Cen. Australia Standard Time", "Australia/Adelaide", "08:30",
           "17:00"),
    Office("Sydney", "AU", "2000", "+61 2 5550", "AUS Eastern Standard Time", "Australia/Sydney", "08:00", "16:30"),
)  # fmt: skip
OFFICE_WEIGHTS = tuple(o.weight for o in OFFICES)
IANA_SPELLING = 0.25  # share of mailboxes whose zone was set through Graph with an IANA name
FEWER_DAYS, SHORTER_HOURS = 0.10, 0.05  # part time: three or four of the office's days; four-hour days


def job_title(index: int, parents: list[int | None], department: str, is_manager: bool, rng: random.Random) -> str:
    if index == 0:
        return "Chief Executive Officer"
    if parents[index] == 0:
        return f"VP {department}"
    if is_manager:
        return f"{rng.choice(('Director', 'Manager', 'Team Lead'))}, {department}"
    return f"{department} {rng.choice(INDIVIDUAL_TITLES)}"


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00.0000000"


def _minutes(text: str) -> int:
    return int(text[:2]) * 60 + int(text[3:5])


def working_days_and_hours(office: Office, rng: random.Random) -> tuple[list[str], int, int]:
    """The office's week and hours, or a part-time variant: fewer days, or four-hour mornings or afternoons."""
    days, start, end = list(office.days), _minutes(office.start), _minutes(office.end)
    draw = rng.random()
    if draw < FEWER_DAYS:
        dropped = set(rng.sample(days, rng.choice((1, 2))))
        days = [d for d in days if d not in dropped]
    elif draw < FEWER_DAYS + SHORTER_HOURS:
        start, end = (start, start + 240) if rng.random() < 0.5 else (end - 240, end)
    return days, start, end


# The mailbox language people in each country tend to set (Outlook's language setting); some we do not support.
MAILBOX_LANGUAGES = {
    "US": ("en-US", "English (United States)"),
    "GB": ("en-GB", "English (United Kingdom)"),
    "NL": ("nl-NL", "Nederlands (Nederland)"),
    "FI": ("fi-FI", "suomi (Suomi)"),
    "IL": ("he-IL", "עברית (ישראל)"),
    "IN": ("en-IN", "English (India)"),
    "JP": ("ja-JP", "日本語 (日本)"),
    "AU": ("en-AU", "English (Australia)"),
}
DEFAULT_LANGUAGE = ("en-US", "English (United States)")


def mailbox_settings(office: Office, rng: random.Random) -> dict[str, Any]:
    """Graph mailboxSettings: the mailbox time zone and working hours (some people work part time)."""
    days, start, end = working_days_and_hours(office, rng)
    if office.custom_zone:
        name, hours_zone = CUSTOM_NAME, copy.deepcopy(CUSTOM_ZONE)
    else:
        name = office.iana_zone if rng.random() < IANA_SPELLING else office.windows_zone
        hours_zone = {"name": name}
    return {
        "timeZone": name,
        "workingHours": {
            "daysOfWeek": days,
            "startTime": _clock(start),
            "endTime": _clock(end),
            "timeZone": hours_zone,
        },
        "automaticRepliesSetting": {
            "status": "disabled",
            "externalAudience": "none",
            "scheduledStartDateTime": {"dateTime": "2026-01-01T08:00:00.0000000", "timeZone": "UTC"},
            "scheduledEndDateTime": {"dateTime": "2026-01-02T08:00:00.0000000", "timeZone": "UTC"},
            "internalReplyMessage": "",
            "externalReplyMessage": "",
        },
        "language": dict(
            zip(("locale", "displayName"), MAILBOX_LANGUAGES.get(office.country, DEFAULT_LANGUAGE), strict=True)
        ),
        "userPurpose": {"value": "user"},
        "dateFormat": "yyyy-MM-dd",
        "timeFormat": "HH:mm",
        "delegateMeetingMessageDeliveryOptions": "sendToDelegateAndInformationToPrincipal",
    }
