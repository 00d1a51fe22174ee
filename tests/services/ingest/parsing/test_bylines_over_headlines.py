"""A byline printed over its story's headline ("Текст: Бакыт Асанов", then
the headline and the story) names that story's authors, as one under the
headline does; the page's name above it is no headline."""

from __future__ import annotations

from datetime import date

from services.ingest.parsing import parse_page


def test_a_byline_over_each_headline_credits_the_story_under_it(page_fixture) -> None:
    page = page_fixture("bylines-over-headlines-ru.txt")
    assert page.page_date == date(2026, 12, 4)
    assert [(a.title, a.authors, len(a.paragraphs)) for a in page.articles] == [
        ("В Бишкеке повысят тарифы на проезд в автобусах", ("Бакыт Асанов",), 2),
        ("В Оше открыли новый роддом на 120 мест", ("Айпери Токтосунова",), 2),
        ("Как живут чабаны на джайлоо зимой", ("Нургуль Маматова",), 1),
    ]
    left = {k.kind: k.sample for k in page.diagnostics.left_out}
    assert left == {"before the first headline": "Вечерний Бишкек"}


def test_a_byline_closing_a_story_still_signs_it() -> None:
    page = parse_page(
        "4 декабря 2026\n\n"
        "В Бишкеке повысят тарифы на проезд\n"
        "С 1 января проезд будет стоить 25 сомов вместо 20, сообщила мэрия.\n"
        "Автор: Бакыт Асанов\n\n"
        "В Оше открыли новый роддом\n"
        "Роддом построен за счет бюджета Турции.\n".encode(),
        "text/plain",
    )
    assert [(a.title, a.authors) for a in page.articles] == [
        ("В Бишкеке повысят тарифы на проезд", ("Бакыт Асанов",)),
        ("В Оше открыли новый роддом", ()),
    ]
