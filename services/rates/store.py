"""Storing a ticker snapshot exactly as published. Idempotent by construction:
a snapshot is identified by its observation time and the digest of its quotes."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared import contracts
from shared.db import insert_unless_stored
from shared.models import RateQuote, RateSnapshot, RateSnapshotSource


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
    contracts.check_store_snapshot(payload)
    quotes = _distinct(payload["quotes"])
    observed_at = datetime.fromisoformat(payload["observed_at"])
    digest = snapshot_digest(quotes)
    pair_counts = Counter((q["base"], q["quote"]) for q in quotes)
    conflicts = {pair for pair, n in pair_counts.items() if n > 1}

    existing = _find(session, observed_at, digest)
    if existing is not None:
        _record_source(session, existing.id, payload["submission_id"])
        return Stored(existing.id, existing.submission_id, False, len(quotes), len(conflicts))
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
        # The snapshot and the note that this submission's snapshot arrived: one transaction.
        with session.begin_nested():
            session.add(snapshot)
            session.flush()
            session.add(
                RateSnapshotSource(snapshot_id=snapshot.id, submission_id=payload["submission_id"])
            )
        session.commit()
    except IntegrityError:
        # A concurrent delivery of the same snapshot won the insert.
        session.rollback()
        existing = _find(session, observed_at, digest)
        if existing is None:
            raise
        _record_source(session, existing.id, payload["submission_id"])
        return Stored(existing.id, existing.submission_id, False, len(quotes), len(conflicts))
    return Stored(snapshot.id, snapshot.submission_id, True, len(quotes), len(conflicts))


def _record_source(session: Session, snapshot_id: int, submission_id: str) -> None:
    """Note that this submission's snapshot arrived (once, however often it is delivered)."""
    insert_unless_stored(
        session, RateSnapshotSource, {"snapshot_id": snapshot_id, "submission_id": submission_id}
    )
    session.commit()


# Built once: every delivered snapshot looks for itself first.
_FIND = select(RateSnapshot).where(
    RateSnapshot.observed_at == bindparam("observed_at"),
    RateSnapshot.digest == bindparam("digest"),
)


def _find(session: Session, observed_at: datetime, digest: str) -> RateSnapshot | None:
    return session.scalars(_FIND, {"observed_at": observed_at, "digest": digest}).first()
