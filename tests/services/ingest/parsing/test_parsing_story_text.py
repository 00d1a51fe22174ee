"""What a story's text holds when its page is read from its <article>s or headings."""

from __future__ import annotations

import pytest

from services.ingest.parsing import parse_page
from services.ingest.parsing.boilerplate import is_furniture_name

INTRO = (
    "The exchange's new feed sends every quote as one line of JSON, so a client needs "
    "nothing more than a loop that reads lines."
)
CODE = 'for line in feed:\n    quote = json.loads(line)\n    print(quote["pair"], quote["rate"])'
OUTRO = "Each line carries the pair, the rate and the time the exchange set it, in UTC."


@pytest.mark.parametrize("wrapper", ["article", "div"])
def test_preformatted_text_stays_in_its_story(wrapper: str) -> None:
    page = parse_page(
        f"""<!DOCTYPE html><html><head><title>Developer notes</title></head><body>
<{wrapper} class="post"><h2><a href="/notes/quote-feed">Reading the quote feed</a></h2>
<p>{INTRO}</p><pre><code>{CODE}</code></pre><p>{OUTRO}</p></{wrapper}>
<{wrapper} class="post"><h2><a href="/notes/limits">Request limits</a></h2>
<p>Clients may open two connections at most; a third is refused until one closes.</p>
</{wrapper}></body></html>""".encode(),
        "text/html",
    )
    story = page.articles[0]
    assert story.title == "Reading the quote feed"
    # The code's lines, as every paragraph's, run together with single spaces.
    assert story.paragraphs == (INTRO, " ".join(CODE.replace("\n", " ").split()), OUTRO)


RUNS = (
    "Almaty - The city council voted on Tuesday to close the old tram depot and sell its "
    "land to a developer who has promised a park along the river.",
    "The depot's last trams left service in 2015, and the buildings have stood empty since, "
    "a council spokesman told reporters after the vote.",
    "Residents' groups said they would ask a court to stop the sale, arguing that the park "
    "covers less than a third of the land the developer will get.",
)


def test_story_in_an_inline_wrapper_between_empty_paragraphs_is_read() -> None:
    # An older page's layout: the story's text in a <font>, its paragraphs
    # parted by empty <p>s, beside a table of links.
    links = "".join(f'<tr><td><a href="/a/{i}">Other story {i}</a></td></tr>' for i in range(6))
    text = " <p></p>".join(RUNS)
    body = f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head><title>Almaty council votes to close the old tram depot : City</title></head>
<body><table><tr><td width="150"><table>{links}</table></td>
<td><h1>Almaty council votes to close the old tram depot</h1>
<div align="justify"><font size="2" face="Verdana">{text} <p></p></font></div>
</td></tr></table></body></html>"""
    [article] = parse_page(body.encode(), "text/html").articles
    assert article.title == "Almaty council votes to close the old tram depot"
    assert article.paragraphs == RUNS


@pytest.mark.parametrize("tag", ["iframe", "IFRAME"])
def test_what_a_frame_holds_is_no_text(tag: str) -> None:
    # A browser shows the framed page, never the fallback inside the tag.
    fallback = "<SCRIPT>document.write('ad')</SCRIPT> Your browser does not support frames."
    paragraphs = "".join(f"<p>{text}</p>" for text in RUNS)
    body = f"""<!DOCTYPE html><html><head><title>Almaty council votes to close the old tram
