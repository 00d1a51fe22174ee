"""The canonical sample page, in all three of its forms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.ingest.parsing import ParsedPage, Quote, parse_page
from tests.support.sample import SAMPLE_TITLES

TITLES = SAMPLE_TITLES

# (paragraph count, first paragraph, last paragraph) per article, from the file.
BODIES = [
    (
        3,
        "In January 2024 Kazakhstan sent over a million tons of cargo to China by rail, "
        "Kazakhstan’s nation rail company Kazakhstan Temir Zholy has reported. This is an "
        "increase of 43% compared to the volume recorded for January last year.",
        "Demand for passenger transport by rail is also growing in Kazakhstan. Last month 1.8m "
        "train journeys were made in Kazakhstan, a growth of 6.6% compared to January 2023.",
    ),
    (
        9,
        "The Times of Central Asia spoke with Muhabbat Rakhimova, head of the Uzbek public "
        "association for disabled people, Sharoit Plus. We discussed the current situation with "
        "disability rights in Uzbekistan, and the country’s entry to the international arena of "
        "advocates.",
        "MR: There is a system of independent living centers in the Philippines and Thailand, "
        "where a person with a disability learns independent living skills for five to six "
        "months. As a result, after returning home this person can live without the support of "
        "family members, can live separately from them is they so choose. In order for "
        "Uzbekistan to have the opportunity to create this, first of all, we need the desire. "
        "For this to happen, the active participation of people with disabilities is a necessity.",
    ),
    (
        4,
        "The military index Global Firepower has announced its Military Strength Ranking for "
        "2024. The annual ranking evaluates 145 countries according to 60 criteria, including "
        "resources,\u00a0financial stability, and logistics capabilities.",
        "The world’s three strongest armies according to the Military Strength Rankings are the "
        "United States, Russia and China, with no change from their positions in 2023.",
    ),
    (
        14,
        "Kazakhstan’s foreign-trade priorities have markedly evolved in response to global "
        "market demands and geopolitical shifts. Historically, the country has relied on its "
        "neighbors, particularly Russia, for trade and economic security. However, in recent "
        "years, it has been strategically diversifying its trade partners to leverage its "
        "geographical position and resource wealth more effectively in the global market. This "
        "wealth includes significant reserves of oil, natural gas and minerals. In 2023, "
        "Kazakhstan’s trade turnover broke a historical record and reached $139.8 billion. Top "
        "exports include crude petroleum, gold, refined copper, ferro-alloys, and copper ore.",
        "Additionally, by expanding its economic networks and establishing diplomatic footholds "
        "in key regions of Middle East and North Africa, Kazakhstan is also broadening its "
        "global economic influence. These moves aim to foster a dynamic economy that is "
        "resilient against the turbulence in international trade markets. These strategic "
        "endeavors aim to secure Kazakhstan’s economic future and further strengthen its role "
        "on the world stage.",
    ),
    (
        6,
        "Two hydrometric stations have been opened along the cross-border Great Fergana Canal "
        "and North Fergana Canal, according to a report by news portal Gazeta.uz.",
        "In second place was Uzbekistan, which used 38.4% of the river’s water (about 18.3 "
        "cubic kilometers). The next largest user, Tajikistan, accounted for 19.8% of water "
        "(more than 9.4 cubic kilometers).",
    ),
    (
        12,
        "On February 23 the U.S. government published a new package of sanctions, which this "
        "time included not only Russian enterprises, but also companies from Kazakhstan, "
        "Uzbekistan and Kyrgyzstan.",
        "The new U.S. sanctions list, which was published on February 23, 2024, includes the "
        "transport company Polar Star Logistics with an office in Tashkent, as well as "
        "Uzbek-born Maxim Zagornov, president of the Russian Small Energy Association and "
        "director of the Trade House of Business Russia in the UAE.",
    ),
]

QUOTES = (
    Quote("KGS", "USD", Decimal("0.01144"), "0%"),
    Quote("KZT", "USD", Decimal("0.00192"), "-0%"),
    Quote("TJS", "USD", Decimal("0.10895"), "-0%"),
    Quote("UZS", "USD", Decimal("0.00008"), "0%"),
    Quote("TMT", "USD", Decimal("0.28490"), "0%"),
)

TAGS = [
    ("china", "kazakhstan"),
    ("uzbekistan",),
    ("china", "kazakhstan", "kyrgyzstan", "russia", "tajikistan", "turkmenistan", "uzbekistan"),
    ("china", "kazakhstan", "russia", "turkey"),
    ("afghanistan", "tajikistan", "turkmenistan", "uzbekistan"),
    ("kazakhstan", "kyrgyzstan", "russia", "uzbekistan"),
]


def test_six_articles_with_exact_titles(sample_page: ParsedPage) -> None:
    assert [a.title for a in sample_page.articles] == TITLES


def test_every_article_has_all_its_paragraphs(sample_page: ParsedPage) -> None:
    for article, (count, first, last) in zip(sample_page.articles, BODIES, strict=True):
        assert len(article.paragraphs) == count, article.title
        assert article.paragraphs[0] == first
        assert article.paragraphs[-1] == last


def test_interview_questions_stay_in_their_article(sample_page: ParsedPage) -> None:
    interview = sample_page.articles[1].paragraphs
    assert interview[1] == (
        "TCA: In your opinion, what is the state of the educational system for people with "
        "disabilities in Uzbekistan, today?"
    )
    assert interview[5] == (
        "TCA: What joint projects are currently being implemented in Central Asia to support "
        "disabled people?"
    )
    assert interview[7] == (
        "In your opinion, are there any advanced international practices that can be "
        "implemented in Uzbekistan to help disabled people?"
    )
    assert [p.split(":")[0] for p in interview[1:7]] == ["TCA", "MR", "TCA", "MR", "TCA", "MR"]


def test_page_date_and_quotes(sample_page: ParsedPage) -> None:
    assert sample_page.page_date == date(2025, 12, 15)
    assert sample_page.quotes == QUOTES
    assert str(sample_page.quotes[4].rate) == "0.28490"


def test_country_tags(sample_page: ParsedPage) -> None:
    assert [a.tags for a in sample_page.articles] == TAGS


def test_text_articles_have_no_url_or_published(sample_page: ParsedPage) -> None:
    assert all(a.url is None and a.published is None for a in sample_page.articles)


def test_no_body_holds_ticker_or_date_text(sample_page: ParsedPage) -> None:
    for article in sample_page.articles:
        for text in (article.title, *article.paragraphs):
            assert "USD =" not in text
            assert text != "15 December 2025"


def test_html_rendering_gives_the_identical_page(
    sample_page: ParsedPage, sample_html: bytes
) -> None:
    html_page = parse_page(sample_html, "text/html")
    assert html_page.articles == sample_page.articles
    assert html_page.quotes == sample_page.quotes
    assert html_page.page_date == sample_page.page_date
    assert html_page == sample_page


def test_json_form_gives_the_identical_page(sample_page: ParsedPage, sample_json: bytes) -> None:
    assert parse_page(sample_json, "application/json") == sample_page


def test_crlf_and_bom_do_not_change_the_result(sample_page: ParsedPage, sample_text: bytes) -> None:
    windows = b"\xef\xbb\xbf" + sample_text.replace(b"\n", b"\r\n")
    assert parse_page(windows, "text/plain") == sample_page
