"""websub: intents awaiting verification and verified subscriptions

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 02:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "websub_intents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("topic", sa.String(length=2000), nullable=False),
        sa.Column("topic_key", sa.String(length=255), nullable=False),
        sa.Column("callback", sa.String(length=2000), nullable=False),
        sa.Column("lease_seconds", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=True),
        sa.Column("requested_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_websub_intents")),
    )
    op.create_table(
        "websub_subscriptions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("topic", sa.String(length=2000), nullable=False),
        sa.Column("topic_key", sa.String(length=255), nullable=False),
        sa.Column("callback", sa.String(length=2000), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=True),
        sa.Column("lease_seconds", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("failing_since", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_websub_subscriptions")),
        sa.UniqueConstraint(
            "topic_key", "callback", name=op.f("uq_websub_subscriptions_topic_key_callback")
        ),
    )
    op.create_index(
        "ix_websub_subscriptions_expires_at", "websub_subscriptions", ["expires_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_websub_subscriptions_expires_at", table_name="websub_subscriptions")
    op.drop_table("websub_subscriptions")
    op.drop_table("websub_intents")
