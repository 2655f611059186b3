"""Mailbox time zone names (Windows or IANA) resolve to ZoneInfo; unknown names are a clear error."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tzlocal.windows_tz import win_tz

from shared.domain.timezones import UnknownTimeZone, iana_name, resolve_zone, resolve_zone_or_default

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("Pacific Standard Time", "America/Los_Angeles"),
        ("Tokyo Standard Time", "Asia/Tokyo"),
        ("India Standard Time", "Asia/Calcutta"),
        ("Asia/Kathmandu", "Asia/Kathmandu"),
        ("  Europe/London ", "Europe/London"),
    ],
)
def test_windows_and_iana_names_resolve(name: str, expected: str) -> None:
    assert resolve_zone(name) == ZoneInfo(expected)


@pytest.mark.parametrize("name", ["", "   ", "Mars Standard Time", "Europe/Atlantis", "../../etc/passwd"])
def test_unknown_names_raise_a_domain_error_naming_the_value(name: str) -> None:
    with pytest.raises(UnknownTimeZone, match="unknown time zone"):
        resolve_zone(name)


def test_fallback_to_tenant_default_says_why() -> None:
    zone, note = resolve_zone_or_default("Mars Standard Time", "Europe/Dublin")
    assert zone == ZoneInfo("Europe/Dublin")
    assert note is not None and "Mars Standard Time" in note and "Europe/Dublin" in note


def test_known_name_has_no_fallback_note() -> None:
    assert resolve_zone_or_default("GMT Standard Time", "UTC") == (ZoneInfo("Europe/London"), None)


@given(st.sampled_from(sorted(win_tz)))
def test_every_cldr_windows_name_maps_to_a_loadable_zone(name: str) -> None:
    assert resolve_zone(name).key == iana_name(name)
