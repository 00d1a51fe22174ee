"""Plain-text pages as outlets copy them: the page's name above the stories, captions,
"read also" links, prompts and notices between and after them, labelled tickers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.ingest.parsing import Quote, parse_page
from services.ingest.parsing.chrome_lines import KIND, is_chrome_line
from services.ingest.parsing.dates import parse_date_line
from services.ingest.parsing.ticker import parse_ticker_line


def test_an_english_page_with_its_chrome_left_out(page_fixture) -> None:
    page = page_fixture("outlet-chrome.txt")
    assert [a.title for a in page.articles] == [
        "Kyrgyzstan and Uzbekistan sign water-sharing deal",
        "Bread prices rise again",
    ]
    deal, bread = page.articles
    assert deal.authors == ("Aibek Toktosunov",)
    # The caption between two paragraphs is neither a paragraph nor a headline.
    assert len(deal.paragraphs) == 3
    assert deal.paragraphs[1].startswith("The deal sets out")
    assert deal.tags == ("kyrgyzstan", "uzbekistan")
    # A paragraph without its full stop stays in its story.
    assert bread.paragraphs == (
        "Bread prices in Bishkek rose by 4% in November, the statistics committee said on Monday.",
        "The increase follows a poor harvest in the north of the country",
        "Analysts expect bread prices to rise further in the spring.",
    )
    # A dateline-shaped date line with its place is the page's date.
    assert page.page_date == date(2026, 12, 2)
    # Changes as amounts with a sign, "|" between the pairs: stored as published.
    assert page.quotes == (
        Quote("USD", "KGS", Decimal("87.45"), "▲0.10"),
        Quote("EUR", "KGS", Decimal("92.10"), "▼0.05"),
        Quote("RUB", "KGS", Decimal("0.95"), "0%"),
    )
    kinds = {kind.kind: kind for kind in page.diagnostics.left_out}
    assert kinds[KIND].blocks == 6
    assert kinds[KIND].sample == "Photo: The Kambarata dam in winter. (Kabar Review)"
    assert kinds["before the first headline"].sample == "Kabar Review"
    assert page.diagnostics.warnings == ()


def test_a_russian_page_with_its_chrome_left_out(page_fixture) -> None:
    page = page_fixture("russian-chrome.txt")
    assert [a.title for a in page.articles] == [
        "Жапаров назначил нового министра финансов",
        "В Бишкеке выпал первый снег",
    ]
    minister, snow = page.articles
    assert minister.authors == ("Айгуль Асанова",)
    assert len(minister.paragraphs) == 2 and minister.tags == ("kyrgyzstan",)
    # Reported speech without its full stop is the story's first paragraph, not a headline.
    assert snow.paragraphs[0] == (
        "Первый снег выпал в Бишкеке в ночь на среду, сообщает Кыргызгидромет"
    )
    assert len(snow.paragraphs) == 2
    # A labelled ticker line with comma decimals and bracketed changes.
    assert page.quotes == (
        Quote("USD", "KGS", Decimal("87.45"), "(+0,2%)"),
        Quote("EUR", "KGS", Decimal("92.10"), "(-0,1%)"),
        Quote("RUB", "KGS", Decimal("0.95"), ""),
    )
    kinds = {kind.kind: kind for kind in page.diagnostics.left_out}
    assert kinds[KIND].blocks == 4
    assert kinds[KIND].sample == "Фото: пресс-служба президента"
    # The site's name above the first story starts nothing.
    assert kinds["before the first headline"].sample == "24-review.kg"
    assert page.diagnostics.warnings == ()


@pytest.mark.parametrize(
    "line",
    [
        "Photo: Reuters",
        "Photo by Dana Omarova",
        "Фото: пресс-служба Акорды",
        "Read also: Tenge weakens",
        "Read more",
        "Related",
        "Читайте также: Курс тенге укрепился",
        "Share this article",
        "Share on Facebook",
        "Subscribe to our Telegram channel",
        "Подписывайтесь на наш канал",
        "Advertisement",
        "© 2026 Kabar",
        "Copyright 2026 Times of Central Asia",
        "Все права защищены",
    ],
)
def test_chrome_lines(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Share prices in Almaty fell on Monday.",
        "Shares of Kazakhmys rose 5%.",
        "Copyright law is changing in Kazakhstan.",
        "Related talks will continue in Astana next week.",
        "Subscribers of Beeline complained about outages.",
        "Photographers gathered outside the parliament.",
        "Advertisement revenue fell by a third.",
        "Фотовыставка открылась в Бишкеке.",
    ],
)
def test_prose_is_no_chrome(line: str) -> None:
    assert not is_chrome_line(line)


@pytest.mark.parametrize(
    ("line", "quotes"),
    [
        ("Exchange rates: USD/UZS = 12 050,00 (+15,00)", [("USD", "UZS", "12050.00", "(+15,00)")]),
        ("Курс валют НБ РК: USD/KZT 512.30 -1.20", [("USD", "KZT", "512.30", "-1.20")]),
        ("USD/KZT 512.30 ▲ 0.4%", [("USD", "KZT", "512.30", "▲ 0.4%")]),
    ],
)
def test_ticker_lines_with_labels_and_amounts(line: str, quotes: list[tuple[str, ...]]) -> None:
    found = parse_ticker_line(line)
    assert found is not None
    assert [(q.base, q.quote, str(q.rate), q.change) for q in found] == quotes


@pytest.mark.parametrize(
    "line",
    ["USD/KZT 512.30 - 5 points, analysts say", "The tenge: USD/KZT fell sharply on Monday"],
)
def test_prose_naming_pairs_is_no_ticker_line(line: str) -> None:
    assert parse_ticker_line(line) is None


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("Bishkek, 2 December 2026", date(2026, 12, 2)),
        ("АСТАНА, 2 декабря 2026 года", date(2026, 12, 2)),
        ("Wednesday, December 2, 2026 | 14:05", date(2026, 12, 2)),
        ("Nur-Sultan, 3 March 2026", date(2026, 3, 3)),
    ],
)
def test_date_lines_with_a_place_or_a_time(line: str, day: date) -> None:
    # A place or the page's name before the date only at the head of the page.
    assert parse_date_line(line, page_head=True) == day


@pytest.mark.parametrize(
    "line",
    [
        "Bishkek, 2 December 2026",
        "Astana Investment Forum - March 3, 2026",
        "Voting day — 3 March 2026",
    ],
)
def test_under_a_headline_a_place_and_date_is_no_page_date(line: str) -> None:
    assert parse_date_line(line) is None


REVIEWED = """Kazakhstan Raises Wheat Export Duty Amid Poor Harvest

