"""/api/v1/currencies: every currency and pair ever quoted, made once per stored snapshot.

Making the list costs two index seeks per pair ever seen (``pair_span``), and
an upstream may quote many pairs: each web process keeps the answer it made,
per format, for as long as no snapshot has been stored since (snapshots are
only ever added, so the newest id says whether anything changed).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from services.rates import csv_export
from services.rates.history import Reader, S, distinct_pairs, pair_span
from services.rates.http import json_bytes

# ISO 4217 names of the currencies a Central Asian ticker carries, and their neighbours'.
NAMES = {
    "AFN": "Afghan afghani",
    "AMD": "Armenian dram",
    "AZN": "Azerbaijani manat",
    "BYN": "Belarusian ruble",
    "CHF": "Swiss franc",
    "CNY": "Chinese yuan",
    "EUR": "Euro",
    "GBP": "Pound sterling",
    "GEL": "Georgian lari",
    "INR": "Indian rupee",
    "IRR": "Iranian rial",
    "JPY": "Japanese yen",
    "KGS": "Kyrgyzstani som",
    "KZT": "Kazakhstani tenge",
    "MNT": "Mongolian tögrög",
    "PKR": "Pakistani rupee",
    "RUB": "Russian ruble",
    "TJS": "Tajikistani somoni",
    "TMT": "Turkmenistan manat",
    "TRY": "Turkish lira",
    "UAH": "Ukrainian hryvnia",
    "USD": "United States dollar",
    "UZS": "Uzbekistani som",
}


_LAST_STORED_ID = select(func.max(S.c.id))


def last_stored_id(session: Reader) -> int | None:
    """The id of the snapshot stored last (ids only grow; none is ever deleted)."""
    return session.scalar(_LAST_STORED_ID)


def currencies_doc(session: Reader, base_url: str) -> dict[str, Any]:
    pairs = distinct_pairs(session)
    codes = sorted({c for pair in pairs for c in pair})
    listed = []
    for b, q in pairs:
        span = pair_span(session, (b, q))
        assert span is not None
        listed.append(
            {
                "pair": f"{b}/{q}",
                "base": b,
                "quote": q,
                "first_date": span[0].date().isoformat(),
                "last_date": span[1].date().isoformat(),
                "feed": f"{base_url}/feeds/rates/{b}-{q}.atom",
            }
        )
    return {"currencies": {c: NAMES.get(c) for c in codes}, "pairs": listed}


class CurrencyList:
    """One app's list, as bytes per format, each with the newest snapshot id it was
    made under. Threads that miss together each make it; the last one kept is as
    good as any."""

    def __init__(self) -> None:
        self._held: dict[str, tuple[int | None, bytes]] = {}

    def answer(self, session: Reader, fmt: str, base_url: str) -> bytes:
        stamp = last_stored_id(session)
        held = self._held.get(fmt)
        if held is not None and held[0] == stamp:
            return held[1]
        doc = currencies_doc(session, base_url)
        body = csv_export.currencies_csv(doc) if fmt == "csv" else json_bytes(doc)
        self._held[fmt] = (stamp, body)
        return body
