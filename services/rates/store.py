"""Storing ticker snapshots exactly as published. Idempotent by construction:
a snapshot is identified by its observation time and the digest of its quotes."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import bindparam, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from shared import contracts
from shared.db import insert_unless_stored
from shared.models import RateQuote, RateSnapshot, RateSnapshotSource

# What makes a payload unfit to store; the task reports it and stores the rest.
MALFORMED = (contracts.ContractError, ValueError, KeyError, TypeError)
# A payload the contract lets through and a column refuses (PostgreSQL checks
# lengths): its savepoint is undone, and it fails alone, not the whole batch.
REFUSED = (*MALFORMED, DataError)


@dataclass(frozen=True, slots=True)
class Stored:
    snapshot_id: int
    submission_id: str
    created: bool
    quotes: int
    conflicts: int


def _distinct(quotes: list[contracts.QuotePayload]) -> list[contracts.QuotePayload]:
    """The scrolling ticker repeats itself: keep each distinct quote once, in order."""
    seen: set[tuple[str, str, str, str]] = set()
    out: list[contracts.QuotePayload] = []
    for q in quotes:
        key = (q["base"].upper(), q["quote"].upper(), q["rate"], q["change"])
        if key not in seen:
            seen.add(key)
            out.append({"base": key[0], "quote": key[1], "rate": key[2], "change": key[3]})
    return out


def snapshot_digest(quotes: list[contracts.QuotePayload]) -> str:
    rows = sorted((q["base"], q["quote"], q["rate"], q["change"]) for q in quotes)
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def store_snapshot(session: Session, payload: contracts.StoreSnapshot) -> Stored:
    """Insert the snapshot unless the same one is stored already; commits."""
    result = store_snapshots(session, [payload])[0]
    if isinstance(result, Exception):
        raise result
    return result


def store_snapshots(
    session: Session, payloads: Sequence[contracts.StoreSnapshot]
) -> list[Stored | Exception]:
    """Store several snapshots in one transaction; commits once. Each payload's
    result is what storing it alone after the ones before it would give; a
    malformed one, or one a column refuses, gets its error (``REFUSED``) and
    stores nothing.

    The pages of a day carry the same ticker over and over: a snapshot met
    twice in the batch is looked up once, and the notes that each submission's
    snapshot arrived are one statement for the whole batch.
    """
    results: list[Stored | Exception | None] = [None] * len(payloads)
    keyed: list[_Keyed | Exception] = []
    for payload in payloads:
        try:
            keyed.append(_key(payload))
        except MALFORMED as exc:
            keyed.append(exc)
    known: dict[tuple[datetime, str], tuple[int, str]] = {}
    sources: dict[tuple[int, str], dict[str, object]] = {}
    # Inserted in one order whatever the batch's (a stable sort: the first of a
    # snapshot's pages still creates it). Two workers' batches holding the same
    # new snapshots then wait on each other's rows in turn, not in a cycle, which
    # PostgreSQL breaks by failing one of the batches as a deadlock.
    for i in sorted(range(len(payloads)), key=lambda i: _order(keyed[i])):
        payload, key = payloads[i], keyed[i]
        if isinstance(key, Exception):
            results[i] = key
            continue
        try:
            stored = _stage(session, payload, key, known)
        except REFUSED as exc:
            results[i] = exc
            continue
        results[i] = stored
        row = {"snapshot_id": stored.snapshot_id, "submission_id": payload["submission_id"]}
        sources.setdefault((stored.snapshot_id, payload["submission_id"]), row)
    if sources:
        # Once however often it is delivered: the note that this submission's snapshot arrived.
        insert_unless_stored(session, RateSnapshotSource, [sources[k] for k in sorted(sources)])
    session.commit()
    return [r for r in results if r is not None]


@dataclass(frozen=True, slots=True)
class _Keyed:
    """A checked payload's distinct quotes and the key it is stored under."""

    observed_at: datetime
    quotes: list[contracts.QuotePayload]
    digest: str


def _key(payload: contracts.StoreSnapshot) -> _Keyed:
    """Check a payload and work out its key once (raises one of ``MALFORMED``)."""
    contracts.check_store_snapshot(payload)
    quotes = _distinct(payload["quotes"])
    observed_at = datetime.fromisoformat(payload["observed_at"])
    return _Keyed(observed_at, quotes, snapshot_digest(quotes))


def _order(key: _Keyed | Exception) -> tuple[str, str]:
    """Where a snapshot's insert goes in a batch: by its key (malformed ones first)."""
    if isinstance(key, Exception):
        return ("", "")
    return (key.observed_at.astimezone(UTC).isoformat(), key.digest)


def _stage(
    session: Session,
    payload: contracts.StoreSnapshot,
    keyed: _Keyed,
    known: dict[tuple[datetime, str], tuple[int, str]],
) -> Stored:
    """Insert one snapshot (uncommitted) unless it is stored or in ``known``, the
    snapshots met so far in this transaction (key: their id and creator)."""
    quotes, observed_at, digest = keyed.quotes, keyed.observed_at, keyed.digest
    pair_counts = Counter((q["base"], q["quote"]) for q in quotes)
    conflicts = {pair for pair, n in pair_counts.items() if n > 1}
    counts = (len(quotes), len(conflicts))

    key = (observed_at, digest)
    found = known.get(key) or _find(session, observed_at, digest)
    if found is not None:
        known[key] = found
        return Stored(found[0], found[1], False, *counts)
    snapshot = RateSnapshot(
        observed_at=observed_at,
        observed_on=observed_at.date(),
        digest=digest,
        source=payload["source"],
        submission_id=payload["submission_id"],
        has_conflicts=bool(conflicts),
        quotes=[
            RateQuote(
                base=q["base"],
                quote=q["quote"],
                rate=Decimal(q["rate"]),
                change=q["change"],
                observed_at=observed_at,
                conflict=(q["base"], q["quote"]) in conflicts,
            )
            for q in quotes
        ],
    )
    try:
        # A savepoint: a concurrent delivery of the same snapshot that won the
        # insert undoes this one alone, not the batch's others.
        with session.begin_nested():
            session.add(snapshot)
            session.flush()
    except IntegrityError:
        found = _find(session, observed_at, digest)
        if found is None:
            raise
        known[key] = found
        return Stored(found[0], found[1], False, *counts)
    known[key] = (snapshot.id, snapshot.submission_id)
    return Stored(snapshot.id, snapshot.submission_id, True, *counts)


# Built once: every delivered snapshot looks for itself first.
_FIND = select(RateSnapshot.id, RateSnapshot.submission_id).where(
    RateSnapshot.observed_at == bindparam("observed_at"),
    RateSnapshot.digest == bindparam("digest"),
)


def _find(session: Session, observed_at: datetime, digest: str) -> tuple[int, str] | None:
    row = (
        session.connection().execute(_FIND, {"observed_at": observed_at, "digest": digest}).first()
    )
    return None if row is None else (row[0], row[1])
