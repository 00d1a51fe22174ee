"""Processing stored submissions: identity across re-posts and formats, clear
outcomes for hostile pages, and reruns that change nothing."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.ingest.processing import Outcome, process_submission
from services.ingest.updates import feeds_of
from shared.db import make_engine, make_session_factory
from shared.models import Article, Submission
from tests.conftest import FIXTURES, SAMPLE
from tests.support.submissions import process_page

HTML = FIXTURES / "timesca-2025-12-15.html"
JSON_PAGE = FIXTURES / "pages" / "timesca-2025-12-15.json"


def submit(session: Session, body: bytes, media_type: str = "text/plain") -> tuple[str, Outcome]:
    return process_page(session, body, media_type)


def articles(session: Session) -> dict[str, Article]:
    session.expire_all()
    return {a.title: a for a in session.scalars(select(Article))}


def test_html_and_json_versions_of_a_text_page_are_the_same_entries(session: Session) -> None:
    _, first = submit(session, SAMPLE.read_bytes())
    assert (first.new, first.updated) == (6, 0)
    before = {t: (a.guid, a.updated_at) for t, a in articles(session).items()}
    _, as_html = submit(session, HTML.read_bytes(), "text/html")
    assert (as_html.new, as_html.updated, as_html.unchanged) == (0, 0, 6)
    _, as_json = submit(session, JSON_PAGE.read_bytes(), "application/json")
    assert as_json.new == 0
    after = {t: (a.guid, a.updated_at) for t, a in articles(session).items()}
    assert after == before  # same GUIDs, not even `updated` moved


def test_next_days_page_brings_only_its_new_article(session: Session) -> None:
    submit(session, SAMPLE.read_bytes())
    guids = {t: a.guid for t, a in articles(session).items()}
    text = SAMPLE.read_text(encoding="utf-8").replace("15 December 2025", "16 December 2025")
    text += (
        "\nTurkmenistan Opens a New Gas Route to China\n\n"
        "Turkmenistan began pumping gas through a fourth line to China on Tuesday, officials said.\n"
    )
    _, outcome = submit(session, text.encode())
    assert (outcome.new, outcome.unchanged) == (1, 6)
    now = articles(session)
    assert len(now) == 7
    assert all(now[t].guid == g for t, g in guids.items())
    assert (
        now["Turkmenistan Opens a New Gas Route to China"].published_at.date().isoformat()
        == "2025-12-16"
    )


def test_a_changed_body_updates_the_entry_under_the_same_guid(session: Session) -> None:
    submit(session, SAMPLE.read_bytes())
    title = "Two Hydrometric Stations Open On Uzbekistan, Tajikistan Border"
    original = articles(session)[title]
    guid, updated = original.guid, original.updated_at
    changed = SAMPLE.read_text(encoding="utf-8").replace(
        "according to a report by news portal Gazeta.uz.",
        "according to a report by news portal Gazeta.uz, corrected on Tuesday.",
    )
    _, outcome = submit(session, changed.encode())
    assert (outcome.new, outcome.updated, outcome.unchanged) == (0, 1, 5)
    now = articles(session)[title]
    assert now.guid == guid and now.updated_at > updated
    assert "corrected on Tuesday" in now.paragraphs[0]
    assert "tag:uzbekistan" in outcome.feeds and "articles" in outcome.feeds


def test_a_rerun_of_one_submission_leaves_the_same_rows_and_counts(session: Session) -> None:
    sid, first = submit(session, SAMPLE.read_bytes())
    rows = {t: (a.guid, a.updated_at, a.content_sha256) for t, a in articles(session).items()}
    again = process_submission(session, sid)
    assert again is not None
    assert (again.new, again.updated) == (first.new, first.updated)
    assert again.feeds == first.feeds and again.snapshot == first.snapshot
    assert {
        t: (a.guid, a.updated_at, a.content_sha256) for t, a in articles(session).items()
    } == rows
    sub = session.get(Submission, sid)
    assert sub is not None and sub.new_article_count == 6 and sub.status == "done"


@pytest.mark.parametrize(
    ("body", "status", "n_articles", "n_quotes", "error"),
    [
        (b"", "done", 0, 0, None),
        (b"Just a line of text with nothing else.", "done", 0, 0, None),
        (
            b"\xe2\x80\xa2 KGS/USD = 0.01144 0%\n\xe2\x80\xa2 KZT/USD = 0.00192 -0%\n" * 5,
            "done",
            0,
            2,
            None,
        ),
        (b"Headline Of A Strange Page\n\n" + b"word " * 2000 + b".", "done", 1, 0, None),
        (b"\x00\x01\x02\x03binary\xff\xfe", "failed", 0, 0, "cannot parse the page"),
        (b"Bad \xc3\x28 UTF-8 Headline Goes Here\n\nSome text.", "failed", 0, 0, "UTF-8"),
    ],
    ids=["empty", "no-articles", "ticker-only", "long-line", "binary", "invalid-utf8"],
)
def test_hostile_pages_get_a_clear_outcome(
    session: Session, body: bytes, status: str, n_articles: int, n_quotes: int, error: str | None
) -> None:
    sid, outcome = submit(session, body)
    sub = session.get(Submission, sid)
    assert sub is not None and sub.status == status == outcome.status
    assert sub.article_count == n_articles
    assert sub.rate_count == n_quotes
    assert (outcome.snapshot is not None) == (n_quotes > 0)
    if error:
        assert error in (sub.error or "")
    else:
        assert sub.error is None


def test_markup_in_a_text_page_is_text_and_forbidden_characters_go(session: Session) -> None:
    body = (
        "Kazakh Rail <b>Bold</b> Claims Examined\n\n"
        "The report says <script>alert(1)</script> is text here\x0b and\x1f stays\ufffe safe.\n"
    ).encode()
    submit(session, body)
    (article,) = articles(session).values()
    assert article.title == "Kazakh Rail <b>Bold</b> Claims Examined"
    assert "<script>alert(1)</script>" in article.paragraphs[0]
    assert not {"\x0b", "\x1f", "\ufffe"} & set(article.paragraphs[0])
    assert session.scalar(select(func.count()).select_from(Article)) == 1


def test_diagnostics_authors_and_modified_times_are_stored(session: Session) -> None:
    page = (FIXTURES / "pages" / "russian.html").read_bytes()
    sub_id, outcome = submit(session, page, "text/html")
    assert outcome.new == 1
    session.expire_all()
    sub = session.get(Submission, sub_id)
    assert sub is not None and sub.diagnostics is not None
    left = sub.diagnostics["left_out"]
    kinds = {kind["kind"]: kind for kind in left["kinds"]}
    assert kinds["boilerplate"]["sample"] == "Поделиться Telegram"
    assert left["chars"] == sum(kind["chars"] for kind in left["kinds"]) > 0
    assert sub.diagnostics["warnings"] == []
    (article,) = articles(session).values()
    assert article.authors == ["Фарход Рахимов"]
    assert article.url == "https://example.tj/news/ges-2025"
    assert article.modified_at is not None and article.modified_at.isoformat() == (
        "2025-12-15T06:00:00+00:00"
    )
    # Posted again, nothing changes: the same entry, not updated.
    _, again = submit(session, page.replace(b"</body>", b"<!-- again --></body>"), "text/html")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)


def test_relative_story_links_are_resolved_by_the_pages_address_or_dropped(
    session: Session,
) -> None:
    # A front page naming no base of its own: its links are relative to the
    # address its poster gave (?url=); with none, no link is stored, as a feed
    # reader would read a relative one against the feed's own address.
    body = (
        b"<html><body><h2><a href='/news/1'>Kyrgyz Parliament Passes Budget</a></h2>"
        b"<p>The budget passed on its second reading after a long debate.</p>"
        b"<h2><a href='https://other.example/2'>Uzbekistan Reforms Its Tax Code</a></h2>"
        b"<p>The reform lowers the rate of value-added tax from next year.</p></body></html>"
    )
    process_page(session, body, "text/html", page_url="https://news.example/ru/front")
    assert {title: a.url for title, a in articles(session).items()} == {
        "Kyrgyz Parliament Passes Budget": "https://news.example/news/1",
        "Uzbekistan Reforms Its Tax Code": "https://other.example/2",
    }
    # The same stories on another page (the body is unique among submissions).
    process_page(session, body + b"<!-- again -->", "text/html", source="other")
    session.expire_all()
    stored = session.scalars(select(Article).where(Article.source == "other")).all()
    assert {a.title: a.url for a in stored} == {
        "Kyrgyz Parliament Passes Budget": None,
        "Uzbekistan Reforms Its Tax Code": "https://other.example/2",
    }


def test_a_page_without_articles_says_why(session: Session) -> None:
    sub_id, outcome = submit(session, b"Just a sentence.\n\nAnd another one.\n")
    assert outcome.new == 0
    session.expire_all()
    sub = session.get(Submission, sub_id)
    assert sub is not None and sub.status == "done"
    assert sub.diagnostics["warnings"] == ["no headline found"]
    assert sub.diagnostics["left_out"]["blocks"] == 2


def test_articles_stored_by_another_worker_meanwhile_are_re_posts(
    session: Session, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between the one look-up of a page's articles and their one insert, another
    worker stores the same articles: no row twice, and they count as re-posts."""
    from services.ingest import processing

    real_existing = processing._existing
    engine = make_engine(db_url)

    def existing_then_another_worker(
        s: Session, source: str, keys: list[str], stored: set[tuple[str, str]] | None
    ) -> dict[str, Article]:
        found = real_existing(s, source, keys, stored)
        monkeypatch.setattr(processing, "_existing", real_existing)
        with make_session_factory(engine)() as other:
            _, theirs = submit(other, SAMPLE.read_bytes() + b"\n")  # another submission
        assert theirs.new == 6
        return found

    monkeypatch.setattr(processing, "_existing", existing_then_another_worker)
    _, ours = submit(session, SAMPLE.read_bytes())
    engine.dispose()
    assert (ours.new, ours.updated, ours.unchanged) == (0, 0, 6)
    assert session.scalar(select(func.count()).select_from(Article)) == 6
    assert len(articles(session)) == 6


