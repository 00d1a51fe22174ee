"""One outlet's page in its three forms, and a Russian front page: cut as a person would."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.ingest.parsing import ParsedPage, Quote

MIXED_TITLES = [
    "Uzbekistan Lifts Cotton Quotas for Private Farms",
    "Samarkand hosts Silk Road summit",
    '"We will not return to the old ways," says Kyrgyz economy minister',
    "Is the Aral Sea coming back?",
    "Gas shortages",
]


def assert_mixed_articles(page: ParsedPage) -> None:
    assert [a.title for a in page.articles] == MIXED_TITLES
    cotton, summit, minister, aral, gas = page.articles
    # Title Case, sentence case, a quote, a question and two words, in order.
    assert cotton.authors == ("Aziz Karimov", "Lola Saidova")
    assert cotton.paragraphs == (
        "TASHKENT — Uzbekistan will lift state quotas on cotton for private farms from next "
        "season, the agriculture ministry said on Tuesday.",
        # A paragraph that lost its full stop is no headline.
        "Farmers will be free to sell their crop to any buyer at market prices, officials said",
        "The ministry expects the change to raise incomes in the Fergana and Kashkadarya regions.",
        # The subheading stays inside its story.
        "What changes for farmers",
        "Under the old system, farms had to sell a set share of their crop to state-owned gins "
        "at fixed prices.",
        "Officials said the reform had been agreed with the World Bank.",
    )
    # A dateline line stays in the body.
    assert summit.paragraphs[0] == "Samarkand, March 3"
    assert len(summit.paragraphs) == 3 and summit.authors == ()
    assert minister.authors == ("Bakyt Asanov",)
    assert (
        minister.paragraphs[1] == "He spoke after a meeting with business associations in Bishkek"
    )
    # A question headline after a paragraph without its full stop starts a story.
    assert aral.paragraphs[0].startswith("Scientists say the northern part of the sea")
    assert len(aral.paragraphs) == 2
    assert gas.paragraphs == (
        "ALMATY — Several districts of Almaty were left without gas on Tuesday after a pipeline "
        "failure, the city's emergency department said.",
    )
    assert [a.tags for a in page.articles] == [
        ("uzbekistan",),
        (),
        ("kyrgyzstan",),
        ("kazakhstan",),
        (),
    ]
    assert page.page_date == date(2026, 3, 3)


MIXED_QUOTES = (
    Quote("USD", "UZS", Decimal("12850.00"), "▼0.1%"),
    Quote("EUR", "UZS", Decimal("13912.40"), "(+0.3%)"),
    Quote("RUB", "UZS", Decimal("139.85"), ""),
    Quote("KZT", "UZS", Decimal("24.87"), "-0,2%"),
)


@pytest.mark.parametrize("name", ["outlet-mixed.txt", "outlet-mixed.html"])
def test_a_page_of_mixed_shapes_as_text_and_as_a_front_page(page_fixture, name: str) -> None:
    page = page_fixture(name)
    assert_mixed_articles(page)
    # Two pairs on one line with "=", a change in brackets, none at all, comma decimals.
    assert page.quotes == MIXED_QUOTES
    assert str(page.quotes[0].rate) == "12850.00"
    assert page.diagnostics.warnings == ()


def test_the_front_page_form_keeps_links_and_counts_its_chrome(page_fixture) -> None:
    page = page_fixture("outlet-mixed.html")
    assert [a.url for a in page.articles] == [
        "https://daryo-review.example/2026/03/cotton-quotas",
        "https://daryo-review.example/2026/03/silk-road-summit",
        "https://daryo-review.example/2026/03/kyrgyz-fuel-prices",
        "https://daryo-review.example/2026/03/aral-sea",
        "https://daryo-review.example/2026/03/almaty-gas",
    ]
    kinds = {kind.kind: kind for kind in page.diagnostics.left_out}
    assert kinds["site chrome"].sample == "Uzbekistan Region Economy"
    # The box of other stories under the last one is no story.
    assert kinds["outside the stories"].sample == "More from the region"
    assert kinds["outside the stories"].blocks == 3


def test_the_json_form_gives_the_same_articles(page_fixture) -> None:
    page = page_fixture("outlet-mixed.json")
    assert_mixed_articles(page)
    text = page_fixture("outlet-mixed.txt")
    assert page.articles == text.articles


def test_a_russian_front_page(page_fixture) -> None:
    page = page_fixture("russian-front.html")
    assert [a.title for a in page.articles] == [
        "В Таджикистане запустили второй агрегат Рогунской ГЭС",
        "Граница с Кыргызстаном открыта",
        "Поставки газа из Узбекистана вырастут?",
    ]
    rogun, border, gas = page.articles
    assert rogun.authors == ("Фарход Рахимов",)
    assert rogun.paragraphs[0].startswith("ДУШАНБЕ — Второй гидроагрегат")
    assert (
        rogun.paragraphs[1]
        == "Часть электроэнергии зимой будет поставляться в Узбекистан и Афганистан"
    )
    assert len(rogun.paragraphs) == 3
    assert border.paragraphs[0] == "Исфара, 3 марта"
    assert gas.authors == ("Лола Саидова", "Бахром Каримов")
    # Inflected country names: в Узбекистан, с Кыргызстаном, в Кыргызстане, из Узбекистана.
    assert rogun.tags == ("afghanistan", "tajikistan", "uzbekistan")
    assert border.tags == ("kyrgyzstan",)
    assert gas.tags == ("tajikistan", "uzbekistan")
    assert page.page_date == date(2026, 3, 3)
    assert page.quotes == (
        Quote("USD", "TJS", Decimal("10.95"), "▲0,1%"),
        Quote("RUB", "TJS", Decimal("0.1201"), "(-0,4%)"),
    )
    kinds = {kind.kind: kind for kind in page.diagnostics.left_out}
    # "Read also" and its list of links are no story, and said so.
    assert kinds["headings without text"].sample == "Читайте также"
    assert kinds["outside the stories"].sample == "Казахстан снизит экспортную пошлину на пшеницу"
    assert kinds["site chrome"].sample == "Политика Экономика Общество"
