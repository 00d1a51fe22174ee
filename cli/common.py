"""What the CLI's commands share: one-line errors, the database, Redis, progress.

An expected failure (the database or Redis is away, the ingest API does not
answer, the schema is missing) is one line on stderr and exit status 1; a
traceback is left for bugs.
"""

from __future__ import annotations

import functools
import sys
import time
import urllib.error
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn, ParamSpec, TypeVar

import click

# Imported lazily, so that `silkfeed --help` and `silkfeed serve` start fast.
if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from shared.settings import Settings

P = ParamSpec("P")
R = TypeVar("R")

FINISHED = ("done", "failed")


class CommandError(click.ClickException):
    """An expected failure: printed as ``silkfeed: MESSAGE``, exit status 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"silkfeed: {self.format_message()}", err=True)


def fail(message: str) -> NoReturn:
    raise CommandError(message)


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return f"{type(orig).__name__}: {text[0] if text else ''}".rstrip(": ")


def expected_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn the failures an operator can fix into one line and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        import redis
        from kombu.exceptions import OperationalError as BrokerError
        from sqlalchemy.exc import DBAPIError

        try:
            return func(*args, **kwargs)
        except DBAPIError as exc:
            hint = ""
            if "no such table" in str(exc) or "does not exist" in str(exc):
                hint = " (is the schema there? run `silkfeed db upgrade`)"
            fail(f"database error: {_first_line(exc)}{hint}")
        except (redis.RedisError, BrokerError) as exc:
            fail(f"Redis is unavailable: {_first_line(exc)}")
        except urllib.error.URLError as exc:
            fail(f"cannot reach the ingest API: {exc.reason}")
        except (ConnectionError, TimeoutError) as exc:
            fail(f"connection failed: {_first_line(exc)}")

    return wrapper


def command_settings() -> Settings:
    """The settings an operator's command runs with: the services' own, except that
    while a stack runs on a Redis it started itself (none answered at
    ``SILKFEED_REDIS_URL`` when it started), the command talks to that one."""
    from cli.run_files import private_redis_file
    from cli.system import redis_answers
    from shared.settings import load_settings

    settings = load_settings()
    try:
        url = private_redis_file(settings).read_text().strip()
    except OSError:
        return settings
    # A file left by a stack that was killed outright names a Redis that is gone.
    if not url or not redis_answers(url):
        return settings
    return settings.model_copy(update={"redis_url": url})


class Database:
    """An engine and sessions for one command; disposed when it is done."""

    def __init__(self, settings: Settings) -> None:
        from shared.db import make_engine, make_session_factory

        self.engine: Engine = make_engine(settings.db_url)
        self.sessions: sessionmaker[Session] = make_session_factory(self.engine)

    def close(self) -> None:
        self.engine.dispose()


@contextmanager
def database(settings: Settings) -> Iterator[Database]:
    db = Database(settings)
    try:
        yield db
    finally:
        db.close()


def progress_file() -> Any:
    """Progress bars go to stderr, so stdout stays the command's answer."""
    return sys.stderr


def echo_line(line: str, *, err: bool = False) -> None:
    """Print a result line; on a terminal, first clear a progress bar drawn there."""
    stream = sys.stderr if err else sys.stdout
    if progress_file().isatty() and stream.isatty():
        line = "\r\x1b[K" + line
    click.echo(line, err=err)


def wait_until_finished(
    ids: list[str],
    probe: Callable[[list[str]], dict[str, str]],
    *,
    timeout: float,
    interval: float = 0.5,
    label: str = "processing",
) -> dict[str, str]:
    """Poll ``probe`` (ids → their status) until every id is done or failed.

    Shows a progress bar of finished ids; returns each id's last status (ids
    still unfinished at the timeout keep theirs).
    """
    statuses: dict[str, str] = {}
    pending = list(dict.fromkeys(ids))
    deadline = time.monotonic() + timeout
    with click.progressbar(
        length=len(pending), label=label, file=progress_file(), show_pos=True
    ) as bar:
        while pending:
            answer = probe(pending)
            statuses.update(answer)
            finished = [sid for sid in pending if answer.get(sid) in FINISHED]
            bar.update(len(finished))
            pending = [sid for sid in pending if sid not in finished]
            if not pending or time.monotonic() > deadline:
                break
            time.sleep(interval)
    return statuses


def summarize(statuses: dict[str, str]) -> tuple[str, int]:
    """``"3 done, 1 failed"`` and the exit status: 1 when any failed or did not finish."""
    counts: dict[str, int] = {}
    for status in statuses.values():
        counts[status] = counts.get(status, 0) + 1
    order = ["done", "failed", "processing", "queued"]
    parts = [f"{counts[s]} {s}" for s in order if counts.get(s)]
    parts += [f"{n} {s}" for s, n in sorted(counts.items()) if s not in order]
    unfinished = sum(n for s, n in counts.items() if s not in FINISHED)
    text = ", ".join(parts) or "nothing"
    if unfinished:
        text += " (still unfinished at the timeout)"
    return text, 1 if counts.get("failed") or unfinished else 0