The government raised the export duty on wheat by a fifth on Monday.
Sources: three officials familiar with the talks confirmed the plan to Reuters.
Farmers protested in Kostanay.

Video: Floods Hit Southern Kazakhstan Villages

Heavy rains flooded twelve villages in the Turkestan region overnight.

Kazakhstan wheat exporters brace for lower prices
ASTANA, 3 March 2026

Kazakhstan wheat exporters expect prices to fall by a tenth this spring.

Россия готовит новые ограничения на импорт, пишет Bloomberg

Правительство России рассматривает ограничения на импорт зерна из Казахстана.
По словам министра, все права защищены законом, и работодатели обязаны их соблюдать.
"""


def test_headlines_and_prose_that_resemble_chrome_stay() -> None:
    page = parse_page(REVIEWED.encode(), "text/plain")
    assert [a.title for a in page.articles] == [
        "Kazakhstan Raises Wheat Export Duty Amid Poor Harvest",
        "Video: Floods Hit Southern Kazakhstan Villages",
        "Kazakhstan wheat exporters brace for lower prices",
        "Россия готовит новые ограничения на импорт, пишет Bloomberg",
    ]
    duty, _, wheat, imports = page.articles
    assert len(duty.paragraphs) == 3  # "Sources: three officials …" is a sentence
    assert wheat.paragraphs[0] == "ASTANA, 3 March 2026"  # a dateline stays in the body
    assert page.page_date is None
    assert len(imports.paragraphs) == 2


def test_long_lines_of_their_own_are_not_joined() -> None:
    items = "\n".join(
        f"- Item {i} of the new code applies to every business with turnover above the threshold"
        for i in range(4)
    )
    text = f"Kyrgyz parliament backs new tax code\nDeputies voted 78 to 4 in favour.\n{items}\n"
    page = parse_page(text.encode(), "text/plain")
    assert len(page.articles[0].paragraphs) == 5


def test_cyrillic_tagging_stays_linear_on_a_hostile_word() -> None:
    import time

    text = ("Новости Казахстана сегодня\n\nВ я" + "казакстан" * 20000 + " сказали.\n").encode()
    started = time.process_time()
    parse_page(text, "text/plain")
    assert time.process_time() - started < 2.0


LIVE_PAGE = """CENTRAL ASIA DAILY — 3 March 2026

14:05 Uzbekistan opens new border crossing with Kyrgyzstan
The crossing near Osh will handle up to 5,000 people a day.

