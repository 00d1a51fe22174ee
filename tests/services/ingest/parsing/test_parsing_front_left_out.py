"""HTML front pages (many stories) say what went into no story, as the other page kinds do."""

from __future__ import annotations

import json

import pytest

from services.ingest.parsing import ParsedPage, parse_page
from tests.support.sample import SAMPLE_TITLES


def html(text: str) -> ParsedPage:
    return parse_page(text.encode("utf-8"), "text/html")


def kinds(page: ParsedPage) -> dict[str, tuple[int, int, str]]:
    return {kind.kind: (kind.blocks, kind.chars, kind.sample) for kind in page.diagnostics.left_out}


def test_the_full_news_page_counts_its_chrome_comments_and_other_headlines(
    sample_full_html: bytes,
) -> None:
    page = parse_page(sample_full_html, "text/html")
    assert [a.title for a in page.articles] == SAMPLE_TITLES
    found = kinds(page)
    assert set(found) == {"site chrome", "comments", "outside the stories", "loose text"}
    # The masthead's menus, the sidebars, the forms and the footer: each
    # outermost one a block, its text counted with white space squashed.
    blocks, chars, sample = found["site chrome"]
    assert blocks >= 10 and chars > 5000
    assert sample.startswith("About Us")
    # One thread of readers' comments under one story.
    blocks, chars, sample = found["comments"]
    assert blocks == 1 and chars > 500
    assert sample.startswith("5 thoughts on “Kazakhstan’s Trade Policy")
    # The breaking-news bar's headlines lead to no story on this page.
    blocks, chars, sample = found["outside the stories"]
    assert sample == "Kazakh Oil Output Falls Short of OPEC+ Quota"
    assert blocks >= 8
    # Text in no block: the skip link, the masthead's name and motto, the
    # bar's "Breaking" label, the cards' "News" labels (not the cookie
    # notice, set with display: none until a script shows it).
    # In the cards, outside their text: categories, reading times, image credits.
    blocks, chars, sample = found["loose text"]
    assert sample == "Skip to content"
    assert blocks >= 40 and chars > 500
    assert "cookies" not in sample
    # The ticker's quotes were read as the page's quotes, not left out, and
    # no story's text is counted as left out.
    left = page.diagnostics.as_json()["left_out"]
    assert left["blocks"] == sum(b for b, _, _ in found.values())
    assert left["chars"] == sum(c for _, c, _ in found.values())
    assert len(page.quotes) == 5
    assert page.diagnostics.warnings == ()


FRONT_WITH_HEADINGS = """<!doctype html><html lang="en"><head><title>Kaktus Media — Bishkek</title></head>
<body>
<header class="site-header"><a href="/">Kaktus Media</a>
  <nav><ul><li><a href="/politics">Politics</a></li><li><a href="/economy">Economy</a></li></ul></nav>
</header>
<div class="promo"><p>Subscribe to our morning briefing: the day's news from Bishkek by 8 a.m.</p></div>
<main>
  <p>Today's top stories from Kyrgyzstan and the region.</p>
  <h2>Opinion</h2>
  <h2><a href="https://kaktus.example/news/coal-ban">Bishkek bans coal heating in the city centre</a></h2>
  <p>BISHKEK — The city council voted on Tuesday to ban coal stoves in central districts from
  next winter, citing the smog that covers the capital for weeks each January.</p>
  <p>Households will receive subsidies to switch to electric heating, the mayor's office said.</p>
  <h2><a href="https://kaktus.example/news/osh-airport">Osh airport opens a second terminal</a></h2>
  <p>OSH — A new terminal with capacity for two million passengers a year opened on Monday.</p>
  <h3>Most read</h3>
</main>
<footer><p>© 2026 Kaktus Media. All rights reserved.</p><p>Contact: news@kaktus.example</p></footer>
</body></html>"""


