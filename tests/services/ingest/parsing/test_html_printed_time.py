"""A single article's page that states its times only where it prints them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from services.ingest.page_values import settle_times
from services.ingest.parsing import ParsedPage, parse_page

TAJIK = timezone(timedelta(hours=5))


def parse(html: str) -> ParsedPage:
    return parse_page(html.encode("utf-8"), "text/html")


def test_wordpress_time_elements_date_the_article(page_fixture) -> None:
    page = page_fixture("wordpress-printed-time.html")
    (article,) = page.articles
    # itemprop tells which is which; the related post's and the comment's
    # times inside and below the article are theirs, the sidebar's too.
    assert article.published == datetime(2026, 12, 4, 9, 15, tzinfo=TAJIK)
    assert article.modified == datetime(2026, 12, 4, 13, 40, tzinfo=TAJIK)
    assert page.page_date == date(2026, 12, 4)


def test_a_date_classed_element_by_the_headline_dates_article_and_page(page_fixture) -> None:
    page = page_fixture("russian-printed-date.html")
    (article,) = page.articles
    # The sidebar's "Последние новости" dates come first in the page and are
    # no date of this article's.
    assert article.published == datetime(2026, 12, 4, 16, 5, tzinfo=UTC)
    assert article.modified is None
    assert page.page_date == date(2026, 12, 4)
    assert article.authors == ("Сауле Муканова",)


_ARTICLE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Astana bets on nuclear power | Steppe Review</title>
<meta property="og:type" content="article">
<meta property="og:title" content="Astana bets on nuclear power"></head><body>
<header class="site-header"><a href="/">Steppe Review</a><nav><a href="/kz">Kazakhstan</a></nav></header>
<main><article class="post"><header class="post-header">
<h1 class="post-title">Astana bets on nuclear power</h1>
<p class="post-meta">By <a rel="author" href="/a/almaz">Almaz Kumenov</a> · {stamp}</p>
</header><div class="post-body">
<p>Kazakhstan has chosen a foreign partner to lead the construction of its first nuclear power plant, officials in Astana said.</p>
<p>The plant, on the shore of Lake Balkhash, is due to produce 2.4 gigawatts when both of its reactors run.</p>
<p>Electricity demand has grown by about three percent a year for a decade, and coal plants are wearing out.</p>
</div></article>
<section class="related-posts"><h3>Related</h3>
<article><h4><a href="/uz-reactors">Uzbekistan signs reactor deal</a></h4>
<time datetime="2026-11-30T10:00:00+05:00">Nov 30, 2026</time></article></section>
</main></body></html>"""


def test_a_time_in_the_byline_dates_the_article() -> None:
    page = parse(
        _ARTICLE.replace("{stamp}", '<time datetime="2026-12-04T08:00:00+05:00">Dec 4</time>')
    )
    assert page.articles[0].published == datetime(2026, 12, 4, 8, 0, tzinfo=TAJIK)
    assert page.articles[0].modified is None


def test_a_related_story_time_never_dates_the_article() -> None:
    # The article prints no time; the related box's <time> after it is another story's.
    page = parse(_ARTICLE.replace("{stamp}", ""))
    assert page.articles[0].published is None


def test_structured_data_still_wins_over_the_printed_time() -> None:
    html = _ARTICLE.replace("{stamp}", '<time datetime="2026-12-04T08:00:00+05:00">Dec 4</time>')
    html = html.replace(
        "</head>", '<meta property="article:published_time" content="2026-12-04T07:00:00Z"></head>'
    )
    assert parse(html).articles[0].published == datetime(2026, 12, 4, 7, 0, tzinfo=UTC)


def test_an_update_stamp_is_the_publication_only_when_nothing_else_is() -> None:
    both = (
        '<time class="updated" datetime="2026-12-04T12:00:00+05:00">noon</time> '
        '<time class="entry-date" datetime="2026-12-04T08:00:00+05:00">Dec 4</time>'
    )
    assert parse(_ARTICLE.replace("{stamp}", both)).articles[0].published == datetime(
        2026, 12, 4, 8, 0, tzinfo=TAJIK
    )
    alone = '<time class="updated" datetime="2026-12-04T12:00:00+05:00">noon</time>'
    assert parse(_ARTICLE.replace("{stamp}", alone)).articles[0].published == datetime(
        2026, 12, 4, 12, 0, tzinfo=TAJIK
    )


