"""Plain-text pages: structure, paragraphs and everything that is not an article."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest

from services.ingest.parsing import ParsedPage, ParseError, Quote, parse_page


def parse(text: str) -> ParsedPage:
    return parse_page(text.encode("utf-8"), "text/plain")


def test_preamble_before_the_first_headline_is_not_an_article(page_fixture) -> None:
    page = page_fixture("preamble.txt")
    assert [a.title for a in page.articles] == ["Kyrgyzstan Opens New Border Crossing With China"]
    assert page.articles[0].paragraphs == (
        "A new road crossing on the Kyrgyz-Chinese border opened on Monday, cutting the journey "
        "from Osh to Kashgar by three hours.",
        "Officials expect freight traffic to double next year.",
    )
    assert page.page_date == date(2025, 12, 15)
    assert [q.pair for q in page.quotes] == ["KGS/USD", "KZT/USD"]


def test_pages_without_blank_lines_use_one_paragraph_per_line(page_fixture) -> None:
    page = page_fixture("no-blank-lines.txt")
    assert [(a.title, a.paragraphs) for a in page.articles] == [
        (
            "Uzbekistan Lifts Ban on Cotton Exports",
            (
                "Uzbekistan has lifted its ban on the export of raw cotton, the ministry of "
                "agriculture said.",
                "The ban had been in place since 2019.",
            ),
        ),
        (
            "Tajik Banks Cut Fees for Migrant Remittances",
            (
                "Banks in Tajikistan have cut the fees they charge on money transfers from Russia.",
                "Most Tajik migrants work in Moscow and Saint Petersburg.",
            ),
        ),
    ]


def test_hard_wrapped_prose_is_rejoined(page_fixture) -> None:
    page = page_fixture("wrapped.txt")
    assert page.articles[0].paragraphs == (
        "Turkmenistan and Iran have extended their gas swap agreement for another five years, "
        "allowing Turkmen gas to reach Azerbaijan through Iranian pipelines.",
        "The deal was signed in Ashgabat.",
        "Officials did not disclose the volumes.",
    )


def test_interview_turns_and_sentence_case_questions_are_paragraphs(page_fixture) -> None:
    page = page_fixture("interview.txt")
    assert [a.title for a in page.articles] == [
        "Is Central Asia Ready for an Ageing Population?",
        "Tokayev: “Kazakhstan Will Not Become a Hub for Sanctions Evasion”",
    ]
    first, second = page.articles
    assert len(first.paragraphs) == 9
    assert first.paragraphs[1] == "TCA: How quickly are the societies of Central Asia ageing?"
    assert first.paragraphs[3] == "What do governments need to change first?"
    assert first.paragraphs[5] == "Q: Are there any programs in the region that already work well?"
    assert first.paragraphs[7].startswith("In your opinion, will the younger generation")
    assert second.paragraphs == (
        "Speaking in Astana on Monday, President Kassym-Jomart Tokayev said Kazakh banks would "
        "keep screening payments linked to Russian importers.",
        "MR: We have seen the lists and we will comply, an official at the Ministry of Trade and "
        "Integration told reporters.",
        "Why does the ministry publish these lists?",
        "The ministry says the lists help exporters avoid secondary sanctions.",
    )


def test_markup_in_plain_text_is_kept_literally() -> None:
    page = parse(
        "Kazakhstan Signs a <b>Bold</b> Trade Deal\n\n"
        "The <b>deal</b> covers grain &amp; oil; see <a href='x'>here</a>.\n"
    )
    assert page.articles[0].title == "Kazakhstan Signs a <b>Bold</b> Trade Deal"
    assert page.articles[0].paragraphs == (
        "The <b>deal</b> covers grain &amp; oil; see <a href='x'>here</a>.",
    )


def test_whitespace_is_stripped_and_curly_apostrophes_kept() -> None:
    page = parse(
        "   Kazakhstan’s Rail Exports Grow Again   \n\n"
        "\t  It’s the country’s \t busiest year,\u00a0by far.  \n"
    )
    article = page.articles[0]
    assert article.title == "Kazakhstan’s Rail Exports Grow Again"
    # Layout whitespace (tabs) collapses; a no-break space is typography and stays.
    assert article.paragraphs == ("It’s the country’s busiest year,\u00a0by far.",)


@pytest.mark.parametrize("text", ["", "\n\n  \n", "\ufeff"])
def test_an_empty_page_is_not_an_error(text: str) -> None:
    assert parse(text) == ParsedPage(page_date=None, articles=(), quotes=())


def test_a_page_of_only_ticker_lines_has_quotes_and_no_articles() -> None:
    page = parse("• KGS/USD = 0.01144 0%\nKZT/USD = 0.00192 -0%\n")
    assert page.articles == ()
    assert page.quotes == (
        Quote("KGS", "USD", Decimal("0.01144"), "0%"),
        Quote("KZT", "USD", Decimal("0.00192"), "-0%"),
    )


def test_prose_without_a_headline_gives_no_articles() -> None:
    page = parse("15 December 2025\n\nThis is just a sentence.\n\nAnd another one.\n")
    assert page.articles == ()
    assert page.page_date == date(2025, 12, 15)


def test_a_headline_needs_prose_after_it() -> None:
    page = parse("Kazakhstan Exported a Million Tons of Goods\n\nUzbekistan Opens a New Airport\n")
    assert page.articles == ()


def test_ticker_and_date_lines_inside_an_article_are_dropped(page_fixture) -> None:
    page = page_fixture("tickers.txt")
    assert page.articles[0].paragraphs == (
        "The tenge weakened slightly against the dollar on Monday, trading at 520 to the dollar "
        "in Almaty.",
        "Analysts in Kazakhstan expect the National Bank to hold its base rate.",
    )


def test_a_ten_thousand_character_line_parses_quickly() -> None:
    long_line = "Kazakhstan " * 909 + "x."
    assert len(long_line) > 10_000
    started = time.perf_counter()
    page = parse(f"Kazakhstan Exported a Million Tons\n\n{long_line}\n\n{'a' * 10_000}\n")
    # Generous: a quadratic scan of this line would take seconds, not milliseconds.
    assert time.perf_counter() - started < 1.0
    assert page.articles[0].paragraphs == (long_line, "a" * 10_000)


def test_a_long_hard_wrapped_paragraph_is_not_quadratic() -> None:
    wrapped = "\n".join(["the line goes on and on without a stop"] * 50_000)
    started = time.perf_counter()
    first = "It starts here and runs on for a good many words and"
    page = parse(f"Kazakhstan Exported a Million Tons\n\n{first}\n{wrapped}.\n")
    assert time.perf_counter() - started < 5.0
    (paragraph,) = page.articles[0].paragraphs
    assert paragraph.startswith(f"{first} the line goes on")
    assert paragraph.count("the line goes on") == 50_000


def test_unsupported_media_type_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="unsupported media type 'image/png'"):
        parse_page(b"x", "image/png")


def test_media_type_parameters_and_case_are_tolerated(sample_text: bytes, sample_page) -> None:
    assert parse_page(sample_text, "Text/Plain; charset=utf-8") == sample_page
