"""The page schema as the API serves it: the configured bounds written into it.

The schema file keeps the general forms (any number of digits, any year) so
that a value out of range is reported with the bound it breaks; the served
copy narrows rates and dates to what this deployment accepts, so a client that
generates documents from it (or validates against it) never sends one the API
refuses. Dates are narrowed to the years wholly inside the window.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared.bounds import Bounds

from .jsondoc import page_json_schema


def number_range_pattern(low: int, high: int, width: int = 4) -> str:
    """A regular expression matching the zero-padded numbers ``low..high``."""
    if low > high:
        return "(?!)"
    lo, hi = f"{low:0{width}d}", f"{high:0{width}d}"
    if width == 1:
        return f"[{lo}-{hi}]" if lo != hi else lo
    if lo[0] == hi[0]:
        return lo[0] + _group(number_range_pattern(int(lo[1:]), int(hi[1:]), width - 1))
    rest = width - 1
    parts = [lo[0] + _group(number_range_pattern(int(lo[1:]), 10**rest - 1, rest))]
    first, last = int(lo[0]) + 1, int(hi[0]) - 1
    if first <= last:
        digit = f"[{first}-{last}]" if first < last else str(first)
        parts.append(digit + "[0-9]" * rest)
    parts.append(hi[0] + _group(number_range_pattern(0, int(hi[1:]), rest)))
    return "(?:" + "|".join(parts) + ")"


def _group(pattern: str) -> str:
    return pattern if pattern.startswith("(?:") or len(pattern) <= 5 else f"(?:{pattern})"


def served_page_schema(bounds: Bounds, now: datetime | None = None) -> dict[str, Any]:
    schema = page_json_schema()
    earliest, latest = bounds.window(now or datetime.now(UTC))
    years = number_range_pattern(max(1, earliest.year + 1), min(9999, latest.year - 1))
    page_date = schema["properties"]["page_date"]
    page_date["pattern"] = f"^{years}-[0-9]{{2}}-[0-9]{{2}}$"
    for name in ("published", "modified"):
        stamp = schema["$defs"]["article"]["properties"][name]
        stamp["pattern"] = stamp["pattern"].replace("^[0-9]{4}", f"^{years}", 1)
    fraction = (
        f"(\\.[0-9]{{1,{bounds.rate_fraction_digits}}})?" if bounds.rate_fraction_digits else ""
    )
    rate = schema["$defs"]["rate"]["properties"]["rate"]
    rate["pattern"] = f"^0*[0-9]{{1,{bounds.rate_integer_digits}}}{fraction}$"
    return schema
