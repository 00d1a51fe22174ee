"""articles: the language each is written in

Feeds stated "en" for every article, Russian ones included; an article now
carries its page's declared language, or the one its letters tell. Articles
stored before are given the language their letters tell (the same test the
text parser makes, copied here so that this migration never changes), so a
feed whose articles are all English keeps stating "en" after the upgrade;
one the test cannot tell stays unknown (NULL).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 21:00:00.000000
"""

import json
import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 1000
_SAMPLE_CHARS = 1000
# Letters are counted in the text's UTF-8 bytes, by C loops over them: a regular
# expression's test of each character costs ten times as much. A Cyrillic letter
# (U+0400-U+04FF) starts with one of these bytes ...
_CYRILLIC_LEADS = (b"\xd0", b"\xd1", b"\xd2", b"\xd3")
# ... and a Latin one is an ASCII letter or starts with 0xC3-0xC9 (U+00C0-U+024F).
_NOT_LATIN = bytes(
    b for b in range(256) if not (65 <= b <= 90 or 97 <= b <= 122 or 0xC3 <= b <= 0xC9)
)
_OTHER_CYRILLIC = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүҺһІіЇїЄєҐґЎўӢӣӮӯҲҳҶҷ]")
_ENGLISH_WORDS = frozenset(
    {
        "the", "and", "of", "to", "in", "is", "on", "for", "that", "with", "said",
        "was", "were", "has", "have", "by", "from", "at", "it", "as", "are",
    }
)  # fmt: skip


def _detect(title: str, paragraphs: list[str]) -> str | None:
    text = "\n".join([title, *paragraphs])[:_SAMPLE_CHARS]
    encoded = text.encode("utf-8", "surrogatepass")  # a lone surrogate is no letter
    cyrillic = sum(map(encoded.count, _CYRILLIC_LEADS))
    latin = len(encoded.translate(None, _NOT_LATIN))
    letters = cyrillic + latin
    if letters < 20:
        return None
    if cyrillic >= 0.8 * letters:
        return "ru" if len(_OTHER_CYRILLIC.findall(text)) * 100 < cyrillic else None
    if latin >= 0.8 * letters:
        words = text.lower().split()
        common = sum(map(_ENGLISH_WORDS.__contains__, words))
        return "en" if len(words) >= 8 and common * 10 >= len(words) else None
    return None


def upgrade() -> None:
    op.add_column("articles", sa.Column("language", sa.String(length=35), nullable=True))
    bind = op.get_bind()
    articles = sa.table(
        "articles",
        sa.column("id", sa.Integer),
        sa.column("title", sa.Text),
        sa.column("paragraphs", sa.Text),
        sa.column("language", sa.String),
    )
    read = (
        sa.select(articles.c.id, articles.c.title, sa.cast(articles.c.paragraphs, sa.Text))
        .where(articles.c.id > sa.bindparam("after"))
        .order_by(articles.c.id)
        .limit(_BATCH)
    )
    write = (
        sa.update(articles)
        .where(articles.c.id == sa.bindparam("b_id"))
        .values(language=sa.bindparam("b_language"))
    )
    after = 0
    while rows := bind.execute(read, {"after": after}).all():
        found = [
            {"b_id": row[0], "b_language": _detect(row[1], json.loads(row[2] or "[]"))}
            for row in rows
        ]
        known = [item for item in found if item["b_language"] is not None]
        if known:
            bind.execute(write, known)
        after = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("language")
