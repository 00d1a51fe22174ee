"""Whole pages in the shapes Central Asian outlets publish, read as a person would cut them."""

from __future__ import annotations

from datetime import UTC, datetime

from services.ingest.parsing import ParsedPage, parse_page

from .conftest import PAGES

RECEIVED = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def read(name: str) -> ParsedPage:
    media_type = "application/json" if name.endswith(".json") else "text/html"
    return parse_page((PAGES / name).read_bytes(), media_type, RECEIVED)


def left_out(page: ParsedPage) -> dict[str, str]:
    return {kind.kind: kind.sample for kind in page.diagnostics.left_out}


def test_a_relative_stamp_by_the_headline_dates_the_article() -> None:
    page = read("relative-stamp-by-headline-ru.html")
    (article,) = page.articles
    assert article.title == "Снегопад парализовал движение на трассе Алматы – Бишкек"
    # "вчера 18:05" in the meta list under the <h1>, counted from the receipt.
    assert article.published == datetime(2026, 12, 4, 18, 5, tzinfo=UTC)
    assert article.modified is None
    assert article.authors == ("Айгерим Сарсенова",)
    assert article.url is None
    assert article.language == "ru"
    assert article.tags == ("kazakhstan",)
    assert len(article.paragraphs) == 4
    assert article.paragraphs[0].startswith("Движение на участке республиканской трассы")
    assert article.paragraphs[-1].startswith("Синоптики Казгидромета прогнозируют")
    # The "read also" link, the channel prompt, the comments and the other stories' times.
    kinds = left_out(page)
    assert kinds["links"].startswith("Читайте также:")
    assert kinds["boilerplate"].startswith("Самые свежие новости Казахстана")
    assert "outside the article" in kinds
