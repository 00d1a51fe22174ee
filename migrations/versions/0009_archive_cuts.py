"""archive pages cut by keys: article_tags get the order they were made in, and archive_cuts

RFC 5005 archive pages were cut by OFFSET over a feed's entries as they are
now, while a stored page is never rendered again: an article leaving a tag
moved every later entry of the tag one place back (one fell between two
pages), and one joining it moved them on (one showed on two). A page's bounds
are now keys, fixed when it is cut (archive_cuts): the article's id, and for a
tag feed the order in which articles joined the tag, which article_tags now
records in an id of its own (the tag's rows so far numbered in article order,
the order the feed shows them in). The tags' archive pages stored so far were
cut by the old positions and are dropped, to be made again on request from the
new cuts; the other feeds' entries never leave them, so their pages stand.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 21:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FK = "fk_article_tags_article_id_articles"


def _article_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name=_FK, ondelete="CASCADE")


def _replace_table(
    columns: list[sa.Column], constraints: list[sa.Constraint], order: list[str]
) -> None:
    """article_tags made again with ``columns``, its rows copied in ``order``.

    On PostgreSQL constraint names are the schema's: the new table's are given
    with "_new" and take their names once the old table is gone (``_rename``).
    """
    op.create_table("article_tags_new", *columns, *constraints)
    old = sa.table("article_tags", sa.column("article_id"), sa.column("tag"), sa.column("id"))
    new = sa.table("article_tags_new", sa.column("article_id"), sa.column("tag"))
    copied = sa.select(old.c.article_id, old.c.tag).order_by(*(old.c[name] for name in order))
    op.execute(sa.insert(new).from_select(["article_id", "tag"], copied))
    op.drop_table("article_tags")
    op.rename_table("article_tags_new", "article_tags")


def _rename(statements: list[str]) -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in statements:
            op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "archive_cuts",
        sa.Column("feed", sa.String(length=255), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("last_key", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("feed", "page", name=op.f("pk_archive_cuts")),
    )
    suffix = "_new" if op.get_bind().dialect.name == "postgresql" else ""
    _replace_table(
        [
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("article_id", sa.Integer(), nullable=False),
            sa.Column("tag", sa.String(length=64), nullable=False),
        ],
        [
            _article_fk(),
            sa.PrimaryKeyConstraint("id", name=f"pk_article_tags{suffix}"),
            sa.UniqueConstraint(
                "article_id", "tag", name=f"uq_article_tags_article_id_tag{suffix}"
            ),
        ],
        ["article_id", "tag"],
    )
    _rename(
        [
            "ALTER TABLE article_tags RENAME CONSTRAINT pk_article_tags_new TO pk_article_tags",
            "ALTER TABLE article_tags RENAME CONSTRAINT uq_article_tags_article_id_tag_new"
            " TO uq_article_tags_article_id_tag",
            "ALTER SEQUENCE article_tags_new_id_seq RENAME TO article_tags_id_seq",
        ]
    )
    op.create_index("ix_article_tags_tag", "article_tags", ["tag", "id"], unique=False)
    op.execute("DELETE FROM rendered_feeds WHERE key LIKE 'tag:%/archive/%'")


def downgrade() -> None:
    suffix = "_new" if op.get_bind().dialect.name == "postgresql" else ""
    _replace_table(
        [
            sa.Column("article_id", sa.Integer(), nullable=False),
            sa.Column("tag", sa.String(length=64), nullable=False),
        ],
        [
            _article_fk(),
            sa.PrimaryKeyConstraint("article_id", "tag", name=f"pk_article_tags{suffix}"),
        ],
        ["id"],
    )
    _rename(["ALTER TABLE article_tags RENAME CONSTRAINT pk_article_tags_new TO pk_article_tags"])
    op.create_index("ix_article_tags_tag", "article_tags", ["tag", "article_id"], unique=False)
    op.drop_table("archive_cuts")
    op.execute("DELETE FROM rendered_feeds WHERE key LIKE 'tag:%/archive/%'")
