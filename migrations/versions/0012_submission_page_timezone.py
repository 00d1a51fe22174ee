"""submissions: the zone a page's zone-less times are in, when its poster named one

An upstream may post a page with ``?tz=Asia/Almaty``: the zone its times that
name none are in, and the day its "Сегодня" is counted in, where the service's
SILKFEED_PAGE_TIMEZONE is another outlet's. It is kept with the page, so a
reprocess reads it the same. Pages stored before named none (NULL): they are
read in SILKFEED_PAGE_TIMEZONE, as they were.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("submissions", sa.Column("page_timezone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("page_timezone")
