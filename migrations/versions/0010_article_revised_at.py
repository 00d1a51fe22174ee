"""articles: when a version was revised without a later modified time

A feed showed an article's modified time, as its page states it, as the entry's
update time (Atom <updated>, JSON Feed date_modified). A re-post correcting the
text under the same modified time changed the stored article but not that time,
so a reader never saw the correction. The write of such a version now records
when it was stored, and feeds show that instead. No stored row changes: every
article stored so far shows what it showed before.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 23:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "articles", sa.Column("revised_at", shared.db.UTCDateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("revised_at")
