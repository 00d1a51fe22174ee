"""Other outlets' pages: sentence case, bylines, datelines, subheadings, tickers, dates, Russian."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from services.ingest.parsing import ParsedPage, Quote, parse_page
from services.ingest.parsing.dates import parse_date_line
from services.ingest.parsing.ticker import parse_ticker_line


def parse(text: str) -> ParsedPage:
    return parse_page(text.encode("utf-8"), "text/plain")


def test_sentence_case_page_is_cut_as_a_person_would(page_fixture) -> None:
    page = page_fixture("outlet-sentence-case.txt")
    assert [a.title for a in page.articles] == [
        "Kazakhstan to cut export duty on wheat from April",
        "Tokayev resigns",
        "Will the Caspian pipeline be expanded?",
        "Uzbekistan opens a new metro line in Tashkent",
    ]
    wheat, resigns, pipeline, metro = page.articles
    # Bylines become authors, never a title or a paragraph.
    assert wheat.authors == ("Dana Omarova",)
    assert pipeline.authors == ("Bakyt Asanov",)
    assert resigns.authors == () and metro.authors == ()
    # The dateline stays in the body; the subheading stays inside its story.
    assert wheat.paragraphs[0].startswith("ASTANA — Kazakhstan will cut its export duty")
    assert wheat.paragraphs[2] == "Grain exports"
    assert len(wheat.paragraphs) == 4
    # A headline followed by a dateline line, and a first paragraph without a final stop.
    assert resigns.paragraphs == (
        "Bishkek, March 3",
        "The president's office confirmed the news on Tuesday, officials said",
        "Parliament will meet on Wednesday to discuss the succession.",
    )
    assert pipeline.paragraphs[1] == "“We are ready to invest,” he said."
    assert metro.paragraphs == (
        "Tashkent’s metro gained six stations on Monday, the city administration said.",
    )
    assert page.page_date == date(2026, 3, 3)
    assert page.diagnostics.warnings == ()


def test_a_time_after_by_is_text_not_an_author_nor_a_headline() -> None:
    page = parse(
        "Astana raises the bread subsidy for the winter\n\n"
        "By Monday\n\n"
        "The government will raise the bread subsidy from December, the ministry said.\n\n"
        "By Wednesday\n\n"
        "Bakeries in Almaty and Shymkent will receive the first payments.\n\n"
        "Tokayev signs the budget\n\n"
        "By Dana Omarova\n\n"
        "The president signed next year's budget on Friday, his office said.\n"
    )
    assert [(a.title, a.authors, a.paragraphs) for a in page.articles] == [
        (
            "Astana raises the bread subsidy for the winter",
            (),
            (
                "By Monday",
                "The government will raise the bread subsidy from December, the ministry said.",
                "By Wednesday",
                "Bakeries in Almaty and Shymkent will receive the first payments.",
            ),
        ),
        (
            "Tokayev signs the budget",
            ("Dana Omarova",),
            ("The president signed next year's budget on Friday, his office said.",),
        ),
    ]


def test_ticker_shapes_are_stored_as_published(page_fixture) -> None:
    page = page_fixture("outlet-sentence-case.txt")
    assert page.quotes == (
        Quote("USD", "KZT", Decimal("512.30"), "0.2%"),
        Quote("EUR", "KZT", Decimal("548.10"), "▲0.4%"),
        Quote("RUB", "KZT", Decimal("5.61"), "(-0.3%)"),
        Quote("USD", "UZS", Decimal("12850.00"), ""),
        Quote("KGS", "USD", Decimal("0.0125"), "-0%"),
    )
    # The published scale is kept: "512.30" stays two places, "0,0125" four.
    assert str(page.quotes[0].rate) == "512.30"
    assert str(page.quotes[4].rate) == "0.0125"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("USD/KZT 512.30 0.2%", [("USD/KZT", "512.30", "0.2%")]),
        ("USD/KZT = 512.30 -0.2%", [("USD/KZT", "512.30", "-0.2%")]),
        ("USD/KZT 512.30 +0.2%", [("USD/KZT", "512.30", "+0.2%")]),
        ("USD/KZT 512.30 ▼0.2%", [("USD/KZT", "512.30", "▼0.2%")]),
        ("USD/KZT 512.30 (+0.2%)", [("USD/KZT", "512.30", "(+0.2%)")]),
        ("USD/KZT 512.30", [("USD/KZT", "512.30", "")]),
        ("KGS/USD 0,0125 0%", [("KGS/USD", "0.0125", "0%")]),
        (
            "USD/KZT 512.30 0.2% EUR/KZT 548.10 -0.1%",
            [("USD/KZT", "512.30", "0.2%"), ("EUR/KZT", "548.10", "-0.1%")],
        ),
    ],
)
def test_ticker_line_shapes(line: str, expected: list[tuple[str, str, str]]) -> None:
    quotes = parse_ticker_line(line)
    assert quotes is not None
    assert [(q.pair, str(q.rate), q.change) for q in quotes] == expected


def test_a_ticker_line_not_understood_is_a_warning() -> None:
    page = parse(
        "USD/KZT 512.30 0.2%\nUSD/KZT five hundred UP\n\n"
        "Kazakhstan Cuts Export Duty on Wheat\n\nThe ministry said so on Monday.\n"
    )
    assert [q.pair for q in page.quotes] == ["USD/KZT"]
    assert page.diagnostics.warnings == ("ticker line not understood: 'USD/KZT five hundred UP'",)
    assert [a.title for a in page.articles] == ["Kazakhstan Cuts Export Duty on Wheat"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("3 March 2026", date(2026, 3, 3)),
        ("March 3, 2026", date(2026, 3, 3)),
        ("03.03.2026", date(2026, 3, 3)),
        ("2026-03-03", date(2026, 3, 3)),
        ("Updated: 3 March 2026", date(2026, 3, 3)),
        ("Tuesday, 3 March 2026", date(2026, 3, 3)),
        ("Tue, March 3, 2026, 10:45", date(2026, 3, 3)),
        ("15 декабря 2025", date(2025, 12, 15)),
        ("Понедельник, 15 декабря 2025 г.", date(2025, 12, 15)),
        ("Обновлено: 1 мая 2026", date(2026, 5, 1)),
    ],
)
def test_date_shapes(line: str, expected: date) -> None:
    assert parse_date_line(line) == expected


def test_left_out_text_and_missing_headlines_are_reported() -> None:
    page = parse("Read the latest news below.\n\nJust a sentence without a story.\n")
    assert page.articles == ()
    assert page.diagnostics.warnings == ("no headline found",)
    (kind,) = page.diagnostics.left_out
    assert (kind.kind, kind.blocks) == ("before the first headline", 2)
    assert kind.chars == len("Read the latest news below.") + len(
        "Just a sentence without a story."
    )
    assert kind.sample == "Read the latest news below."


def test_russian_text_page(page_fixture) -> None:
    page = page_fixture("russian.txt")
    assert page.page_date == date(2025, 12, 15)
    assert page.quotes == (Quote("USD", "KZT", Decimal("512.30"), "+0,2%"),)
    assert [a.title for a in page.articles] == [
        "Казахстан снизит экспортную пошлину на пшеницу",
        "Президент Узбекистана посетит Бишкек",
    ]
    duty, visit = page.articles
    assert duty.authors == ("Дана Омарова",)
    assert duty.paragraphs[0].startswith("АСТАНА — Правительство Казахстана")
    assert len(duty.paragraphs) == 2
    assert visit.paragraphs[0] == "Ташкент, 15 декабря"
    assert len(visit.paragraphs) == 3
    # Inflected country names: Казахстана, в Узбекистан, в Кыргызстане, из Китая.
    assert duty.tags == ("kazakhstan", "uzbekistan")
    assert visit.tags == ("china", "kyrgyzstan", "uzbekistan")


def test_russian_html_article_page(page_fixture) -> None:
    page = page_fixture("russian.html")
    (article,) = page.articles
    assert article.title == "В Таджикистане открыли новую ГЭС"
    assert article.authors == ("Фарход Рахимов",)
    assert article.url == "https://example.tj/news/ges-2025"
    tz = timezone(timedelta(hours=5))
    assert article.published == datetime(2025, 12, 15, 9, 30, tzinfo=tz)
    assert article.modified == datetime(2025, 12, 15, 11, 0, tzinfo=tz)
    assert article.published.astimezone(UTC).hour == 4
    assert article.paragraphs == (
        "ДУШАНБЕ — В Таджикистане в понедельник запустили новую гидроэлектростанцию "
        "мощностью 120 мегаватт, сообщило министерство энергетики.",
        "Часть электроэнергии будет экспортироваться в Афганистан и Узбекистан, "
        "говорится в сообщении министерства.",
        "Планы на зиму",
        "По словам министра, новая станция позволит избежать ограничений подачи "
        "электроэнергии зимой.",
    )
    assert article.tags == ("afghanistan", "tajikistan", "uzbekistan")
    kinds = {kind.kind: kind for kind in page.diagnostics.left_out}
    # The menu, the related box and the footer are outside; the share buttons inside.
    assert kinds["outside the article"].blocks >= 3
    assert kinds["boilerplate"].sample == "Поделиться Telegram"


def test_json_ld_article_gives_headline_author_times_and_link() -> None:
    html = b"""<!doctype html><html><head>
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "WebPage", "name": "Site"},
 {"@type": "NewsArticle", "headline": "Uzbekistan Lifts Cotton Quotas",
  "author": [{"@type": "Person", "name": "Aziz Karimov"}, {"@type": "Person", "name": "Lola Saidova"}],
  "datePublished": "2026-03-03T08:00:00Z", "dateModified": "2026-03-03T10:15:00Z",
  "url": "https://example.uz/cotton"}]}</script>
