"""HTML pages: chrome dropped, ticker and date read from markup, articles found."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from services.ingest.parsing import ParsedPage, Quote, parse_page


def parse(html: str) -> ParsedPage:
    return parse_page(html.encode("utf-8"), "text/html")


def test_page_without_article_elements_uses_headings(page_fixture) -> None:
    page = page_fixture("headings.html")
    assert page.page_date == date(2025, 12, 15)
    assert page.quotes == (
        Quote("KGS", "USD", Decimal("0.01144"), "0%"),
        Quote("TJS", "USD", Decimal("0.10895"), "-0%"),
    )
    # The <h1> with nothing under it and the sidebar's "Most Read" are not articles.
    assert [(a.title, a.url, a.tags) for a in page.articles] == [
        (
            "Kyrgyzstan’s Gold Output Hits a Ten-Year High",
            "https://timesca.com/news/kyrgyzstan-gold-output",
            ("kyrgyzstan",),
        ),
        (
            "Kazakh Wheat Finds New Buyers in Iran and Afghanistan",
            "https://timesca.com/kazakhstan-wheat/",
            ("afghanistan", "iran", "kazakhstan"),
        ),
        ("Tajikistan Cuts Electricity Exports for the Winter", None, ("afghanistan", "tajikistan")),
    ]
    assert page.articles[0].paragraphs == (
        "Kyrgyzstan’s gold output rose by 12% last year, driven by the Kumtor mine, the National "
        "Statistics Committee\u00a0reported.",
        "“Kumtor is now run more efficiently than it ever was,” the committee said.",
        "Exports went mainly to Switzerland & the UAE.",
    )
    assert page.articles[1].paragraphs[1:] == (
        "Iran will take 400,000 tons by March.",
        "Afghan mills will take the rest.",
    )
    # <br> separates words rather than gluing them.
    assert page.articles[2].paragraphs == (
        "Tajikistan will stop exporting electricity to Afghanistan until March to cover demand "
        "at home.",
    )


def test_relative_links_stay_relative_without_base(page_fixture) -> None:
    page = page_fixture("relative-links.html")
    first, second = page.articles
    assert first.url == "/2025/12/15/uzbekistan-solar-auction/"
    assert first.published == datetime(2025, 12, 15, 8, 30, tzinfo=timezone(timedelta(hours=5)))
    assert first.paragraphs == (
        "Uzbekistan has awarded contracts for 2 GW of solar capacity in the Bukhara and "
        "Samarkand regions.",
        "Bidders from China and the UAE won most of the lots.",
    )
    # A javascript: link is never an article address.
    assert second.url is None
    assert page.quotes == (Quote("UZS", "USD", Decimal("0.00008"), "0%"),)
    assert page.page_date == date(2025, 12, 15)


def test_entities_are_decoded() -> None:
    page = parse(
        "<h2>Kazakhstan&rsquo;s &ldquo;Middle Corridor&rdquo; &mdash; a Progress Report</h2>"
        "<p>It&#8217;s growing &amp; fast&nbsp;now &lt;really&gt;.</p>"
    )
    (article,) = page.articles
    assert article.title == "Kazakhstan’s “Middle Corridor” — a Progress Report"
    assert article.paragraphs == ("It’s growing & fast\u00a0now <really>.",)


def test_chrome_is_dropped_from_articles() -> None:
    page = parse(
        """<html><head><style>p{}</style><script>var x = "<p>Not Text</p>";</script></head>
        <body><header><nav><ul><li>Home</li></ul></nav><h1>Site Name Of The Paper</h1></header>
        <article><header><h2>Tajik Farmers Plant Early</h2></header>
          <p>Farmers in Tajikistan planted early this year.</p>
          <aside><p>Related: something else.</p></aside>
          <form><p>Sign up for our newsletter.</p></form>
          <noscript><p>Enable JavaScript.</p></noscript>
          <div role="navigation"><ul><li>Next story</li></ul></div>
          <footer><ul><li>Share</li></ul></footer>
        </article>
        <footer><p>Copyright</p></footer></body></html>"""
    )
    (article,) = page.articles
    assert article.title == "Tajik Farmers Plant Early"
    assert article.paragraphs == ("Farmers in Tajikistan planted early this year.",)


def test_overlapping_chrome_markers_are_removed_once() -> None:
    page = parse(
        """<header role="banner"><nav>Menu</nav><header role="navigation"><p>Inner</p></header>
        </header><div hidden><div role="search"><p>Search box</p></div></div>
        <div role="complementary"><h2>Sidebar Heading Goes Here</h2><p>Sidebar.</p></div>
        <h2>Kyrgyz Parliament Passes the Budget</h2><p>It passed on Monday.</p>"""
    )
    assert [(a.title, a.paragraphs) for a in page.articles] == [
        ("Kyrgyz Parliament Passes the Budget", ("It passed on Monday.",))
    ]


def test_nested_blocks_are_not_doubled() -> None:
    page = parse(
        "<article><h2>Uzbek Exporters Look to the Gulf</h2>"
        "<blockquote><p>First quoted paragraph.</p><p>Second quoted paragraph.</p></blockquote>"
        "<ul><li><p>Listed point.</p></li><li>Plain item.</li></ul>"
        "<article><h3>Comment Thread Title Here</h3><p>Nested comment.</p></article>"
        "</article>"
    )
    (article,) = page.articles
    assert article.paragraphs == (
        "First quoted paragraph.",
        "Second quoted paragraph.",
        "Listed point.",
        "Plain item.",
        "Nested comment.",
    )


def test_ticker_bar_and_time_element() -> None:
    page = parse(
        """<div class="Ticker"><span>KGS/USD</span> = <b>0.01144</b> <i>0%</i>
        <span>TMT/USD = 0.28490 0%</span></div>
        <time datetime="2025-12-15">yesterday</time>
        <article><h2>Turkmen Gas Flows Resume</h2><p>Gas is flowing again.</p>
        <p>KGS/USD = 0.01144 0%</p><p>15 December 2025</p></article>"""
    )
    assert page.quotes == (
        Quote("KGS", "USD", Decimal("0.01144"), "0%"),
        Quote("TMT", "USD", Decimal("0.28490"), "0%"),
    )
    assert page.page_date == date(2025, 12, 15)
    # Ticker and date text inside an article is page furniture, not a paragraph.
    assert page.articles[0].paragraphs == ("Gas is flowing again.",)


def test_without_a_ticker_bar_whole_ticker_elements_count() -> None:
    page = parse(
        """<ul><li>KGS/USD = 0.01144 0%</li><li>\u2022 KZT/USD = 0.00192 -0%</li></ul>
        <p>The KGS/USD = 0.01144 0% quote inside a sentence is not a ticker.</p>
        <p>TJS/USD = 0.10895 -0%</p>"""
    )
    assert [(q.pair, q.change) for q in page.quotes] == [
        ("KGS/USD", "0%"),
        ("KZT/USD", "-0%"),
        ("TJS/USD", "-0%"),
    ]


def test_date_from_a_date_line_when_there_is_no_time_element() -> None:
    page = parse("<div class='dateline'>December 15, 2025</div><p>Nothing else.</p>")
    assert page.page_date == date(2025, 12, 15)
    assert page.articles == ()


def test_paragraphs_without_headings_are_read_like_plain_text() -> None:
    page = parse(
        "<div><p>Kazakhstan Opens Its First Nuclear Plant Tender</p>"
        "<p>The energy ministry has invited bids for the country’s first nuclear plant.</p></div>"
    )
    (article,) = page.articles
    assert article.title == "Kazakhstan Opens Its First Nuclear Plant Tender"
    assert article.paragraphs == (
        "The energy ministry has invited bids for the country’s first nuclear plant.",
    )


def test_empty_and_trivial_html() -> None:
    empty = ParsedPage(page_date=None, articles=(), quotes=())
    assert parse("") == empty
    assert parse("<html></html>") == empty
    assert parse("<article><h2>Title Without Any Body</h2></article>") == empty


def test_base_href_makes_heading_links_absolute() -> None:
    page = parse(
        '<head><base href="https://example.org/news/"></head>'
        '<a href="story-1"><h2>Kyrgyz Parliament Passes Budget</h2></a><p>It passed.</p>'
        '<h2><a href="#top">Uzbekistan Reforms Its Tax Code</a></h2><p>It reformed.</p>'
    )
    assert [a.url for a in page.articles] == ["https://example.org/news/story-1", None]


def test_a_front_page_without_a_base_makes_links_absolute_by_its_own_address() -> None:
    # No <base href>: the address the page gives itself (its canonical link or
    # its og:url) is what its relative links are relative to.
    stories = (
        '<h2><a href="/news/1">Kyrgyz Parliament Passes Budget</a></h2><p>It passed.</p>'
        '<h2><a href="news/2">Uzbekistan Reforms Its Tax Code</a></h2><p>It reformed.</p>'
    )
    for head in (
        '<link rel="canonical" href="https://example.org/ru/">',
        '<meta property="og:url" content="https://example.org/ru/">',
    ):
        page = parse(f"<head>{head}</head><body>{stories}</body>")
        assert [a.url for a in page.articles] == [
            "https://example.org/news/1",
            "https://example.org/ru/news/2",
        ]
    # Neither: kept as published, for the poster's ?url= to resolve.
    assert [a.url for a in parse(stories).articles] == ["/news/1", "news/2"]


def test_full_news_page_gives_the_sample_page(
    sample_page: ParsedPage, sample_full_html: bytes
) -> None:
    # The six articles, ticker and date inside everything a WordPress news site
    # adds: mega-menu, scripts and JSON-LD, sidebars of headline links, related
    # stories, a comment thread, newsletter and cookie forms, a long footer.
    page = parse_page(sample_full_html, "text/html")
    assert [a.title for a in page.articles] == [a.title for a in sample_page.articles]
    assert page.articles == sample_page.articles
    assert page.quotes == sample_page.quotes
    assert page.page_date == sample_page.page_date


def test_reader_comments_are_not_article_text() -> None:
    page = parse(
        """<article class="post category-commentary">
          <h2>Kazakh Grain Exports Hit a Record</h2>
          <p>Exports rose by a fifth.</p>
          <section id="comments" class="comments-area">
            <h2 class="comments-title">Two Thoughts on the Grain Story</h2>
            <ol class="comment-list"><li class="comment"><article class="comment-body">
              <div class="comment-content"><p>What about Iran?</p></div></article></li></ol>
          </section>
          <section class="comments"><p>Great article, Russia should read it.</p></section>
          <div class="comment-content"><p>A lone comment.</p></div>
          <p class="comments-link">Read the whole discussion today.</p>
        </article>"""
    )
    (article,) = page.articles
    assert article.paragraphs == ("Exports rose by a fifth.", "Read the whole discussion today.")
    # Countries named only in comments do not tag the story.
    assert article.tags == ("kazakhstan",)


STORY = "<h2>Kazakh Grain Exports Rise Again</h2><p>Exports rose by a fifth.</p>"


def test_articles_inside_chrome_are_not_stories() -> None:
    # A hidden draft, a "related" sidebar, a teaser in the page header and a
    # reader's comment all use <article>; none is a story of the page.
    body = (
        "<header><article><h2>Breaking Teaser Headline</h2><p>Teaser.</p></article></header>"
        "<div hidden><article><h2>Hidden Draft Headline</h2><p>Draft.</p></article></div>"
        '<section role="complementary"><article><h3>Older Story About Trains</h3>'
        "<p>Excerpt.</p></article></section>"
        f"<main><article>{STORY}</article></main>"
        '<div id="comments"><article><h3>Reply From Reader Bob</h3><p>Nice.</p></article></div>'
        "<article hidden><h2>Hidden Itself Headline</h2><p>Hidden.</p></article>"
    ).encode()
    page = parse_page(body, "text/html")
    assert [a.title for a in page.articles] == ["Kazakh Grain Exports Rise Again"]


def test_headings_are_read_when_the_only_article_element_is_chrome() -> None:
    body = (
        "<div hidden><article><h2>Hidden Draft Headline</h2><p>Draft.</p></article></div>"
        f"<main>{STORY}</main>"
    ).encode()
    page = parse_page(body, "text/html")
    assert [a.title for a in page.articles] == ["Kazakh Grain Exports Rise Again"]


def test_the_date_of_a_time_element_with_breaks_scripts_or_icons() -> None:
    for time_element in [
        "<time>12 May<br>2024</time>",
        "<time>12 May <script>x()</script>2024</time>",
        "<time>12 May <style>b{}</style>2024</time>",
        "<time><svg><title>1 January 1999</title></svg>12 May 2024</time>",
    ]:
        page = parse_page(f"<body>{time_element}{STORY}</body>".encode(), "text/html")
        assert page.page_date == date(2024, 5, 12), time_element


def test_a_time_element_in_a_drawing_is_not_the_page_date() -> None:
    body = (
        "<svg><time datetime='2001-01-01'></time></svg><time datetime='2024-05-12'></time>"
        f"{STORY}"
    ).encode()
    assert parse_page(body, "text/html").page_date == date(2024, 5, 12)


def test_time_elements_in_drawings_do_not_use_up_the_texts_read() -> None:
    # Only the first few seen <time>s are read for their text: those in a
    # drawing are not among them.
    drawn = "<svg><time>1 January 2001</time></svg>" * 12
    body = f"{drawn}<time>12 May 2024</time>{STORY}".encode()
    assert parse_page(body, "text/html").page_date == date(2024, 5, 12)


def test_ticker_bars_in_the_header_and_in_a_story_both_count() -> None:
    body = (
        b'<header><div class="ticker"><b>KGS/USD</b> = 0.01144 0%</div></header>'
        b'<article><h2>Tenge Holds Steady This Week</h2><div class="ticker">'
        b"KZT/USD = 0.00192 -0%</div><p>The tenge held.</p></article>"
    )
    page = parse_page(body, "text/html")
    assert [(q.base, q.quote) for q in page.quotes] == [("KGS", "USD"), ("KZT", "USD")]


def test_ticker_bar_quotes_split_over_elements_on_an_article_page() -> None:
    # The page's text (its texts joined by line breaks) tells whether a bar
    # may hold a quote: one split over elements is still found.
    body = (
        b'<head><script type="application/ld+json">{"@type": "NewsArticle",'
        b' "headline": "Tenge Holds"}</script></head><body>'
        b'<div class="ticker"><b>KGS</b>/<i>USD</i>\n=\n<span>0.01144</span> 0%</div>'
        b"<article><h1>Tenge Holds</h1><p>Photo: AP/NBC. The tenge held steady against the"
        b" dollar this week, traders in Almaty said on Friday.</p></article></body>"
    )
    assert [(q.pair, q.rate) for q in parse_page(body, "text/html").quotes] == [
        ("KGS/USD", Decimal("0.01144"))
    ]
    # Pairs named without a rate ("AP/NBC", a "/FAQ" path) are no quote.
    plain = body.replace(b"0.01144", b"n/a")
    assert parse_page(plain, "text/html").quotes == ()


def test_a_base_href_with_forbidden_characters_is_cleaned() -> None:
    body = (
        b'<base href="http://news.example/a&#1;b/"><article><h2><a href="story/1">'
        b"Kazakh Grain Exports Rise Again</a></h2><p>Exports rose.</p></article>"
    )
    (article,) = parse_page(body, "text/html").articles
    assert article.url == "http://news.example/ab/story/1"


_STORY = "<p>" + "The council approved the new water tariff on Monday after a long debate. " * 3 + "</p>"


def test_article_body_marked_only_where_never_seen_is_no_scope() -> None:
    # The page's one microdata articleBody sits in a <noscript>: the page is
    # read as one article, but the story is looked for in the whole body.
    page = parse(
        "<html><body><div class='menu'><a href='/a'>Home</a> <a href='/b'>World</a></div>"
        f"<div><h1>Tariff approved</h1>{_STORY}</div>"
        "<noscript><div itemprop='articleBody'>Enable scripts to read.</div></noscript>"
        "</body></html>"
    )
    assert [(a.title, len(a.paragraphs)) for a in page.articles] == [("Tariff approved", 1)]
    assert page.diagnostics.left_out[0].sample == "Home World"


def test_article_body_marked_on_a_line_break_is_no_scope() -> None:
    page = parse(
        f"<html><body><h1>Tariff approved</h1><div>{_STORY}<br itemprop='articleBody'></div>"
        "<footer><a href='/x'>About us</a></footer></body></html>"
    )
    assert [(a.title, len(a.paragraphs)) for a in page.articles] == [("Tariff approved", 1)]


def test_a_ticker_bar_inside_the_menus_counts_only_without_another() -> None:
    story = b"<article><h2>Tenge Holds Steady This Week</h2><p>The tenge held.</p></article>"
    menu = b'<nav><a href="/">Home</a><div class="ticker"><b>KGS/USD</b> = 0.01144 0%</div></nav>'
    alone = parse_page(menu + story + b"<footer><p>About us</p></footer>", "text/html")
    assert [(q.base, q.quote) for q in alone.quotes] == [("KGS", "USD")]
    # The menus are read again for their bar, and gone again for the stories.
    assert [(a.title, a.paragraphs) for a in alone.articles] == [
        ("Tenge Holds Steady This Week", ("The tenge held.",))
    ]
    assert {kind.kind: kind.blocks for kind in alone.diagnostics.left_out} == {"site chrome": 2}
    outside = b'<div class="ticker">KZT/USD = 0.00192 -0%</div>'
    both = parse_page(menu + outside + story, "text/html")
    assert [(q.base, q.quote) for q in both.quotes] == [("KZT", "USD")]


def test_a_ticker_bar_whose_quote_a_form_splits_gives_it_once_the_form_is_dropped() -> None:
    body = (
        b'<div class="ticker"><b>KGS/USD</b><form>Go</form> = 0.01144 0%</div>'
        b"<article><h2>Tenge Holds Steady This Week</h2><p>The tenge held.</p></article>"
    )
    page = parse_page(body, "text/html")
    assert [(q.base, q.quote, q.rate) for q in page.quotes] == [("KGS", "USD", Decimal("0.01144"))]


def test_drop_down_lists_are_no_text() -> None:
    towns = "".join(f"<option>{town}</option>" for town in ("Almaty", "Astana", "Shymkent"))
    page = parse(
        "<html><head><meta property='og:type' content='article'><title>Snow in Almaty</title>"
        "</head><body><div class='story'><h1>Snow in Almaty</h1>"
        "<p>Almaty woke up to 30 centimetres of snow on Tuesday, the city's weather service "
        "said.</p><div class='weather'><select name='town'><option>- please select "
        f"-</option>{towns}</select></div>"
        "<p>Schools stayed open, but several mountain roads were closed until noon.</p>"
        "</div></body></html>"
    )
    (article,) = page.articles
    assert article.paragraphs == (
        "Almaty woke up to 30 centimetres of snow on Tuesday, the city's weather service said.",
        "Schools stayed open, but several mountain roads were closed until noon.",
    )


def test_lexbor_text_of_an_element_is_its_text() -> None:
    # The parser reads elements' text with Lexbor's own textContent (half the
    # time of selectolax's text()): both are the text of every text node
    # under the element, comments left out, whatever the markup.
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(
        "<div><p>A <b>bold</b> &amp; <!-- note --> caf&eacute;<br>line</p>"
        "<ul><li>one<li>two</ul><math><mi>x</mi></math><table><td>cell</table>"
        "<a href=/x>link <span>inside</span></a><p></p></div>"
    )
    assert tree.body is not None
    for node in tree.body.traverse():
        if not node.is_comment_node:
            assert node.text_lexbor() == node.text(), node.tag


def test_the_headline_in_the_article_above_its_text_is_left_out_as_the_headline(
    page_fixture,
) -> None:
    # The <h1> in the <article>'s header stands outside the container of the
    # story's text; it is the headline, not text outside the article.
    page = page_fixture("wordpress-printed-time.html")
    kinds = {kind.kind: kind for kind in page.diagnostics.left_out}
    assert kinds["headline"].sample == "Dushanbe to open second international airport terminal"
    assert kinds["headline"].blocks == 1
    assert kinds["outside the article"].sample.startswith("Posted on")


def _numbered(text: str, count: int = 4) -> str:
    """``count`` paragraphs of ``text``, each with its number in place of ``{n}``."""
    return "".join(f"<p>{text.format(n=n)}</p>" for n in range(1, count + 1))


def test_an_old_sites_title_and_its_error_report_prompt() -> None:
    # No <h1>: the headline is the <title> less the site's name after " :: ";
    # "Нашли ошибку? …" under the text is a prompt, no paragraph.
    body = _numbered(
        "Абзац {n}: за одиннадцать месяцев экспорт пшеницы вырос на треть, "
        "сообщили в министерстве сельского хозяйства."
    )
    page = parse(
        "<html><head><title>Казахстан увеличил экспорт пшеницы в Афганистан :: Казинформ"
        f"</title></head><body><div class='news_text'>{body}"
        "<p>Нашли ошибку? Выделите ее и нажмите Ctrl+Enter.</p></div></body></html>"
    )
    (article,) = page.articles
    assert article.title == "Казахстан увеличил экспорт пшеницы в Афганистан"
    assert len(article.paragraphs) == 4
    assert not any("Ctrl+Enter" in p for p in article.paragraphs)


def test_cards_titled_inside_their_links_with_relative_stamps() -> None:
    # Each card's title is a <span> inside its link, under a section's <h2>;
    # the page's date is its header's, from which "Сегодня" and "Вчера" count,
    # not the one older card's that prints its full date.
    cards = [
        ("akim", "Токаев назначил нового акима Карагандинской области",
         "Бывший аким освобожден от должности в связи с переходом на другую работу.",
         "Сегодня, 14:30"),
        ("gas", "Россия и Китай подписали соглашение по газопроводу",
         "Трубопровод пройдет через территорию Монголии, поставки начнутся позже.",
         "Вчера, 17:48"),
        ("sat", "Казахстан запустил второй спутник связи KazSat-4",
         "Ракета-носитель стартовала с космодрома Байконур.", "2 декабря 2026, 18:40"),
    ]  # fmt: skip
    items = "".join(
        f'<div class="item"><a href="https://news.example/{slug}/"><img src="{slug}.jpg" alt="">'
        f'<span class="item-title">{title}</span></a><p class="desc">{lead}</p>'
        f"<div class='meta'><time>{when}</time></div></div>"
        for slug, title, lead, when in cards
    )
    page = parse_page(
        f"<html><body><div class='date'>4 декабря 2026</div><div class='list'>"
        f"<h2>Последние новости</h2>{items}</div></body></html>".encode(),
        "text/html",
        datetime(2026, 12, 6, 8, 0, tzinfo=UTC),
    )
    assert page.page_date == date(2026, 12, 4)
    assert [(a.title, a.url, a.published) for a in page.articles] == [
        (cards[0][1], "https://news.example/akim/", datetime(2026, 12, 4, 14, 30, tzinfo=UTC)),
        (cards[1][1], "https://news.example/gas/", datetime(2026, 12, 3, 17, 48, tzinfo=UTC)),
        (cards[2][1], "https://news.example/sat/", datetime(2026, 12, 2, 18, 40, tzinfo=UTC)),
    ]


def test_a_front_page_of_headings_over_teasers_set_in_divs(page_fixture) -> None:
    # Each card: an <h3> link, its teaser in a <div>, its byline and <time>; a
    # newsletter's sign-up box with a heading and a paragraph is no story.
    page = page_fixture("front-div-teasers-newsletter.html")
    assert len(page.articles) == 6
    assert all(len(a.paragraphs) == 1 and a.url and a.published for a in page.articles)
    smog = page.articles[1]
    assert smog.title == "Kyrgyzstan: Bishkek's smog season returns with a vengeance"
    assert smog.authors == ("Ayzirek Imanaliyeva",)
    assert smog.paragraphs[0].startswith("City officials have again promised")
    assert not any("newsletter" in a.title.lower() for a in page.articles)
    outside = {k.kind: k for k in page.diagnostics.left_out}["outside the stories"]
    assert outside.blocks == 3  # the cookie notice, the sign-up's heading and its text


def test_the_time_beside_a_headline_its_wrapper_holds_alone() -> None:
    # <div class="story-headline"><h1>…</h1></div>, then the stamp's <div>
    # (a byline may stand between them): the story's publication time.
    body = _numbered(
        "Paragraph {n}: the central bank sold $410 million from its reserves in "
        "November to support the tenge, it said on Friday."
    )
    for between in ("", "<div class='story-byline'>By Mariya Gordeyeva</div>"):
        page = parse(
            "<html><head><title>Kazakh central bank steps in to steady tenge | Reuters</title>"
            "</head><body><div class='story-headline'><h1>Kazakh central bank steps in to "
            f"steady tenge</h1></div>{between}<div class='story-timestamp'><span>December 5, "
            f"2026 8:12 AM GMT</span></div><div class='story-body'>{body}</div></body></html>"
        )
        (article,) = page.articles
        assert article.published == datetime(2026, 12, 5, 8, 12, tzinfo=UTC), between


def test_a_stamp_with_its_counts_and_a_signature_are_no_paragraphs() -> None:
    # "04.12.2026 16:20  5 614  12" (the time, its views, its comments) under
    # the headline, and the author's name alone at the text's end.
    body = _numbered(
        "Абзац {n}: Таджикистан в 2027 году намерен экспортировать в Афганистан до "
        "трех миллиардов киловатт-часов электроэнергии."
    )
    page = parse(
        "<html><head><meta property='og:type' content='article'>"
        "<meta property='og:title' content='Таджикистан удвоит поставки'>"
        "<meta name='author' content='Фарангис Ахмедова'></head><body><article>"
        "<h1>Таджикистан удвоит поставки</h1><div class='meta'><span>04.12.2026 16:20</span> "
        "<span class='views'> 5 614 </span> <span> 12</span></div>"
        f"{body}<p class='sign'><strong>Фарангис Ахмедова</strong></p></article></body></html>"
    )
    (article,) = page.articles
    assert article.authors == ("Фарангис Ахмедова",)
    assert len(article.paragraphs) == 4
    assert all(p.startswith("Абзац") for p in article.paragraphs)
