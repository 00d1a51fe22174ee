"""rendered feeds: the stored bytes are the row's last column (SQLite)

SQLite keeps a row's columns in order, and a value past a large one is found
by walking the large one's overflow pages: with the document's bytes in the
middle, every look at a document's validators or render time (a render's look
at what is stored, each web process's sweep, once a second) read through all
of them. PostgreSQL keeps large values out of line, so only SQLite is changed.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10 10:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SMALL = ("key", "content_type", "etag", "last_modified", "as_of", "rendered_at")


def _order(columns: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("rendered_feeds", recreate="always", partial_reordering=[columns]):
        pass  # the table is copied in the new order: that is the whole change


def upgrade() -> None:
    _order((*_SMALL, "body"))


def downgrade() -> None:
    _order(("key", "content_type", "body", "etag", "last_modified", "as_of", "rendered_at"))
