"""``silkfeed``: the command line for people running the stack."""

from __future__ import annotations

import re
import shutil
import sys

import click

from cli.retry import retry
from shared.settings import load_settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """silkfeed: news pages in, RSS/Atom/JSON feeds and rate history out."""


@main.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
def db_upgrade(revision: str) -> None:
    """Apply the migrations (creates the schema on a new database)."""
    from shared.migrate import upgrade

    settings = load_settings()
    upgrade(settings.db_url, revision)
    click.echo(f"database at {_masked(settings.db_url)} is at {revision}")


@main.group()
def stack() -> None:
    """The whole stack on this machine (what `make run`, `make up`, `make down` call)."""


@stack.command("run")
@click.option("--demo/--no-demo", default=True, help="Post the demo page once healthy.")
def stack_run(demo: bool) -> None:
    """Run every service in the foreground until Ctrl-C."""
    from cli import stack as st

    sys.exit(st.run(load_settings(), demo=demo))


@stack.command("up")
@click.option("--timeout", default=90.0, show_default=True, help="Seconds to wait for health.")
def stack_up(timeout: float) -> None:
    """Start the stack in the background; return once every service is healthy."""
    from cli import stack as st

    sys.exit(st.up(load_settings(), timeout))


@stack.command("down")
def stack_down() -> None:
    """Stop the stack `stack up` started from this data directory."""
    from cli import stack as st

    sys.exit(st.down(load_settings()))


@main.command("ensure-tools")
@click.option(
    "--for", "purpose", type=click.Choice(["run", "test", "bench", "compile"]), default="run"
)
def ensure_tools(purpose: str) -> None:
    """Install the system programs a purpose needs (Debian packages, as root)."""
    from cli.system import (
        MissingTool,
        c_headers,
        ensure_program,
        postgres_server_program,
        python_headers,
    )

    wanted = [("redis-server", "redis-server", "the message broker", True)]
    if purpose == "compile":
        # The parser's compiled modules (setup.py); without them it runs as Python.
        # (Debian's gcc only recommends the C library's headers.)
        why = "the parser's compiled modules"
        wanted = [
            ("gcc", "gcc", why, False),
            ("stdio.h", "libc6-dev", why, False),
            ("Python.h", "python3-dev", why, False),
        ]
    if purpose == "test":
        # A private cluster for the database tests when no server answers at the test URL.
        wanted.append(("initdb", "postgresql", "a private PostgreSQL for the tests", False))
    if purpose in ("test", "bench"):
        wanted.append(("docker-compose", "docker-compose", "validating docker-compose.yml", False))
        wanted.append(("chromium", "chromium", "the browser tests", False))
    if purpose == "bench":
        wanted += [
            ("wrk", "wrk", "HTTP benchmarks", True),
            ("nginx", "nginx-light", "the static-file baseline", True),
        ]
    failed = False
    for program, package, why, required in wanted:
        try:
            locate = {
                "postgresql": postgres_server_program,
                "python3-dev": python_headers,
                "libc6-dev": c_headers,
            }.get(package, shutil.which)
            path = ensure_program(program, package, purpose=why, locate=locate)
            click.echo(f"{program}: {path}")
        except MissingTool as exc:
            click.echo(
                f"silkfeed: {exc}"
                + (
                    ""
                    if required
                    else " (the parser runs those modules as plain Python)"
                    if purpose == "compile"
                    else " (those tests are skipped; under CI=true they fail)"
                ),
                err=True,
            )
            failed = failed or required
    sys.exit(1 if failed else 0)


@main.command("config")
def config() -> None:
    """Print the effective settings, secrets masked."""
    from cli.common import command_settings

    settings = command_settings()
    # Left empty, these are worked out from the others: show what is used.
    derived = {
        "public_url": settings.base_url,
        "ingest_public_url": settings.ingest_base_url,
        "namespace": settings.key_prefix.split(":")[1],
    }
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if name in derived and not value:
            value = f"{derived[name]}  (not set; derived)"
        elif name == "ingest_tokens":
            value = ", ".join("****" + t.get_secret_value()[-2:] for t in value) or "(none)"
        elif name == "database_url":
            value = _masked(settings.db_url)
        elif name == "redis_url":
            # redis://user:PASSWORD@host, also in each part of a sentinel:// list.
            value = re.sub(r"(://[^:/@;]*:)[^@;]+@", r"\1****@", value)
            if settings.redis_url != load_settings().redis_url:
                value += "  (the running stack's own Redis: none answered at the one set)"
        click.echo(f"SILKFEED_{name.upper():<20} {value}")


def _masked(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


from cli.serve import serve  # noqa: E402

main.add_command(serve)

main.add_command(retry)

from cli.submit import submit  # noqa: E402

main.add_command(submit)

from cli.status import status  # noqa: E402

main.add_command(status)

from cli.reprocess import reprocess  # noqa: E402

main.add_command(reprocess)

from cli.stats import stats  # noqa: E402

main.add_command(stats)

from cli.parse import parse  # noqa: E402

main.add_command(parse)

from cli.websub import websub  # noqa: E402

main.add_command(websub)

if __name__ == "__main__":
    main()
