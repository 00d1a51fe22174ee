"""`silkfeed stats`: counts from the database, queue depths from Redis."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from shared.celery_app import create_celery, send
from shared.contracts import PROCESS_SUBMISSION, REFRESH_FEEDS, STORE_SNAPSHOT
from shared.db import make_engine, make_session_factory, utcnow
from shared.models import Article, ArticleTag, RateQuote, RateSnapshot, RenderedFeed
from shared.settings import Settings
from tests.cli.conftest import Cli, store


def seed(db_url: str) -> None:
    first = store(db_url, status="done")
    store(db_url, status="done", sent_at=utcnow())
    store(db_url, status="failed", sent_at=utcnow())
    store(db_url, status="queued")
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        now = utcnow()
        for i, tags in enumerate([("kazakhstan", "china"), ("kazakhstan",), ()]):
            session.add(
                Article(
                    guid=f"urn:uuid:{i}",
                    identity_key=f"key-{i}",
                    title=f"Headline {i}",
                    paragraphs=["text"],
                    content_sha256="0" * 64,
                    source="timesca",
                    published_at=now,
                    updated_at=now,
                    first_submission_id=first,
                    last_submission_id=first,
                    tags=[ArticleTag(tag=t) for t in tags],
                )
            )
        for day, rate in ((14, "0.01143"), (15, "0.01144")):
            observed = datetime(2025, 12, day, tzinfo=UTC)
            session.add(
                RateSnapshot(
                    observed_at=observed,
                    observed_on=date(2025, 12, day),
                    digest=f"d{day}",
                    source="timesca",
                    submission_id=first,
                    quotes=[
                        RateQuote(
                            base="KGS",
                            quote="USD",
                            rate=Decimal(rate),
                            change="0%",
                            observed_at=observed,
                        ),
                        RateQuote(
                            base="KZT",
                            quote="USD",
                            rate=Decimal("0.00192"),
                            change="-0%",
                            observed_at=observed,
                        ),
                    ],
                )
            )
        session.add(
            RenderedFeed(
                key="articles.atom",
                content_type="application/atom+xml",
                body=b"<feed/>",
                etag='"x"',
                last_modified=now,
                as_of=now,
                rendered_at=now,
            )
        )
        session.commit()
    engine.dispose()


def test_stats_counts_queues_and_last_snapshot(
    cli: Cli, quiet_namespace: str, settings: Settings, db_url: str
) -> None:
    seed(db_url)
    # Tasks nobody consumes (this namespace has no workers), one with a priority:
    # kombu keeps those in a list of their own, which counts too.
    celery = create_celery(
        "t", settings.model_copy(update={"namespace": quiet_namespace.split(":")[1]})
    )
    for i in range(2):
        send(celery, PROCESS_SUBMISSION, {"submission_id": f"s{i}"})
    send(celery, STORE_SNAPSHOT, {"submission_id": "x"}, priority=5)
    send(celery, REFRESH_FEEDS, {"feeds": [], "requested_at": utcnow().isoformat()})
    celery.close()

    result = cli("stats", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["submissions"] == {
        "queued": 1,
        "processing": 0,
        "done": 2,
        "failed": 1,
        "total": 4,
        "unsent": 2,
    }
    assert (doc["articles"], doc["tags"], doc["snapshots"], doc["quotes"]) == (3, 2, 2, 4)
    assert doc["rendered_feeds"] == 1
    assert doc["queues"] == {"ingest": 2, "rates": 1, "feed": 1, "unacked": 0}
    assert doc["last_snapshot"]["date"] == "2025-12-15"
    assert doc["last_snapshot"]["pairs"] == [
        {"pair": "KGS/USD", "rate": "0.01144", "change": "0%"},
        {"pair": "KZT/USD", "rate": "0.00192", "change": "-0%"},
    ]

    text = cli("stats")
    assert text.exit_code == 0
    assert "submissions     4 (queued 1, processing 0, done 2, failed 1;" in text.stdout
    assert "queues          ingest 2, rates 1, feed 1 waiting; 0 taken by workers" in text.stdout
    assert "last snapshot   2025-12-15" in text.stdout
    assert "KGS/USD       0.01144 0%" in text.stdout


def test_stats_on_an_empty_stack(cli: Cli, quiet_namespace: str) -> None:
    result = cli("stats")
    assert result.exit_code == 0, result.output
    assert "submissions     0 " in result.stdout
    assert "last snapshot   none yet" in result.stdout


def test_stats_without_redis_still_counts_and_says_why(cli: Cli, db_url: str) -> None:
    seed(db_url)
    result = cli("stats", SILKFEED_REDIS_URL="redis://127.0.0.1:9/0")
    assert result.exit_code == 1
    assert "articles        3" in result.stdout
    assert "queues          unavailable" in result.stdout
    assert result.stderr.startswith("silkfeed: Redis is unavailable")
    assert len(result.stderr.strip().splitlines()) == 1


def _stack_runs_on(cli: Cli, url: str) -> None:
    """What `stack run` leaves while it runs on a Redis it started itself."""
    run = Path(cli.env["SILKFEED_DATA_DIR"]) / "run"
    run.mkdir(parents=True, exist_ok=True)
    (run / "redis-url").write_text(url + "\n")


def test_stats_reaches_the_redis_the_stack_started(
    cli: Cli, quiet_namespace: str, settings: Settings, db_url: str
) -> None:
    # Nothing answers at the configured URL, so the stack started a Redis of its
    # own: an operator's command in another shell still reaches it.
    seed(db_url)
    _stack_runs_on(cli, settings.redis_url)
    result = cli("stats", "--json", SILKFEED_REDIS_URL="redis://127.0.0.1:9/0")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["queues"]["ingest"] == 0
    config = cli("config", SILKFEED_REDIS_URL="redis://127.0.0.1:9/0")
    assert "the running stack's own Redis" in config.stdout


def test_stats_ignores_the_file_of_a_stack_that_is_gone(cli: Cli, db_url: str) -> None:
    seed(db_url)
    _stack_runs_on(cli, "redis://127.0.0.1:9/0")  # left by a stack killed outright
    result = cli("stats", "--json")
    assert result.exit_code == 0, result.output
    assert "queues" in json.loads(result.stdout)