def test_a_date_microdata_marks_in_its_text_dates_the_article(page_fixture) -> None:
    page = page_fixture("microdata-printed-date.html")
    (article,) = page.articles
    # The sidebar's and the related box's marked dates are other stories'.
    assert article.published == datetime(2026, 12, 4, 10, 15, tzinfo=TAJIK)
    # dateModified as printed, its "Updated:" label and all.
    assert article.modified == datetime(2026, 12, 4, 15, 40, tzinfo=TAJIK)
    assert page.page_date == date(2026, 12, 4)


def test_a_russian_page_marks_its_date_in_figures(page_fixture) -> None:
    page = page_fixture("russian-microdata-date.html")
    (article,) = page.articles
    assert article.published == datetime(2026, 12, 4, 10, 15, tzinfo=UTC)
    assert page.page_date == date(2026, 12, 4)


@pytest.mark.parametrize(
    ("stamp", "published"),
    [
        (
            '<span itemprop="datePublished">4 декабря 2026, 10:15</span>',
            datetime(2026, 12, 4, 10, 15, tzinfo=UTC),
        ),
        (
            '<div itemprop="dateCreated">04.12.2026 10:15</div>',
            datetime(2026, 12, 4, 10, 15, tzinfo=UTC),
        ),
        ('<span itemprop="datePublished">Updated: 4 December 2026</span>', None),
        ('<span itemprop="datePublished">Thursday, after the vote</span>', None),
        # A day alone is midnight: the <time>'s instant says more.
        (
            '<span itemprop="datePublished">4 December 2026</span> '
            '<time datetime="2026-12-04T08:00:00+05:00">8:00</time>',
            datetime(2026, 12, 4, 8, 0, tzinfo=TAJIK),
        ),
    ],
)
def test_the_text_microdata_marks_as_the_date(stamp: str, published: datetime | None) -> None:
    page = parse(_ARTICLE.replace("{stamp}", stamp))
    assert page.articles[0].published == published


def test_a_marked_date_read_off_the_page_keeps_to_the_receipt() -> None:
    page = parse(
        _ARTICLE.replace("{stamp}", '<span itemprop="datePublished">4 December 2026, 18:00</span>')
    )
    settled = settle_times(page, datetime(2026, 12, 4, 12, 0, tzinfo=UTC))
    assert settled.articles[0].published == datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    old = parse(_ARTICLE.replace("{stamp}", '<span itemprop="datePublished">1 March 1890</span>'))
    assert settle_times(old, datetime(2026, 12, 4, tzinfo=UTC)).articles[0].published is None


def test_a_date_in_an_unclassed_element_under_the_headline_dates_the_article(
    page_fixture,
) -> None:
    page = page_fixture("printed-date-by-headline.html")
    (article,) = page.articles
    # The related item's date after the story is no date of this article's.
    assert article.published == datetime(2026, 12, 3, 16, 40, tzinfo=UTC)
    assert page.page_date == date(2026, 12, 3)


def test_a_place_and_a_date_right_under_the_headline_date_the_article() -> None:
    page = parse(
        '<html><head><meta property="og:type" content="article"></head><body><div class="post">'
        "<h1>Kyrgyzstan bans import of old cars</h1>"
        '<p class="post-place">Bishkek, December 4, 2026, 15:10</p>'
        "<p>The Cabinet of Ministers has banned the import of passenger cars older than ten"
        " years, according to a resolution published on Thursday.</p>"
        "<p>The ban will take effect on March 1, 2027, and will not apply to diplomats.</p>"
        "</div></body></html>"
    )
    (article,) = page.articles
    assert article.published == datetime(2026, 12, 4, 15, 10, tzinfo=UTC)
