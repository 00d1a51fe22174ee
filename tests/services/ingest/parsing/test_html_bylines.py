"""Bylines of single-article HTML pages: the names become the article's authors, never its text."""

from __future__ import annotations

import json
from pathlib import Path

from services.ingest.parsing import ParsedArticle, parse_page
from services.ingest.parsing.html_byline import author_names, names_and_date, paragraph_byline

PAGES = Path(__file__).resolve().parents[3] / "fixtures" / "pages"
_STORY = (
    "<p>Kazakhstan will cut its export duty on wheat from April, the ministry of agriculture "
    "said on Tuesday, after a record harvest left the country's elevators full.</p>"
    "<p>Traders expect shipments to Iran and Afghanistan to rise by a fifth before the summer, "
    "when the new crop starts to come in from the northern regions.</p>"
)


def article(body: str, head: str = '<meta property="og:type" content="article">') -> ParsedArticle:
    html = (
        f"<html><head><title>Wheat</title>{head}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>Kazakhstan to cut export duty on wheat</h1>{body}</article>"
        "<footer><p>© 2026 The Steppe Herald. All rights reserved.</p></footer></body></html>"
    )
    page = parse_page(html.encode("utf-8"), "text/html")
    assert len(page.articles) == 1
    return page.articles[0]


def test_byline_element_with_author_link_names_the_author() -> None:
    found = article(
        f'<p class="byline">By <a rel="author" href="/staff/dana">Dana Omarova</a></p>{_STORY}'
    )
    assert found.authors == ("Dana Omarova",)
    assert found.paragraphs[0].startswith("Kazakhstan will cut")
    assert len(found.paragraphs) == 2


def test_byline_paragraph_with_two_authors_and_a_job_title() -> None:
    story = _STORY.replace(
        "</p><p>", "</p><p>By Dana Omarova and Bakyt Asanov, Staff Writers</p><p>", 1
    )
    found = article(story)
    assert found.authors == ("Dana Omarova", "Bakyt Asanov")
    assert all("Staff Writers" not in paragraph for paragraph in found.paragraphs)
    assert len(found.paragraphs) == 2


def test_russian_byline_paragraph() -> None:
    story = (
        "<p>Автор: Бакыт Асанов</p>"
        "<p>Казахстан снизит экспортную пошлину на пшеницу с апреля, сообщило министерство "
        "сельского хозяйства во вторник после рекордного урожая.</p>"
        "<p>Трейдеры ожидают роста поставок в Иран и Афганистан на пятую часть до лета.</p>"
    )
    found = article(story)
    assert found.authors == ("Бакыт Асанов",)
    assert found.paragraphs[0].startswith("Казахстан снизит")


def test_structured_author_wins_and_is_cleaned_of_by_and_title() -> None:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Kazakhstan to cut export duty on wheat",
        "author": {"@type": "Person", "name": "By TOM KRISHER, AP Auto Writer"},
    }
    head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    found = article(f'<p class="byline">By <a rel="author">Dana Omarova</a></p>{_STORY}', head)
    assert found.authors == ("TOM KRISHER",)


def test_meta_author_is_cleaned() -> None:
    head = (
        '<meta property="og:type" content="article">'
        '<meta name="author" content="by Dana Omarova, Correspondent">'
    )
    assert article(_STORY, head).authors == ("Dana Omarova",)


def test_sentence_opening_with_by_stays_in_the_story() -> None:
    story = "<p>By Monday the talks had failed.</p>" + _STORY
    found = article(story)
    assert found.authors == ()
    assert found.paragraphs[0] == "By Monday the talks had failed."


def test_a_time_after_by_under_the_headline_is_no_byline() -> None:
    # A story told by day opens on "By Monday, …": no author called Monday.
    found = article("<p><strong>By Monday, Parliament</strong></p>" + _STORY)
    assert found.authors == ()
    assert found.paragraphs[-2].startswith("Kazakhstan will cut")


def test_author_names_and_byline_lines() -> None:
    assert author_names("Ilana Muhlstein, MS, RDN") == ["Ilana Muhlstein"]
    assert author_names("By Ludwig van Beethoven") == ["Ludwig van Beethoven"]
    assert author_names("JERUSALEM POST STAFF") == []
    assert author_names("https://example.com/staff/dana") == []
    assert paragraph_byline("By Jane Doe | March 3, 2026") == ["Jane Doe"]
    assert paragraph_byline("By Monday, Smith had left.") is None
    # Without a full stop, every word capitalised: a day or a time, not a name.
    assert paragraph_byline("By Monday, Parliament") is None
    assert paragraph_byline("By Tuesday Evening") is None
    assert paragraph_byline("By March") is None
    # A month is a first name too.
    assert paragraph_byline("By April Smith and June Kim") == ["April Smith", "June Kim"]
    assert paragraph_byline("x" * 500) is None


