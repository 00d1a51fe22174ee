"""articles: an article is identified by its source and its headline's key

Two outlets running the same headline (a wire story, "Tokayev resigns") are two
articles: the key was unique across sources, so the second outlet's page
updated the first outlet's entry, which stayed under the first source. Each
key stored is one article of its source already, so no row changes; only the
constraint does.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 21:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_constraint("uq_articles_identity_key", type_="unique")
        batch_op.create_unique_constraint(
            "uq_articles_source_identity_key", ["source", "identity_key"]
        )


def downgrade() -> None:
    # Fails, and changes nothing, when two sources hold an article of the same
    # headline: going back would merge them.
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_constraint("uq_articles_source_identity_key", type_="unique")
        batch_op.create_unique_constraint("uq_articles_identity_key", ["identity_key"])