</head><body><div class="menu"><a href="/">Home</a> <a href="/x">World</a></div>
<div class="story"><h1>Uzbekistan lifts cotton quotas (updated)</h1>
<p>Uzbekistan has lifted the last state quotas on cotton, the agriculture ministry said on Tuesday.</p>
<p>Farmers may now sell to any buyer at market prices, the ministry said.</p></div>
</body></html>"""
    page = parse_page(html, "text/html")
    (article,) = page.articles
    assert article.title == "Uzbekistan Lifts Cotton Quotas"
    assert article.authors == ("Aziz Karimov", "Lola Saidova")
    assert article.url == "https://example.uz/cotton"
    assert article.published == datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    assert article.modified == datetime(2026, 3, 3, 10, 15, tzinfo=UTC)
    assert article.paragraphs == (
        "Uzbekistan has lifted the last state quotas on cotton, the agriculture ministry "
        "said on Tuesday.",
        "Farmers may now sell to any buyer at market prices, the ministry said.",
    )
    assert page.page_date == date(2026, 3, 3)


def test_russian_json_page_with_a_byline_paragraph() -> None:
    document = {
        "page_date": "2025-12-15",
        "articles": [
            {
                "title": "Туркменистан увеличит поставки газа в Китай",
                "body": "Автор: Мерген Атаев\n\nАШХАБАД — Поставки газа из Туркменистана в Китай "
                "вырастут в следующем году.\n\nОб этом сообщили в Ашхабаде.",
                "modified": "2025-12-15T12:00:00+05:00",
            },
            {
                "title": "Узбекистан и Казахстан подписали соглашение",
                "paragraphs": ["Соглашение подписали в Ташкенте."],
                "authors": ["Лола Саидова"],
            },
        ],
    }
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    page = parse_page(body, "application/json")
    gas, deal = page.articles
    assert gas.authors == ("Мерген Атаев",)
    assert gas.paragraphs == (
        "АШХАБАД — Поставки газа из Туркменистана в Китай вырастут в следующем году.",
        "Об этом сообщили в Ашхабаде.",
    )
    assert gas.modified == datetime(2025, 12, 15, 7, 0, tzinfo=UTC)
    assert gas.tags == ("china", "turkmenistan")
    assert deal.authors == ("Лола Саидова",)
    assert deal.tags == ("kazakhstan", "uzbekistan")
