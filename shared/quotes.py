"""A currency quote as a page publishes it, the one shape ingest parses and rates keeps."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Quote:
    """One ticker quote as published: ``KGS/USD = 0.01144 0%``.

    ``rate`` keeps the published scale (``Decimal("0.28490")``) and ``change``
    the published text (``"-0%"`` stays distinct from ``"0%"``).
    """

    base: str
    quote: str
    rate: Decimal
    change: str

    @property
    def pair(self) -> str:
        return pair_name(self.base, self.quote)


def pair_name(base: str, quote: str) -> str:
    """How a pair is written for people: ``KGS/USD``."""
    return f"{base}/{quote}"