def test_a_front_page_read_by_its_headings_counts_what_no_heading_took() -> None:
    page = html(FRONT_WITH_HEADINGS)
    assert [a.title for a in page.articles] == [
        "Bishkek bans coal heating in the city centre",
        "Osh airport opens a second terminal",
    ]
    found = kinds(page)
    # The menu, the rest of the site header, and the footer are chrome.
    blocks, chars, sample = found["site chrome"]
    assert blocks == 3 and sample == "Politics Economy"
    footer = "© 2026 Kaktus Media. All rights reserved. Contact: news@kaktus.example"
    assert chars == len(sample) + len("Kaktus Media") + len(footer)
    # A section label and a box title: headings with nothing under them.
    assert found["headings without text"] == (2, len("Opinion") + len("Most read"), "Opinion")
    # The line above the first story and the promotion outside <main>.
    promo = "Subscribe to our morning briefing: the day's news from Bishkek by 8 a.m."
    intro = "Today's top stories from Kyrgyzstan and the region."
    assert found["outside the stories"] == (2, len(promo) + len(intro), promo)


FRONT_WITH_ARTICLES = """<!doctype html><html><head><title>Trend — Central Asia</title></head><body>
<main>
<article class="teaser"><h3><a href="/uz/cotton">Uzbekistan lifts its last cotton quotas</a></h3></article>
<article class="post">
  <h2><a href="/kz/grain">Kazakhstan to cut export duty on wheat from April</a></h2>
  <p>ASTANA — Kazakhstan will cut its export duty on wheat from April, the agriculture
  ministry said on Monday.</p>
  <div class="comments-area"><p>Great news for farmers!</p></div>
</article>
<article class="sponsored"><p>Advertisement: fly Astana to Almaty from 19,990 tenge.</p></article>
<article class="post">
  <h2><a href="/tj/rogun">Rogun's second turbine comes online</a></h2>
  <p>DUSHANBE — The second turbine of the Rogun plant was connected to the grid on Friday.</p>
</article>
</main>
<p class="disclaimer">Opinions expressed by readers are their own.</p>
</body></html>"""


def test_a_front_page_of_article_elements_counts_teasers_and_headless_ones() -> None:
    page = html(FRONT_WITH_ARTICLES)
    assert [a.title for a in page.articles] == [
        "Kazakhstan to cut export duty on wheat from April",
        "Rogun's second turbine comes online",
    ]
    found = kinds(page)
    teaser = "Uzbekistan lifts its last cotton quotas"
    assert found["headings without text"] == (1, len(teaser), teaser)
    advert = "Advertisement: fly Astana to Almaty from 19,990 tenge."
    disclaimer = "Opinions expressed by readers are their own."
    assert found["outside the stories"] == (2, len(advert) + len(disclaimer), advert)
    assert found["comments"] == (1, len("Great news for farmers!"), "Great news for farmers!")


def test_a_front_page_of_bare_paragraphs_counts_the_text_before_the_first_headline() -> None:
    page = html(
        "<html><body><div class='wrap'>"
        "<p>Latest news from Turkmenistan, updated every hour.</p>"
        "<p>Turkmenistan Signs Gas Deal With Iraq via Iran</p>"
        "<p>ASHGABAT — Turkmenistan will supply up to ten million cubic metres of gas a day "
        "to Iraq through Iran under a swap deal signed on Thursday.</p>"
        "</div></body></html>"
    )
    assert [a.title for a in page.articles] == ["Turkmenistan Signs Gas Deal With Iraq via Iran"]
    intro = "Latest news from Turkmenistan, updated every hour."
    assert kinds(page) == {"before the first headline": (1, len(intro), intro)}


def test_left_out_text_of_a_front_page_is_bounded_and_does_not_double_count() -> None:
    # A menu inside a sidebar is a block of its own, the sidebar's other text
    # another; a menu nested in a menu counts with the outer one. A thousand
    # of each, every character counted once.
    nested = (
        "<aside><nav><ul><li>World</li><li>Sport</li></ul></nav><p>Most read</p></aside>"
        "<nav><a href='/'>Home</a><nav><a href='/kz'>Kazakhstan</a></nav></nav>"
    )
    story = (
        "<article><h2>Tajikistan opens a new hydropower plant</h2>"
        "<p>The plant on the Vakhsh river will add 120 megawatts this winter.</p></article>"
    )
    page = html(f"<html><body>{nested * 1000}{story}</body></html>")
    assert [a.title for a in page.articles] == ["Tajikistan opens a new hydropower plant"]
    blocks, chars, sample = kinds(page)["site chrome"]
    assert sample == "World Sport"
    assert blocks == 3000
    per_copy = len("World Sport") + len("Most read") + len("Home Kazakhstan")
    assert chars == 1000 * per_copy
    assert page.diagnostics.warnings == ()


