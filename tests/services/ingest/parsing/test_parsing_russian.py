"""Russian-language article pages in the shapes the region's outlets publish:
JSON-LD or none at all, a byline block or an "Автор:" line under the text,
"Читайте также" boxes inside the story and related-news boxes around it."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from services.ingest.parsing import Quote

TASHKENT = timezone(timedelta(hours=5))


def test_json_ld_page_with_an_inline_read_also_box(page_fixture) -> None:
    page = page_fixture("russian-jsonld.html")
    (article,) = page.articles
    assert article.title == "Узбекистан и Кыргызстан откроют новый пункт пропуска на границе"
    assert article.authors == ("Нодира Юсупова",)
    assert article.url == "https://asia-news.example/ru/news/2025/12/15/border-crossing"
    assert article.published == datetime(2025, 12, 15, 14, 30, tzinfo=TASHKENT)
    assert article.modified == datetime(2025, 12, 15, 16, 5, tzinfo=TASHKENT)
    assert page.page_date == date(2025, 12, 15)
    assert [p[:40] for p in article.paragraphs] == [
        "ТАШКЕНТ — Узбекистан и Кыргызстан с 1 ян",
        "Через пункт смогут проходить как легковы",
        "В этом году товарооборот между двумя стр",
        "Ранее Казахстан и Кыргызстан договорилис",
    ]
    text = " ".join(article.paragraphs)
    # The caption, the "read also" link, the tags, the share bar and the boxes stay out.
    for furniture in ("Фото:", "Читайте также", "Поделиться", "Новости по теме", "Ташкенте"):
        assert furniture not in text
    assert article.tags == ("kazakhstan", "kyrgyzstan", "uzbekistan")
    # The rates bar groups thousands with a space: 12 050,00 is twelve thousand.
    assert page.quotes == (
        Quote("USD", "UZS", Decimal("12050.00"), "+0,1%"),
        Quote("EUR", "UZS", Decimal("14110.35"), "-0,2%"),
    )


def test_unmarked_table_page_with_the_author_under_the_text(page_fixture) -> None:
    page = page_fixture("russian-unmarked.html")
    (article,) = page.articles
    assert article.title == "В Алматы подорожает проезд в общественном транспорте"
    # "Автор: …" closing the text names the author and is no paragraph.
    assert article.authors == ("Айгуль Сейтказиева",)
    assert page.page_date == date(2025, 12, 15)
    assert len(article.paragraphs) == 4
    assert article.paragraphs[0].startswith("Стоимость проезда в автобусах и метро Алматы")
    assert article.paragraphs[-1] == (
        "Последний раз тариф в Алматы повышали в 2021 году. В Астане проезд подорожал ещё в "
        "октябре."
    )
    text = " ".join(article.paragraphs)
    for furniture in ("Другие новости", "Снегопад", "Комментарии", "Гость", "Курсы валют"):
        assert furniture not in text
    # The rates box's lines, one quote each and no "=", are the page's quotes.
    assert page.quotes == (
        Quote("USD", "KZT", Decimal("512.30"), "+0,2%"),
        Quote("RUB", "KZT", Decimal("5.61"), "0%"),
    )


def test_byline_block_and_a_lead_under_the_headline(page_fixture) -> None:
    page = page_fixture("russian-byline-block.html")
    (article,) = page.articles
    assert article.title == "Таджикистан начнёт экспорт электроэнергии в Афганистан зимой"
    # "Автор:" as a label beside a linked name.
    assert article.authors == ("Фарход Рахимов",)
    assert article.published == datetime(2025, 12, 15, 9, 0, tzinfo=TASHKENT)
    assert page.page_date == date(2025, 12, 15)
    assert article.paragraphs[0].startswith("ДУШАНБЕ — Таджикистан этой зимой")
    # The quote in a <blockquote> is the story's; the inline related link is not.
    assert article.paragraphs[2].startswith("«Мы обеспечим потребности своих граждан")
    assert article.paragraphs[-1].startswith("Эксперты предупреждают")
    assert len(article.paragraphs) == 5
    text = " ".join(article.paragraphs)
    for furniture in ("Рогунская ГЭС", "Теги", "Казахстан увеличил", "Новости региона"):
        assert furniture not in text
    assert article.tags == ("afghanistan", "tajikistan", "uzbekistan")