def test_printed_byline_beats_an_organisation_as_structured_author(page_fixture) -> None:
    # JSON-LD names the outlet (an Organization) as the author; the page prints the reporter.
    page = page_fixture("organisation-author.html")
    assert page.articles[0].authors == ("Nurlan Toktogulov",)


def test_an_organisation_named_alone_stays_the_author() -> None:
    html = (PAGES / "organisation-author.html").read_text(encoding="utf-8")
    html = html.replace(
        '<div class="story__author">By <a href="/en/authors/nurlan-toktogulov">'
        "Nurlan Toktogulov</a></div>",
        "",
    )
    page = parse_page(html.encode("utf-8"), "text/html")
    assert page.articles[0].authors == ("Ala-Too Wire",)


def test_a_person_in_json_ld_beside_an_organisation_is_the_author() -> None:
    html = (PAGES / "organisation-author.html").read_text(encoding="utf-8")
    html = html.replace(
        '"author":{"@type":"Organization","name":"Ala-Too Wire","url":"https://alatoowire.example/"}',
        '"author":[{"@type":"Organization","name":"Ala-Too Wire"},'
        '{"@type":"Person","name":"Aida Sultanova"}]',
    )
    page = parse_page(html.encode("utf-8"), "text/html")
    assert page.articles[0].authors == ("Aida Sultanova",)


def test_links_to_author_pages_above_the_text_are_the_byline(page_fixture) -> None:
    # Each link to an /author/ page names one author, whole (a service's name
    # with a slash in it is not split).
    page = page_fixture("organisation-author-links.html")
    assert page.articles[0].authors == ("Aigerim Toleukhanova", "RFE/RL's Kazakh Service")


def test_an_organisation_with_a_slash_in_its_name_stays_whole() -> None:
    html = (PAGES / "organisation-author-links.html").read_text(encoding="utf-8")
    start = html.index('<div class="links">')
    html = html[:start] + html[html.index("</ul></div>", start) + len("</ul></div>") :]
    page = parse_page(html.encode("utf-8"), "text/html")
    assert page.articles[0].authors == ("RFE/RL's Kazakh Service",)


def test_a_byline_block_of_the_authors_name_and_a_date_is_no_paragraph(page_fixture) -> None:
    page = page_fixture("byline-block-name-date.html")
    (article,) = page.articles
    assert article.authors == ("Aziz Karimov",)
    assert "Aziz Karimov Dec 2, 2026" not in article.paragraphs
    # A sentence about the author, at the end, stays.
    assert article.paragraphs[-1] == "Aziz Karimov is a journalist based in Tashkent."


def test_names_and_date() -> None:
    assert names_and_date("Joanna Lillis Dec 3, 2026", ["Joanna Lillis"])
    assert names_and_date(
        "Dana Omarova and Aibek Zhaksylyk, 4 December 2026", ["Dana Omarova", "Aibek Zhaksylyk"]
    )
    assert not names_and_date("Joanna Lillis said the plant would be late.", ["Joanna Lillis"])
    assert not names_and_date("Dec 3, 2026", ["Joanna Lillis"])


def test_an_interviewers_credit_paragraph_names_the_author() -> None:
    page = parse_page(
        (
            '<html><head><meta property="og:type" content="article"></head><body><article>'
            "<h1>«Рогун не решит проблему зимних отключений»</h1>"
            "<p>Беседовала Зарина Ергешева</p>"
            "<p>Зимой в Таджикистане снова вводят лимиты на электроэнергию, и мы спросили"
            " независимого энергетика, почему так происходит.</p>"
            "<p>— Почему ограничения вводятся каждую зиму?</p>"
            "<p>— Потому что зимой воды в водохранилищах мало, а потребление растет.</p>"
            "</article></body></html>"
        ).encode(),
        "text/html",
    )
    (article,) = page.articles
    assert article.authors == ("Зарина Ергешева",)
    assert not any(p.startswith("Беседовала") for p in article.paragraphs)
    assert paragraph_byline("Interviewed by Catherine Putz") == ["Catherine Putz"]
    assert paragraph_byline("Беседовали мы долго о жизни.") is None
