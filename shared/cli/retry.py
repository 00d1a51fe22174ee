"""``silkfeed retry``: process failed submissions again.

Each chosen submission is first reset in the database — ``queued``, error
cleared, attempts back to 0 and ``sent_at`` NULL — and committed. That alone is
enough: the row is the outbox, and the ingest API's relay sends every row whose
task was not sent. The command then also sends the tasks itself (claiming each
row as the relay does), so a retry works at once even when no ingest API is
running; if Redis is unreachable it says so and leaves the rows to the relay.
"""

from __future__ import annotations

import sys

import click


@click.command("retry")
@click.argument("ids", nargs=-1)
@click.option("--all-failed", is_flag=True, help="Every submission whose status is failed.")
def retry(ids: tuple[str, ...], all_failed: bool) -> None:
    """Send failed submissions (by ID, or --all-failed) to be processed again."""
    from sqlalchemy import select, update

    from shared.celery_app import create_celery, send
    from shared.contracts import PROCESS_SUBMISSION
    from shared.db import make_engine, make_session_factory, utcnow
    from shared.models import Submission, SubmissionStatus
    from shared.settings import load_settings

    if not ids and not all_failed:
        raise click.UsageError("name submission IDs or pass --all-failed")
    settings = load_settings()
    engine = make_engine(settings.db_url)
    sessions = make_session_factory(engine)
    status = 0
    reset: list[str] = []
    with sessions() as session:
        if all_failed:
            chosen = list(
                session.scalars(
                    select(Submission.id)
                    .where(Submission.status == SubmissionStatus.FAILED)
                    .order_by(Submission.received_at)
                )
            )
        else:
            chosen = []
            for sid in dict.fromkeys(ids):
                sub = session.get(Submission, sid) if len(sid) <= 32 else None
                if sub is None:
                    click.echo(f"{sid}: no such submission", err=True)
                    status = 1
                elif sub.status != SubmissionStatus.FAILED:
                    click.echo(f"{sid}: not failed (it is {sub.status}); left alone")
                else:
                    chosen.append(sid)
        for sid in chosen:
            # Conditional, so a submission that a worker is processing again
            # meanwhile is not reset under it.
            changed = session.execute(
                update(Submission)
                .where(Submission.id == sid, Submission.status == SubmissionStatus.FAILED)
                .values(
                    status=SubmissionStatus.QUEUED,
                    error=None,
                    attempts=0,
                    started_at=None,
                    finished_at=None,
                    sent_at=None,
                )
            ).rowcount  # type: ignore[attr-defined]
            if changed:
                reset.append(sid)
        session.commit()

    sent = 0
    if reset:
        celery = create_celery("silkfeed-cli", settings)
        with sessions() as session:
            for sid in reset:
                now = utcnow()
                claimed = session.execute(
                    update(Submission)
                    .where(Submission.id == sid, Submission.sent_at.is_(None))
                    .values(sent_at=now)
                ).rowcount  # type: ignore[attr-defined]
                session.commit()
                if not claimed:
                    continue  # a running relay sent it first
                try:
                    send(
                        celery,
                        PROCESS_SUBMISSION,
                        {"submission_id": sid},
                        headers={"submission_id": sid},
                        retry=False,
                    )
                except Exception as exc:
                    session.execute(
                        update(Submission)
                        .where(Submission.id == sid, Submission.sent_at == now)
                        .values(sent_at=None)
                    )
                    session.commit()
                    click.echo(
                        f"silkfeed: Redis is unavailable ({exc}); the ingest API's relay "
                        "sends the rest once it is back",
                        err=True,
                    )
                    break
                sent += 1
    engine.dispose()
    for sid in reset:
        click.echo(f"{sid}: queued again")
    click.echo(f"{len(reset)} submission(s) queued again, {sent} sent now")
    sys.exit(status)
