"""``silkfeed retry``: process failed submissions again.

Only submissions whose status is ``failed`` are touched; how they are reset
and sent (and why that is safe alongside the ingest API's outbox relay) is in
``cli.requeue``, which ``silkfeed reprocess`` shares.
"""

from __future__ import annotations

import sys

import click

from cli.common import expected_errors


@click.command("retry")
@click.argument("ids", nargs=-1)
@click.option("--all-failed", is_flag=True, help="Every submission whose status is failed.")
@expected_errors
def retry(ids: tuple[str, ...], all_failed: bool) -> None:
    """Send failed submissions (by ID, or --all-failed) to be processed again.

    \b
    Examples:
      silkfeed retry 6c1f0e…          # one submission
      silkfeed retry --all-failed     # every failed one
    """
    from sqlalchemy import select

    from cli.common import database, echo_line
    from cli.requeue import broker_message, named_submissions, requeue_with_progress
    from shared.models import Submission, SubmissionStatus
    from shared.settings import load_settings

    if not ids and not all_failed:
        raise click.UsageError("name submission IDs or pass --all-failed")
    settings = load_settings()
    status = 0
    with database(settings) as db:
        with db.sessions() as session:
            if all_failed:
                chosen = list(
                    session.scalars(
                        select(Submission.id)
                        .where(Submission.status == SubmissionStatus.FAILED)
                        .order_by(Submission.received_at)
                    )
                )
            else:
                chosen, unknown = named_submissions(
                    session,
                    ids,
                    [SubmissionStatus.FAILED],
                    lambda sub: f"{sub.id}: not failed (it is {sub.status}); left alone",
                )
                status = int(unknown)
        result = requeue_with_progress(settings, db.sessions, chosen, [SubmissionStatus.FAILED])
    if result.broker_error:
        echo_line(f"silkfeed: {broker_message(result.broker_error)}", err=True)
    for sid in result.reset:
        echo_line(f"{sid}: queued again")
    echo_line(f"{len(result.reset)} submission(s) queued again, {result.sent} sent now")
    sys.exit(status)
