"""A front page's story boxes: the byline and the time printed beside each headline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from services.ingest.parsing import ParsedPage, parse_page

ALMATY = timezone(timedelta(hours=5))


def parse(html: str) -> ParsedPage:
    return parse_page(html.encode("utf-8"), "text/html")


def test_each_card_gives_its_own_byline_and_time(page_fixture) -> None:
    page = page_fixture("front-cards.html")
    assert [(a.title, a.authors, a.published) for a in page.articles] == [
        (
            "Kazakhstan sets record for wheat exports",
            ("Dana Omarova",),
            datetime(2026, 12, 2, 8, 15, tzinfo=ALMATY),
        ),
        (
            "Astana light rail to open in March",
            ("Aibek Zhaksylyk",),
            datetime(2026, 12, 2, 7, 0, tzinfo=ALMATY),
        ),
        (
            "Kazakhstan and Uzbekistan open new border crossing",
            (),
            datetime(2026, 12, 1, 16, 40, tzinfo=ALMATY),
        ),
    ]
    # The meta line is no paragraph of the story.
    assert page.articles[0].paragraphs[0].startswith("Kazakhstan exported 12.1 million")
    assert len(page.articles[1].paragraphs) == 1


CARD = """<div class="card"><h2><a href="/{n}">{title}</a></h2>
<div class="meta"><span class="author">By {author}</span>
<time datetime="2026-12-0{n}T10:00:00Z">{n} Dec</time></div>
<p>{title} was reported on day {n}, officials said on Tuesday.</p></div>"""


def test_article_elements_take_the_byline_they_print_outside_a_paragraph() -> None:
    cards = "".join(
        CARD.format(n=n, title=title, author=author)
        .replace('div class="card"', "article")
        .replace("</p></div>", "</p></article>")
        for n, title, author in [
            (1, "Tashkent opens a new metro line", "Lola Saidova"),
            (2, "Bishkek limits trucks in the centre", "Maria Petrova"),
        ]
    )
    page = parse(f"<html><body><main>{cards}</main></body></html>")
    assert [(a.title, a.authors) for a in page.articles] == [
        ("Tashkent opens a new metro line", ("Lola Saidova",)),
        ("Bishkek limits trucks in the centre", ("Maria Petrova",)),
    ]


def test_a_byline_outside_every_story_box_is_nobodys() -> None:
    cards = "".join(
        CARD.format(n=n, title=title, author=author)
        for n, title, author in [
            (1, "Tashkent opens a new metro line", "Lola Saidova"),
            (2, "Bishkek limits trucks in the centre", "Maria Petrova"),
        ]
    ).replace('<span class="author">By Maria Petrova</span>', "")
    html = (
        "<html><body><main><section><h1>Latest news</h1>"
        f"{cards}</section>"
        '<div class="author-of-the-week">By Aziz Karimov</div></main></body></html>'
    )
    page = parse(html)
    assert [(a.title, a.authors, a.published) for a in page.articles] == [
        (
            "Tashkent opens a new metro line",
            ("Lola Saidova",),
            datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
        ),
        (
            "Bishkek limits trucks in the centre",
            (),
            datetime(2026, 12, 2, 10, 0, tzinfo=UTC),
        ),
    ]


def test_a_cards_own_time_and_byline_before_a_widgets_beside_it() -> None:
    # The last card's box reaches up to a wrapper that also holds a columnist
    # widget: the card's own time and byline, nearest its headline, are its.
    html = (
        "<html><body><main><section>"
        + CARD.format(n=1, title="Tashkent opens a new metro line", author="Lola Saidova")
        + '<div class="wrap"><div class="today"><time datetime="2026-11-20T00:00:00Z">Today'
        '</time><span class="author">By Nurlan Abdrakhmanov</span></div>'
        + CARD.format(n=2, title="Bishkek limits trucks in the centre", author="Maria Petrova")
        + "</div></section></main></body></html>"
    )
    page = parse(html)
    assert [(a.title, a.authors, a.published) for a in page.articles] == [
        (
            "Tashkent opens a new metro line",
            ("Lola Saidova",),
            datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
        ),
        (
            "Bishkek limits trucks in the centre",
            ("Maria Petrova",),
            datetime(2026, 12, 2, 10, 0, tzinfo=UTC),
        ),
    ]


def test_a_cards_date_printed_as_text_is_its_time(page_fixture) -> None:
    # No <time>: the card's element classed as a date says it in Russian.
    page = page_fixture("russian-front-cards.html")
    assert [(a.title, a.published) for a in page.articles] == [
        ("Жапаров подписал закон о СМИ", datetime(2026, 12, 2, 14, 35, tzinfo=UTC)),
        (
            "В Бишкеке ограничат въезд грузовиков",
            datetime(2026, 12, 2, 12, 10, tzinfo=UTC),
        ),
    ]


def test_an_article_element_takes_its_dated_text_and_its_time_element_first() -> None:
    html = (
        "<html><body><main>"
        '<article><span class="post-date">2 December 2026, 09:00</span>'
        '<h2><a href="/1">Tashkent opens a new metro line</a></h2>'
        '<time datetime="2026-12-02T10:30:00Z">2 Dec</time>'
        "<p>The line adds six stations, officials said on Tuesday.</p></article>"
        '<article><span class="post-date">Updated: 2 December 2026, 11:00</span>'
        '<span class="post-date">1 December 2026, 18:20</span>'
        '<h2><a href="/2">Bishkek limits trucks in the centre</a></h2>'
        "<p>Trucks over ten tonnes will need a pass from January.</p></article>"
        "</main></body></html>"
    )
    page = parse(html)
    assert [a.published for a in page.articles] == [
        datetime(2026, 12, 2, 10, 30, tzinfo=UTC),
        # An update's time is not when it was published.
        datetime(2026, 12, 1, 18, 20, tzinfo=UTC),
    ]


def test_an_update_or_a_word_holding_date_is_no_publication_time() -> None:
    card = (
        '<div class="card"><h2><a href="/{n}">{title}</a></h2>'
        '<span class="{cls}">2 December 2026, 18:00</span>'
        "<p>{title} was reported on Tuesday, officials said.</p></div>"
    )
    cards = "".join(
        card.format(n=n, title=title, cls=cls)
        for n, title, cls in [
            (1, "Tashkent opens a new metro line", "card__last-update"),
            (2, "Bishkek limits trucks in the centre", "validated"),
            (3, "Astana hosts a summit", "card__date"),
        ]
    )
    page = parse(f"<html><body><main>{cards}</main></body></html>")
    assert [a.published for a in page.articles] == [
        None,
        None,
        datetime(2026, 12, 2, 18, 0, tzinfo=UTC),
    ]


def test_many_elements_classed_with_date_in_a_word_leave_the_cards_time_found() -> None:
    # "candidate", "update", "validated" match the date selector: read and
    # counted as tries, 16 of them before the card's "post-date" lost its time.
    names = "".join('<span class="candidate">Name</span> ' for _ in range(40))
    cards = "".join(
        f'<article><h2><a href="/news/{n}">{title}</a></h2><p>{lede} {names}</p>'
        f'<span class="post-date">{n} March 2026, 09:15</span></article>'
        for n, title, lede in [
            (1, "Kazakhstan to cut export duty on wheat", "The duty falls from April."),
            (2, "Uzbekistan opens new border crossing", "The road opened on Monday."),
        ]
    )
    page = parse(f"<html><body><main>{cards}</main></body></html>")
    assert [a.published for a in page.articles] == [
        datetime(2026, 3, 1, 9, 15, tzinfo=UTC),
        datetime(2026, 3, 2, 9, 15, tzinfo=UTC),
    ]


# A component library's card: the meta line sits deep in the card's own
# wrappers (footer, meta list, tooltip), fifteen elements below the story's box.
DEEP_CARD = """<{box} class="story-card">
<div class="story-card__container"><div class="story-card__grid">
<div class="story-card__content">
<a class="story-card__link" href="/news/{n}"><h2 class="story-card__title">{title}</h2></a>
<div class="story-card__body"><p>{lede}</p></div>
<div class="story-card__footer"><div class="story-card__footer-inner">
<div class="story-card__meta"><div class="meta"><ul class="meta__list">
<li class="meta__item"><span class="meta__value"><span class="tooltip">
<span class="tooltip__trigger"><span class="author">By {author}</span></span></span></span></li>
<li class="meta__item"><span class="meta__value"><span class="tooltip">
<span class="tooltip__trigger"><time datetime="{at}">{n} March, 09:15</time></span></span></span></li>
</ul></div></div></div></div>
</div></div></div></{box}>"""

DEEP_STORIES = [
    (
        1,
        "Kazakhstan to cut export duty on wheat",
        "Kazakhstan will cut its export duty on wheat from April, the ministry said.",
        "Dana Omarova",
        "2026-03-03T09:15:00+05:00",
    ),
    (
        2,
        "Uzbekistan opens new border crossing with Tajikistan",
        "Uzbekistan opened a new road crossing on its border on Monday, officials said.",
        "Aziz Karimov",
        "2026-03-02T16:40:00+05:00",
    ),
]


def _deep_cards(box: str) -> str:
    cards = "".join(
        DEEP_CARD.format(box=box, n=n, title=title, lede=lede, author=author, at=at)
        for n, title, lede, author, at in DEEP_STORIES
    )
    return f"<html><body><main>{cards}</main></body></html>"


def test_a_deep_cards_time_and_byline_are_its_own_however_deep() -> None:
    for box in ("article", "div"):  # <article> stories, and stories cut at headings
        page = parse(_deep_cards(box))
        assert [(a.title, a.authors, a.published) for a in page.articles] == [
            (
                "Kazakhstan to cut export duty on wheat",
                ("Dana Omarova",),
                datetime(2026, 3, 3, 9, 15, tzinfo=ALMATY),
            ),
            (
                "Uzbekistan opens new border crossing with Tajikistan",
                ("Aziz Karimov",),
                datetime(2026, 3, 2, 16, 40, tzinfo=ALMATY),
            ),
        ], box


def test_a_time_outside_every_story_box_stays_nobodys_however_deep() -> None:
    sidebar = (
        "<aside>" + "<div>" * 30 + '<time datetime="2026-03-04T08:00:00Z">4 March</time>'
        "</div>" * 30 + "</aside>"
    )
    html = _deep_cards("article").replace("</main>", "</main>" + sidebar)
    html = html.replace('<time datetime="2026-03-02T16:40:00+05:00">2 March, 09:15</time>', "")
    page = parse(html)
    assert [a.published for a in page.articles] == [
        datetime(2026, 3, 3, 9, 15, tzinfo=ALMATY),
        None,
    ]


def test_a_cards_date_marked_by_microdata_is_its_time(page_fixture) -> None:
    # Printed under itemprop (words or figures) or in a <meta content>; a
    # card's dateModified beside it is no publication time.
    page = page_fixture("microdata-front-cards.html")
    assert [a.published for a in page.articles] == [
        datetime(2026, 12, 4, 10, 15, tzinfo=UTC),
        datetime(2026, 12, 3, 18, 40, tzinfo=UTC),
        datetime(2026, 12, 3, 12, 5, tzinfo=ALMATY),
    ]


def test_a_marked_date_outside_every_card_is_nobodys() -> None:
    html = (
        "<html><body><main>"
        '<div class="ticker"><span itemprop="datePublished">4 December 2026, 09:00</span></div>'
        '<div class="card"><h2><a href="/1">Tashkent opens a new metro line</a></h2>'
        "<p>The line adds six stations, officials said on Tuesday.</p></div>"
        '<div class="card"><h2><a href="/2">Bishkek limits trucks in the centre</a></h2>'
        '<span itemprop="dateModified">4 December 2026, 11:00</span>'
        "<p>Trucks over ten tonnes will need a pass from January.</p></div>"
        "</main></body></html>"
    )
    assert [a.published for a in parse(html).articles] == [None, None]


def test_an_update_line_marked_as_modified_is_no_cards_publication() -> None:
    html = (
        "<html><body><main>"
        '<div class="card"><h2><a href="/1">Tashkent opens a new metro line</a></h2>'
        '<time itemprop="dateModified">Updated: 4 December 2026, 11:00</time>'
        "<p>The line adds six stations, officials said on Tuesday.</p></div>"
        '<div class="card"><h2><a href="/2">Bishkek limits trucks in the centre</a></h2>'
        "<p>Trucks over ten tonnes will need a pass from January.</p></div>"
        "</main></body></html>"
    )
    assert [a.published for a in parse(html).articles] == [None, None]


def test_a_cards_relative_date_counts_from_the_pages(page_fixture) -> None:
    # "Сегодня, 11:20", "Вчера, 18:40" and "2 декабря, 09:05" in the cards'
    # date elements, counted from the page's "4 декабря 2026".
    page = page_fixture("russian-front-relative-dates.html")
    assert [a.published for a in page.articles] == [
        datetime(2026, 12, 4, 11, 20, tzinfo=UTC),
        datetime(2026, 12, 3, 18, 40, tzinfo=UTC),
        datetime(2026, 12, 2, 9, 5, tzinfo=UTC),
    ]


def test_a_cards_relative_date_without_the_pages_dates_nothing() -> None:
    html = (
        "<html><body><main>"
        '<div class="card"><h2><a href="/1">Tashkent opens a new metro line</a></h2>'
        '<span class="card__date">Yesterday, 18:40</span>'
        "<p>The line adds six stations, officials said on Tuesday.</p></div>"
        '<div class="card"><h2><a href="/2">Bishkek limits trucks in the centre</a></h2>'
        '<span class="card__date">December 3</span>'
        "<p>Trucks over ten tonnes will need a pass from January.</p></div>"
        "</main></body></html>"
    )
    assert [a.published for a in parse(html).articles] == [None, None]


def test_a_cards_stamp_classed_as_its_time_is_its_time() -> None:
    card = (
        '<div class="ArticleItem"><div class="ArticleItem--time">{stamp}</div>'
        '<h3><a href="/doc/{n}.html">{title}</a></h3>'
        "<p>Депутаты одобрили документ в третьем чтении, сообщила пресс-служба.</p></div>"
    )
    html = "".join(
        card.format(n=n, title=title, stamp=stamp)
        for n, title, stamp in [
            (1, "Жогорку Кенеш принял бюджет", "03.12.2026 18:40"),
            (2, "В Оше открыли терминал", "02.12.2026 21:15"),
        ]
    )
    page = parse(f"<html><body><main>{html}</main></body></html>")
    assert [a.published for a in page.articles] == [
        datetime(2026, 12, 3, 18, 40, tzinfo=UTC),
        datetime(2026, 12, 2, 21, 15, tzinfo=UTC),
    ]