def test_thousands_of_nested_menus_are_one_block() -> None:
    page = html("<html><body>" + "<nav>menu " * 3000 + "</body></html>")
    blocks, chars, _ = kinds(page)["site chrome"]
    assert (blocks, chars) == (1, 3000 * len("menu ") - 1)


def test_the_diagnostics_of_a_hostile_front_page_stay_small() -> None:
    # Thousands of menus, empty headings, comment threads and link boxes:
    # counted exactly, one sample per kind, never a long list.
    n = 5000
    body = (
        "<html><body>"
        + "<nav><a href='/'>Home</a></nav>" * n
        + "<h3>Section</h3>" * n
        + "<div class='comments'><p>First!</p></div>" * n
        + "<h2>Kazakhstan Opens a Border Crossing</h2>"
        "<p>The crossing near Zhanaozen opened on Monday, officials said.</p>"
        + "<h2>Read Also Box</h2><ul><li><a href='/x'>Another story</a></li></ul>" * n
        + "</body></html>"
    )
    page = html(body)
    assert [a.title for a in page.articles] == ["Kazakhstan Opens a Border Crossing"]
    found = kinds(page)
    assert found["site chrome"] == (n, n * len("Home"), "Home")
    assert found["comments"] == (n, n * len("First!"), "First!")
    assert found["headings without text"][0] == 2 * n
    assert found["outside the stories"] == (n, n * len("Another story"), "Another story")
    assert len(json.dumps(page.diagnostics.as_json())) < 1000


@pytest.mark.parametrize("link", ['<a href="/{}">{}</a>', '<span><a href="/{}">{}</a></span>'])
def test_lists_of_bare_links_under_a_story_are_no_part_of_it(link: str) -> None:
    # A story's text, then the page's share bar and menus with no heading of
    # their own between: each item one link (maybe wrapped) and nothing else.
    items = "".join(
        f"<li>{link.format(slug, label)}</li>"
        for slug, label in (("mail", "Email"), ("print", "Print this story"), ("", "Home"))
    )
    page = html(
        "<html><head><title>Steppe Herald</title></head><body>"
        "<h1>Kazakhstan to cut export duty on wheat</h1>"
        "<p>ASTANA — Kazakhstan will cut its export duty on wheat from April, the ministry "
        "said on Monday.</p><ul><li>Exports rose 12% last year, to 9 million tonnes.</li></ul>"
        f"<ul class='tools'>{items}</ul></body></html>"
    )
    (article,) = page.articles
    assert article.paragraphs == (
        "ASTANA — Kazakhstan will cut its export duty on wheat from April, the ministry said "
        "on Monday.",
        "Exports rose 12% last year, to 9 million tonnes.",
    )
    blocks, _, sample = kinds(page)["outside the stories"]
    assert (blocks, sample) == (3, "Email")


def test_lists_of_bare_links_on_a_page_without_headings_are_no_story() -> None:
    # No headings: the paragraphs are read as lines, a headline line before
    # its prose. A menu's items (links wrapped in spans) are no lines of it.
    menu = "".join(
        f'<li><span><a href="/sports/{i}">Sports headlines from the region, part {i}</a></span></li>'
        for i in range(12)
    )
    story = (
        "ALMATY — The city's metro will add three stations by the end of next year, its "
        "operator said on Thursday.",
        "The new stations extend the line to the western districts, where most of the "
        "city's new housing has gone up since 2015.",
    )
    page = html(
        "<html><head><title>City news</title></head><body>"
        f"<ul class='menu'>{menu}</ul>"
        "<p><b>Almaty metro to open three new stations</b></p>"
        + "".join(f"<p>{text}</p>" for text in story)
        + "</body></html>"
    )
    (article,) = page.articles
    assert article.title == "Almaty metro to open three new stations"
    assert article.paragraphs == story
    assert kinds(page)["outside the stories"][0] == 12


