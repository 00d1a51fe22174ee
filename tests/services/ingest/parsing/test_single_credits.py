"""A single article's printed credits: its author's line and its photo credits."""

from __future__ import annotations

from datetime import UTC, datetime

from services.ingest.parsing import ParsedPage, parse_page


def parse(html: str) -> ParsedPage:
    return parse_page(html.encode("utf-8"), "text/html")


def test_an_author_line_names_the_author_and_credits_leave_the_text(page_fixture) -> None:
    page = page_fixture("author-line-credits.html")
    (article,) = page.articles
    assert article.authors == ("Farrukh Nazarov",)
    assert article.published == datetime(2026, 12, 3, 11, 20, tzinfo=UTC)
    assert [p.split()[0] for p in article.paragraphs] == ["Tajikistan", "The", "Trade"]
    # The credit in the image's paragraph is counted as a caption (the
    # classed one as the boilerplate its class names).
    assert "captions" in {k.kind for k in page.diagnostics.left_out}


def test_russian_author_and_photo_credit_paragraphs() -> None:
    page = parse(
        '<html><head><meta property="og:type" content="article"></head><body><article>'
        "<h1>В Бишкеке открыли новую школу</h1><p>Автор: Айзада Кутуева</p>"
        "<p>Школа на 1200 мест открылась в жилом массиве Ак-Орго, сообщили в мэрии столицы.</p>"
        "<p>Фото: пресс-служба мэрии Бишкека</p>"
        "<p>Строительство обошлось в 900 миллионов сомов и заняло два года.</p>"
        "</article></body></html>"
    )
    (article,) = page.articles
    assert article.authors == ("Айзада Кутуева",)
    assert len(article.paragraphs) == 2


def test_a_sentence_about_a_photo_stays() -> None:
    page = parse(
        '<html><head><meta property="og:type" content="article"></head><body><article>'
        "<h1>Archive photo resurfaces</h1>"
        "<p>Photo: the picture, taken in 1991 in Almaty, shows the first session of the"
        " new parliament in its old hall on the square.</p>"
        "<p>The archive said it would publish more pictures from the period next year.</p>"
        "</article></body></html>"
    )
    (article,) = page.articles
    assert len(article.paragraphs) == 2