def test_a_headline_twice_on_one_page_is_one_article(session: Session) -> None:
    import json

    doc = json.loads(JSON_PAGE.read_text(encoding="utf-8"))
    first = doc["articles"][0]
    same = dict(first)
    changed = {**first, "paragraphs": [*first["paragraphs"], "A correction at the end."]}
    doc["articles"] = [first, same, doc["articles"][1]]
    _, twice = submit(session, json.dumps(doc).encode(), "application/json")
    assert (twice.new, twice.updated) == (3, 0)  # as stored one at a time
    doc["articles"] = [changed, doc["articles"][2], first]
    _, back = submit(session, json.dumps(doc).encode(), "application/json")
    # The changed body updates it, then the first body (on the same page) again.
    assert (back.new, back.updated, back.unchanged) == (0, 2, 1)
    stored = articles(session)
    assert len(stored) == 2
    assert stored[first["title"]].paragraphs == first["paragraphs"]


def _queued(session: Session, body: bytes, media_type: str = "text/plain") -> str:
    import hashlib
    import uuid

    sid = uuid.uuid4().hex
    sha = hashlib.sha256(body).hexdigest()
    session.add(
        Submission(id=sid, body=body, body_sha256=sha, media_type=media_type, source="timesca")
    )
    session.commit()
    return sid


