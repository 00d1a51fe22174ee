"""Pages that mark no article (no JSON-LD, no og:type, no microdata) and whose
headlines cut none: an older site's story under a styled line, its text between
<br>s. A person reads one article there, and so does silkfeed."""

from __future__ import annotations

from datetime import date

import pytest
from selectolax.lexbor import LexborHTMLParser

from services.ingest.parsing import ParsedPage, parse_page
from services.ingest.parsing.single import first_heading

STORY = (
    "Kazakhstan harvested 17.1 million tonnes of wheat this year, 12% more than last year, "
    "the agriculture ministry said on Tuesday.",
    "Farmers in the Kostanay and Akmola regions brought in most of the crop, helped by late "
    "rains in July that saved fields written off in June.",
    "Exporters expect to ship 9 million tonnes abroad, mainly to Uzbekistan, Afghanistan and "
    "China, if rail capacity allows.",
)


def unmarked_page(headline_markup: str, title: str) -> bytes:
    menu = "".join(
        f'<li><a href="/news/{i}">More regional news, part {i}</a></li>' for i in range(12)
    )
    text = "<br>\n<br>\n".join(STORY)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title></head>
<body>
<div id="top"><h1><a href="/">Steppe Herald</a></h1>
  <ul class="menu"><li><a href="/">Home</a></li><li><a href="/economy">Economy</a></li></ul></div>
<div class="wrap">
  <div class="left"><ul>{menu}</ul></div>
  <div class="main">
    {headline_markup}
    Posted: 03.03.2026
    <div class="text">
      <table><tr><td><img src="/photo/wheat.jpg" alt=""></td></tr></table><br><br>
      {text}
    </div>
  </div>
