"""Time zones named in configuration and requests, checked the one way."""

from __future__ import annotations

from datetime import tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def time_zone(name: str) -> tzinfo:
    """The IANA time zone ``name`` names ("Asia/Almaty", "UTC"); ValueError
    saying what is accepted when there is none of that name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("must be an IANA time zone name such as Asia/Almaty") from None
