"""A place and a date under a plain-text page's headlines: a dateline, which
stays in the story's text and dates it, under the first headline as under any
other; the page's own date line stands before the first headline."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.ingest.parsing import ParsedPage, parse_page
from services.ingest.parsing.bylines import is_dateline


def parse(text: str) -> ParsedPage:
    return parse_page(text.encode("utf-8"), "text/plain")


# A wire service's page: no date line of its own, each story under its dateline.
WIRE = """Kazakhstan to cut export duty on wheat
Astana, March 3, 2026

Kazakhstan will cut its export duty on wheat from April 1, the agriculture ministry said on Tuesday, as grain stocks from last year's record harvest fill the elevators.

The duty, introduced in 2025 to keep flour prices down at home, will fall to 5% from 10%.

Uzbekistan opens new border crossing with Tajikistan
Tashkent, March 2, 2026

Uzbekistan opened a new road crossing on its border with Tajikistan on Monday, the state customs committee said.

Trucks will be able to cross around the clock from next month.
"""


def test_the_first_storys_dateline_stays_in_it_and_is_no_page_date() -> None:
    page = parse(WIRE)
    assert [(a.title, a.published, a.paragraphs[0]) for a in page.articles] == [
        (
            "Kazakhstan to cut export duty on wheat",
            datetime(2026, 3, 3, tzinfo=UTC),
            "Astana, March 3, 2026",
        ),
        (
            "Uzbekistan opens new border crossing with Tajikistan",
            datetime(2026, 3, 2, tzinfo=UTC),
            "Tashkent, March 2, 2026",
        ),
    ]
    assert [len(a.paragraphs) for a in page.articles] == [3, 3]
    # The page states no date of its own: a story's dateline is that story's.
    assert page.page_date is None


def test_the_page_date_is_the_line_above_the_first_headline() -> None:
    page = parse("Kabar Review\nBishkek, 4 March 2026\n\n" + WIRE)
    assert page.page_date == date(2026, 3, 4)
    first = page.articles[0]
    assert first.published == datetime(2026, 3, 3, tzinfo=UTC)
    assert first.paragraphs[0] == "Astana, March 3, 2026"
    assert page.diagnostics.left_out[0].sample == "Kabar Review"


def test_a_dated_page_keeps_its_date_and_the_first_storys_dateline() -> None:
    page = parse("CENTRAL ASIA DAILY — 4 March 2026\n\n" + WIRE)
    assert page.page_date == date(2026, 3, 4)
    assert [a.paragraphs[0] for a in page.articles] == [
        "Astana, March 3, 2026",
        "Tashkent, March 2, 2026",
    ]


def test_a_russian_dateline_with_a_time_under_the_first_headline() -> None:
    page = parse(
        "Казахстан снизит экспортную пошлину на пшеницу\n"
        "Астана, 3 марта 2026, 10:45 МСК\n"
        "Казахстан снизит экспортную пошлину на пшеницу с 1 апреля, сообщили в "
        "министерстве сельского хозяйства.\n\n"
        "Узбекистан открыл новый пункт пропуска\n"
        "Ташкент, 2 марта 2026\n"
        "Узбекистан открыл новый автомобильный пункт пропуска на границе с Таджикистаном.\n"
    )
    assert [(a.published, a.paragraphs[0]) for a in page.articles] == [
        (datetime(2026, 3, 3, 7, 45, tzinfo=UTC), "Астана, 3 марта 2026, 10:45 МСК"),
        (datetime(2026, 3, 2, tzinfo=UTC), "Ташкент, 2 марта 2026"),
    ]
    assert page.page_date is None


def test_a_byline_then_a_dateline_under_the_first_headline() -> None:
    page = parse(
        "Kazakhstan Cuts Export Duty on Wheat\n"
        "By Dana Omarova\n"
        "Astana, March 3, 2026\n"
        "09:30 ALMT\n"
        "Kazakhstan will cut its export duty on wheat from April, the ministry said.\n"
    )
    (article,) = page.articles
    assert article.authors == ("Dana Omarova",)
    # The time alone is on the dateline's day, in its zone.
    assert article.published == datetime(2026, 3, 3, 4, 30, tzinfo=UTC)
    assert article.paragraphs[0] == "Astana, March 3, 2026"
    assert page.page_date is None


def test_a_dateline_in_any_date_shape_cuts_and_dates_a_later_story() -> None:
    opening = (
        "Kyrgyzstan raises the minimum wage\n"
        "BISHKEK — Kyrgyzstan will raise the minimum wage by a tenth from July, "
        "the labour ministry said.\n\n"
    )
    for dateline, published in [
        ("Bishkek, 03.03.2026", datetime(2026, 3, 3, tzinfo=UTC)),
        ("ASTANA — 3 March 2026", datetime(2026, 3, 3, tzinfo=UTC)),
        ("Astana, 2026-03-03, 10:45", datetime(2026, 3, 3, 10, 45, tzinfo=UTC)),
    ]:
        assert is_dateline(dateline)
        page = parse(
            opening + "Kazakhstan to cut export duty on wheat\n" + dateline + "\n"
            "Kazakhstan will cut its export duty on wheat from April, the ministry said.\n"
        )
        assert [(a.title, a.published, a.paragraphs[0]) for a in page.articles][1:] == [
            ("Kazakhstan to cut export duty on wheat", published, dateline)
        ]
        # Under the first headline, the same line is the same dateline.
        first = parse(
            "Kazakhstan to cut export duty on wheat\n" + dateline + "\n"
            "Kazakhstan will cut its export duty on wheat from April, the ministry said.\n"
        )
        assert [(a.published, a.paragraphs[0]) for a in first.articles] == [(published, dateline)]
        assert first.page_date is None


def test_a_date_alone_is_no_dateline() -> None:
    assert not is_dateline("3 March 2026")
    assert not is_dateline("Updated: 3 March 2026")
    assert not is_dateline("Astana Investment Forum - March 3, 2026")
