"""An agency a byline credits ("By …, Reuters", "By … (AP)") is the story's
source, no author; the reporters it names are."""

from __future__ import annotations

from datetime import date

from services.ingest.parsing import parse_page
from services.ingest.parsing.bylines import byline_authors


def test_a_wire_page_names_the_reporters_not_their_agencies(page_fixture) -> None:
    page = page_fixture("wire-agency-bylines.txt")
    assert page.page_date == date(2026, 12, 4)
    assert [(a.title, a.authors, a.published, len(a.paragraphs)) for a in page.articles] == [
        (
            "Kazakhstan raises wheat export quota for the spring season",
            ("Olzhas Auyezov",),
            None,
            3,
        ),
        ("Uzbekistan opens new rail link to Afghanistan", ("Nabi Aliev",), None, 2),
        (
            "Kyrgyz parliament backs new tax code in final reading",
            ("Aigerim Toktosunova",),
            None,
            2,
        ),
        (
            "Tajikistan and China agree on new border crossing",
            ("Farrukh Saidov", "Li Wen"),
            None,
            2,
        ),
    ]
    assert page.articles[1].paragraphs[0].startswith("TERMEZ, Uzbekistan (AP) — ")
    left = {k.kind: k.sample for k in page.diagnostics.left_out}
    assert left == {"before the first headline": "Steppe Ledger — World wire"}


def test_an_agency_after_the_names_is_no_author() -> None:
    assert byline_authors("By Olzhas Auyezov and Mark Potter, Reuters") == (
        "Olzhas Auyezov",
        "Mark Potter",
    )
    assert byline_authors("By TOM KRISHER, AP") == ("TOM KRISHER",)
    assert byline_authors("Автор: Бакыт Асанов, ТАСС") == ("Бакыт Асанов",)
    assert byline_authors("By Catherine Putz, The Diplomat") == ("Catherine Putz",)
    assert byline_authors("By Dana Omarova Trend News Agency") == ("Dana Omarova",)
    # A byline naming the agency alone is still a byline: no author, no paragraph.
    assert byline_authors("By Reuters") == ()
    # Two people stay two people.
    assert byline_authors("By Dana Omarova, Aigerim Nurpeisova") == (
        "Dana Omarova",
        "Aigerim Nurpeisova",
    )


def test_an_html_byline_paragraph_credits_the_agency_alike() -> None:
    body = (
        "<html><body><article><h1>Kazakhstan raises wheat export quota for spring</h1>"
        "<p>By Olzhas Auyezov, Reuters</p>"
        "<p>Kazakhstan will allow more wheat to leave the country this spring, the ministry"
        " said on Friday, after a large harvest filled state granaries across the north.</p>"
        "<p>The quota rises by a fifth from March, officials said, and traders expect prices"
        " in the region to ease as a result of the decision by the government.</p>"
        "</article></body></html>"
    )
    (article,) = parse_page(body.encode(), "text/html").articles
    assert article.authors == ("Olzhas Auyezov",)
    assert len(article.paragraphs) == 2
