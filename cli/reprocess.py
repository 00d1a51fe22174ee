"""``silkfeed reprocess``: parse stored submissions again, e.g. after a parser fix.

The raw page of every submission is kept, so it can be parsed again through
the same path as a new page: the row is reset and the ingest task is sent by
name (``cli.requeue``, shared with ``silkfeed retry``). Processing is
idempotent — unchanged articles stay as they are, changed ones are updated in
place with the same GUID, missing ones come back — so reprocessing twice, or a
page that did not change, is harmless.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import click

from cli.common import expected_errors, fail

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

REPROCESSABLE = ("done", "failed")


class When(click.ParamType):
    """A UTC date (``2025-12-15``) or date and time (``2025-12-15T06:00``)."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        text = str(value).strip()
        try:
            if len(text) == 10:
                return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC), True
            moment = datetime.fromisoformat(text)
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD) or date and time", param, ctx)
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)), False


@click.command("reprocess")
@click.argument("ids", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Every finished submission.")
@click.option(
    "--since", type=When(), help="Submissions received on or after this UTC date (or time)."
)
@click.option(
    "--until", type=When(), help="Submissions received up to this UTC date (inclusive) or time."
)
@click.option("--source", help="Only submissions from this upstream source.")
@click.option("--wait", is_flag=True, help="Wait until every one is done or failed.")
@click.option("--timeout", default=600.0, show_default=True, help="Seconds --wait waits at most.")
@expected_errors
def reprocess(
    ids: tuple[str, ...],
    everything: bool,
    since: tuple[datetime, bool] | None,
    until: tuple[datetime, bool] | None,
    source: str | None,
    wait: bool,
    timeout: float,
) -> None:
    """Parse stored submissions again, through the same task as new pages.

    Choose them by ID, or with --all / --since / --until (by the time they were
    received, UTC) and optionally --source. Only finished (done or failed)
    submissions are reset; queued and processing ones are already on their way.

    \b
    Examples:
      silkfeed reprocess 6c1f0e…                     # one submission
      silkfeed reprocess --since 2025-12-01 --wait   # December's pages, and wait
      silkfeed reprocess --all --source timesca      # everything from one upstream
    """
    from cli.requeue import requeue_command

    selecting = everything or since is not None or until is not None or source is not None
    if ids and selecting:
        raise click.UsageError("name submission IDs, or select with --all/--since/--until/--source")
    if not ids and not selecting:
        raise click.UsageError("name submission IDs or pass --all, --since or --until")
    with requeue_command(
        ids,
        list(REPROCESSABLE),
        lambda sub: f"{sub.id}: already {sub.status}; left alone",
        lambda session: _selected(session, since, until, source),
        name_each=bool(ids),
    ) as (db, result, status):
        if wait and result.reset:
            if result.broker_error:
                fail("not waiting: the tasks were not all sent")
            code = _wait_and_report(db.sessions, result.reset, timeout)
            status = status or code
    sys.exit(status)


def _selected(
    session: Session,
    since: tuple[datetime, bool] | None,
    until: tuple[datetime, bool] | None,
    source: str | None,
) -> list[str]:
    """The finished submissions received in the window (and from the source), oldest first."""
    from sqlalchemy import select

    from shared.models import Submission

    query = select(Submission.id).where(Submission.status.in_(REPROCESSABLE))
    if since is not None:
        query = query.where(Submission.received_at >= since[0])
    if until is not None:
        moment, whole_day = until
        if whole_day:
            query = query.where(Submission.received_at < moment + timedelta(days=1))
        else:
            query = query.where(Submission.received_at <= moment)
    if source is not None:
        query = query.where(Submission.source == source)
    return list(session.scalars(query.order_by(Submission.received_at)))


def _wait_and_report(sessions: sessionmaker[Session], reset: list[str], timeout: float) -> int:
    """Wait for the requeued submissions to finish, say how they ended; the exit status."""
    from sqlalchemy import select

    from cli.common import echo_line, summarize, wait_until_finished
    from shared.models import Submission

    def probe(pending: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        with sessions() as s:
            for start in range(0, len(pending), 500):
                chunk = pending[start : start + 500]
                rows = s.execute(
                    select(Submission.id, Submission.status).where(Submission.id.in_(chunk))
                )
                found.update({row.id: row.status for row in rows})
        return found

    statuses = wait_until_finished(reset, probe, timeout=timeout)
    for sid, st in statuses.items():
        if st == "failed":
            with sessions() as s:
                error = s.get(Submission, sid).error  # type: ignore[union-attr]
            echo_line(f"{sid}: failed: {error}", err=True)
    text, code = summarize(statuses)
    echo_line(text)
    return code
