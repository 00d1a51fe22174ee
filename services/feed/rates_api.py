"""The read side of rate history, as JSON: ``/api/v1/rates/...``."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, g, jsonify
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shared.models import RateSnapshot
from shared.problems import Problem

bp = Blueprint("rates_api", __name__, url_prefix="/api/v1/rates")


def snapshot_doc(snap: RateSnapshot) -> dict[str, object]:
    return {
        "date": snap.observed_on.isoformat(),
        "observed_at": snap.observed_at.isoformat(),
        "snapshot_id": snap.id,
        "source": snap.source,
        "submission_id": snap.submission_id,
        "rates": [
            {
                "pair": f"{q.base}/{q.quote}",
                "base": q.base,
                "quote": q.quote,
                # Exact decimal text, never a float: 0.28490 stays 0.28490.
                "rate": str(q.rate),
                "change": q.change,
                **({"conflict": True} if q.conflict else {}),
            }
            for q in snap.quotes
        ],
    }


def _latest_on_or_before(session: Session, day: date | None) -> RateSnapshot | None:
    query = select(RateSnapshot).options(selectinload(RateSnapshot.quotes))
    if day is not None:
        query = query.where(RateSnapshot.observed_on <= day)
    return session.scalars(
        query.order_by(RateSnapshot.observed_at.desc(), RateSnapshot.id.desc()).limit(1)
    ).first()


@bp.get("/latest")
def latest():  # type: ignore[no-untyped-def]
    snap = _latest_on_or_before(g.session, None)
    if snap is None:
        raise Problem(404, "no rate snapshot has been stored yet", kind="no-rates")
    return jsonify(snapshot_doc(snap))


@bp.get("/<day>")
def on_day(day: str):  # type: ignore[no-untyped-def]
    try:
        wanted = date.fromisoformat(day)
    except ValueError:
        raise Problem(
            422, f"{day!r} is not a date in YYYY-MM-DD form", kind="invalid-date"
        ) from None
    snap = _latest_on_or_before(g.session, wanted)
    if snap is None:
        raise Problem(404, f"no rate snapshot on or before {wanted.isoformat()}", kind="no-rates")
    doc = snapshot_doc(snap)
    doc["requested_date"] = wanted.isoformat()
    return jsonify(doc)