def _store_group(session: Session, ids: list[str], stored: set[str] | None = None) -> list[Outcome]:
    """The pages stored as a batch stores a group: one look-up, one commit."""
    from services.ingest.processing import Prepared, prepare, store, stored_keys
    from shared.db import utcnow

    prepared = [prepare(session, sid, counted=True) for sid in ids]
    ready = [p for p in prepared if isinstance(p, Prepared) and p.page is not None]
    assert len(ready) == len(ids)
    if stored is None:
        stored = stored_keys(session, [(p.sub.source, p.page) for p in ready if p.page is not None])
    outcomes = [store(session, p, commit=False, attempt_at=utcnow(), stored=stored) for p in ready]
    session.commit()
    return outcomes


def test_a_group_on_one_look_up_counts_as_one_page_at_a_time(session: Session) -> None:
    """An article the group's first page brings is met by the next pages as stored."""
    ids = [
        _queued(session, SAMPLE.read_bytes()),
        _queued(session, SAMPLE.read_bytes() + b"\n"),
        _queued(session, HTML.read_bytes(), "text/html"),
    ]
    outcomes = _store_group(session, ids)
    assert [(o.new, o.updated, o.unchanged) for o in outcomes] == [(6, 0, 0), (0, 0, 6), (0, 0, 6)]
    assert session.scalar(select(func.count()).select_from(Article)) == 6


