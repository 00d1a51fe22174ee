"""What stands between a plain-text headline and its story: times, credit lines,
reading times, rules between stories; and Uzbek pages in the Latin alphabet.

Pages in shapes the other tests do not have, cut as a person would."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from services.ingest.parsing import ParsedPage, parse_page
from services.ingest.parsing.bylines import byline_authors, is_dateline
from services.ingest.parsing.chrome_lines import is_chrome_line
from services.ingest.parsing.dates import read_date_line
from services.ingest.parsing.notes import Notes
from services.ingest.parsing.tags import detect_countries
from services.ingest.parsing.text import article_lines, without_symbols
from services.ingest.parsing.ticker import parse_ticker_line


def parse(text: str) -> ParsedPage:
    return parse_page(text.encode("utf-8"), "text/plain")


def test_a_stories_time_under_its_headline_dates_it(page_fixture) -> None:
    page = page_fixture("outlet-story-times.txt")
    assert page.page_date == date(2026, 12, 1)
    assert [a.title for a in page.articles] == [
        "Tokayev: Kazakhstan will not join the sanctions",
        "Kazakhstan raises fuel prices",
        "Uzbek cotton harvest hits record",
        "Tajikistan's Rogun dam fills second turbine",
    ]
    sanctions, fuel, cotton, rogun = page.articles
    # A date and time under the headline: when it was published.
    assert sanctions.published == datetime(2026, 12, 2, 14, 35, tzinfo=UTC)
    assert sanctions.modified is None
    # "Updated: …", under the byline, in a 12-hour clock: when it was updated.
    assert fuel.authors == ("Aliya Nurlanova",)
    assert fuel.published is None
    assert fuel.modified == datetime(2026, 12, 2, 15, 10, tzinfo=UTC)
    # A time alone: on the page's day.
    assert cotton.published == datetime(2026, 12, 1, 9, 5, tzinfo=UTC)
    assert rogun.published is None
    # The rules between stories, the reading time and the view count are no text
    # of theirs; the agency line stays in its story, as a dateline does.
    assert sanctions.paragraphs == (
        "President Kassym-Jomart Tokayev said on Tuesday that Kazakhstan would comply with "
        "its international obligations but would not join unilateral sanctions.",
        "He spoke at a meeting with foreign investors in Astana.",
    )
    assert fuel.paragraphs[-1].startswith("The ministry said the increase")
    assert cotton.paragraphs[0].startswith("Uzbekistan harvested a record")
    assert rogun.paragraphs[0] == "DUSHANBE (Asia-Plus)"
    left = {kind.kind: kind.blocks for kind in page.diagnostics.left_out}
    assert left == {"captions, prompts and notices": 2}


def test_a_date_line_between_stories_dates_neither() -> None:
    page = parse(
        "Parliament backs a new tax code\n"
        "The lower house passed the code in its third reading on Tuesday.\n\n"
        "2 December 2026\n\n"
        "Kyrgyz airline orders three jets\n"
        "Air Manas ordered three narrow-body jets for delivery in 2028.\n"
    )
    assert [a.title for a in page.articles] == [
        "Parliament backs a new tax code",
        "Kyrgyz airline orders three jets",
    ]
    assert [a.published for a in page.articles] == [None, None]


def test_a_front_page_read_block_by_block_dates_its_stories_the_same_way() -> None:
    # The HTML form of a front page is read the plain-text way, a block a line:
    # its stories get the times the text form gives them.
    notes = Notes()
    articles = article_lines(
        [
            "Kazakhstan raises fuel prices",
            "Updated: 2 December 2026 15:10",
            "Prices for AI-92 petrol will rise by 5% from January, the ministry said.",
            "Tajikistan opens a new border crossing",
            "2026-12-02 09:30",
            "The crossing on the Uzbek border will be open around the clock.",
        ],
        notes,
    )
    assert [(a.title, a.published, a.modified) for a in articles] == [
        ("Kazakhstan raises fuel prices", None, datetime(2026, 12, 2, 15, 10, tzinfo=UTC)),
        (
            "Tajikistan opens a new border crossing",
            datetime(2026, 12, 2, 9, 30, tzinfo=UTC),
            None,
        ),
    ]
    assert [len(a.paragraphs) for a in articles] == [1, 1]


@pytest.mark.parametrize(
    ("line", "day", "at", "updated"),
    [
        ("2 December 2026, 14:35", date(2026, 12, 2), (14, 35), False),
        ("Updated: 2 December 2026 3:10 pm", date(2026, 12, 2), (15, 10), True),
        ("Last updated Dec 2, 2026 at 12:05 a.m.", date(2026, 12, 2), (0, 5), True),
        ("Обновлено: 2 декабря 2026, 09:15", date(2026, 12, 2), (9, 15), True),
        ("02.12.2026", date(2026, 12, 2), (0, 0), False),
        # A time no clock shows: the day alone.
        ("2026-12-02 25:10", date(2026, 12, 2), (0, 0), False),
    ],
)
def test_a_date_line_states_its_time_and_whether_it_is_an_update(
    line: str, day: date, at: tuple[int, int], updated: bool
) -> None:
    stated = read_date_line(line)
    assert stated is not None
    assert stated.day == day
    assert stated.at == datetime(day.year, day.month, day.day, *at, tzinfo=UTC)
    assert stated.updated is updated


def test_a_credit_line_under_the_headline_names_the_author(page_fixture) -> None:
    page = page_fixture("outlet-credits.txt")
    assert [a.title for a in page.articles] == [
        "Parliament approves 2027 budget in second reading",
        "Snowfall closes Bishkek–Osh highway",
        "Kyrgyzstan, Uzbekistan sign water-sharing deal",
    ]
    budget, snow, water = page.articles
    assert budget.authors == ("Anastasia Bengard",)
    assert budget.paragraphs[0].startswith("The Jogorku Kenesh approved")
    assert len(budget.paragraphs) == 3
    assert len(snow.paragraphs) == 2
    assert water.paragraphs[0] == "Osh, Dec 2"
    # A bare "0" says the rate did not move.
    assert [(q.pair, q.rate, q.change) for q in page.quotes] == [
        ("USD/KGS", Decimal("87.45"), "+0.05"),
        ("EUR/KGS", Decimal("92.10"), "-0.12"),
        ("RUB/KGS", Decimal("0.8810"), "0"),
    ]
    assert page.diagnostics.warnings == ()


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("Bishkek, 24.kg news agency, by Anastasia Bengard", ("Anastasia Bengard",)),
        ("TASHKENT (Kun.uz) — by Dilnoza Azimova", ("Dilnoza Azimova",)),
        ("Astana, Kazinform, by Dana Omarova and Bakyt Asanov", ("Dana Omarova", "Bakyt Asanov")),
        ("Almaty, tengrinews.kz, by Anna Ivanova", ("Anna Ivanova",)),
        # Prose that mentions "by" is no credit, nor is a headline or a title.
        ("The law was signed. It was drafted by Parliament", None),
        ("Prices were cut by Kazakhstan", None),
        ("The law was vetoed on Friday, by President Japarov.", None),
        ("The Path of Abai, by Mukhtar Auezov", None),
        ("Solar Plant Opened in Navoi, by Masdar", None),
        ("Kazakh Wheat Exports Up 20%, by Volume", None),
    ],
)
def test_credit_lines(line: str, authors: tuple[str, ...] | None) -> None:
    assert byline_authors(line) == authors


@pytest.mark.parametrize(
    ("line", "dateline"),
    [
        ("Bishkek, 24.kg news agency", True),
        ("BISHKEK (Kabar)", True),
        ("Ташкент, ИА «Дунё»", True),
        ("Bishkek, March 3", True),
        ("Kazakhstan (and its neighbours) grow", False),
        ("Parliament backs a new tax code", False),
        # Headlines with a bracket or an agency in them.
        ("Токаев посетил Москву (видео)", False),
        ("Astana Opera Premiere (Photos)", False),
        ("Inflation Slows (Chart)", False),
        ("COP29 (Baku)", False),
        ("Uzbekistan, Kyrgyzstan create water agency", False),
        ("Uzbekistan, Kyrgyzstan create news agency", False),
        ("Kazakhstan, China Launch Joint News Agency", False),
        ("COVID (Explainer)", False),
        ("NATO (Updated)", False),
        ("BREAKING NEWS (LIVE)", False),
        # A site's address is an agency's name.
        ("Bishkek, kaktus.media news agency", True),
    ],
)
def test_agency_lines_are_datelines(line: str, dateline: bool) -> None:
    assert is_dateline(line) is dateline


@pytest.mark.parametrize(
    ("line", "chrome"),
    [
        ("3 min read", True),
        ("5 minute read", True),
        ("Reading time: 4 minutes", True),
        ("Время чтения: 2 мин", True),
        # Headlines about reading.
        ("Reading Time Among Kazakh Schoolchildren Halves", False),
        ("Время чтения у школьников Узбекистана сократилось вдвое", False),
        ("1 245 views", True),
        ("1 245 просмотров", True),
        ("3 million tonnes were read as a record", False),
    ],
)
def test_reading_times_and_view_counts_are_chrome(line: str, chrome: bool) -> None:
    assert is_chrome_line(line) is chrome


@pytest.mark.parametrize(
    ("line", "change"),
    [("RUB/KGS 0.8810 0", "0"), ("USD/KZT 512,30 0,00", "0,00"), ("USD/KZT 512.30 1.20", None)],
)
def test_a_bare_zero_is_no_move(line: str, change: str | None) -> None:
    quotes = parse_ticker_line(line)
    if change is None:
        # An unsigned amount other than zero could be a second rate: not understood.
        assert quotes is None
    else:
        assert quotes is not None and quotes[0].change == change


def test_an_uzbek_page_in_the_latin_alphabet(page_fixture) -> None:
    page = page_fixture("uzbek-latin.txt")
    assert page.page_date == date(2026, 12, 2)
    assert [a.title for a in page.articles] == [
        "Toshkentda yangi metro bekatlari ochildi",
        "Markaziy bank asosiy stavkani 13,5 foizda qoldirdi",
    ]
    assert [len(a.paragraphs) for a in page.articles] == [2, 2]
    assert page.articles[1].tags == ("uzbekistan",)
    assert [(q.pair, q.rate) for q in page.quotes] == [
        ("USD/UZS", Decimal("12850.00")),
        ("EUR/UZS", Decimal("13910.40")),
    ]


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("Oʻzbekiston Markaziy banki", ("uzbekistan",)),
        ("O'zbekistonda saylov", ("uzbekistan",)),
        ("Qirg‘iziston va Qozog‘iston", ("kazakhstan", "kyrgyzstan")),
        ("Tojikistonning poytaxti", ("tajikistan",)),
        ("Turkmaniston gazi", ("turkmenistan",)),
        ("Afgʻonistonga yordam", ("afghanistan",)),
        # Inside another word, no country.
        ("Zo'zbekiston", ()),
    ],
)
def test_uzbek_latin_country_names(text: str, tags: tuple[str, ...]) -> None:
    assert detect_countries([text]) == tags


def test_a_digest_that_marks_its_items_with_flags(page_fixture) -> None:
    page = page_fixture("digest-emoji.txt")
    assert [(a.title, len(a.paragraphs), a.tags) for a in page.articles] == [
        ("Kazakhstan raises minimum wage to 100,000 tenge", 1, ("kazakhstan",)),
        ("Uzbekistan cuts VAT to 10%", 2, ("uzbekistan",)),
        ("Kyrgyz central bank sells dollars to support the som", 1, ("kyrgyzstan",)),
    ]


@pytest.mark.parametrize(
    ("line", "text"),
    [
        ("🇰🇿 Kazakhstan raises wages", "Kazakhstan raises wages"),
        ("■ ▶ Markets close higher", "Markets close higher"),
        ("👍", "👍"),
        ("© 2026 Kabar Review", "© 2026 Kabar Review"),
        ("№ 1 в мире по добыче урана", "№ 1 в мире по добыче урана"),
        ("℃ 40 in Termez", "℃ 40 in Termez"),
        ("1️⃣ Kazakhstan raises key rate", "Kazakhstan raises key rate"),
        ("→ Next: the budget", "Next: the budget"),
        ("Ёлка в Астане", "Ёлка в Астане"),
        ("«Мы готовы», — сказал он", "«Мы готовы», — сказал он"),
    ],
)
def test_a_lines_leading_symbols(line: str, text: str) -> None:
    assert without_symbols(line) == text


def test_marks_are_read_in_one_pass_however_long_the_line() -> None:
    started = time.process_time()
    assert without_symbols("■ " * 1_000_000 + "x").startswith("■")  # past the groups a digest sets
    assert parse("🇰🇿 " * 300_000 + "Kazakhstan raises wages").articles == ()
    assert time.process_time() - started < 2.0


def test_prose_with_a_by_stays_prose_and_names_no_author() -> None:
    page = parse(
        "Parliament backs a new tax code\n"
        "The law was vetoed on Friday, by President Japarov.\n"
        "Deputies will vote again next week.\n"
    )
    (article,) = page.articles
    assert article.authors == ()
    assert article.paragraphs[0] == "The law was vetoed on Friday, by President Japarov."


def test_a_time_on_its_own_line_under_a_date_line_is_that_days() -> None:
    page = parse(
        "2 December 2026\n\n"
        "Parliament backs a new tax code\n"
        "1 December 2026\n"
        "14:35\n"
        "The lower house passed the code in its third reading on Tuesday.\n"
    )
    assert page.articles[0].published == datetime(2026, 12, 1, 14, 35, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "at"),
    [
        ("2 December 2026, 14:35 MSK", datetime(2026, 12, 2, 11, 35, tzinfo=UTC)),
        ("Updated: Dec 2, 2026 at 10:45 am EST", datetime(2026, 12, 2, 15, 45, tzinfo=UTC)),
        ("2 December 2026, 09:55 ALMT", datetime(2026, 12, 2, 4, 55, tzinfo=UTC)),
        ("2 December 2026, 09:55 KGT", datetime(2026, 12, 2, 3, 55, tzinfo=UTC)),
        ("2 December 2026, 09:55", datetime(2026, 12, 2, 9, 55, tzinfo=UTC)),
        ("2 декабря 2026, 18:00 МСК", datetime(2026, 12, 2, 15, 0, tzinfo=UTC)),
        # A zone past the last day there is: the time as UTC, no error.
        ("31 December 9999, 23:00 EST", datetime(9999, 12, 31, 23, 0, tzinfo=UTC)),
        ("1 January 0001, 00:30 MSK", datetime(1, 1, 1, 0, 30, tzinfo=UTC)),
    ],
)
def test_a_named_zone_is_read(line: str, at: datetime) -> None:
    stated = read_date_line(line)
    assert stated is not None and stated.at == at


def test_a_dateline_with_a_day_dates_its_story_under_any_headline() -> None:
    page = parse(
        "Parliament backs a new tax code\n"
        "Astana, 2 December 2026\n"
        "The lower house passed the code in its third reading on Tuesday.\n\n"
        "Uzbekistan opens a border crossing\n"
        "Tashkent, 1 December 2026, 09:30\n"
        "The crossing near Saryagash will handle 5,000 vehicles a day, officials said.\n"
    )
    assert [(a.title, a.published) for a in page.articles] == [
        ("Parliament backs a new tax code", datetime(2026, 12, 2, tzinfo=UTC)),
        ("Uzbekistan opens a border crossing", datetime(2026, 12, 1, 9, 30, tzinfo=UTC)),
    ]
    # A dateline stays in its story, the first one's too, and is no page date.
    assert [a.paragraphs[0] for a in page.articles] == [
        "Astana, 2 December 2026",
        "Tashkent, 1 December 2026, 09:30",
    ]
    assert page.page_date is None


def test_a_time_alone_with_a_zone_and_a_date_after_an_agency_line() -> None:
    page = parse(
        "1 December 2026\n\n"
        "Parliament backs a new tax code\n"
        "Astana, Kazinform news agency\n"
        "1 December 2026\n"
        "02:30 MSK\n"
        "The lower house passed the code in its third reading on Tuesday.\n\n"
        "Flights resume between Almaty and Tashkent\n"
        "1 December 2026, 05:00 ALMT\n"
        "09:05\n"
        "The airlines resumed daily flights on Monday, officials said.\n"
    )
    assert [(a.title, a.published) for a in page.articles] == [
        # The day of the date line, the time in its zone: 23:30 UTC the day before.
        ("Parliament backs a new tax code", datetime(2026, 11, 30, 23, 30, tzinfo=UTC)),
        # A date line with a time (midnight UTC here) keeps it: a later time alone
        # does not replace it.
        ("Flights resume between Almaty and Tashkent", datetime(2026, 12, 1, tzinfo=UTC)),
    ]