def test_text_in_no_block_is_counted_as_loose_text(page_fixture) -> None:
    page = page_fixture("front-loose-text.html")
    assert len(page.articles) == 3
    loose = [
        "Breaking",
        "Senate passes the new Tax Code in its second reading",
        "Astana airport resumes flights after fog",
        "Exclusive",
        "Video",
        "Advertisement",
        "Kaspi Red: 0% for 24 months",
        "Tenge firms against the dollar",
        "Heavy snow expected in Astana",
        "New rail link to Uzbekistan opens",
    ]
    found = kinds(page)
    # The bar's bare spans, the cards' labels, the promotion and the ticker
    # of links; not the bullets and bars between them, nor the rates line (the
    # page's quotes), nor the bylines and times the cards gave their stories.
    assert found["loose text"] == (len(loose), sum(map(len, loose)), "Breaking")
    assert set(found) == {"site chrome", "loose text"}
    assert len(page.quotes) == 2
    assert page.articles[0].authors == ("Dana Omarova",)


def test_loose_text_around_article_elements_and_in_them() -> None:
    page = html(
        "<!doctype html><html lang='ru'><body>"
        "<div class='lenta'><b>Срочно:</b> <a href='/1'>Жапаров подписал закон о СМИ</a></div>"
        "<main>"
        "<article><span class='tag'>Реклама</span>"
        "<h2><a href='/2'>В Бишкеке ограничат въезд грузовиков</a></h2>"
        "<p>Грузовикам массой более десяти тонн понадобится пропуск с января.</p></article>"
        "<div class='banner'><span>Реклама</span></div>"
        "<article><h2><a href='/3'>В Оше открыли новый терминал</a></h2>"
        "<p>Терминал рассчитан на миллион пассажиров в год, сообщили в аэропорту.</p></article>"
        "</main></body></html>"
    )
    assert len(page.articles) == 2
    # The bar, the banner between the cards and the first card's own label.
    loose = ["Срочно:", "Жапаров подписал закон о СМИ", "Реклама", "Реклама"]
    assert kinds(page)["loose text"] == (4, sum(map(len, loose)), "Срочно:")


def test_loose_text_a_person_never_sees_is_not_counted() -> None:
    page = html(
        "<html><body><main>"
        "<div style='display: none'>Hidden promo</div>"
        "<span aria-hidden='true'>Icon label</span>"
        "<h2><a href='/1'>Tashkent opens a new metro line</a></h2>"
        "<p>The line adds six stations, officials said on Tuesday.</p>"
        "<h2><a href='/2'>Bishkek limits trucks in the centre</a></h2>"
        "<p>Trucks over ten tonnes will need a pass from January.</p>"
        "<button>Load more</button>"
        "</main></body></html>"
    )
    assert kinds(page) == {"loose text": (1, len("Load more"), "Load more")}


def test_a_ticker_bar_split_over_spans_is_no_loose_text() -> None:
    page = html(
        "<html><body>"
        "<div class='currency-ticker'><span>USD/KZT</span> <span>512.30</span> <span>+0.2%</span>"
        " <span>EUR/KZT</span> <span>548.10</span> <span>-0.1%</span></div><main>"
        "<h2><a href='/1'>Tashkent opens a new metro line</a></h2>"
        "<p>The line adds six stations, officials said on Tuesday.</p>"
        "<h2><a href='/2'>Tenge falls against USD/KZT lows</a></h2>"
        "<p>Trucks over ten tonnes will need a pass from January.</p>"
        "<div class='card__label'>USD/KZT outlook</div>"
        "</main></body></html>"
    )
    assert len(page.quotes) == 2
    # The bar's quotes were read; a label with words naming a pair is text.
    assert kinds(page) == {"loose text": (1, len("USD/KZT outlook"), "USD/KZT outlook")}
