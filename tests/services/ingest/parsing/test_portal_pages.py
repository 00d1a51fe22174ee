"""A city portal's news list (a meta line in parts under each headline, buttons,
its forum's new topics) and tickers labelled with when they were taken."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.ingest.parsing import parse_page
from services.ingest.parsing.chrome_lines import is_chrome_line
from services.ingest.parsing.ticker import read_sign_rates, read_ticker_line


def test_a_portals_news_list(page_fixture) -> None:
    page = page_fixture("city-portal-forum-ru.txt")
    assert [a.title for a in page.articles] == [
        "Мост через Иртыш на улице Бажова закроют на ночной ремонт",
        "Жители Ульбинского микрорайона пожаловались на гололёд во дворах",
        "В Усть-Каменогорске выберут лучший проект благоустройства набережной",
    ]
    # "Добавлено: 02.03.2026 в 21:14 | Автор: Редакция | Просмотров: 3 518 | …"
    assert [a.published for a in page.articles] == [
        datetime(2026, 3, 2, 21, 14, tzinfo=UTC),
        datetime(2026, 3, 2, 17, 45, tzinfo=UTC),
        datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
    ]
    # The newsroom ("Редакция") is no author; a person named so is.
    assert [a.authors for a in page.articles] == [(), ("Марина Щербакова",), ()]
    assert [len(a.paragraphs) for a in page.articles] == [2, 1, 2]
    assert page.page_date == date(2026, 3, 2)


@pytest.mark.parametrize(
    "line",
    [
        "[Читать далее →]   [Обсудить на форуме (41)]",
        "Новое на форуме:",
        "Latest on the forum:",
    ],
)
def test_buttons_and_a_forums_label(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize(
    ("line", "pairs", "others"),
    [
        (
            "Курсы НБ РК на 04.03.2026: USD/KZT 511,85 ▲0,40 | EUR/KZT 555,20 ▼1,10 | Brent $71,90",
            ["USD/KZT", "EUR/KZT"],
            ["Brent $71,90"],
        ),
        (
            "MARKETS AT CLOSE: USD/UZS 12,850.40 (+0.05%) | EUR/UZS 13,912.75 (-0.21%) | "
            "Gold $2,918.50/oz",
            ["USD/UZS", "EUR/UZS"],
            ["Gold $2,918.50/oz"],
        ),
        (
            "Sarai Shahzada money market, 9:00 am: USD/AFN 70.45 | EUR/AFN 76.20",
            ["USD/AFN", "EUR/AFN"],
            [],
        ),
    ],
)
def test_tickers_labelled_with_when_they_were_taken(
    line: str, pairs: list[str], others: list[str]
) -> None:
    read = read_ticker_line(line)
    assert read is not None
    quotes, left = read
    assert [q.pair for q in quotes] == pairs
    assert left == others


def test_a_labelled_ticker_on_a_page_gives_its_quotes() -> None:
    page = parse_page(
        (
            b"MARKETS AT CLOSE: USD/UZS 12,850.40 (+0.05%) | EUR/UZS 13,912.75 (-0.21%)\n\n"
            b"Uzbek exports rise\n\nUzbekistan's exports rose 12% in February, officials said.\n"
        ),
        "text/plain",
    )
    assert [(q.pair, str(q.rate)) for q in page.quotes] == [
        ("USD/UZS", "12850.40"),
        ("EUR/UZS", "13912.75"),
    ]


def test_an_apps_shared_digest(page_fixture) -> None:
    page = page_fixture("app-share-digest-ru.txt")
    # "Курсы валют: $ 512,30 ₸ · € 556,10 ₸ · ₽ 5,84 ₸": signs, quoted in tenge.
    assert [(q.pair, str(q.rate)) for q in page.quotes] == [
        ("USD/KZT", "512.30"),
        ("EUR/KZT", "556.10"),
        ("RUB/KZT", "5.84"),
    ]
    assert [a.title for a in page.articles] == [
        "Метро Алматы продлят до микрорайона Калкаман к 2028 году",
        "Казахстанские лыжники завоевали золото на этапе Кубка Азии",
        "Как оформить налоговый вычет на лечение: разбираемся по шагам",
    ]
    texts = [p for a in page.articles for p in a.paragraphs]
    assert not any(p.startswith(("Читать полностью", "Отправлено", "Скачать")) for p in texts)
    assert "1/3" not in texts


@pytest.mark.parametrize(
    "line",
    [
        "1/3",
        "Читать полностью в приложении: https://qazaqdaily.kz/a/58213",
        "Отправлено из приложения Qazaq Daily для Android",
        "Sent from my iPhone",
    ],
)
def test_an_apps_own_lines(line: str) -> None:
    assert is_chrome_line(line)


def test_signs_quoted_in_their_own_currency_are_no_pairs() -> None:
    assert read_sign_rates("$ 512,30 ₸ · € 556,10 ₸") is not None
    assert read_sign_rates("$ 1,00 $ · € 1,10 $") is None  # the dollar in dollars
    assert read_sign_rates("$ 512,30 ₸") is None  # one rate alone
