"""rate history: day closes kept by triggers, and a day index on snapshots

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 06:00:00.000000

``rate_day_closes`` holds each pair's last quote of each UTC day. Triggers on
``rate_quotes`` keep it, so it is right whoever writes quotes (the rates
worker, a bulk load, a manual fix): an insert takes the day when it is later
by (observed_at, id); a delete falls back to the day's previous quote. Quotes
are never updated, so there is no update trigger.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# "conflict" is a keyword (ON CONFLICT), so it is always quoted.
# SQLite keeps timestamps as ISO text, which sorts in time order; date(x) is its UTC day.
SQLITE = [
    """
    CREATE TRIGGER rate_day_closes_insert AFTER INSERT ON rate_quotes
    BEGIN
      INSERT INTO rate_day_closes (
        base, quote, day, quote_id, snapshot_id, observed_at, rate, change, "conflict"
      )
      VALUES (NEW.base, NEW.quote, date(NEW.observed_at), NEW.id, NEW.snapshot_id,
              NEW.observed_at, NEW.rate, NEW.change, NEW."conflict")
      ON CONFLICT (base, quote, day) DO UPDATE SET
        quote_id = excluded.quote_id, snapshot_id = excluded.snapshot_id,
        observed_at = excluded.observed_at, rate = excluded.rate,
        change = excluded.change, "conflict" = excluded."conflict"
      WHERE excluded.observed_at > rate_day_closes.observed_at
         OR (excluded.observed_at = rate_day_closes.observed_at
             AND excluded.quote_id > rate_day_closes.quote_id);
    END
    """,
    """
    CREATE TRIGGER rate_day_closes_delete AFTER DELETE ON rate_quotes
    BEGIN
      DELETE FROM rate_day_closes
      WHERE base = OLD.base AND quote = OLD.quote AND day = date(OLD.observed_at)
        AND quote_id = OLD.id;
      INSERT OR IGNORE INTO rate_day_closes (
        base, quote, day, quote_id, snapshot_id, observed_at, rate, change, "conflict"
      )
      SELECT base, quote, date(observed_at), id, snapshot_id, observed_at, rate, change,
             "conflict"
      FROM rate_quotes
      WHERE base = OLD.base AND quote = OLD.quote
        AND observed_at >= date(OLD.observed_at)
        AND observed_at < date(OLD.observed_at, '+1 day')
      ORDER BY observed_at DESC, id DESC
      LIMIT 1;
    END
    """,
]
SQLITE_DAY = "date(observed_at)"

POSTGRESQL = [
    # A close is replaced many times a day. With room left on its page, and no
    # indexed column changing, PostgreSQL rewrites it in place (a HOT update):
    # each pair's days stay together on few pages and the index does not grow.
    "ALTER TABLE rate_day_closes SET (fillfactor = 50)",
    """
    CREATE FUNCTION rate_day_closes_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO rate_day_closes AS c (
        base, quote, day, quote_id, snapshot_id, observed_at, rate, change, "conflict"
      )
      VALUES (NEW.base, NEW.quote, (NEW.observed_at AT TIME ZONE 'UTC')::date, NEW.id,
              NEW.snapshot_id, NEW.observed_at, NEW.rate, NEW.change, NEW."conflict")
      ON CONFLICT (base, quote, day) DO UPDATE SET
        quote_id = EXCLUDED.quote_id, snapshot_id = EXCLUDED.snapshot_id,
        observed_at = EXCLUDED.observed_at, rate = EXCLUDED.rate,
        change = EXCLUDED.change, "conflict" = EXCLUDED."conflict"
      WHERE (EXCLUDED.observed_at, EXCLUDED.quote_id) > (c.observed_at, c.quote_id);
      RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER rate_day_closes_insert AFTER INSERT ON rate_quotes
    FOR EACH ROW EXECUTE FUNCTION rate_day_closes_insert()
    """,
    """
    CREATE FUNCTION rate_day_closes_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      close_day date := (OLD.observed_at AT TIME ZONE 'UTC')::date;
    BEGIN
      DELETE FROM rate_day_closes
      WHERE base = OLD.base AND quote = OLD.quote AND day = close_day AND quote_id = OLD.id;
      INSERT INTO rate_day_closes (
        base, quote, day, quote_id, snapshot_id, observed_at, rate, change, "conflict"
      )
      SELECT base, quote, close_day, id, snapshot_id, observed_at, rate, change, "conflict"
      FROM rate_quotes
      WHERE base = OLD.base AND quote = OLD.quote
        AND observed_at >= close_day::timestamp AT TIME ZONE 'UTC'
        AND observed_at < (close_day + 1)::timestamp AT TIME ZONE 'UTC'
      ORDER BY observed_at DESC, id DESC
      LIMIT 1
      ON CONFLICT DO NOTHING;
      RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER rate_day_closes_delete AFTER DELETE ON rate_quotes
    FOR EACH ROW EXECUTE FUNCTION rate_day_closes_delete()
    """,
]
POSTGRESQL_DAY = "(observed_at AT TIME ZONE 'UTC')::date"

BACKFILL = """
INSERT INTO rate_day_closes (
  base, quote, day, quote_id, snapshot_id, observed_at, rate, change, "conflict"
)
SELECT base, quote, day, id, snapshot_id, observed_at, rate, change, "conflict"
FROM (
  SELECT rate_quotes.*, DAY AS day,
         ROW_NUMBER() OVER (PARTITION BY base, quote, DAY ORDER BY observed_at DESC, id DESC)
           AS newest
  FROM rate_quotes
) ranked
WHERE newest = 1
"""


def upgrade() -> None:
    # (observed_on, observed_at, id) answers "the last snapshot on or before a
    # day" with one seek; it also serves all the single-column index did.
    with op.batch_alter_table("rate_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rate_snapshots_day", ["observed_on", "observed_at", "id"], unique=False
        )
        batch_op.drop_index(batch_op.f("ix_rate_snapshots_observed_on"))

    op.create_table(
        "rate_day_closes",
        sa.Column("base", sa.String(length=3), nullable=False),
        sa.Column("quote", sa.String(length=3), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("observed_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rate", shared.db.ExactDecimal(length=48), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("conflict", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("base", "quote", "day", name=op.f("pk_rate_day_closes")),
        sqlite_with_rowid=False,
    )

    postgresql = op.get_bind().dialect.name == "postgresql"
    # The quotes stored before this revision.
    op.execute(BACKFILL.replace("DAY", POSTGRESQL_DAY if postgresql else SQLITE_DAY))
    for statement in POSTGRESQL if postgresql else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in ("rate_day_closes_insert", "rate_day_closes_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON rate_quotes")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        for name in ("rate_day_closes_insert", "rate_day_closes_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("rate_day_closes")
    with op.batch_alter_table("rate_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rate_snapshots_observed_on"), ["observed_on"], unique=False
        )
        batch_op.drop_index("ix_rate_snapshots_day")
