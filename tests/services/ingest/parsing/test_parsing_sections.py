"""One story under subheadings: a page whose headings cut its story into sections
is read as that one story, and headings that show nothing cut nothing."""

from __future__ import annotations

import pytest

from services.ingest.parsing import ParsedPage, parse_page

LEAD = (
    "The Naryn cascade will add 400 megawatts by 2030, the energy ministry said on Monday, "
    "after the first turbine of the new station was lowered into place."
)
SECTIONS = {
    "Why the river matters": (
        "The Naryn carries most of the water Kyrgyzstan's power stations turn, and its flow "
        "in winter decides whether Bishkek's homes stay warm.",
        "Engineers plan three smaller dams upstream instead of one large reservoir, which "
        "would flood villages the government has promised to keep.",
    ),
    "Who pays for it": (
        "Half of the cost comes from a development bank loan signed last spring, the rest "
        "from the state budget and tariffs paid by industrial customers.",
    ),
    "What comes next": (
        "Tenders for the second station open in March, and the ministry expects bids from "
        "builders in Turkey, China and Kazakhstan.",
    ),
}


def parse(body: str) -> ParsedPage:
    return parse_page(body.encode(), "text/html")


def sectioned_page(
    headline: str, title: str, *, lead: str = "", desk: str = "", linked: bool = False
) -> str:
    def heading(text: str) -> str:
        slug = text.lower().replace(" ", "-")
        return f'<a href="/news/{slug}">{text}</a>' if linked else text

    sections = "".join(
        f"<h2>{heading(name)}</h2>" + "".join(f"<p>{text}</p>" for text in texts)
        for name, texts in SECTIONS.items()
    )
    menu = "".join(f'<li><a href="/topic/{i}">Topic {i}</a></li>' for i in range(8))
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title></head>
<body>
<div class="top"><a href="/">Ala-Too Wire</a><ul class="menu">{menu}</ul></div>
<div class="page">
  {desk}<h2 class="title">{headline}</h2>
  <div class="body">{lead}{sections}</div>
</div>
<div class="bottom"><p>Ala-Too Wire, Bishkek.</p></div>
</body></html>"""


HEADLINE = "Kyrgyzstan lowers the first turbine of the Naryn cascade"


@pytest.mark.parametrize(
    "title", [f"{HEADLINE} | Ala-Too Wire", f"{HEADLINE} - Energy - Ala-Too Wire"]
)
def test_sections_under_the_bare_heading_the_title_names_are_one_story(title: str) -> None:
    # Its headline straight above its first section: no heading is over its
    # text alone. The <title> names it before the site (and its section).
    page = parse(sectioned_page(HEADLINE, title))
    [article] = page.articles
    text = "\n".join(article.paragraphs)
    assert all(paragraph in text for texts in SECTIONS.values() for paragraph in texts)
    # Its subheadings between its sections stay in its text.
    assert all(name in text for name in list(SECTIONS)[1:])


def test_story_under_the_heading_the_title_names_is_the_page_under_a_desk_h1() -> None:
    # The page's <h1> names its desk, not the story: the <title> names the story.
    desk = "<h1>The Energy Desk</h1>"
    body = sectioned_page(HEADLINE, f"{HEADLINE} - Ala-Too Wire", lead=f"<p>{LEAD}</p>", desk=desk)
    [article] = parse(body).articles
    text = "\n".join(article.paragraphs)
    assert text.startswith(LEAD)
    assert all(paragraph in text for texts in SECTIONS.values() for paragraph in texts)


def test_linked_headings_under_a_named_bare_heading_stay_stories() -> None:
    # A front page links its stories to their own pages.
    page = parse(sectioned_page(HEADLINE, f"{HEADLINE} | Ala-Too Wire", linked=True))
    assert [article.title for article in page.articles] == list(SECTIONS)
    assert all(article.url for article in page.articles)


def test_sections_under_a_title_naming_no_heading_stay_stories() -> None:
    page = parse(sectioned_page(HEADLINE, "Ala-Too Wire | News from Kyrgyzstan and beyond"))
    assert [article.title for article in page.articles] == list(SECTIONS)


def test_a_heading_that_shows_nothing_cuts_no_story() -> None:
    stories = "".join(
        f'<h2><a href="/news/{i}">{name}</a></h2><h3><span class="icon"></span></h3>'
        + "".join(f"<p>{text}</p>" for text in texts)
        for i, (name, texts) in enumerate(SECTIONS.items())
    )
    page = parse(
        "<!DOCTYPE html><html><head><title>Ala-Too Wire</title></head>"
        f"<body><div class='stories'>{stories}</div></body></html>"
    )
    assert [article.title for article in page.articles] == list(SECTIONS)
    assert [article.paragraphs for article in page.articles] == list(SECTIONS.values())


def test_boxes_in_the_page_footer_by_its_id_are_no_stories() -> None:
    # Before <footer>, a page's footer was the element with id="footer".
    offers = "".join(
        f'<dt><a href="https://ads.example/{i}">Partner {i}</a></dt><dd><p>'
        f'<a href="https://ads.example/{i}">Offer {i}</a><br>Compare prices of laptops, '
        "tablets and phones from hundreds of shops, with reviews by their buyers.</p></dd>"
        for i in range(8)
    )
    paragraphs = "".join(f"<p>{text}</p>" for texts in SECTIONS.values() for text in texts)
    page = parse(
        "<!DOCTYPE html><html><head><title>Ala-Too Wire</title></head><body>"
        f'<div id="content"><h1>{HEADLINE}</h1>{paragraphs}</div>'
        f'<div id="footer"><h3>Marketplace</h3><dl>{offers}</dl></div></body></html>'
    )
    assert [article.title for article in page.articles] == [HEADLINE]
    kinds = {kind.kind for kind in page.diagnostics.left_out}
    assert "site chrome" in kinds