depot - City</title></head><body><div class="story">
<h1>Almaty council votes to close the old tram depot</h1>
<div id="slot1"><{tag} src="/ads/1" width="728" height="90">{fallback}</{tag}></div>
{paragraphs}<div><{tag} src="/ads/2">{fallback}</{tag}></div></div></body></html>"""
    [article] = parse_page(body.encode(), "text/html").articles
    assert article.paragraphs == RUNS


def story_page(after: str) -> bytes:
    """A page that says it is one article (JSON-LD), ``after`` its paragraphs in its container."""
    paragraphs = "".join(f"<p>{text}</p>" for text in RUNS)
    return f"""<!DOCTYPE html><html><head><title>Tram depot to close</title>
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "Almaty council votes to close the old tram depot"}}</script></head>
<body><div class="page"><h1>Almaty council votes to close the old tram depot</h1>
{paragraphs}{after}</div></body></html>""".encode()


TEASED = (
    ("/city/bus-fares", "Bus fares rise in March", "The city's buses will cost 150 tenge a ride."),
    ("/city/parks", "Two new parks for the west", "Work on both starts in April, the mayor said."),
    ("/city/metro", "Metro reaches the airport", "The line opens next year, two years late."),
)


def test_teasers_of_other_stories_are_no_part_of_the_story() -> None:
    box = "<h2>More from City</h2>" + "".join(
        f'<h4><a href="{href}">{headline}</a></h4><p>{text}</p>' for href, headline, text in TEASED
    )
    [article] = parse_page(story_page(box), "text/html").articles
    assert article.paragraphs == RUNS


def test_sections_under_linked_or_anchored_headings_stay() -> None:
    # A section whose heading links to what it is about, or to itself, runs
    # longer than a teaser or is the story's own.
    long = "".join(
        f'<h3><a href="{href}">{headline}</a></h3><p>{text} {" ".join(RUNS[1:])}</p>'
        for href, headline, text in TEASED
    )
    anchored = '<h3><a href="#notes">Notes</a></h3><p>The vote was 31 to 4.</p>'
    [article] = parse_page(story_page(long + anchored), "text/html").articles
    assert article.paragraphs[-1] == "The vote was 31 to 4."
    assert all(f"{text} {' '.join(RUNS[1:])}" in article.paragraphs for _, _, text in TEASED)


def _card(title: str, excerpt: str) -> str:
    return f'<article class="card"><h3>{title}</h3><p>{excerpt} {excerpt} …</p></article>'


@pytest.mark.parametrize("comments", [False, True])
def test_an_article_holding_other_articles_is_a_list_not_the_story(comments: bool) -> None:
    # "You may also like": a box of cards, each an <article>, inside an
    # <article> of its own, that holds more text than the story.
    cards = "".join(_card(title, run) for (_, title, _), run in zip(TEASED, RUNS, strict=True))
    story = "".join(f"<p>{text}</p>" for text in RUNS)
    # A story may hold its readers' comments as <article>s: most of its text is its own.
    if comments:
        story += '<article class="reply"><p>Good riddance to the old depot.</p></article>' * 2
    page = f"""<!DOCTYPE html><html><head><title>Tram depot to close</title>
<meta property="og:type" content="article"></head><body><div id="primary">
<article class="post"><h1>Almaty council votes to close the old tram depot</h1>{story}</article>
<article class="post"><h3>You may also like</h3>{cards}</article></div></body></html>"""
    [article] = parse_page(page.encode(), "text/html").articles
    assert article.paragraphs[:3] == RUNS
    assert not any(text.endswith("…") for text in article.paragraphs)


def test_a_story_is_read_from_its_article_beside_a_box_holding_most_of_the_text() -> None:
    # The cards hold most of the page's text: the story's share is of the
    # text outside them.
    cards = "".join(_card(f"Other story {i}", " ".join(RUNS)) for i in range(5))
    story = "".join(f"<p>{text}</p>" for text in RUNS)
    page = f"""<!DOCTYPE html><html><head><title>Tram depot to close</title>
<meta property="og:type" content="article"></head><body><div id="primary">
<article class="post"><h1>Almaty council votes to close the old tram depot</h1>{story}</article>
<article class="post"><h3>You may also like</h3>{cards}</article></div>
<div class="widgets"><h3>Archives</h3><p>March 2026</p></div></body></html>"""
    [article] = parse_page(page.encode(), "text/html").articles
    assert article.paragraphs == RUNS


def test_a_share_bar_in_a_story_read_from_its_article_is_no_text() -> None:
    # A page marking no article: its <article> is read as its story. The list
    # items that are one link each (the share bar, a reply link) are no lines.
    share = "".join(
        f'<li class="social-{name.lower()}"><a href="https://{name.lower()}.example/share">'
        f'<i class="icon"></i><span>{name}</span></a></li>'
        for name in ("Facebook", "Twitter", "Email")
    )
    paragraphs = "".join(f"<p>{text}</p>" for text in RUNS)
    page = f"""<!DOCTYPE html><html><head><title>City notes</title></head><body>
