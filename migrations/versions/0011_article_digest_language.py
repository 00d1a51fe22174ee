"""articles: the language is part of the content digest

An article's digest says whether a re-post changes what readers see, and feeds
state each entry's language; the digest left the language out, so a re-post
that only declared another language (or a first one) changed nothing. The
digest now takes the language as one more step over the rest of the article
(``services.ingest.identity.with_language``): each stored digest is given its
row's language here, the same step copied so that this migration never changes,
and a re-post of an unchanged article still matches what is stored. Rows of
no language keep their digests.

A downgrade cannot take the language out of a digest again. It marks the
digests that hold it instead, in capitals (a digest is written in lower-case
hex, and a capital one still differs from every digest computed below this
revision, so the first re-post there counts once as an update and writes its
own); the upgrade after it writes a marked digest back in lower case rather
than hashing the language in twice. A digest left double-hashed by the
downgrade before it marked them only misses the quick test: a re-post is
compared with the stored row when digests differ (``services.ingest.updates``).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 23:40:00.000000
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 1000
_ARTICLES = sa.table(
    "articles",
    sa.column("id", sa.Integer),
    sa.column("content_sha256", sa.String),
    sa.column("language", sa.String),
)


def _with_language(digest: str, language: str) -> str:
    return hashlib.sha256(f"{digest}\n{language}".encode()).hexdigest()


def upgrade() -> None:
    bind = op.get_bind()
    read = (
        sa.select(_ARTICLES.c.id, _ARTICLES.c.content_sha256, _ARTICLES.c.language)
        .where(_ARTICLES.c.id > sa.bindparam("after"), _ARTICLES.c.language.is_not(None))
        .order_by(_ARTICLES.c.id)
        .limit(_BATCH)
    )
    write = (
        sa.update(_ARTICLES)
        .where(_ARTICLES.c.id == sa.bindparam("b_id"))
        .values(content_sha256=sa.bindparam("b_digest"))
    )
    after = 0
    while rows := bind.execute(read, {"after": after}).all():
        bind.execute(write, [{"b_id": row[0], "b_digest": _upgraded(*row[1:])} for row in rows])
        after = rows[-1][0]


def _upgraded(digest: str, language: str) -> str:
    # Marked by the downgrade: the language is in it already.
    return digest.lower() if digest != digest.lower() else _with_language(digest, language)


def downgrade() -> None:
    # The digest without the language cannot be made again from this one: rows
    # keep theirs, marked, so the first re-post of each article with a language
    # counts as an update (once, writing the digest then computed), and an
    # upgrade again does not hash the language into them twice.
    op.execute(
        sa.update(_ARTICLES)
        .where(_ARTICLES.c.language.is_not(None))
        .values(content_sha256=sa.func.upper(_ARTICLES.c.content_sha256))
    )
