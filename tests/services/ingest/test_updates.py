"""Pages run out of the order they arrived in: a stored article keeps the version of
the newest page received, whichever runs last, alone, in a batch's group or beside
another worker; and the page that brought that version can write it again."""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.ingest.processing import (
    Outcome,
    Prepared,
    prepare,
    process_submission,
    store,
    stored_keys,
)
from shared.db import make_engine, make_session_factory, utcnow
from shared.models import Article, Submission

HEADLINE = "Kyrgyzstan Raises The Price Of Bread In Bishkek"
T0 = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


def page(body: str) -> bytes:
    return f"{HEADLINE}\n\n{body}\n".encode()


def queued(session: Session, body: bytes, received_at: datetime, sid: str | None = None) -> str:
    """A submission as the ingest API stores it, received at ``received_at``."""
    sid = sid or uuid.uuid4().hex
    sha = hashlib.sha256(body).hexdigest()
    session.add(
        Submission(
            id=sid,
            body=body,
            body_sha256=sha,
            media_type="text/plain",
            source="akipress",
            received_at=received_at,
        )
    )
    session.commit()
    return sid


def run(session: Session, sid: str) -> tuple[int, int, int]:
    outcome = process_submission(session, sid)
    assert outcome is not None and outcome.status == "done"
    return outcome.new, outcome.updated, outcome.unchanged


def stored(session: Session) -> Article:
    session.expire_all()
    (article,) = session.scalars(select(Article))
    return article


OLD = "Bread costs 40 som a loaf from Monday, the mayor's office said."
NEW = (
    "Bread costs 45 som a loaf from Monday, the mayor's office said, correcting an earlier figure."
)


def test_an_older_page_run_after_a_newer_one_changes_nothing(session: Session) -> None:
    old = queued(session, page(OLD), T0)
    new = queued(session, page(NEW), T0 + timedelta(milliseconds=23))
    assert run(session, new) == (1, 0, 0)
    before = stored(session)
    kept = (before.paragraphs, before.updated_at, before.last_submission_id)
    assert run(session, old) == (0, 0, 1)
    after = stored(session)
    assert (after.paragraphs, after.updated_at, after.last_submission_id) == kept
    assert after.paragraphs == [NEW]
    sub = session.get(Submission, old)
    assert sub is not None and (sub.new_article_count, sub.updated_article_count) == (0, 0)


def test_a_newer_page_run_after_an_older_one_updates(session: Session) -> None:
    old = queued(session, page(OLD + " Flour comes from Kazakhstan."), T0)
    new = queued(session, page(NEW + " Flour comes from Russia."), T0 + timedelta(seconds=1))
    assert run(session, old) == (1, 0, 0)
    outcome = process_submission(session, new)
    assert outcome is not None and (outcome.new, outcome.updated) == (0, 1)
    assert {"tag:kazakhstan", "tag:russia", "articles"} <= outcome.feeds
    article = stored(session)
    assert article.paragraphs == [NEW + " Flour comes from Russia."]
    assert article.last_submission_id == new
    assert [t.tag for t in article.tags] == ["kyrgyzstan", "russia"]


def test_reprocessing_the_older_page_does_not_revert(session: Session) -> None:
    old = queued(session, page(OLD), T0)
    new = queued(session, page(NEW), T0 + timedelta(seconds=1))
    run(session, old)
    run(session, new)
    guid = stored(session).guid
    # The page that brought the article still counts it as new, as its first run did.
    assert run(session, old) == (1, 0, 0)
    article = stored(session)
    assert article.paragraphs == [NEW] and article.guid == guid
    assert article.last_submission_id == new


def test_a_rerun_of_the_newest_page_is_idempotent_and_rewrites_an_older_parse(
    session: Session,
) -> None:
    old = queued(session, page(OLD), T0)
    new = queued(session, page(NEW), T0 + timedelta(seconds=1))
    run(session, old)
    assert run(session, new) == (0, 1, 0)
    first = stored(session)
    rows = (first.paragraphs, first.updated_at, first.content_sha256, first.last_submission_id)
    assert run(session, new) == (0, 1, 0)
    again = stored(session)
    assert (again.paragraphs, again.updated_at, again.content_sha256, again.last_submission_id) == (
        rows
    )
    # As an older parser left it: the newest page, run again, writes its reading.
    session.execute(update(Article).values(paragraphs=["An older parse."], content_sha256="0" * 64))
    session.commit()
    assert run(session, new) == (0, 1, 0)
    assert stored(session).paragraphs == [NEW]


def test_pages_received_at_the_same_instant_go_by_submission_id(session: Session) -> None:
    later_id = queued(session, page(NEW), T0, sid="b" * 32)
    earlier_id = queued(session, page(OLD), T0, sid="a" * 32)
    run(session, later_id)
    assert run(session, earlier_id) == (0, 0, 1)
    assert stored(session).paragraphs == [NEW]


