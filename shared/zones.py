"""Time zones named in configuration and requests, checked the one way."""

from __future__ import annotations

import functools
from datetime import tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@functools.cache
def zone_names() -> frozenset[str]:
    """The IANA zones' names this host knows ("Asia/Almaty", "UTC"): read once."""
    return frozenset(available_timezones())


def time_zone(name: str) -> tzinfo:
    """The IANA time zone ``name`` names ("Asia/Almaty", "UTC"); ValueError
    saying what is accepted when there is none of that name."""
    try:
        if name not in zone_names():  # no path ("posix/…", "../…") reads a file
            raise ValueError
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("must be an IANA time zone name such as Asia/Almaty") from None
