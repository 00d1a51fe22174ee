"""Words that name an agency are surnames too ("Press", "Service",
"Bloomberg"): only an agency credited whole after the names ("By …, Reuters",
"By … Associated Press") is left out of a byline's authors."""

from __future__ import annotations

from datetime import date

from services.ingest.parsing import parse_page
from services.ingest.parsing.bylines import byline_authors


def test_a_surname_that_names_an_agency_stays_the_authors(page_fixture) -> None:
    page = page_fixture("surname-bylines.txt")
    assert page.page_date == date(2026, 12, 4)
    assert [(a.title, a.authors, len(a.paragraphs)) for a in page.articles] == [
        ("Kazakhstan to list state railway shares in Astana next year", ("Ellen Press",), 2),
        ("Uzbek carmaker doubles exports to Russia", ("Tom Service", "Ann Lee"), 2),
        (
            "Why Central Asia's cities need more buses, not more roads",
            ("Michael Bloomberg",),
            2,
        ),
        ("Kyrgyzstan raises electricity tariffs from January", ("Aida Kasymalieva",), 2),
    ]


def test_an_agency_is_left_out_only_as_a_whole_credit() -> None:
    assert byline_authors("By Ann Lee, Bloomberg") == ("Ann Lee",)
    assert byline_authors("By Ann Lee, Anadolu Agency") == ("Ann Lee",)
    assert byline_authors("By Ann Lee Kyodo News") == ("Ann Lee",)
    assert byline_authors("By Bloomberg News") == ()
    # One word after a name without a comma may be the surname itself.
    assert byline_authors("By Tom Service, Ellen Press") == ("Tom Service", "Ellen Press")


def test_an_html_byline_keeps_a_surname_that_names_an_agency() -> None:
    body = (
        "<html><body><article><h1>Uzbek carmaker doubles exports to Russia this year</h1>"
        "<p>By Tom Service and Ann Lee</p>"
        "<p>Shipments of passenger cars from the Asaka plant rose to 48,000 in the first"
        " eleven months of the year, the company said on Friday.</p>"
        "<p>Most of the cars went to dealers in the Volga region, where demand for cheaper"
        " models has grown.</p>"
        "</article></body></html>"
    )
    (article,) = parse_page(body.encode(), "text/html").articles
    assert article.authors == ("Tom Service", "Ann Lee")
    assert len(article.paragraphs) == 2
