"""rate snapshot sources: which submissions delivered each snapshot

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 06:37:21.404873
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_snapshot_sources",
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["rate_snapshots.id"],
            name=op.f("fk_rate_snapshot_sources_snapshot_id_rate_snapshots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "snapshot_id", "submission_id", name=op.f("pk_rate_snapshot_sources")
        ),
    )
    with op.batch_alter_table("rate_snapshot_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rate_snapshot_sources_submission_id"), ["submission_id"], unique=False
        )

    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index("ix_submissions_finished", ["status", "finished_at"], unique=False)
    # Snapshots stored before this table existed came from their first submission.
    op.execute(
        "INSERT INTO rate_snapshot_sources (snapshot_id, submission_id) "
        "SELECT id, submission_id FROM rate_snapshots"
    )


def downgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index("ix_submissions_finished")
    with op.batch_alter_table("rate_snapshot_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_snapshot_sources_submission_id"))

    op.drop_table("rate_snapshot_sources")
