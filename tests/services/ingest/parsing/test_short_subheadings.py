"""A subheading of two or three words that names something its story tells
("Новые ставки" in a story on the key rate) stays in the story, however the
word is inflected; a short headline on another subject starts its own, and
so does one on a related subject that says what happened."""

from __future__ import annotations

from datetime import date

from services.ingest.parsing import parse_page
from services.ingest.parsing.clauses import names_a_thing, says_what_happened


def test_short_subheadings_stay_in_their_story(page_fixture) -> None:
    page = page_fixture("short-subheadings-ru.txt")
    assert page.page_date == date(2026, 12, 4)
    assert [(a.title, len(a.paragraphs)) for a in page.articles] == [
        ("Нацбанк Кыргызстана повысил учетную ставку до 10%", 8),
        ("В Оше открыли новый роддом", 1),
    ]
    rate = page.articles[0].paragraphs
    assert rate[2] == "Новые ставки"
    assert rate[5] == "Кредиты подорожают"


def test_a_short_headline_on_a_related_subject_starts_its_story(page_fixture) -> None:
    # "Ипотечные ставки снизятся" shares "ставк" with the story on the key rate
    # above, but says what happened and brings words of its own: a headline.
    page = page_fixture("related-rate-stories-ru.txt")
    assert page.page_date == date(2026, 12, 4)
    assert [(a.title, len(a.paragraphs)) for a in page.articles] == [
        ("Нацбанк повысил ставку", 2),
        ("Ипотечные ставки снизятся", 2),
        ("В Оше открыли новый роддом", 1),
    ]
    assert page.articles[1].paragraphs[0].startswith("Государственная ипотечная компания")


def test_an_english_short_headline_on_a_related_subject_starts_its_story(page_fixture) -> None:
    # English verbs are not read: one word shared ("rates") keeps no line in a story.
    page = page_fixture("related-rate-stories.txt")
    assert [(a.title, len(a.paragraphs)) for a in page.articles] == [
        ("Central bank raises key rate to 10%", 2),
        ("Mortgage rates fall", 2),
        ("New hospital opens in Osh", 1),
    ]


def test_a_headline_says_what_happened_a_subheading_names_a_thing() -> None:
    for headline in (
        "Ипотечные ставки снизятся",
        "Банки снизят ставки",
        "В Оше открыли парк",
        "Казахстан увеличит экспорт пшеницы",
        "ЦИК зарегистрировал кандидатов",
        "В Ташкенте прошел саммит",
    ):
        assert says_what_happened(headline)
    for subheading in (
        "Новые ставки",
        "Новые правила",
        "Курсы валют",
        "Кредит и лимит",
        "Детали сделки",
        "Результат и бюджет",
    ):
        assert not says_what_happened(subheading)
        assert names_a_thing(subheading)
    assert not names_a_thing("New rates")  # no Russian: its verbs are not read
    assert not names_a_thing("Жаңа мектеп ашылды")


def test_a_short_line_sharing_no_word_with_the_text_under_it_heads_a_part_of_its_story(
    page_fixture,
) -> None:
    # "What happens next", "Что дальше": the paragraph under them shares no word
    # with them and names no one the story has not met, so no new story starts;
    # a short headline whose lead names a place of its own ("Shares in Almaty")
    # or repeats its words ("биржи") still starts one.
    for name, titles, part in (
        (
            "generic-subheadings.txt",
            [
                "Kyrgyzstan and Tajikistan agree on final border section",
                "Markets close higher",
                "Tokayev signs budget",
            ],
            "What happens next",
        ),
        (
            "generic-subheadings-ru.txt",
            [
                "Нацбанк Казахстана сохранил базовую ставку на уровне 16,5%",
                "Биржа выросла",
                "Жапаров подписал закон о бюджете",
            ],
            "Что дальше",
        ),
    ):
        page = page_fixture(name)
        assert page.page_date == date(2026, 12, 2)
        assert [a.title for a in page.articles] == titles
        first = page.articles[0].paragraphs
        assert len(first) == 4 and first[2] == part
        assert [len(a.paragraphs) for a in page.articles[1:]] == [1, 1]


def test_a_short_line_over_text_that_goes_on_from_the_story_heads_a_part_of_it() -> None:
    # "Полученные средства компания направит …" opens as text going on from the
    # story above: "Размещение облигаций" over it is that story's subheading.
    page = parse_page(
        "Казахтелеком завершил продажу Kcell\n\n"
        "Алматы. 15 декабря. ИНТЕРФАКС-КАЗАХСТАН — АО «Казахтелеком» завершило сделку "
        "по продаже оператора Kcell.\n\n"
        "Сумма сделки составила 110 млрд тенге.\n\n"
        "Размещение облигаций\n\n"
        "Полученные средства компания направит на погашение облигаций и развитие сети.\n".encode(),
        "text/plain",
    )
    (story,) = page.articles
    assert story.paragraphs[2:] == (
        "Размещение облигаций",
        "Полученные средства компания направит на погашение облигаций и развитие сети.",
    )