13:40 Turkmen gas talks resume in Ashgabat
Delegations from China and Turkmenistan met for a second day.
At 9:30 the talks were adjourned until Wednesday.
"""


def test_a_live_page_names_its_stories_without_their_times() -> None:
    page = parse_page(LIVE_PAGE.encode(), "text/plain")
    # The page's name and date on one line: the date is the page's.
    assert page.page_date == date(2026, 3, 3)
    assert [a.title for a in page.articles] == [
        "Uzbekistan opens new border crossing with Kyrgyzstan",
        "Turkmen gas talks resume in Ashgabat",
    ]
    assert page.articles[1].paragraphs[1] == "At 9:30 the talks were adjourned until Wednesday."
    assert page.diagnostics.left_out == ()


def test_a_hard_wrapped_digest_with_numbered_headlines(page_fixture) -> None:
    page = page_fixture("digest-wrapped.txt")
    assert [a.title for a in page.articles] == [
        "Kazakhstan to build second nuclear plant",
        "Kyrgyz parliament backs new tax code",
        "Tajikistan and China agree road deal",
    ]
    plant, tax, road = page.articles
    # Lines wrapped at a fixed width are one paragraph again.
    assert plant.paragraphs == (
        "The government approved plans for a second nuclear power plant near Lake Balkhash, "
        "the energy ministry said on Monday. Construction is due to start in 2028.",
    )
    # A list's items stay in their story, and the next story starts after the last one.
    assert tax.paragraphs[1:] == (
        "Key changes:",
        "- VAT falls from 12% to 10%",
        "- small firms pay a flat 4% turnover tax",
        "- the new code takes effect in July",
    )
    assert road.tags == ("china", "tajikistan")


def test_a_page_of_one_paragraph_per_line_is_not_rewrapped() -> None:
    # Short unfinished lines, one paragraph each: no fixed width, nothing joined.
    text = (
        "Kazakhstan raises fuel prices\n"
        "Fuel prices will rise by 5% from April, officials said\n"
        "Drivers protested in Almaty on Saturday and Sunday\n"
        "The ministry said prices had been frozen for two years\n"
    )
    page = parse_page(text.encode(), "text/plain")
    assert len(page.articles) == 1
    assert len(page.articles[0].paragraphs) == 3


def test_a_title_case_line_under_an_unfinished_line_heads_the_next_story(page_fixture) -> None:
    # A page of a paragraph a line, no blank lines: a paragraph that lost its
    # full stop ends there, and the Title Case line under it is a headline (a
    # sentence's names alone, "Drivers protested in Almaty", make none: above).
    page = page_fixture("title-case-after-unfinished-lines.txt")
    assert [(a.title, len(a.paragraphs)) for a in page.articles] == [
        ("Can Central Asia Fix Its Water Problem?", 1),
        ("'We Are Ready to Talk,' Says Turkmen Foreign Minister", 1),
        ("Tajikistan Hikes Electricity Tariffs", 1),
    ]


def test_a_russian_page_signed_at_the_end_of_each_story(page_fixture) -> None:
    page = page_fixture("russian-signed-at-end.txt")
    assert [a.title for a in page.articles] == [
        "Нацбанк Казахстана сохранил базовую ставку",
        "Что будет с ценами на бензин?",
    ]
    rate, petrol = page.articles
    # The byline under the story names its author; the source line is a credit.
    assert rate.authors == ("Ерлан Смагулов",)
    assert len(rate.paragraphs) == 2
    assert len(petrol.paragraphs) == 2 and petrol.authors == ()
    kinds = {kind.kind: kind for kind in page.diagnostics.left_out}
    assert kinds[KIND].blocks == 2  # "Источник: …" and "Теги: …"


WIRE_PAGE = """Asia Review
3 March 2026

BREAKING: Earthquake hits eastern Tajikistan
A magnitude 5.8 earthquake struck the Rasht valley early on Tuesday, the emergencies committee said.
There were no immediate reports of casualties in the valley on Monday night.
Reporting by Farhod Rahimov; Editing by Lola Saidova

UPDATE 2-Tajik somoni steady against dollar
The somoni traded at 10.95 per dollar on Tuesday, unchanged from Monday.
"""


def test_wire_credits_name_the_reporters_and_end_the_story() -> None:
    page = parse_page(WIRE_PAGE.encode(), "text/plain")
    assert [a.title for a in page.articles] == [
        "BREAKING: Earthquake hits eastern Tajikistan",
        # Sharing only the days of the week with the story above is sharing no subject.
        "UPDATE 2-Tajik somoni steady against dollar",
    ]
    quake, somoni = page.articles
    # The editor is no author.
    assert quake.authors == ("Farhod Rahimov",)
    assert len(quake.paragraphs) == 2 and somoni.authors == ()
