"""CSV forms of the rates API's documents: one header row, then one row per value.

Rows are flat so that a spreadsheet or ``pandas.read_csv`` needs no reshaping;
every number is the same exact decimal text the JSON carries.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180 line ends
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else _cell(v) for v in row])
    return out.getvalue().encode()


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


SNAPSHOT_HEADER = (
    "date",
    "observed_at",
    "snapshot_id",
    "pair",
    "base",
    "quote",
    "rate",
    "change",
    "conflict",
)


def snapshot_csv(doc: dict[str, Any]) -> bytes:
    """A snapshot as published: one row per quote."""
    return to_csv(
        SNAPSHOT_HEADER,
        (
            (
                # Each quote's own, where the answer holds several snapshots (latest).
                r.get("date", doc["date"]),
                r.get("observed_at", doc["observed_at"]),
                r.get("snapshot_id", doc["snapshot_id"]),
                r["pair"],
                r["base"],
                r["quote"],
                r["rate"],
                r["change"],
                r.get("conflict", False),
            )
            for r in doc["rates"]
        ),
    )


def converted_csv(doc: dict[str, Any]) -> bytes:
    """A converted snapshot: one row per symbol."""
    # A quote of another snapshot than the answer's (latest) says which, as a series does.
    used = " ".join(
        f"{d['pair']}={d['rate']}"
        + ("" if d["snapshot_id"] == doc["snapshot_id"] else f"#{d['snapshot_id']}")
        for d in doc["derived_from"]
    )
    return to_csv(
        ("date", "snapshot_id", "base", "amount", "symbol", "value", "derived_from"),
        (
            (doc["date"], doc["snapshot_id"], doc["base"], doc["amount"], symbol, value, used)
            for symbol, value in doc["rates"].items()
        ),
    )


def series_csv(rows: Iterable[Sequence[Any]]) -> bytes:
    """A published series: (date, pair, base, quote, rate, change, snapshot_id, conflict)."""
    return to_csv(
        ("date", "pair", "base", "quote", "rate", "change", "snapshot_id", "conflict"), rows
    )


def converted_series_csv(doc: dict[str, Any]) -> bytes:
    def rows() -> Iterable[Sequence[Any]]:
        for day, values in doc["rates"].items():
            used = " ".join(
                f"{d['pair']}={d['rate']}#{d['snapshot_id']}" for d in doc["derived_from"][day]
            )
            for symbol, value in values.items():
                yield day, doc["base"], doc["amount"], symbol, value, used

    return to_csv(("date", "base", "amount", "symbol", "value", "derived_from"), rows())


def currencies_csv(doc: dict[str, Any]) -> bytes:
    return to_csv(("code", "name"), doc["currencies"].items())
