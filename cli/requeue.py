"""Sending stored submissions through the pipeline again: what ``silkfeed retry``
and ``silkfeed reprocess`` share.

Each chosen submission is first reset — ``queued``, error cleared, attempts
back to 0, ``sent_at`` NULL — with a conditional UPDATE (only from the statuses
the caller allows, so a row a worker is processing meanwhile is not reset
under it), and committed. That alone is enough: the row is the outbox, and the
ingest API's relay sends every row whose task was not sent. The command then
also sends the tasks itself, claiming each row as the relay does, so the work
starts at once even when no ingest API is running. The task is sent by its
contract name (``ingest.process_submission``): the worker runs the same code
as for a new page, and it is idempotent. If Redis is unreachable the rows are
left to the relay and the caller is told.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from shared.celery_app import create_celery, send
from shared.contracts import PROCESS_SUBMISSION
from shared.db import utcnow
from shared.models import Submission, SubmissionStatus
from shared.settings import Settings

if TYPE_CHECKING:
    from cli.common import Database


@dataclass
class Requeued:
    reset: list[str]
    sent: int = 0
    # Why sending stopped early (Redis away); the relay sends the rest.
    broker_error: str | None = None


def reset(session: Session, ids: Iterable[str], from_statuses: Iterable[str]) -> list[str]:
    """Reset each submission still in one of ``from_statuses`` to be processed again; commits."""
    allowed = list(from_statuses)
    done: list[str] = []
    for sid in dict.fromkeys(ids):
        changed = session.execute(
            update(Submission)
            .where(Submission.id == sid, Submission.status.in_(allowed))
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
            done.append(sid)
    session.commit()
    return done


def send_now(
    settings: Settings,
    sessions: sessionmaker[Session],
    ids: list[str],
    on_sent: Callable[[str], None] | None = None,
) -> tuple[int, str | None]:
    """Claim each unsent row and send its task; stops at the first broker failure.

    Returns how many were sent, and the broker error if sending stopped early.
    """
    if not ids:
        return 0, None
    celery = create_celery("silkfeed-cli", settings)
    # Fail fast on a Redis that accepts connections but never answers.
    celery.conf.broker_transport_options = {
        **celery.conf.broker_transport_options,
        "socket_timeout": 5.0,
    }
    sent = 0
    try:
        with sessions() as session:
            for sid in ids:
                now = utcnow()
                claimed = session.execute(
                    update(Submission)
                    .where(Submission.id == sid, Submission.sent_at.is_(None))
                    .values(sent_at=now)
                ).rowcount  # type: ignore[attr-defined]
                session.commit()
                if not claimed:
                    # A running relay sent it first.
                    if on_sent is not None:
                        on_sent(sid)
                    continue
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
                    return sent, str(exc) or type(exc).__name__
                sent += 1
                if on_sent is not None:
                    on_sent(sid)
    finally:
        celery.close()
    return sent, None


def requeue(
    settings: Settings,
    sessions: sessionmaker[Session],
    ids: Iterable[str],
    from_statuses: Iterable[str],
    on_sent: Callable[[str], None] | None = None,
) -> Requeued:
    """Reset the submissions, then send their tasks (see the module's docstring)."""
    with sessions() as session:
        result = Requeued(reset(session, ids, from_statuses))
    result.sent, result.broker_error = send_now(settings, sessions, result.reset, on_sent)
    return result


def named_submissions(
    session: Session,
    ids: Iterable[str],
    allowed: Iterable[str],
    left_alone: Callable[[Submission], str],
) -> tuple[list[str], bool]:
    """The named submissions whose status is one of ``allowed``, each named once.

    Says on stdout/stderr why each other one is skipped (``left_alone`` words it for a
    submission in another status); the flag is true when some id named no submission.
    """
    import click

    wanted = set(allowed)
    chosen: list[str] = []
    unknown = False
    for sid in dict.fromkeys(ids):
        sub = Submission.find(session, sid)
        if sub is None:
            click.echo(f"{sid}: no such submission", err=True)
            unknown = True
        elif sub.status not in wanted:
            click.echo(left_alone(sub))
        else:
            chosen.append(sid)
    return chosen, unknown


def broker_message(error: str) -> str:
    return f"Redis is unavailable ({error}); the ingest API's relay sends the rest once it is back"


def requeue_with_progress(
    settings: Settings,
    sessions: sessionmaker[Session],
    ids: list[str],
    from_statuses: Iterable[str],
) -> Requeued:
    """``requeue``, drawing a progress bar (on stderr) while the tasks are sent."""
    import click

    from cli.common import progress_file

    with click.progressbar(
        length=len(ids), label="sending", file=progress_file(), show_pos=True, hidden=not ids
    ) as bar:
        return requeue(settings, sessions, ids, from_statuses, on_sent=lambda _sid: bar.update(1))


@contextmanager
def requeue_command(
    ids: Iterable[str],
    allowed: list[str],
    left_alone: Callable[[Submission], str],
    select_all: Callable[[Session], list[str]],
    *,
    name_each: bool,
) -> Iterator[tuple[Database, Requeued, int]]:
    """What ``silkfeed retry`` and ``silkfeed reprocess`` both do, from their settings
    to their report.

    The submissions are the named ``ids`` (those in one of the ``allowed`` statuses;
    ``left_alone`` words why another is skipped) or, when none is named, those
    ``select_all`` picks. They are requeued, and the outcome is printed: a broker
    failure, each submission queued again when ``name_each``, and the totals. Yields
    the open database, the result and the exit status so far (1 when an id named no
    submission), for the command to wait on the submissions if it does.
    """
    from cli.common import command_settings, database, echo_line

    ids = list(ids)
    settings = command_settings()
    with database(settings) as db:
        unknown = False
        with db.sessions() as session:
            if ids:
                chosen, unknown = named_submissions(session, ids, allowed, left_alone)
            else:
                chosen = select_all(session)
        result = requeue_with_progress(settings, db.sessions, chosen, allowed)
        if result.broker_error:
            echo_line(f"silkfeed: {broker_message(result.broker_error)}", err=True)
        if name_each:
            for sid in result.reset:
                echo_line(f"{sid}: queued again")
        echo_line(f"{len(result.reset)} submission(s) queued again, {result.sent} sent now")
        yield db, result, int(unknown)
