"""``silkfeed retry``: process failed submissions again.

Only submissions whose status is ``failed`` are touched; how they are reset
and sent (and why that is safe alongside the ingest API's outbox relay) is in
``cli.requeue``, which ``silkfeed reprocess`` shares.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from cli.common import expected_errors

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


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

    from cli.requeue import requeue_command
    from shared.models import Submission, SubmissionStatus

    if not ids and not all_failed:
        raise click.UsageError("name submission IDs or pass --all-failed")

    def every_failed(session: Session) -> list[str]:
        return list(
            session.scalars(
                select(Submission.id)
                .where(Submission.status == SubmissionStatus.FAILED)
                .order_by(Submission.received_at)
            )
        )

    # --all-failed takes every failed submission, whatever IDs are named too.
    with requeue_command(
        () if all_failed else ids,
        [SubmissionStatus.FAILED],
        lambda sub: f"{sub.id}: not failed (it is {sub.status}); left alone",
        every_failed,
        name_each=True,
    ) as (_db, _result, status):
        pass
    sys.exit(status)