<article class="post"><header><h1>Tram depot</h1><ul class="meta">
<li><a href="#respond">Leave a comment</a></li></ul></header>{paragraphs}
<ul class="icons">{share}</ul></article></body></html>"""
    [article] = parse_page(page.encode(), "text/html").articles
    assert article.title == "Tram depot"
    assert article.paragraphs == RUNS


def _headlined(lead: str) -> bytes:
    """A page that says it is one article, ``lead`` between its headline and its paragraphs."""
    paragraphs = "".join(f"<p>{text}</p>" for text in RUNS)
    return f"""<!DOCTYPE html><html><head><title>Tram depot to close</title>
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "Almaty council votes to close the old tram depot and sell its land"}}</script></head>
<body><div class="story"><h1>Almaty council votes to close the old tram depot and sell its land</h1>
{lead}{paragraphs}</div></body></html>""".encode()


def test_a_date_and_credit_line_under_the_headline_is_no_paragraph() -> None:
    lead = "<div>Tuesday March 3, 2026 7:45 am</div><div>Aziz Karimov, City Desk</div>"
    [article] = parse_page(_headlined(lead), "text/html").articles
    assert article.paragraphs == RUNS


def test_a_section_heading_under_the_headline_starts_the_story() -> None:
    # The story's first section: its heading and short lines are its text.
    lead = "<h2>Council vote</h2><p>For 31</p><p>Against 4</p>"
    [article] = parse_page(_headlined(lead), "text/html").articles
    assert article.paragraphs == ("Council vote", "For 31", "Against 4", *RUNS)


def test_a_sentence_running_on_into_a_link_stays_in_the_story() -> None:
    # Most of its text is a link, but it is a sentence with words of its own;
    # a "Read more" line is a link with a label.
    linked = (
        'Its last trams left in 2015, and the depot was <a href="/city/depot-museum">'
        "briefly re-opened as a museum of the city's transport before the fire</a>."
    )
    more = '<p>Read more: <a href="/city/metro">Metro line to the airport opens two years late</a></p>'
    [article] = parse_page(_headlined(f"<p>{linked}</p>{more}"), "text/html").articles
    assert article.paragraphs == (
        "Its last trams left in 2015, and the depot was briefly re-opened as a museum of "
        "the city's transport before the fire.",
        *RUNS,
    )


def test_a_list_the_story_ends_on_stays_in_it() -> None:
    # Its items are short lines with no full stop, as a date or a label is.
    items = ("Almaty (depot 1): 12 trams", "Astana (depot 3): 8 trams", "Shymkent: 5 trams")
    after = "<p>The depots that closed before it:</p><ul>{}</ul><div>Tuesday 3 March</div>".format(
        "".join(f"<li>{item}</li>" for item in items)
    )
    [article] = parse_page(story_page(after), "text/html").articles
    assert article.paragraphs == (*RUNS, "The depots that closed before it:", *items)


def test_a_signup_box_and_the_author_bio_in_the_container_are_no_text() -> None:
    signup = (
        '<div id="emailSignup"><div>Let our news meet your inbox. The stories that matter, '
        "delivered weekday mornings.</div><form><input name=\"email\"></form></div>"
    )
    bio = (
        '<div class="byline"><span>Aziz Karimov</span><p class="author__bio">Aziz Karimov '
        "is a reporter for City Review who has covered the council since 2019.</p></div>"
    )
    [article] = parse_page(story_page(signup + bio), "text/html").articles
    assert article.paragraphs == RUNS


@pytest.mark.parametrize(
    ("names", "furniture"),
    [
        ("emailSignup", True),
        ("newsSubscribeBox", True),
        ("articleByline__bio bio___3q2CD", True),
        ("author bio", True),
        ("biography", False),
        ("story-body symbiosis", False),
    ],
)
def test_signup_and_bio_names(names: str, furniture: bool) -> None:
    assert is_furniture_name(names) is furniture


@pytest.mark.parametrize(
    "credit",
    [
        "Reporting by Aziz Karimov; additional reporting by Lola Saidova; Editing by Dana Omarova",
        "(Additional reporting by Lola Saidova in Tashkent.)",
        "City Review writers Aziz Karimov and Lola Saidova contributed to this report.",
        "Lola Saidova contributed reporting from Tashkent.",
        "Reporting by Aziz Karimov in Almaty and Lola Saidova in Tashkent; Editing by Dana Omarova",
    ],
)
def test_a_credit_line_after_the_story_is_no_paragraph(credit: str) -> None:
    [article] = parse_page(story_page(f"<p>___</p><p>{credit}</p>"), "text/html").articles
    assert article.paragraphs == RUNS


def test_a_sentence_naming_a_contribution_stays() -> None:
    last = "The city contributed half of the cost of the new park, the mayor's office said."
    [article] = parse_page(story_page(f"<p>{last}</p>"), "text/html").articles
    assert article.paragraphs == (*RUNS, last)


@pytest.mark.parametrize(
    "byline",
    [
        "By  City Review Staff |  March 3, 2026 at 2:26 PM HST - Updated March 3 at 4:46 PM",
        "By Aziz Karimov for City Review, with wires | Tuesday 3 March 2026, 14:05 (updated 16:40)",
    ],
)
def test_a_long_byline_above_the_story_is_no_paragraph(byline: str) -> None:
    [article] = parse_page(_headlined(f"<div>{byline}</div>"), "text/html").articles
    assert article.paragraphs == RUNS


def test_a_first_sentence_starting_with_by_stays() -> None:
    first = "By Monday the council had voted, and the depot's fate was sealed."
    [article] = parse_page(_headlined(f"<p>{first}</p>"), "text/html").articles
    assert article.paragraphs == (first, *RUNS)


@pytest.mark.parametrize("last", ["市议会将于下周再次开会。", "詳しくは次回お伝えします！", "「来年には開業します」"])
def test_a_short_last_sentence_closed_by_a_full_width_mark_stays(last: str) -> None:
    # Short, but a sentence: Chinese and Japanese end theirs with "。", "！", "」".
    [article] = parse_page(story_page(f"<p>{last}</p>"), "text/html").articles
    assert article.paragraphs == (*RUNS, last)


READ_NEXT = '<section class="more"><h2>Read next</h2>{}</section>'.format(
    "".join(
        f'<article class="card"><h3><a href="{href}">{headline}</a></h3><p>{text} '
        f"{RUNS[0]}</p></article>"
        for href, headline, text in TEASED
    )
)
REPLIES = "".join(
    f'<article class="reply"><p>Reader {i}: {RUNS[1]}</p><p>{RUNS[2]}</p></article>'
    for i in range(6)
)
PICK = (
    '<div class="footer-pick"><article><h3><a href="/parks">Editor\'s pick: the parks of the '
    "year</a></h3><p>Our critics walked every park in the city this year.</p></article></div>"
)


@pytest.mark.parametrize("inside", [READ_NEXT, REPLIES])
@pytest.mark.parametrize("marked", ['<meta property="og:type" content="article">', ""])
@pytest.mark.parametrize("beside", [PICK, ""])
def test_a_short_story_holding_cards_or_replies_is_no_list(
    inside: str, marked: str, beside: str
) -> None:
    # Its cards or its readers' replies, each an <article>, hold most of its
    # text; its own text is longer than any of them: it is the story.
    story = "".join(f"<p>{text}</p>" for text in RUNS[:2])
    page = f"""<!DOCTYPE html><html><head><title>Tram depot to close</title>{marked}</head>
