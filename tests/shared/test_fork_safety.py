"""A forked worker child leaves the database connections it inherited alone."""

from __future__ import annotations

import gc
import os
import sqlite3

from sqlalchemy import text

from shared.celery_app import Resources
from shared.settings import Settings


def _child_status(resources: Resources, inherited: sqlite3.Connection) -> int:
    """Run in the forked child: 0 when the inherited connection is still open and
    the child reads the database through a connection of its own."""
    resources.after_fork()
    gc.collect()
    try:
        inherited.in_transaction  # noqa: B018 - raises once the connection is closed
    except sqlite3.ProgrammingError:
        return 1
    with resources.engine.connect() as conn:
        own = conn.connection.dbapi_connection
        if own is inherited or conn.execute(text("select count(*) from t")).scalar() != 1:
            return 2
    return 0


def test_a_forked_child_never_closes_the_parents_connections(tmp_path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'fork.db'}",
        ingest_tokens="x" * 24,  # type: ignore[arg-type]
    )
    resources = Resources(settings)
    with resources.engine.begin() as conn:
        conn.execute(text("create table t (x integer)"))
        conn.execute(text("insert into t values (1)"))
        inherited = conn.connection.dbapi_connection
    # The connection is back in the pool, open, when the process forks.
    pid = os.fork()
    if pid == 0:  # the child: report and leave without running the parent's cleanup
        code = 3
        try:
            code = _child_status(resources, inherited)
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    # The parent's own connection still works after the child came and went.
    with resources.engine.connect() as conn:
        assert conn.connection.dbapi_connection is inherited
        assert conn.execute(text("select x from t")).scalar() == 1
