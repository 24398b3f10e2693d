"""A person's time zone, for anything that shows them a time (emails, invites, reminders)."""

from __future__ import annotations

import zoneinfo

from django.conf import settings


def zone_named(tz_name: str | None) -> zoneinfo.ZoneInfo:
    """The zone with this IANA name, or the site's zone when the name is empty or unknown."""
    try:
        return zoneinfo.ZoneInfo(tz_name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def timezone_name_of(user) -> str:
    profile = getattr(user, "profile", None)
    return (profile.timezone if profile is not None else "") or settings.TIME_ZONE