def test_one_page_writes_its_newer_versions_and_keeps_the_newer_stored_ones(
    session: Session,
) -> None:
    """Several stored articles on one page, written in one statement: the one a newer
    page changed is refused, the others are updated."""
    second = "Tajikistan Opens A Bridge Over The Panj"

    def two(bread: str, bridge: str) -> bytes:
        return f"{HEADLINE}\n\n{bread}\n\n{second}\n\n{bridge}\n".encode()

    first = queued(session, two("Bread costs 38 som.", "The bridge opens in May."), T0)
    ours = queued(session, two(OLD, "The bridge opens in June."), T0 + timedelta(seconds=1))
    newer = queued(session, page(NEW), T0 + timedelta(seconds=2))
    assert run(session, first) == (2, 0, 0)
    assert run(session, newer) == (0, 1, 0)
    assert run(session, ours) == (0, 1, 1)
    session.expire_all()
    stored_now = {a.title: a.paragraphs for a in session.scalars(select(Article))}
    assert stored_now == {HEADLINE: [NEW], second: ["The bridge opens in June."]}
    again = queued(
        session, two("Bread costs 47 som.", "The bridge opens in July."), T0 + timedelta(seconds=3)
    )
    assert run(session, again) == (0, 2, 0)


def store_group(session: Session, ids: list[str]) -> list[Outcome]:
    """The pages stored as a batch stores a group: one look-up, one commit."""
    prepared = [prepare(session, sid, counted=True) for sid in ids]
    ready = [p for p in prepared if isinstance(p, Prepared) and p.page is not None]
    keys = stored_keys(session, [(p.sub.source, p.page) for p in ready if p.page is not None])
    outcomes = [store(session, p, commit=False, attempt_at=utcnow(), stored=keys) for p in ready]
    session.commit()
    return outcomes


@pytest.mark.parametrize("newer_first", [True, False], ids=["newer-first", "older-first"])
def test_a_group_keeps_the_newest_version(session: Session, newer_first: bool) -> None:
    old = queued(session, page(OLD), T0)
    new = queued(session, page(NEW), T0 + timedelta(seconds=1))
    counts = [
        (o.new, o.updated, o.unchanged)
        for o in store_group(session, [new, old][:: 1 if newer_first else -1])
    ]
    assert counts == ([(1, 0, 0), (0, 0, 1)] if newer_first else [(1, 0, 0), (0, 1, 0)])
    assert stored(session).paragraphs == [NEW]


def test_a_page_checks_what_another_worker_wrote_since_its_look_up(
    session: Session, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between a page's look-up of its stored articles and its write, another worker
    writes a newer version (ours is then refused) or an older one (ours wins)."""
    from services.ingest import processing

    first = queued(session, page("Bread costs 38 som a loaf."), T0)
    ours_old = queued(session, page(OLD), T0 + timedelta(seconds=1))
    theirs = queued(session, page(NEW), T0 + timedelta(seconds=2))
    between = queued(session, page("Bread costs 44 som a loaf."), T0 + timedelta(seconds=3))
    ours_new = queued(session, page("Bread costs 46 som a loaf."), T0 + timedelta(seconds=4))
    run(session, first)
    real_existing = processing._existing
    engine = make_engine(db_url)
    others = [theirs, between]

    def existing_then_another_worker(
        s: Session, source: str, keys: list[str], known: set[tuple[str, str]] | None
    ) -> dict[str, Article]:
        found = real_existing(s, source, keys, known)
        if s is session:  # not in the other worker's own run
            with make_session_factory(engine)() as other:
                assert run(other, others.pop(0))[1] == 1
        return found

    monkeypatch.setattr(processing, "_existing", existing_then_another_worker)
    try:
        assert run(session, ours_old) == (0, 0, 1)  # theirs (newer) came in between
        assert stored(session).paragraphs == [NEW]
        assert run(session, ours_new) == (0, 1, 0)  # an older one than ours came in between
    finally:
        engine.dispose()
    assert stored(session).paragraphs == ["Bread costs 46 som a loaf."]


def test_an_older_page_waiting_on_a_newer_ones_write_is_refused(
    session: Session, db_url: str
) -> None:
    """The newer page's transaction holds the article's row; the older page's write,
    on another connection, waits for it and is then refused."""
    first = queued(session, page("Bread costs 38 som a loaf."), T0)
    old = queued(session, page(OLD), T0 + timedelta(seconds=1))
    new = queued(session, page(NEW), T0 + timedelta(seconds=2))
    run(session, first)
    ready = prepare(session, new, counted=True)
    assert ready is not None
    outcome = store(session, ready, commit=False, attempt_at=utcnow())
    assert outcome.updated == 1
    engine = make_engine(db_url)
    counts: list[tuple[int, int, int]] = []

    def older_page() -> None:
        with make_session_factory(engine)() as other:
            counts.append(run(other, old))

    worker = threading.Thread(target=older_page)
    worker.start()
    time.sleep(0.5)  # long enough for it to reach the row and wait
    session.commit()
    worker.join(timeout=30)
    engine.dispose()
    assert counts == [(0, 0, 1)]
    assert stored(session).paragraphs == [NEW]