<body><article><h1>Almaty council votes to close the old tram depot</h1>{story}{inside}</article>
{beside}</body></html>"""
    [article] = parse_page(page.encode(), "text/html").articles
    assert article.paragraphs[:2] == RUNS[:2]


@pytest.mark.parametrize("end", ["…", "...", "."])
def test_a_teaser_starting_with_its_linked_headline_is_no_text(end: str) -> None:
    # Its headline, a link, then a line of its own: no sentence running on into a link.
    teasers = "".join(
        f'<p><a href="{href}">{headline}: what the city plans for the next six years of '
        f"work</a> {text.rstrip('.')}{end}</p>"
        for href, headline, text in TEASED
    )
    runs = tuple(f"{i}. {RUNS[i % 3]}" for i in range(6))
    story = "".join(f"<p>{text}</p>" for text in runs)
    page = f"""<!DOCTYPE html><html><head><title>Tram depot to close</title>
<meta property="og:type" content="article"></head><body><article><h1>Tram depot to close</h1>
{story}<div>{teasers}</div></article></body></html>"""
    [article] = parse_page(page.encode(), "text/html").articles
    assert article.paragraphs == runs


@pytest.mark.parametrize(
    "last",
    [
        "Staff shortages contributed to reporting delays at the agency, officials said.",
        "Writing by hand, she said, is slower but the council still insists on it.",
        "Everyone on the committee contributed.",
        "Reporting by the agency was delayed for months.",
    ],
)
def test_a_last_sentence_like_a_credit_line_stays(last: str) -> None:
    [article] = parse_page(story_page(f"<p>{last}</p>"), "text/html").articles
    assert article.paragraphs == (*RUNS, last)


SUMMARY = ("Vote delayed to January", "Transit funding disputed", "Fares may rise")


@pytest.mark.parametrize("intro", ["", "What we know so far:"])
def test_a_summary_list_under_a_long_headline_is_text(intro: str) -> None:
    lead = (f"<p>{intro}</p>" if intro else "") + "<ul>{}</ul>".format(
        "".join(f"<li>{item}</li>" for item in SUMMARY)
    )
    [article] = parse_page(_headlined(lead), "text/html").articles
    assert article.paragraphs == (*([intro] if intro else []), *SUMMARY, *RUNS)


def test_a_list_of_labels_after_the_story_is_no_text() -> None:
    labels = "<ul><li>Politics</li><li>Transport</li><li>Budget</li></ul>"
    [article] = parse_page(story_page(labels), "text/html").articles
    assert article.paragraphs == RUNS


def test_a_first_paragraph_by_the_time_stays() -> None:
    first = "By the time the vote came, most members had left (see chart)"
    [article] = parse_page(_headlined(f"<p>{first}</p>"), "text/html").articles
    assert article.paragraphs == (first, *RUNS)


def test_a_dateline_under_a_long_headline_is_text() -> None:
    # It runs on into the story's first paragraph: no byline or date.
    [article] = parse_page(_headlined("<p>ALMATY, Kazakhstan —</p>"), "text/html").articles
    assert article.paragraphs == ("ALMATY, Kazakhstan —", *RUNS)


def test_a_page_whose_article_holds_only_links_is_read_whole() -> None:
    # Its one <article> is a list of links (a fair share of the page's text):
    # the story beside it is found in the body.
    links = "".join(f'<li><a href="/s{i}">{RUNS[i % 3][:90]} ({i})</a></li>' for i in range(4))
    story = "".join(f"<p>{text}</p>" for text in RUNS)
    page = f"""<!DOCTYPE html><html><head><title>Tram depot to close</title>
<meta property="og:type" content="article"></head><body><article><ul>{links}</ul></article>
<div><h1>Tram depot to close</h1>{story}</div></body></html>"""
    [article] = parse_page(page.encode(), "text/html").articles
    assert article.paragraphs == RUNS
