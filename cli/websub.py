"""``silkfeed websub list|remove``: the hub's subscriptions, read and removed in the database.

Secrets are never printed: a listing says only whether a subscription has one.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import click

from cli.common import database, echo_line, expected_errors, fail


@click.group()
def websub() -> None:
    """The WebSub hub's subscriptions."""


def describe(row: Any, now: datetime) -> dict[str, Any]:
    def when(value: datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": row.id,
        "topic": row.topic,
        "callback": row.callback,
        "signed": row.secret is not None,
        "lease_seconds": row.lease_seconds,
        "created_at": when(row.created_at),
        "expires_at": when(row.expires_at),
        "expired": row.expires_at <= now,
        "failing_since": when(row.failing_since),
        "delivered_at": when(row.delivered_at),
    }


@websub.command("list")
@click.option("--topic", default=None, help="Only subscriptions to this topic URL.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document per line.")
@expected_errors
def list_subscriptions(topic: str | None, as_json: bool) -> None:
    """List subscriptions, oldest first (secrets are never shown)."""
    from sqlalchemy import select

    from shared.models import WebSubSubscription
    from shared.settings import load_settings

    now = datetime.now(UTC)
    with database(load_settings()) as db, db.sessions() as session:
        query = select(WebSubSubscription).order_by(WebSubSubscription.id)
        if topic is not None:
            query = query.where(WebSubSubscription.topic == topic)
        rows = [describe(row, now) for row in session.scalars(query)]
    for doc in rows:
        if as_json:
            echo_line(json.dumps(doc))
            continue
        state = "expired" if doc["expired"] else f"until {doc['expires_at']}"
        if doc["failing_since"]:
            state += f", failing since {doc['failing_since']}"
        signed = "signed" if doc["signed"] else "unsigned"
        echo_line(f"{doc['id']:>6}  {doc['topic']}  ->  {doc['callback']}  ({signed}, {state})")
    if not rows and not as_json:
        echo_line("no subscriptions")


@websub.command("remove")
@click.argument("ids", nargs=-1, type=int)
@click.option("--callback", default=None, help="Every subscription of this callback URL.")
@expected_errors
def remove(ids: tuple[int, ...], callback: str | None) -> None:
    """Remove subscriptions by id, or every one of a callback (no notice is sent)."""
    from sqlalchemy import delete, or_

    from shared.models import WebSubSubscription
    from shared.settings import load_settings

    if not ids and callback is None:
        fail("name subscription ids or --callback URL")
    conditions = []
    if ids:
        conditions.append(WebSubSubscription.id.in_(ids))
    if callback is not None:
        conditions.append(WebSubSubscription.callback == callback)
    with database(load_settings()) as db, db.sessions() as session:
        removed = session.execute(delete(WebSubSubscription).where(or_(*conditions))).rowcount
        session.commit()
    echo_line(f"removed {removed} subscription(s)")
    if removed == 0:
        raise SystemExit(1)