def test_a_group_meets_articles_stored_since_its_look_up_as_re_posts(session: Session) -> None:
    """Articles another worker stored after the group's look-up: no row twice."""
    ids = [_queued(session, SAMPLE.read_bytes())]
    _, theirs = submit(session, SAMPLE.read_bytes() + b"\n")  # after the look-up below
    assert theirs.new == 6
    (ours,) = _store_group(session, ids, stored=set())  # the look-up found none
    assert (ours.new, ours.updated, ours.unchanged) == (0, 0, 6)
    assert session.scalar(select(func.count()).select_from(Article)) == 6


def test_two_sources_running_the_same_headline_keep_an_article_each(session: Session) -> None:
    """A wire story run by two outlets under the same headline: one entry for each
    outlet, each under its own source with its own text; a re-post by one updates
    its own entry alone."""
    page = "Tokayev resigns\n\nThe president announced his resignation on {day}{by}.\n"
    _, first = process_page(session, page.format(day="Monday", by="").encode(), source="timesca")
    kabar = page.format(day="Monday", by=", Kabar reports").encode()
    _, second = process_page(session, kabar, source="kabar")
    assert (first.new, second.new, second.updated, second.unchanged) == (1, 1, 0, 0)
    later = page.format(day="Tuesday", by=", Kabar reports").encode()
    _, again = process_page(session, later, source="kabar")
    assert (again.new, again.updated) == (0, 1)
    session.expire_all()
    stored = {a.source: (a.title, a.paragraphs) for a in session.scalars(select(Article))}
    assert stored == {
        "timesca": ("Tokayev resigns", ["The president announced his resignation on Monday."]),
        "kabar": (
            "Tokayev resigns",
            ["The president announced his resignation on Tuesday, Kabar reports."],
        ),
    }
    # Only the second outlet's feeds change.
    assert again.feeds == feeds_of("kabar", [])


def _uzbek_page(language: str | None, padding: str = "") -> bytes:
    article: dict[str, object] = {
        "title": "Янги йўл очилди",
        "paragraphs": ["Ўзбекистонда янги темир йўл линияси ишга туширилди."],
        "published": "2026-03-03T08:00:00+00:00",
    }
    if language is not None:
        article["language"] = language
    return (json.dumps({"page_date": "2026-03-03", "articles": [article]}) + padding).encode()


def test_a_re_post_declaring_a_language_updates_the_article(session: Session) -> None:
    # Uzbek's Cyrillic letters tell no language the letters test knows: stored as unknown.
    _, first = submit(session, _uzbek_page(None), "application/json")
    (article,) = articles(session).values()
    assert (first.new, article.language) == (1, None)
    # The same article, its page now declaring its language: feeds state it.
    _, declared = submit(session, _uzbek_page("uz-Cyrl-UZ"), "application/json")
    assert (declared.updated, declared.unchanged) == (1, 0)
    (article,) = articles(session).values()
    assert article.language == "uz"
    # Declared again, it is unchanged.
    _, again = submit(session, _uzbek_page("uz", " "), "application/json")
    assert (again.updated, again.unchanged) == (0, 1)


