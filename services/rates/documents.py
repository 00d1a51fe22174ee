"""The rates API's JSON documents of one snapshot: as published, or converted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.rates.convert import Converter, Unconvertible, as_text
from services.rates.history import Pair, Quote, Snapshot
from services.rates.http import settings
from services.rates.params import Wanted
from shared.problems import Problem


def quote_doc(q: Quote) -> dict[str, Any]:
    return {
        "pair": q.pair,
        "base": q.base,
        "quote": q.quote,
        # Exact decimal text, never a float: 0.28490 stays 0.28490.
        "rate": str(q.rate),
        "change": q.change,
        **({"conflict": True} if q.conflict else {}),
        **_when(q),
    }


def _when(q: Quote) -> dict[str, Any]:
    """Where a quote of an answer made of several snapshots (``latest``) comes from."""
    if q.observed_at is None or q.observed_on is None:
        return {}
    return {
        "snapshot_id": q.snapshot_id,
        "date": q.observed_on.isoformat(),
        "observed_at": q.observed_at.isoformat(),
    }


def head(snap: Snapshot) -> dict[str, Any]:
    return {
        "date": snap.observed_on.isoformat(),
        "observed_at": snap.observed_at.isoformat(),
        "snapshot_id": snap.id,
        "source": snap.source,
        "submission_id": snap.submission_id,
    }


def snapshot_doc(snap: Snapshot, pairs: Sequence[Pair] | None = None) -> dict[str, Any]:
    """A snapshot exactly as published (only ``pairs``, when given)."""
    keep = None if pairs is None else set(pairs)
    quotes = [q for q in snap.quotes if keep is None or (q.base, q.quote) in keep]
    return {**head(snap), "rates": [quote_doc(q) for q in quotes]}


def used_quotes(quotes: Sequence[Quote]) -> list[dict[str, Any]]:
    return [
        {"pair": q.pair, "rate": str(q.rate), "change": q.change, "snapshot_id": q.snapshot_id}
        | ({} if q.observed_at is None else {"observed_at": q.observed_at.isoformat()})
        for q in dict.fromkeys(quotes)
    ]


def precision() -> dict[str, Any]:
    return {"significant_digits": settings().rates_significant_digits, "rounding": "half-even"}


def converted_doc(snap: Snapshot, wanted: Wanted) -> dict[str, Any]:
    """The snapshot's values of ``amount`` ``base`` in each symbol; raises Problem 404/409."""
    converter = Converter(snap.quotes)
    base = wanted.base or (converter.pivots[0] if converter.pivots else "USD")
    try:
        results = converter.convert(
            base, wanted.symbols, wanted.amount, settings().rates_significant_digits
        )
    except Unconvertible as exc:
        day = snap.observed_on.isoformat()
        if exc.conflicting:
            # In ``latest`` the pair's quotes may be an older snapshot's: name that one.
            first = next(q for q in snap.quotes if q.pair in exc.conflicting)
            raise Problem(
                409,
                f"{', '.join(exc.conflicting)} was quoted with different values on the page of "
                f"{(first.observed_on or snap.observed_on).isoformat()}; there is no single "
                f"rate for {exc.currency}",
                kind="conflicting-quotes",
                snapshot_id=first.snapshot_id,
            ) from None
        raise Problem(
            404, f"the snapshot of {day} has no rate for {exc.currency}", kind="no-rate"
        ) from None
    return {
        **head(snap),
        "base": base,
        "amount": as_text(wanted.amount),
        "rates": {r.symbol: as_text(r.value) for r in results},
        "precision": precision(),
        "derived_from": used_quotes([q for r in results for q in r.derived_from]),
        # Pairs quoted twice differently are never converted with: say so.
        **({"conflicting_pairs": sorted(converter.conflicting)} if converter.conflicting else {}),
    }