</div>
<div class="bottom">Copyright 2026 Steppe Herald. All rights reserved.</div>
</body></html>""".encode()


def parse(body: bytes) -> ParsedPage:
    return parse_page(body, "text/html")


@pytest.mark.parametrize(
    ("headline_markup", "title"),
    [
        (
            '<dl class="newsTitle"><dt>Kazakhstan wheat harvest up 12%</dt></dl>',
            "Kazakhstan wheat harvest up 12% - Steppe Herald",
        ),
        (
            '<p class="titulo">Kazakhstan wheat harvest up 12%</p>',
            "Kazakhstan wheat harvest up 12% | Steppe Herald",
        ),
    ],
)
def test_story_between_line_breaks_is_one_article(headline_markup: str, title: str) -> None:
    page = parse(unmarked_page(headline_markup, title))
    [article] = page.articles
    # The <title> less the site's name: the <h1> is the site's logo.
    assert article.title == "Kazakhstan wheat harvest up 12%"
    # Its paragraphs, cut where two line breaks stand between them.
    assert article.paragraphs == STORY
    assert "kazakhstan" in article.tags
    kinds = {kind.kind for kind in page.diagnostics.left_out}
    assert "outside the article" in kinds
    assert "no article found" not in page.diagnostics.warnings


def test_page_of_links_alone_still_says_nothing_was_found() -> None:
    links = "".join(f'<li><a href="/n/{i}">Story number {i} of the day</a></li>' for i in range(30))
    page = parse(
        f"<html><head><title>Index</title></head><body><ul>{links}</ul></body></html>".encode()
    )
    assert page.articles == ()
    assert "no article found" in page.diagnostics.warnings


def heading(markup: str) -> str | None:
    return first_heading(LexborHTMLParser(markup))


def test_headline_is_the_h1_when_the_title_names_the_same_story() -> None:
    assert (
        heading(
            "<title>Tokayev signs the budget - Steppe Herald</title><h1>Tokayev signs budget</h1>"
        )
        == "Tokayev signs budget"
    )


def test_headline_is_the_title_less_the_site_when_the_h1_is_a_logo() -> None:
    assert (
        heading("<title>Tokayev signs the budget — Steppe Herald</title><h1>Steppe Herald</h1>")
        == "Tokayev signs the budget"
    )
    # A dash inside the story's words is not the site's separator.
    assert heading("<title>Almaty-Bishkek road reopens</title><h1>Logo</h1>") == (
        "Almaty-Bishkek road reopens"
    )


def test_headline_without_title_or_h1() -> None:
    assert heading("<title>Index - Herald</title><h1>Tokayev resigns</h1>") == "Tokayev resigns"
    assert heading("<p>nothing</p>") is None
    assert heading("<title>Budget - Herald</title>") == "Budget - Herald"
    assert heading("<title>Almaty-Bishkek road reopens</title><h1>Logo</h1>") == (
        "Almaty-Bishkek road reopens"
    )


def test_page_of_rates_alone_gives_its_quotes_and_no_article() -> None:
    page = parse(
        b"<html><head><title>Exchange rates today - Steppe Herald</title></head><body>"
        b"<h1>Steppe Herald</h1><div class='ticker'>USD/KZT 512.30 +0.2% EUR/KZT 553.10 -0.1% "
        b"RUB/KZT 5.61 0%</div></body></html>"
    )
    assert [(q.base, q.quote, str(q.rate), q.change) for q in page.quotes] == [
        ("USD", "KZT", "512.30", "+0.2%"),
        ("EUR", "KZT", "553.10", "-0.1%"),
        ("RUB", "KZT", "5.61", "0%"),
    ]
    assert page.articles == ()
    assert "no article found" in page.diagnostics.warnings


def test_single_line_breaks_join_words_and_pairs_cut_paragraphs() -> None:
    page = parse(
        b"<html><head><meta property='og:type' content='article'>"
        b"<title>Bishkek opens a ring road</title></head><body><div class='story'>"
        b"<h1>Bishkek opens a ring road</h1>"
        b"BISHKEK - The city's ring road opened on Monday<br>after four years of work, the "
        b"mayor's office said.<br><br>\n<br>Traffic in the centre is expected to ease by a fifth "
        b"once the last junction is finished in May.<BR/> <br />The road cost 9 billion soms."
        b"</div></body></html>"
    )
    [article] = page.articles
    assert article.paragraphs == (
        "BISHKEK - The city's ring road opened on Monday after four years of work, the "
        "mayor's office said.",
        "Traffic in the centre is expected to ease by a fifth once the last junction is "
        "finished in May.",
        "The road cost 9 billion soms.",
    )


def test_teasers_beside_the_story_are_no_part_of_it() -> None:
    # Each a linked headline and its text cut short: prose by its length, but
    # a list of links by what it is.
    teasers = "".join(
        f'<li><a href="/news/{i}">Kyrgyz parliament passes the {i}th budget amendment</a> '
        f"<span>BISHKEK: The parliament of Kyrgyzstan on Wednesday passed an amendment that "
        f"the finance ministry says will free funds for…</span></li>"
        for i in range(4)
    )
    page = parse(
        (
            "<html><head><meta property='og:type' content='article'>"
            "<title>Tashkent opens a metro line</title></head><body><div class='page'>"
            f"<div class='breaking'><b>Breaking</b><ul>{teasers}</ul></div>"
            "<div class='story'><h1>Tashkent opens a metro line</h1>"
            "<p>Tashkent opened its third metro line on Friday, linking the airport with the "
            "northern districts, the city said.</p>"
            "<p><a href='/review'>According to the city's own review</a>, the line will carry "
            "200,000 people a day once the last two stations open, though the city added…</p>"
            "</div></div></body></html>"
        ).encode()
    )
    [article] = page.articles
    assert len(article.paragraphs) == 2
    # A paragraph that starts with a link and trails off is the story's own.
    assert article.paragraphs[1].startswith("According to the city's own review")
    assert "Kyrgyz" not in " ".join(article.paragraphs)


def test_an_unlinked_story_with_sections_is_one_article() -> None:
    sections = "".join(
        f"<h2>{name}</h2><p>{text}</p>"
        for name, text in (
            ("Who may apply", "Farmers with at least ten hectares under grain may apply by May."),
            ("How much is paid", "The subsidy is 20,000 tenge a hectare, paid in two parts."),
        )
    )
    page = parse(
        (
            "<html><head><title>Kazakhstan widens grain subsidy - Steppe Herald</title></head>"
            "<body><div class='post'><h1>Kazakhstan widens grain subsidy</h1>"
            "<p>Kazakhstan will pay grain farmers a subsidy per hectare from this spring, the "
            f"agriculture ministry said.</p>{sections}</div></body></html>"
        ).encode()
    )
    [article] = page.articles
    assert article.title == "Kazakhstan widens grain subsidy"
    assert len(article.paragraphs) >= 3
    assert article.paragraphs[-1] == "The subsidy is 20,000 tenge a hectare, paid in two parts."


def test_story_under_its_own_h1_keeps_text_set_between_empty_paragraphs() -> None:
    # A syndicated story's text as one run, its paragraphs parted by empty
    # <p></p>s, under the page's own <h1>; a box of other headlines beside it.
    others = "".join(
        f'<h2><a href="/{sport}/">{sport.upper()} Headlines</a></h2>'
        f'<div class="item"><a href="/{sport}/1.html">Another game report {sport}</a></div>'
        for sport in ("nba", "nhl", "nfl")
    )
    text = "<p></p> ".join(STORY)
    page = parse(
        (
            "<html><head><title>Wheat harvest up 12% - Steppe Sports</title></head><body>"
            "<div class='Story'><h1 class='Headline'>Wheat harvest up 12%</h1>"
            f"<div class='StoryBody'>{text}<div class='Copyright'><p><i>Copyright 2026 "
            "Steppe Wire.</i></p></div></div></div>"
            f"<div class='more'><h1>More news</h1>{others}</div></body></html>"
        ).encode()
    )
    [article] = page.articles
    assert article.title == "Wheat harvest up 12%"
    assert article.paragraphs[: len(STORY)] == STORY


def test_page_without_any_headline_is_one_article_when_it_holds_a_story() -> None:
    # No <title>, no heading: an older page's story in a table cell, its
    # first paragraph taken for its title.
    paragraphs = "".join(f"<p>{line}</p>" for line in STORY)
    page = parse(
        (
            "<html><body><table><tr><td class='nav'><a href='/'>Home</a> "
            f"<a href='/sport'>Sport</a></td><td>{paragraphs}</td></tr></table></body></html>"
        ).encode()
    )
    [article] = page.articles
    assert article.paragraphs == STORY
    assert "no headline found" in page.diagnostics.warnings


def test_story_set_in_a_span_beside_a_table_is_read() -> None:
    # An older table layout: the cell holds a table with the date and the
    # headline, then the story's text in a styled <span>, its paragraphs
    # parted by pairs of <br>s; a photo and its caption above it.
    text = "<br>\n<br>\n".join(STORY)
    page = parse(
        (
            "<html><head><title>Wheat harvest up 12%</title></head><body><table><tr>"
            "<td class='nav'><a href='/'>Home</a> <a href='/sport'>Sport</a></td>"
            "<td><table><tr><td><span class='date'>Mar 3, 2026</span><br>"
            "<span class='article_title'>Wheat harvest up 12%</span></td></tr></table>"
            "<div class='photo-caption'><img src='/wheat.jpg'>Combines near Kostanay.</div>"
            f"<span class='article_text'>{text}</span>"
            "<table><tr><td><a href='#top'>Top of Page</a></td></tr></table>"
            "</td></tr></table></body></html>"
        ).encode()
    )
    [article] = page.articles
    assert article.title == "Wheat harvest up 12%"
    assert article.paragraphs == STORY


def test_story_under_the_page_headline_with_boxes_of_linked_headlines_is_one_article() -> None:
    # An article page: its story under its own, unlinked headline; then boxes
    # of other stories whose headlines link to their pages, each with a teaser.
    paragraphs = "".join(f"<p>{line}</p>" for line in STORY)
    latest = "".join(
        f'<h3><a href="/news/{i}">Kyrgyz parliament passes budget amendment {i}</a></h3>'
        f"<p>The amendment frees funds for schools, the finance ministry said.</p>"
        for i in range(3)
    )
    page = parse(
        (
            "<html><head><title>Wheat harvest up 12% | Steppe Herald</title></head><body>"
            "<div class='nav'><a href='/'>Home</a></div><div class='main'>"
            f"<h1>Wheat harvest up 12%</h1>{paragraphs}</div>"
            f"<div class='latest'><h2>Latest news</h2>{latest}</div></body></html>"
        ).encode()
    )
    [article] = page.articles
    assert article.title == "Wheat harvest up 12%"
    assert article.paragraphs == STORY


def test_story_beside_boxes_of_headings_over_links_is_one_article() -> None:
    # The story under a styled line, not a heading; the boxes beside it have
    # headings, each over links and dates: no sentence among them, so the
    # headings cut no story.
    paragraphs = "".join(f"<p>{line}</p>" for line in STORY)
    boxes = "".join(
        f"<h3>{name}</h3><ul>"
        + "".join(
            f'<li><a href="/news/{name}/{i}">Almaty bus fares to rise in February</a> '
            f"<span>14.12.2025</span></li>"
            for i in range(4)
        )
        + "</ul>"
        for name in ("Most read", "Most e-mailed")
    )
    page = parse(
        (
            "<html><head><title>Wheat harvest up 12% | Steppe Herald</title></head><body>"
            "<table><tr><td><div class='headline'>Wheat harvest up 12%</div>"
            f"{paragraphs}</td><td class='right'>{boxes}</td></tr></table></body></html>"
        ).encode()
    )
    [article] = page.articles
    assert article.title == "Wheat harvest up 12%"
    assert article.paragraphs == STORY


SECTIONS = "".join(
    f"<li><a href='/{name.lower()}'>{name}</a></li>"
    for name in ("Politics", "Economy", "Society", "World news", "Sport", "Culture", "Opinion")
)


def test_story_under_the_page_headline_after_a_box_is_one_article() -> None:
    # A box with a heading and a line of its own stands before the story, the
    # site's sections above them.
    paragraphs = "".join(f"<p>{line}</p>" for line in STORY)
    page = parse(
        (
            "<html><head><title>Wheat harvest up 12% - Steppe Herald</title></head><body>"
            f"<ul class='sections'>{SECTIONS}</ul><div class='stats'><h3>Grain prices</h3><p>Wheat: 95,000 tenge a tonne.</p></div>"
            f"<div class='story'><h1>Wheat harvest up 12%</h1>{paragraphs}</div>"
            "<div class='latest'><h2><a href='/news/1'>Kyrgyz budget passes</a></h2>"
            "<p>The parliament passed the budget on Wednesday, the speaker said.</p></div>"
            "</body></html>"
        ).encode()
    )
    [article] = page.articles
    assert article.title == "Wheat harvest up 12%"
    assert article.paragraphs == STORY


def test_story_ahead_of_the_only_headline_like_line_is_the_article() -> None:
    # A press release: no heading at all, its story first, then a short
    # title-like line over the company's boilerplate.
    paragraphs = "".join(f"<p>{line}</p>" for line in STORY)
    page = parse(
        (
            "<html><head><title>Wheat harvest up 12% - Steppe Wire</title></head><body>"
            f"<div class='release'>{paragraphs}<p>About Steppe Grain</p>"
            "<p>Steppe Grain is a trader of wheat and barley with offices in Astana, Kostanay "
            "and Tashkent, shipping grain by rail to China, Afghanistan and Iran.</p>"
            "<p>Founded in 2004, it buys from some 3,000 farms a year and runs twelve "
            "elevators along the Trans-Caspian route.</p><p>Press office: +7 717 000 00 00, "
            "press@steppegrain.example, Kabanbay Batyr Avenue 11, Astana.</p>"
            "</div></body></html>"
        ).encode()
    )
    [article] = page.articles
    assert article.title == "Wheat harvest up 12%"
    assert article.paragraphs[: len(STORY)] == STORY


def test_page_whose_title_names_its_h1_is_that_story_lead_included() -> None:
    # The <title> names the <h1>'s story: the page is that story's. Its lead
    # stands as bare text before its paragraphs, as older sites set it.
    more = (
        "Traders said the harvest would keep domestic flour prices stable through the "
        "winter, even as freight costs to Black Sea ports climbed by a tenth."
    )
    paragraphs = "".join(f"<p>{line}</p>" for line in (*STORY[1:], more))
    page = parse(
        (
            "<html><head><title>Wheat harvest up 12% | Steppe Herald</title></head><body>"
            f"<ul class='sections'>{SECTIONS}</ul>"
            "<h1>Wheat harvest up 12%</h1><div class='date'>15 December 2025</div>"
            f"<div id='ArticleBody'>{STORY[0]}{paragraphs}</div>"
            "</body></html>"
        ).encode()
    )
    [article] = page.articles
    assert article.title == "Wheat harvest up 12%"
    assert article.paragraphs == (*STORY, more)
    assert page.page_date == date(2025, 12, 15)