def test_a_text_page_without_a_date_counts_today_and_yesterday_from_its_receipt(
    session: Session,
) -> None:
    sid, outcome = submit(
        session, (FIXTURES / "pages" / "live-relative-days-undated.txt").read_bytes()
    )
    assert outcome.new == 2
    received = session.get(Submission, sid).received_at
    stored = sorted(articles(session).values(), key=lambda a: a.published_at, reverse=True)
    # "Сегодня, 11:20" (no later than the receipt), then "Вчера, 18:40".
    assert [a.published_at.date() for a in stored] == [
        received.date(),
        received.date() - timedelta(days=1),
    ]
    assert stored[1].published_at.strftime("%H:%M") == "18:40"


def test_a_row_a_read_did_not_see_yet_is_looked_for_again(
    session: Session, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The task of a row whose commit a read lagged finds it on a later look, instead
    of leaving the page queued for ever."""
    from services.ingest import lookup

    body = SAMPLE.read_bytes()
    sid = uuid.uuid4().hex
    engine = make_engine(db_url)
    waits: list[float] = []

    def commit_meanwhile(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:  # the row commits during the second wait
            with make_session_factory(engine)() as other:
                other.add(
                    Submission(
                        id=sid,
                        body=body,
                        body_sha256=hashlib.sha256(body).hexdigest(),
                        media_type="text/plain",
                        source="timesca",
                        status="queued",
                    )
                )
                other.commit()

    monkeypatch.setattr(lookup.time, "sleep", commit_meanwhile)
    outcome = process_submission(session, sid)
    engine.dispose()
    assert waits == list(lookup.MISSING_ROW_WAITS[:2])
    assert outcome is not None and (outcome.status, outcome.new) == ("done", 6)


def test_a_row_that_never_shows_is_given_up_with_a_clear_line(
    session: Session, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from services.ingest import lookup

    waits: list[float] = []
    monkeypatch.setattr(lookup.time, "sleep", waits.append)
    with caplog.at_level("INFO", logger=lookup.log.name):
        assert process_submission(session, "f" * 32) is None
    assert waits == list(lookup.MISSING_ROW_WAITS)
    last = caplog.records[-1]
    assert last.levelname == "ERROR" and "no such row after 5 looks" in last.getMessage()


def _zone_less_page(session: Session, headline: str, **fields: str) -> Submission:
    """A queued page, received at 20:30 UTC, whose one story is dated "Сегодня, 00:40"."""
    body = f"Лента\n\n{headline}\nСегодня, 00:40\n\nСнег выпал ночью.\n".encode()
    sub = Submission(
        id=uuid.uuid4().hex,
        body=body,
        body_sha256=hashlib.sha256(body).hexdigest(),
        media_type="text/plain",
        source="zones",
        status="queued",
        received_at=datetime(2026, 12, 4, 20, 30, tzinfo=UTC),
        **fields,
    )
    session.add(sub)
    session.commit()
    return sub


def test_a_pages_zone_less_times_are_read_in_the_zone_it_is_processed_with(
    session: Session,
) -> None:
    """Received at 20:30 UTC, a UTC+5 outlet's "Сегодня, 00:40" is 00:40 on the
    next day there: 19:40 UTC, not a time still ahead on the day before."""
    sub = _zone_less_page(session, "В Алматы выпал первый снег")
    outcome = process_submission(session, sub.id, zone=ZoneInfo("Asia/Almaty"))
    assert outcome is not None and outcome.new == 1
    (article,) = articles(session).values()
    published = article.published_at.replace(tzinfo=article.published_at.tzinfo or UTC)
    assert published == datetime(2026, 12, 4, 19, 40, tzinfo=UTC)


def test_the_zone_a_page_was_posted_with_wins_over_the_services(session: Session) -> None:
    """``?tz=`` is kept with the page: every reading of it, a reprocess too, is in it."""
    sub = _zone_less_page(session, "В Бишкеке выпал снег", page_timezone="Asia/Bishkek")
    assert process_submission(session, sub.id, zone=ZoneInfo("Europe/Moscow")) is not None
    (article,) = articles(session).values()
    published = article.published_at.replace(tzinfo=article.published_at.tzinfo or UTC)
    # 00:40 on 5 December in Bishkek (UTC+6).
    assert published == datetime(2026, 12, 4, 18, 40, tzinfo=UTC)
