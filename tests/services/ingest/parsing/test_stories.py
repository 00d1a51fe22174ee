"""Where the next story starts when it shares words with the one above: names
alone (the country both are about) and a digest's next number start it."""

from __future__ import annotations

from services.ingest.parsing import parse_page


def _parse(text: str):
    return parse_page(text.encode(), "text/plain")


def test_a_headline_naming_the_country_of_the_story_above_starts_a_story(page_fixture) -> None:
    page = page_fixture("same-country-ru.txt")
    assert [a.title for a in page.articles] == [
        "Мажилис Казахстана принял закон о банкротстве физических лиц",
        "Экспорт зерна из Казахстана вырос на 12%",
    ]
    assert [len(a.paragraphs) for a in page.articles] == [3, 2]


def test_a_digests_next_number_starts_its_next_item(page_fixture) -> None:
    page = page_fixture("numbered-digest.txt")
    assert [a.title for a in page.articles] == [
        "Uzbekistan launches electronic visa for 50 more countries",
        "Samarkand airport opens second terminal",
        "Fergana valley rail line: first section completed",
        "Snow closes mountain roads in Tashkent region",
    ]
    assert [len(a.paragraphs) for a in page.articles] == [2, 1, 2, 1]


def test_a_subheading_sharing_the_storys_subject_words_stays_in_it() -> None:
    page = _parse(
        "Kazakhstan raises fuel prices\n"
        "Prices for petrol will rise by 5% from January, the energy ministry said.\n\n"
        "Fuel prices in the region\n"
        "Petrol prices in Kyrgyzstan rose by 3% this year, the ministry said.\n"
    )
    (article,) = page.articles
    assert article.paragraphs[1] == "Fuel prices in the region"


def test_a_section_label_between_stories_is_left_out(page_fixture) -> None:
    page = page_fixture("section-labels.txt")
    assert [a.title for a in page.articles] == [
        "Parliament approves new cabinet structure",
        "Bishkek schools move to a five-day week",
        "Кыргызстан увеличил экспорт золота на 8%",
    ]
    assert [len(a.paragraphs) for a in page.articles] == [2, 2, 2]
    left = {k["kind"]: k for k in page.diagnostics.as_json()["left_out"]["kinds"]}
    assert left["section labels"]["blocks"] == 2  # "Society", "ЭКОНОМИКА"
    assert left["before the first headline"]["blocks"] == 2  # the name, "POLITICS"


def test_a_short_line_over_the_storys_own_prose_stays_in_it() -> None:
    page = _parse(
        "Kazakhstan raises fuel prices\n"
        "Prices for petrol will rise by 5% from January, the energy ministry said.\n\n"
        "Background\n\n"
        "Prices were last raised in 2024, when the ministry lifted the cap on diesel.\n"
    )
    (article,) = page.articles
    assert "Background" in article.paragraphs
